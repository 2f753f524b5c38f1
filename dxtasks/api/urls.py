from django.urls import path

from . import views
from .api import api

app_name = "api_tokens"
urlpatterns = [
    path("api-tokens/", views.token_page, name="tokens"),
    path("api-tokens/new/", views.create_token, name="create"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_token, name="revoke"),
]

api_urlpatterns = [path("api/v1/", api.urls)]
