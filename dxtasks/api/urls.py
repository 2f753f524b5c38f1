from django.urls import path, re_path

from . import views
from .api import api
from .problems import problem

app_name = "api_tokens"
urlpatterns = [
    path("api-tokens/", views.token_page, name="tokens"),
    path("api-tokens/new/", views.create_token, name="create"),
    path("api-tokens/<int:pk>/revoke/", views.revoke_token, name="revoke"),
]


def unknown_api_path(request, rest=""):
    """Any other /api/ address: a problem document, not the portal's HTML page."""
    return problem(404, "No such API path; see /api/v1/docs.", kind="not-found")


api_urlpatterns = [path("api/v1/", api.urls), re_path(r"^api/(?P<rest>.*)$", unknown_api_path)]
