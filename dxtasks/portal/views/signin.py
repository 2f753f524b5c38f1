"""Sign-in with throttling of repeated failures (see throttle.py)."""
from django.contrib.auth import views as auth_views

from ..forms import ThrottledAuthenticationForm


class SignInView(auth_views.LoginView):
    authentication_form = ThrottledAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
