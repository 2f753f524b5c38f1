"""Reminders through Django's real SMTP backend to a real SMTP server (aiosmtpd, started here)."""

import asyncio
import socket
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from dxtasks.reminders.models import Delivery, Outcome
from dxtasks.reminders.sweep import run_sweep

from .conftest import day

QUAN = "quan@bca.example.gov.vn"
pytestmark = pytest.mark.django_db


class Handler:
    """Accepts, refuses (550 at RCPT) or answers DATA only after `delay` seconds."""

    def __init__(self, refuse: bool = False, delay: float = 0):
        self.refuse, self.delay = refuse, delay
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """Start an SMTP server on a free local port and point Django's SMTP backend at it."""
    controllers = []

    def start(**handler_options) -> Handler:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        handler = Handler(**handler_options)
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def test_a_digest_reaches_a_real_smtp_server_and_is_recorded_sent(smtp_server, directive_due):
    server = smtp_server()
    directive_due(day("2025-03-12"), reference="SMTP-1")
    summary = run_sweep(day("2025-03-12"))
    assert summary.emails_sent == 1
    [(rcpt_tos, content)] = server.received
    assert rcpt_tos == [QUAN]
    message = message_from_bytes(content)
    assert message["To"] == QUAN and message["Message-ID"]
    delivery = Delivery.objects.get()
    assert delivery.outcome == Outcome.SENT and delivery.message_id == message["Message-ID"]


def test_a_refusing_server_leaves_the_reminder_failed_for_a_retry_not_sent(smtp_server, directive_due):
    server = smtp_server(refuse=True)
    directive_due(day("2025-03-12"))
    summary = run_sweep(day("2025-03-12"))
    assert summary.emails_sent == 0 and summary.emails_failed == 1 and server.received == []
    delivery = Delivery.objects.get()
    assert delivery.outcome == Outcome.FAILED and delivery.attempts == 1
    assert "SMTPRecipientsRefused" in delivery.error and "Mailbox unavailable" in delivery.error
    assert delivery.next_attempt_at is not None


def test_a_slow_server_times_out_after_email_timeout_and_the_reminder_is_retried(smtp_server, directive_due, settings):
    smtp_server(delay=5)
    settings.EMAIL_TIMEOUT = 1
    directive_due(day("2025-03-12"))
    started = time.monotonic()
    summary = run_sweep(day("2025-03-12"))
    assert time.monotonic() - started < 4  # the sweep does not wait for the slow server
    assert summary.emails_failed == 1 and summary.emails_sent == 0
    delivery = Delivery.objects.get()
    assert delivery.outcome == Outcome.FAILED and "timed out" in delivery.error.lower()


def test_sendtestemail_goes_through_the_configured_smtp_server(smtp_server):
    server = smtp_server()
    call_command("sendtestemail", "ops@most.example.gov.vn")
    [(rcpt_tos, content)] = server.received
    assert rcpt_tos == ["ops@most.example.gov.vn"]
    assert "Test email from" in message_from_bytes(content)["Subject"]
