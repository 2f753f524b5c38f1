# Mounted at "reminders/" by dxtasks/urls.py.
from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("preferences/", views.my_preferences, name="my_preferences"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]
