"""Sign-in. Lockout after repeated failures is django-axes' (dxtasks/accounts/lockout.py)."""

from django.contrib.auth import views as auth_views

from ..forms import SignInForm


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True
