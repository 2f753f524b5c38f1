"""Signed links to a recipient's reminder preferences, and what they may choose.

The link carries the address, signed with SECRET_KEY, so an agency contact
without an account can open it from the email. It does not expire (an
unsubscribe link must keep working), and rotating SECRET_KEY revokes all.
"""

from django.core import signing

SALT = "dxtasks.reminders.preferences"


def preferences_token(email: str) -> str:
    return signing.dumps(email.strip().lower(), salt=SALT, compress=True)


def email_from_token(token: str) -> str:
    """The address the token was made for; raises signing.BadSignature if tampered."""
    return signing.loads(token, salt=SALT)
