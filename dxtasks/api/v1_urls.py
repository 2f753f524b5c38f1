"""The JSON API's URLconf (django-ninja), imported on first use: see dxtasks/api/urls.py."""

from .api import api

urlpatterns, app_name, _namespace = api.urls
