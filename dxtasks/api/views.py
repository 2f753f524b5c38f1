"""The page where a user creates and revokes their API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import tokens
from .models import ApiToken, Scope

SESSION_NEW_TOKEN = "api.new_token"


@login_required
def token_page(request: HttpRequest) -> HttpResponse:
    # A new token is shown once: taken out of the session by the page that shows it.
    new_token = request.session.pop(SESSION_NEW_TOKEN, None)
    response = render(
        request,
        "api/tokens.html",
        {
            "tokens": ApiToken.objects.filter(owner=request.user, revoked_at__isnull=True),
            "new_token": new_token,
            "scopes": Scope.choices,
            "site_url": request.build_absolute_uri("/").rstrip("/"),
        },
    )
    response["Cache-Control"] = "private, no-store"  # the page may hold a secret
    return response


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    try:
        issued = tokens.issue_token(
            owner=request.user, name=request.POST.get("name", ""), scope=request.POST.get("scope", Scope.READ)
        )
    except tokens.ApiTokenError as exc:
        messages.error(request, str(exc))
    else:
        request.session[SESSION_NEW_TOKEN] = {"pk": issued.token.pk, "name": issued.token.name, "secret": issued.secret}
    return HttpResponseRedirect(reverse("api_tokens:tokens"))


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, owner=request.user, revoked_at__isnull=True)
    tokens.revoke_token(token=token)
    messages.success(
        request,
        _("Đã thu hồi mã API “%(name)s”; chương trình dùng mã này không truy cập được nữa.") % {"name": token.name},
    )
    return HttpResponseRedirect(reverse("api_tokens:tokens"))
