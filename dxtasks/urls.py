from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dxtasks.calendars.urls")),  # feeds/… and subscribe/
    path("briefings/", include("dxtasks.briefings.urls")),
    path("reminders/", include("dxtasks.reminders.urls")),
    # The portal first: its throttled sign-in replaces contrib.auth's login view.
    path("", include("dxtasks.portal.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
]
