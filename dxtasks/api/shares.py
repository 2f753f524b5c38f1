"""The shares of a collective directive: its share table, and one agency's share with its history.

Read through the selectors the portal's share table uses (`shares_of`,
`share_summary`), so the API, the directive page, the briefings and the
exports count a share the same way. Writes on a share are the directive's
workflow writes with `agency` (see `directives.py`).
"""

from typing import Annotated, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from dxtasks.directives import selectors
from dxtasks.directives.models import AgencyKind

from . import representations as rep
from .conditional import not_modified_or_tag
from .directives import READ_ERRORS, DirectivePath, _directive_or_404, _unprocessable
from .pagination import Ordering, paginate
from .schemas import AgencyCode, IsoDate, ShareDetail, SharePage, StatusValue, Text

router = Router(tags=["shares"])

SortValue = Literal[tuple(selectors.SHARE_SORTS)]  # type: ignore[valid-type]
ShareKindValue = Literal[tuple(k for k in AgencyKind.values if k != AgencyKind.OTHER)]  # type: ignore[valid-type]


class ShareFilters(Schema):
    status: StatusValue | None = Field(default=None, description="Status category on `as_of`.")
    agency_kind: ShareKindValue | None = Field(default=None, description="Ministries, provinces …")
    q: Annotated[Text, Field(max_length=100)] | None = Field(
        default=None, description="A word of the agency's name, short name or code."
    )
    as_of: IsoDate | None = Field(default=None, description="Status as of this day (default today).")
    sort: SortValue = Field(default="agency", description="As the portal's share table; `-` reverses.")
    cursor: Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_-]*$")] | None = None
    limit: int = Field(default=100, ge=1, le=500)


class SharePath(DirectivePath):
    agency_code: AgencyCode


@router.get(
    "/directives/{public_id}/shares/",
    response={200: SharePage, 304: None, **READ_ERRORS},
    summary="A collective directive's shares",
)
def list_shares(request: HttpRequest, response: HttpResponse, path: Path[DirectivePath], filters: Query[ShareFilters]):
    """One row per addressed agency: owner, status, latest progress, due date, days overdue; and the roll-up.

    A single-lead directive has no shares (an empty page, `roll_up` null).
    """
    directive = _directive_or_404(path.public_id)
    today = timezone.localdate()
    if filters.as_of is not None and filters.as_of > today:
        raise _unprocessable([("as_of", _("Ngày xem tình trạng không thể ở tương lai."))])
    as_of = filters.as_of or today
    if not directive.is_collective:
        body = {"roll_up": None, "results": [], "next_cursor": None, "next": None}
        return not_modified_or_tag(request, response, rep.content_etag(body)) or body
    queryset = selectors.shares_of(
        directive,
        as_of=as_of,
        status=filters.status or "",
        agency_kind=filters.agency_kind or "",
        search=(filters.q or "").strip(),
        sort=filters.sort,
    )
    # The table's order, made total by the primary key, continued by the cursor.
    ordering = Ordering.of(queryset.order_by(*selectors.SHARE_SORTS[filters.sort], "pk"))
    rows, next_cursor, next_url = paginate(request, queryset, ordering, cursor=filters.cursor, limit=filters.limit)
    pending = rep.pending_by_share(directive)
    body = {
        "roll_up": selectors.share_summary(directive, as_of=as_of),
        "results": [rep.share(row, directive, request.auth, as_of, pending) for row in rows],
        "next_cursor": next_cursor,
        "next": next_url,
    }
    return not_modified_or_tag(request, response, rep.content_etag(body)) or body


@router.get(
    "/directives/{public_id}/shares/{agency_code}/",
    response={200: ShareDetail, 304: None, **READ_ERRORS},
    summary="One agency's share, with its history",
)
def get_share(request: HttpRequest, response: HttpResponse, path: Path[SharePath]):
    """Its status today, pending extension and history. The `ETag` also serves as `If-Match` on the
    directive's writes with `agency` (it carries the directive's last change)."""
    directive = _directive_or_404(path.public_id)
    row = (
        selectors.shares_of(directive).filter(agency__code=path.agency_code).first()
        if directive.is_collective
        else None
    )
    if row is None:
        raise Http404
    data = rep.share_detail(row, directive, request.auth)
    return not_modified_or_tag(request, response, rep.directive_etag(directive, data)) or data
