from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dxtasks.api.urls import api_urlpatterns
from dxtasks.portal.views.signin import SignInView

# Accounts: sign-in (throttled by django-axes, as /admin/login/ is), sign-out, password change.
# No password reset: the secretariat resets passwords (README "Security"), so none of
# contrib.auth's reset views (mail to any address, links from the Host header) is routed.
accounts = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    *api_urlpatterns,  # /api/v1/ (JSON; its own errors, never the portal's pages)
    path("", include("dxtasks.api.urls")),  # api-tokens/
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include(accounts)),
    path("", include("dxtasks.calendars.urls")),  # feeds/… and subscribe/
    path("briefings/", include("dxtasks.briefings.urls")),
    path("reminders/", include("dxtasks.reminders.urls")),
    path("", include("dxtasks.portal.urls")),
]

# The portal's own error pages (with DEBUG on, dxtasks.portal.errors.ErrorPagesMiddleware uses them too).
handler400 = "dxtasks.portal.errors.bad_request"
handler403 = "dxtasks.portal.errors.permission_denied"
handler404 = "dxtasks.portal.errors.page_not_found"
handler500 = "dxtasks.portal.errors.server_error"
