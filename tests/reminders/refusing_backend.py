"""A real mail backend for tests: locmem, except that it refuses some addresses or is "down".

Plugged in through EMAIL_BACKEND like any backend; the sweep does not know it
is a test. `REFUSED` addresses raise SMTPRecipientsRefused, as an SMTP server
refusing a mailbox does; `DOWN` makes every send raise SMTPServerDisconnected.
"""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

REFUSED: set[str] = set()
DOWN = {"down": False}


class RefusingBackend(EmailBackend):
    def send_messages(self, messages):
        if DOWN["down"]:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        for message in messages:
            refused = {r: (550, b"5.1.1 mailbox unavailable") for r in message.recipients() if r in REFUSED}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)
