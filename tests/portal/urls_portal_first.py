"""The project's URLs with the portal's throttled sign-in ahead of django.contrib.auth's.

This is the order requested for dxtasks/urls.py (see docs/portal.md); the
throttle tests use it so they prove the view that production will route to.
"""
from django.urls import include, path

from dxtasks.urls import urlpatterns as project_patterns

urlpatterns = [path("", include("dxtasks.portal.urls"))] + [
    p for p in project_patterns if getattr(p, "namespace", None) != "portal"
]
