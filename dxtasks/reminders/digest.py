"""One email per recipient: their directives grouped, Vietnamese with English below.

The body is written in both languages, the recipient's own first, inside
the frame every dxtasks email shares (email_frame.py). Workers have no
request, so everything it shows (translated labels, links, dates, days left)
is computed here, once per language. It is written as code, not templates: a
first sweep writes 5,000 digests, and the templates were a fifth of its time;
tests/reminders/test_digest_golden.py pins the bytes they wrote.
"""

import datetime
import uuid
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dxtasks.formats import short_date

from . import email_frame
from .models import Kind
from .policy import Policy
from .preferences import preferences_token

OVERDUE, DUE_TODAY, DUE_SOON, PROGRESS = "overdue", "due_today", "due_soon", "progress"
GROUP_ORDER = (OVERDUE, DUE_TODAY, DUE_SOON, PROGRESS)
GROUP_COLOURS = {OVERDUE: "#b42318", DUE_TODAY: "#c4320a", DUE_SOON: "#b54708", PROGRESS: "#175cd3"}


@dataclass
class DigestItem:
    directive_id: int
    reference: str
    title_vi: str
    title_en: str
    due_date: datetime.date | None
    precision: str
    lead_vi: str
    lead_en: str
    lead_short: str
    url: str
    group: str
    days_left: int | None  # negative when overdue
    kinds: set = field(default_factory=set)
    share_id: int | None = None  # one agency's share of a collective directive (lead_* is that agency)

    @property
    def escalated(self) -> bool:
        return Kind.ESCALATION in self.kinds

    @property
    def days_overdue(self) -> int | None:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else None


def group_for(kind: str, due: datetime.date | None, today: datetime.date) -> str:
    if kind == Kind.PROGRESS or due is None:
        return PROGRESS
    if due < today:
        return OVERDUE
    return DUE_TODAY if due == today else DUE_SOON


def directive_url(public_id) -> str:
    """The same path as Directive.get_absolute_url(), without building a model per row.

    `public_id`: a UUID, or its text as the reminder rows read it (SQLite stores 32 hex digits, PostgreSQL
    gives the hyphenated form): written hyphenated either way."""
    return f"{settings.SITE_URL}/directives/{uuid.UUID(str(public_id))}/"


def make_item(row: dict, kind: str, today: datetime.date) -> DigestItem:
    """From a reminder row (`selectors.DIRECTIVE_FIELDS`)."""
    due = row["due_date"]
    return DigestItem(
        directive_id=row["id"],
        reference=row["reference"],
        title_vi=row["title_vi"],
        title_en=row["title_en"] or row["title_vi"],
        due_date=due,
        precision=row["deadline_precision"],
        lead_vi=row["lead_agency__name_vi"],
        lead_en=row["lead_agency__name_en"],
        lead_short=row["lead_agency__short_name_vi"],
        url=directive_url(row["public_id"]),
        group=group_for(kind, due, today),
        days_left=(due - today).days if due else None,
        kinds={kind},
        share_id=row.get("share_id"),
    )


def merge_items(items: list[DigestItem]) -> list[DigestItem]:
    """One line per directive (per share of a collective one), even when it is both the owner's reminder
    and an escalation."""
    merged: dict[tuple, DigestItem] = {}
    for item in items:
        key = (item.directive_id, item.share_id)
        if key in merged:
            merged[key].kinds |= item.kinds
        else:
            merged[key] = item
    return list(merged.values())


def grouped(items: list[DigestItem]) -> list[tuple[str, list[DigestItem]]]:
    by_group: dict[str, list[DigestItem]] = {g: [] for g in GROUP_ORDER}
    for item in items:
        by_group[item.group].append(item)
    by_group[OVERDUE].sort(key=lambda i: (i.days_left, i.reference))  # longest overdue first
    for name in (DUE_TODAY, DUE_SOON):
        by_group[name].sort(key=lambda i: (i.days_left, i.reference))
    by_group[PROGRESS].sort(key=lambda i: i.reference)
    return [(name, by_group[name]) for name in GROUP_ORDER if by_group[name]]


def subject_for(counts: dict[str, int], language: str) -> str:
    """ "[dxtasks] 2 quá hạn, 1 sắp đến hạn" — the counts that are not zero."""
    with translation.override(language):
        labels = {
            OVERDUE: lambda n: ngettext("%(n)d quá hạn", "%(n)d quá hạn", n),
            DUE_TODAY: lambda n: ngettext("%(n)d đến hạn hôm nay", "%(n)d đến hạn hôm nay", n),
            DUE_SOON: lambda n: ngettext("%(n)d sắp đến hạn", "%(n)d sắp đến hạn", n),
            PROGRESS: lambda n: ngettext("%(n)d cần báo cáo tiến độ", "%(n)d cần báo cáo tiến độ", n),
        }
        parts = [labels[g](counts[g]) % {"n": counts[g]} for g in GROUP_ORDER if counts.get(g)]
        return "[dxtasks] " + ", ".join(parts)


@lru_cache(maxsize=1)
def _preferences_path_template() -> str:
    return reverse("reminders:preferences", args=["TOKEN"])


def preferences_url(email: str) -> str:
    return settings.SITE_URL + _preferences_path_template().replace("TOKEN", preferences_token(email))


def _headings() -> dict[str, str]:
    return {
        OVERDUE: _("Quá hạn"),
        DUE_TODAY: _("Đến hạn hôm nay"),
        DUE_SOON: _("Sắp đến hạn"),
        PROGRESS: _("Đề nghị báo cáo tiến độ"),
    }


@lru_cache(maxsize=4096)
def _days_text(language: str, precision: str, days_left: int | None) -> str:
    """What the digest says of a deadline; cached: a sweep writes the same few hundred texts thousands of times."""
    with translation.override(language):
        if days_left is None:
            return _("Cần làm sớm") if precision == "asap" else _("Thường xuyên")
        if days_left < 0:
            n = -days_left
            return ngettext("Quá hạn %(n)s ngày", "Quá hạn %(n)s ngày", n) % {"n": n}
        if days_left == 0:
            return _("Hạn hôm nay")
        return ngettext("Còn %(n)s ngày", "Còn %(n)s ngày", days_left) % {"n": days_left}


@lru_cache(maxsize=16)
def _labels(language: str, escalate_after: int) -> dict[str, object]:
    """The strings of a section that do not depend on the digest, translated once per language per process."""
    with translation.override(language):
        escalation = _("Báo cáo lãnh đạo")
        return {
            "headings": _headings(),
            "escalation": escalation,
            "escalation_note": _(
                "Nhiệm vụ đánh dấu “%(label)s” đã quá hạn trên %(escalate_after)s ngày: nhắc cả lãnh "
                "đạo cơ quan chủ trì và Thư ký Ủy ban."
            )
            % {"label": escalation, "escalate_after": escalate_after},
            "greeting": _("Kính gửi anh/chị,"),
            "lead_label": _("Chủ trì"),
            "due_label": _("Hạn"),
            "update_hint": _("Cập nhật tiến độ hoặc đề nghị gia hạn ngay trên trang của từng nhiệm vụ."),
            "preferences_hint": _("Chọn nhận email hằng ngày hay hằng tuần, hoặc tắt nhắc một nhiệm vụ:"),
            "preferences_label": _("tùy chọn nhận nhắc"),
            "automatic": _("Email tự động từ dxtasks, vui lòng không trả lời."),
        }


def _line_values(language: str, labels: dict, item: DigestItem) -> dict[str, object]:
    """What one digest line shows in `language` (the due date in the active language, as the template wrote it)."""
    english = language == "en"
    return {
        "reference": item.reference,
        "url": item.url,
        "title": item.title_en if english else item.title_vi,
        "lead": item.lead_en if english else item.lead_vi,
        "due": _short_date(translation.get_language(), item.due_date) if item.due_date else "",
        "days": _days_text(language, item.precision, item.days_left),
        "late": item.days_left is not None and item.days_left <= 0,
        "escalation": labels["escalation"] if item.escalated else "",
        "due_label": labels["due_label"],
        "lead_label": labels["lead_label"],
    }


@lru_cache(maxsize=256)
def _short_date(_active_language: str | None, day: datetime.date) -> str:
    return short_date(day)


def _line_key(language: str, item: DigestItem) -> tuple:
    """Everything a line's text depends on (labels and dates depend on the languages, set per process)."""
    return (
        language,
        translation.get_language(),
        item.reference,
        item.url,
        item.title_en if language == "en" else item.title_vi,
        item.lead_en if language == "en" else item.lead_vi,
        item.due_date,
        item.precision,
        item.days_left,
        item.escalated,
    )


# A sweep lists each line in one or a few digests (escalations: the leadership's and every secretariat
# member's); bounded so a long-running worker does not grow.
_LINES: dict[tuple, tuple[str, str]] = {}
_LINES_MAX = 50_000


def _line(language: str, labels: dict, item: DigestItem) -> tuple[str, str]:
    """The line's text and HTML, byte for byte what the digest's templates wrote (the golden digests pin it)."""
    key = _line_key(language, item)
    found = _LINES.get(key)
    if found is not None:
        return found
    v = _line_values(language, labels, item)
    text = (
        f"\n* {v['reference']} — {v['title']}\n  "
        + (f"{v['due_label']}: {v['due']} · " if v["due"] else "")
        + f"{v['days']}\n  {v['lead_label']}: {v['lead']}"
        + (f"\n  [{v['escalation']}]" if v["escalation"] else "")
        + f"\n  {v['url']}\n"
    )
    e = {name: email_frame.escape_html(value) if isinstance(value, str) else value for name, value in v.items()}
    html = (
        '<tr>\n<td style="padding:8px 10px;border-bottom:1px solid #e4e7ec;vertical-align:top;">'
        f'<a href="{e["url"]}" style="color:#175cd3;font-weight:bold;text-decoration:none;">{e["reference"]}</a>'
        f' — {e["title"]}<br><span style="color:#475467;">{e["lead_label"]}: {e["lead"]}</span>'
        + (
            ' <strong style="color:#ffffff;background:#b42318;border-radius:3px;padding:0 5px;font-size:12px;">'
            f"{e['escalation']}</strong>"
            if v["escalation"]
            else ""
        )
        + "</td>\n"
        '<td style="padding:8px 10px;border-bottom:1px solid #e4e7ec;vertical-align:top;white-space:nowrap;'
        'text-align:right;">'
        + (f"{e['due_label']}: {e['due']}<br>" if v["due"] else "")
        + (f'<strong style="color:#b42318;">{e["days"]}</strong>' if v["late"] else f"{e['days']}")
        + "</td>\n</tr>\n"
    )
    if len(_LINES) >= _LINES_MAX:
        _LINES.clear()
    _LINES[key] = (text, html)
    return text, html


def capped(groups, limit: int) -> tuple[list[tuple[str, list[DigestItem]]], dict[str, int]]:
    """At most `limit` lines per group (the longest overdue first: `grouped` sorts them), and how many were left out.

    An escalation digest of the secretariat can hold thousands of directives;
    the email lists the worst and links to the register for the rest.
    """
    if limit <= 0:
        return groups, {}
    shown = [(name, items[:limit]) for name, items in groups]
    left_out = {name: len(items) - limit for name, items in groups if len(items) > limit}
    return shown, left_out


def more_url(group: str) -> str:
    """The register filtered to the group's directives (the full list behind a capped digest)."""
    status = {OVERDUE: "overdue"}.get(group, "")
    return f"{settings.SITE_URL}/directives/" + (f"?status={status}" if status else "")  # the portal's register


def section(
    language: str,
    groups,
    *,
    today: datetime.date,
    total: int,
    escalate_after: int,
    left_out: dict[str, int] | None = None,
) -> dict:
    """Everything one language's part of the digest says, translated here once.

    `build_digest` then only places strings: writing 5,000 digests stays fast. The
    constant labels and the day texts are translated once per process (`_labels`,
    `_days_text`), not once per digest.
    """
    labels = _labels(language, escalate_after)
    headings = labels["headings"]
    left_out = left_out or {}
    with translation.override(language):
        intro = ngettext(
            "Hệ thống theo dõi nhiệm vụ của Ủy ban Quốc gia về chuyển đổi số nhắc %(total)s nhiệm vụ cần anh/chị "
            "quan tâm ngày %(day)s:",
            "Hệ thống theo dõi nhiệm vụ của Ủy ban Quốc gia về chuyển đổi số nhắc %(total)s nhiệm vụ cần anh/chị "
            "quan tâm ngày %(day)s:",
            total,
        ) % {"total": total, "day": short_date(today)}
        more = {
            name: ngettext(
                "… và %(n)s nhiệm vụ khác: xem danh sách đầy đủ",
                "… và %(n)s nhiệm vụ khác: xem danh sách đầy đủ",
                n,
            )
            % {"n": n}
            for name, n in left_out.items()
            if n
        }
    # Each line written once per (line, language) and reused by every digest listing it.
    lines = {name: [_line(language, labels, item) for item in items] for name, items in groups}
    return {
        "language": language,
        "greeting": labels["greeting"],
        "escalation_note": labels["escalation_note"] if any(i.escalated for _n, g in groups for i in g) else "",
        "intro": intro,
        "lead_label": labels["lead_label"],
        "due_label": labels["due_label"],
        "update_hint": labels["update_hint"],
        "preferences_hint": labels["preferences_hint"],
        "preferences_label": labels["preferences_label"],
        "automatic": labels["automatic"],
        "groups": [
            {
                "name": name,
                "heading": headings[name],
                "colour": GROUP_COLOURS[name],
                "count": len(items) + left_out.get(name, 0),
                "more": more.get(name, ""),
                "more_url": more_url(name) if name in more else "",
                "items_text": "".join(text for text, _html in lines[name]),
                "items_html": mark_safe("".join(html for _text, html in lines[name])),
            }
            for name, items in groups
        ],
    }


def _html_body(s: dict, preferences: str) -> str:
    """A section's HTML after its intro: the escalation note, the groups and their lines, the hints."""
    e = email_frame.escape_html
    parts = [
        f'<p style="margin:0 0 16px 0;font-size:14px;color:#b42318;">{e(s["escalation_note"])}</p>'
        if s["escalation_note"]
        else "",
        "\n",
    ]
    for group in s["groups"]:
        parts.append(
            '\n<h2 style="font-size:16px;margin:20px 0 8px 0;padding:6px 10px;border-left:4px solid '
            f'{e(group["colour"])};background:#f8f9fb;">{e(group["heading"])} ({e(group["count"])})</h2>\n'
            '<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;'
            f'font-size:14px;">\n{e(group["items_html"])}</table>\n'
        )
        if group["more"]:
            parts.append(
                f'<p style="margin:8px 10px;font-size:14px;"><a href="{e(group["more_url"])}" style="color:#175cd3;">'
                f"{e(group['more'])}</a></p>"
            )
        parts.append("\n")
    parts.append(
        f'\n<p style="margin:16px 0 0 0;font-size:13px;color:#475467;">{e(s["update_hint"])} '
        f'{e(s["preferences_hint"])} <a href="{e(preferences)}" style="color:#175cd3;">'
        f"{e(s['preferences_label'])}</a>.</p>\n"
    )
    return "".join(parts)


def _text_body(s: dict, preferences: str) -> str:
    """A section's text after its intro."""
    parts = [f"\n{s['escalation_note']}" if s["escalation_note"] else "", "\n"]
    for group in s["groups"]:
        parts.append(f"\n== {group['heading']} ({group['count']}) ==\n{group['items_text']}")
        if group["more"]:
            parts.append(f"\n{group['more']}: {group['more_url']}\n")
    parts.append(f"\n{s['update_hint']}\n{s['preferences_hint']}\n{preferences}\n")
    return "".join(parts)


def build_digest(
    *, recipient: str, language: str, items: list[DigestItem], today: datetime.date, connection=None
) -> EmailMultiAlternatives:
    items = merge_items(items)
    groups = grouped(items)
    counts = {name: len(group) for name, group in groups}
    policy = Policy.from_settings()
    groups, left_out = capped(groups, policy.digest_max_items)
    languages = email_frame.reading_order(language)
    prefs = preferences_url(recipient)
    escalate_after = policy.escalate_after_days
    sections = [
        section(lang, groups, today=today, total=len(items), escalate_after=escalate_after, left_out=left_out)
        for lang in languages
    ]
    return email_frame.message(
        subject=subject_for(counts, languages[0]),
        text=email_frame.text_page(sections, lambda s: _text_body(s, prefs)),
        html=email_frame.html_page(sections, lambda s: _html_body(s, prefs)),
        recipient=recipient,
        preferences=prefs,
        connection=connection,
    )


def describe_days(item: DigestItem) -> str:
    """Used by the dry run's printout."""
    if item.days_left is None:
        return _("không có hạn")
    if item.days_left < 0:
        return _("quá hạn %(n)d ngày") % {"n": -item.days_left}
    if item.days_left == 0:
        return _("hạn hôm nay")
    return _("còn %(n)d ngày") % {"n": item.days_left}
