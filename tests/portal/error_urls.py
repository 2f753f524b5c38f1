"""The project's URLs plus two views that fail, to see the 400 and 500 pages."""

from django.core.exceptions import BadRequest
from django.urls import path

from dxtasks.urls import handler400, handler403, handler404, handler500  # noqa: F401
from dxtasks.urls import urlpatterns as project_urls


def fails(request):
    raise RuntimeError("a bug")


def malformed(request):
    raise BadRequest("malformed")


urlpatterns = [path("test-fails/", fails), path("test-malformed/", malformed), *project_urls]
