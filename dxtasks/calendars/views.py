"""The feed a calendar program polls, and the page where a user manages their feed links."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dxtasks.clientaddress import client_address
from dxtasks.directives import labels
from dxtasks.directives.models import Agency, Meeting
from dxtasks.ratelimits.limiter import over_limit

from . import tokens
from .access import may_subscribe, visible_directives
from .conf import setting
from .feedcache import cached_feed
from .feeds import FORMATS, build_feed, feed_directives, fingerprint, history_page
from .links import feed_links
from .models import FeedKind, FeedToken

SESSION_NEW_URLS = "calendars.new_feed"


# A feed is fetched by calendar programs, which send no language and show the body, if at all, to
# whoever subscribed: its few plain-text answers say the same in both languages, in every language.
NOT_FOUND_TEXT = "Không tìm thấy lịch. / Calendar not found.\n"
TOO_MANY_TEXT = "Quá nhiều yêu cầu; hãy thử lại sau. / Too many requests; try again later.\n"


def _not_found() -> HttpResponse:
    """A bare 404: no page echoing the path (it holds a token), no hint of why."""
    response = HttpResponseNotFound(NOT_FOUND_TEXT, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


def _too_many(retry_after: int) -> HttpResponse:
    response = HttpResponse(TOO_MANY_TEXT, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed. Unknown, malformed and revoked tokens all answer the same bare 404."""
    limit, window = setting("ADDRESS_RATE")
    if wait := over_limit(f"feed-addr:{client_address(request)}", limit, window):
        return _too_many(wait)
    found = tokens.find_active(token)
    queryset = visible_directives(found) if found else None
    if queryset is None:
        return _not_found()
    limit, window = setting("TOKEN_RATE")
    if wait := over_limit(f"feed-token:{found.pk}", limit, window):
        return _too_many(wait)
    fmt = request.GET.get("format", "event")
    if fmt not in FORMATS:
        return _not_found()
    tokens.touch(found, setting("TOUCH_EVERY_SECONDS"))

    page, has_next = request.GET.get("page"), False
    if page is not None and not (page.isdigit() and 0 < int(page) < 10**6):
        return _not_found()
    now = timezone.now()
    today = timezone.localdate(now)
    if page is None:
        queryset = feed_directives(queryset, today, kind=found.kind)
    else:  # the full history, a page at a time (the "all" feed itself is a window)
        queryset, has_next = history_page(queryset, int(page))
        if int(page) > 1 and not queryset.exists():
            return _not_found()
    etag, last_modified = fingerprint(found, queryset, fmt, today, now, part=f"page:{page or ''}:{has_next}")
    # What @condition does, after the token checks that must come first.
    not_modified = get_conditional_response(
        request, etag=quote_etag(etag), last_modified=int(last_modified.timestamp())
    )
    if not_modified is not None:
        response = not_modified
    elif request.method == "HEAD":
        response = HttpResponse(content_type="text/calendar; charset=utf-8")
    else:
        body = cached_feed(etag, lambda: build_feed(found, queryset, fmt=fmt, today=today, now=now))
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = quote_etag(etag)
    response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    if has_next:
        response["Link"] = f'<{request.path}?{_with_page(request, int(page) + 1)}>; rel="next"'
    if response.status_code == 200:
        suffix = ("-todo" if fmt == "todo" else "") + (f"-history-{page}" if page else "")
        response["Content-Disposition"] = f'inline; filename="dxtasks-{found.kind}{suffix}.ics"'
    return response


def _with_page(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return query.urlencode()


def _subscription_rows(user) -> list[dict]:
    rows = []
    language = (get_language() or "vi")[:2]
    feeds = FeedToken.objects.filter(owner=user, revoked_at__isnull=True).select_related("agency__successor", "meeting")
    for feed_token in feeds:
        label = feed_token.scope_label(language)
        if feed_token.kind == FeedKind.AGENCY:  # the page marks a merged agency; the feed's own name stays
            label = _("Nhiệm vụ của %(agency)s") % {"agency": labels.name_label(feed_token.agency, language)}
        rows.append({"feed": feed_token, "label": label})
    return rows


def _agency_choices(user) -> list[tuple[Agency, str]]:
    """The agencies a feed can follow, as every agency list is labelled and ordered (directives.labels): the active
    ones, and the user's own even when merged ("BTTTT (đã hợp nhất vào BKHCN 01/03/2025) — Bộ Thông tin …")."""
    language = (get_language() or "vi")[:2]
    agencies = Agency.objects.filter(Q(active=True) | Q(pk=user.agency_id)).select_related("successor")
    return [(agency, labels.agency_label(agency, language)) for agency in labels.ordered(agencies, language)]


@login_required
def subscribe(request: HttpRequest) -> HttpResponse:
    # A new URL is shown once: taken out of the session by the page that shows it.
    new_feed = request.session.pop(SESSION_NEW_URLS, None)
    context = {
        "feeds": _subscription_rows(request.user),
        "new_feed": new_feed,
        "can_all": may_subscribe(request.user, FeedKind.ALL),
        "has_mine": FeedToken.objects.filter(owner=request.user, kind=FeedKind.MINE, revoked_at__isnull=True).exists(),
        "has_all": FeedToken.objects.filter(owner=request.user, kind=FeedKind.ALL, revoked_at__isnull=True).exists(),
        "agencies": _agency_choices(request.user),
        "meetings": Meeting.objects.order_by("-date"),
        "own_agency": request.user.agency,
    }
    response = render(request, "calendars/subscribe.html", context)
    response["Cache-Control"] = "private, no-store"  # the page may hold a secret URL
    return response


def _remember_new(request: HttpRequest, issued: tokens.IssuedToken) -> None:
    request.session[SESSION_NEW_URLS] = {
        "pk": issued.feed.pk,
        "label": issued.feed.scope_label(get_language()),
        **feed_links(issued.secret),
    }


@login_required
@require_POST
def create_feed(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    agency = meeting = None
    # Unknown codes and numbers only come from a tampered form: 404, as for a feed.
    if kind == FeedKind.AGENCY:
        agency = get_object_or_404(Agency, code=request.POST.get("agency", ""))
    elif kind == FeedKind.MEETING:
        number = request.POST.get("meeting", "")
        meeting = get_object_or_404(Meeting, number=int(number) if number.isascii() and number.isdecimal() else -1)
    try:
        issued = tokens.issue_token(owner=request.user, kind=kind, agency=agency, meeting=meeting)
    except tokens.FeedTokenError as exc:
        messages.error(request, str(exc))
    else:
        _remember_new(request, issued)
    return HttpResponseRedirect(reverse("calendars:subscribe"))


@login_required
@require_POST
def regenerate_feed(request: HttpRequest, pk: int) -> HttpResponse:
    feed_token = get_object_or_404(FeedToken, pk=pk, owner=request.user, revoked_at__isnull=True)
    try:
        issued = tokens.regenerate_token(feed=feed_token)
    except tokens.FeedTokenError as exc:
        messages.error(request, str(exc))
    else:
        _remember_new(request, issued)
        messages.success(request, _("Đã tạo đường dẫn mới; đường dẫn cũ không còn dùng được."))
    return HttpResponseRedirect(reverse("calendars:subscribe"))


@login_required
@require_POST
def revoke_feed(request: HttpRequest, pk: int) -> HttpResponse:
    feed_token = get_object_or_404(FeedToken, pk=pk, owner=request.user, revoked_at__isnull=True)
    tokens.revoke_token(feed=feed_token)
    messages.success(request, _("Đã thu hồi đường dẫn lịch; lịch đã đăng ký sẽ không cập nhật nữa."))
    return HttpResponseRedirect(reverse("calendars:subscribe"))
