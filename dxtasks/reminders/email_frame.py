"""The frame every dxtasks email shares: one section per language, the reader's first, and its headers.

A section is a dict with at least "language", "greeting", "intro" and
"automatic"; what follows its intro is the email's own (`body(section)`: the
digest writes it in code, a notice from its section templates). The HTML
page around the sections, and the text's separator and signature, are
written here once for both.

Code rather than a template because the reminder sweep writes 5,000 digests
a morning: their two templates (this frame and the digest's block) took 2.6 s
of a 13.4 s first sweep at 100,000 directives.
"""

from collections.abc import Callable
from email.utils import make_msgid
from html import escape
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

LANGUAGES = ("vi", "en")
SEPARATOR = "\n----------------------------------------------------------------\n\n"


def reading_order(language: str) -> tuple[str, ...]:
    """The languages of an email: the reader's first, then the others."""
    return (language, *[lang for lang in LANGUAGES if lang != language]) if language in LANGUAGES else LANGUAGES


def message(
    *, subject: str, text: str, html: str, recipient: str, preferences: str, connection=None
) -> EmailMultiAlternatives:
    """The email itself: text with its HTML alternative, marked automatic, unsubscribing at `preferences`."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[recipient],
        connection=connection,
        headers={
            "Message-ID": make_msgid("dxtasks", domain=domain),
            "List-Unsubscribe": f"<{preferences}>",
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    email.attach_alternative(html, "text/html")
    return email


def escape_html(value: object) -> str:
    """What a template's autoescape writes (`conditional_escape`): safe strings as they are, the rest escaped."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape(str(value))


def html_page(sections: list[dict], body: Callable[[dict], str]) -> str:
    """The whole HTML email; `body(section)` is the section's HTML after its intro, already escaped."""
    parts = [
        f'<!doctype html>\n<html lang="{escape_html(sections[0]["language"])}">\n'
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>dxtasks</title>'
        '</head>\n<body style="margin:0;padding:0;background:#f2f4f7;">\n'
        '<div style="max-width:680px;margin:0 auto;padding:24px 16px;font-family:Arial,Helvetica,sans-serif;'
        'color:#101828;line-height:1.45;">\n'
        '<div style="background:#ffffff;border:1px solid #e4e7ec;border-radius:6px;padding:24px;">\n'
        '<p style="margin:0 0 20px 0;font-size:13px;letter-spacing:.04em;color:#b42318;font-weight:bold;">'
        "DXTASKS</p>\n"
    ]
    for n, s in enumerate(sections):
        parts.append(
            f'\n<div lang="{escape_html(s["language"])}" style="margin:0 0 28px 0;">\n'
            f'<p style="margin:0 0 12px 0;font-size:15px;">{escape_html(s["greeting"])}</p>\n'
            f'<p style="margin:0 0 16px 0;font-size:15px;">{escape_html(s["intro"])}</p>\n'
            f"{body(s)}</div>\n"
        )
        if n < len(sections) - 1:
            parts.append('<hr style="border:0;border-top:1px solid #e4e7ec;margin:8px 0 24px 0;">')
        parts.append("\n")
    automatic = "".join(f"{escape_html(s['automatic'])} " for s in sections)
    parts.append(f'\n</div>\n<p style="font-size:12px;color:#667085;margin:12px 4px;">{automatic}</p>\n</div>\n')
    parts.append("</body>\n</html>\n")
    return "".join(parts)


def text_page(sections: list[dict], body: Callable[[dict], str]) -> str:
    """The whole text email; `body(section)` is the section's text after its intro."""
    parts = []
    for n, s in enumerate(sections):
        parts.append(f"{s['greeting']}\n\n{s['intro']}{body(s)}")
        if n < len(sections) - 1:
            parts.append(SEPARATOR)
    parts.append("\n-- \n" + "".join(f"{s['automatic']}\n" for s in sections) + "\n")
    return "".join(parts)
