"""The recipient's reminder preferences, reached by the signed link in every digest."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm
from .models import Frequency, NoticeTiming, RecipientPreference
from .preferences import email_from_token, preferences_token
from .selectors import directives_for_address


@never_cache  # the page is reached by a secret link and shows the address: no copy in any cache
@require_http_methods(["GET", "POST"])
def preferences(request, token: str):
    try:
        email = email_from_token(token)
    except signing.BadSignature:
        return render(request, "reminders/preferences_invalid.html", status=404)
    preference = RecipientPreference.objects.filter(email=email).first()
    # Exactly the directives whose reminders the sweep sends to this address (its own rule).
    directives = directives_for_address(email, timezone.localdate())
    muted_ids = set(preference.muted.values_list("pk", flat=True)) if preference else set()
    initial = {
        "frequency": preference.frequency if preference else Frequency.DAILY,
        "muted": sorted(muted_ids),
        "notices": preference.notices if preference else NoticeTiming.IMMEDIATE,
    }
    form = PreferencesForm(request.POST or None, initial=initial, directives=directives)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            preference, _created = RecipientPreference.objects.update_or_create(
                email=email,
                defaults={
                    "frequency": form.cleaned_data["frequency"],
                    "notices": form.cleaned_data["notices"] or initial["notices"],
                },
            )
            shown = {row["id"] for row in directives}
            # Mutes of directives no longer listed (closed, reassigned) are kept as they were.
            keep = set(preference.muted.values_list("pk", flat=True)) - shown
            preference.muted.set(keep | set(form.cleaned_data["muted"]))
        messages.success(request, _("Đã lưu tùy chọn nhận email nhắc."))
        return redirect(request.path)
    return render(request, "reminders/preferences.html", {"form": form, "email": email, "directives": directives})


@login_required
def my_preferences(request):
    """A signed-in user's own preferences: the same page as the emails' signed link."""
    if not (request.user.email or "").strip():
        messages.error(request, _("Tài khoản của anh/chị chưa có địa chỉ email nên không nhận được email."))
        return redirect("portal:inbox")
    return redirect("reminders:preferences", token=preferences_token(request.user.email))
