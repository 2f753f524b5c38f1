"""Error reporting: Sentry (sentry-sdk) when SENTRY_DSN is set, nothing otherwise.

Unhandled exceptions in requests (the Django integration) and every ERROR
log record (the logging integration: a failed sweep, a failed briefing task
in a django-q worker) become events. No personal data: no cookies, no
user, no request bodies (`send_default_pii=False`).
"""


def init_sentry(dsn: str, *, environment: str, release: str | None, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        send_default_pii=False,
        integrations=[DjangoIntegration()],
    )
