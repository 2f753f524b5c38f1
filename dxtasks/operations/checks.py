"""Deploy checks (`manage.py check --deploy`) for what Django's own do not see."""

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that accept every message without delivering it to anyone.
NON_DELIVERING_BACKENDS = {
    "dxtasks.mailfiles.EmlFileBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_mail_delivers(app_configs, **kwargs):
    """With DEBUG off, reminders must reach people: a file or console backend marks them sent and sends nothing."""
    if settings.DEBUG or settings.EMAIL_ALLOW_NON_DELIVERING:
        return []
    if settings.EMAIL_BACKEND not in NON_DELIVERING_BACKENDS:
        return []
    return [
        Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: with DEBUG off, reminders would be written to files "
            "or the console and recorded as sent, so nobody would ever receive them.",
            hint="Set EMAIL_URL (e.g. smtp+tls://user:password@mail.example.gov.vn:587), or set "
            "EMAIL_ALLOW_NON_DELIVERING=1 if this installation is deliberately not sending mail.",
            id="dxtasks.E001",
        )
    ]
