# Mounted at "briefings/" by dxtasks/urls.py.
from django.urls import path

from . import views

app_name = "briefings"
urlpatterns = [
    path("", views.overall, name="overall"),
    path("meeting/<int:number>/", views.meeting, name="meeting"),
    path("agency/<str:code>/", views.agency, name="agency"),
    path("prepared/<int:pk>/", views.stored, name="stored"),
    path("prepared/<int:pk>/briefing.pdf", views.download, name="download"),
]
