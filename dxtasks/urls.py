from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("feeds/", include("dxtasks.calendars.urls")),
    path("briefings/", include("dxtasks.briefings.urls")),
    path("reminders/", include("dxtasks.reminders.urls")),
    path("", include("dxtasks.portal.urls")),
]
