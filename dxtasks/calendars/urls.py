from django.urls import path

from . import views

app_name = "calendars"
urlpatterns = [
    path("feeds/<str:token>.ics", views.feed, name="feed"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/new/", views.create_feed, name="create"),
    path("subscribe/<int:pk>/regenerate/", views.regenerate_feed, name="regenerate"),
    path("subscribe/<int:pk>/revoke/", views.revoke_feed, name="revoke"),
]
