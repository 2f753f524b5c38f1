from django.urls import path, re_path
from django.urls.resolvers import RoutePattern, URLResolver

from . import views
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


class LazyResolver(URLResolver):
    """A namespaced URLconf imported when one of its own addresses is resolved or reversed.

    Django's resolver populates every included URLconf when any name is first
    reversed (`reverse("portal:register")` on every page), although a
    namespaced one contributes only its namespace to its parent. This one
    waits until its own names are wanted: a reverse("api:…"), a request under
    its prefix, or `manage.py check` (which resolves every pattern, so a
    broken API still fails the checks).
    """

    def _populate(self):
        if "urlconf_module" in self.__dict__:  # imported (cached_property): its names can be listed
            super()._populate()

    def _reverse_with_prefix(self, *args, **kwargs):
        self.urlconf_module  # noqa: B018 — import it now: one of its names is being reversed
        return super()._reverse_with_prefix(*args, **kwargs)

    @property
    def reverse_dict(self):
        self.urlconf_module  # noqa: B018
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self.urlconf_module  # noqa: B018
        return super().namespace_dict

    @property
    def app_dict(self):
        self.urlconf_module  # noqa: B018
        return super().app_dict


# /api/v1/ (django-ninja): its routes and pydantic schemas cost more to import than the rest of the URLconf,
# and a portal page never needs them (the first request of a fresh process paid for them).
api_urlpatterns = [
    LazyResolver(RoutePattern("api/v1/"), "dxtasks.api.v1_urls", app_name="ninja", namespace="api"),
    re_path(r"^api/(?P<rest>.*)$", unknown_api_path),
]
