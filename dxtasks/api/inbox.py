"""The caller's worklist: the portal's /inbox/ lists, their counts and their rows, as JSON.

The lists are `directives.worklists` (the one definition the portal's
inbox, the navigation count and the dashboard read): which lists a role
has (`lists_for`), their counts (`counts`, two queries), their rows
(`rows`, in each list's own order) and the navigation's number (`total`).
Without `list`, every list with its first `limit` rows (the portal's
overview); with `list`, that list in cursor pages.
"""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from dxtasks.directives import worklists
from dxtasks.directives.models import Agency, Notification

from . import representations as rep
from .conditional import not_modified_or_tag
from .directives import READ_ERRORS, _unprocessable
from .pagination import Ordering, paginate
from .schemas import AgencyCode, Inbox, WorklistValue

router = Router(tags=["worklist"])


class InboxFilters(Schema):
    list: WorklistValue | None = Field(
        default=None,
        description="One of the caller's lists (`lists_for` their role); without it, every list's first rows.",
    )
    agency: AgencyCode | None = Field(
        default=None,
        description="Only what this agency leads, co-ordinates or has a share of (as the portal's inbox filter).",
    )
    cursor: Annotated[str, Field(max_length=500, pattern=r"^[A-Za-z0-9_-]*$")] | None = Field(
        default=None, description="With `list`: the `next_cursor` of its previous page."
    )
    limit: int = Field(default=10, ge=1, le=100, description="Rows per list.")


ACTION_PATHS = {
    "decide": "/api/v1/directives/{public_id}/extension/{request_id}/decision/",
    "withdraw": "/api/v1/directives/{public_id}/extension/{request_id}/withdraw/",
    "complete": "/api/v1/directives/{public_id}/complete/",
    "open": "/api/v1/directives/{public_id}/",
}


def _row(spec: worklists.WorklistSpec, row, today) -> dict:
    request = row if spec.model == "extension_request" else None
    directive = request.directive if request is not None else row
    return {
        "directive": rep.directive_ref(directive),
        "extension_request": rep.extension(request) if request is not None else None,
        "age_days": worklists.age_days(row.age_from, today),
        "action": spec.action,
        "action_path": ACTION_PATHS[spec.action].format(
            public_id=directive.public_id, request_id=request.pk if request is not None else ""
        ),
    }


@router.get("/inbox/", response={200: Inbox, 304: None, **READ_ERRORS}, summary="The caller's worklist")
def inbox(request: HttpRequest, response: HttpResponse, filters: Query[InboxFilters]):
    """What waits for the caller (secretariat: requests to decide, submissions …; focal point: due soon,
    overdue, returned …; viewer: no lists), each list with its count and rows and the action a row asks for."""
    user = request.auth.user
    today = timezone.localdate()
    names = worklists.lists_for(user)
    errors = []
    if filters.list and filters.list not in names:
        errors.append(
            (
                "list",
                _("Danh sách “%(name)s” không thuộc vai trò của bạn; các danh sách của bạn: %(names)s.")
                % {"name": filters.list, "names": ", ".join(names) or "—"},
            )
        )
    if filters.cursor and not filters.list:
        errors.append(("cursor", _("Con trỏ trang chỉ dùng cùng tham số list.")))
    agency = None
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        if agency is None:
            errors.append(("agency", _("Không có cơ quan mã %(code)s.") % {"code": filters.agency}))
    if errors:
        raise _unprocessable(errors)
    counts = worklists.counts(user, agency=agency, today=today)
    lists = []
    for name in [filters.list] if filters.list else names:
        spec = worklists.SPECS[name]
        rows, next_cursor, next_url = [], None, None
        if counts[name]:
            queryset = worklists.rows(user, name, agency=agency, today=today)
            if spec.model == "extension_request":
                queryset = queryset.select_related("share__agency")
            rows, next_cursor, next_url = paginate(
                request,
                queryset,
                Ordering.of(queryset),
                cursor=filters.cursor,
                limit=filters.limit,
                params={"list": name},
            )
        lists.append(
            {
                "name": name,
                "label": str(spec.label),
                "count": counts[name],
                "row_kind": spec.model,
                "results": [_row(spec, row, today) for row in rows],
                "next_cursor": next_cursor,
                "next": next_url,
            }
        )
    body = {
        "lists": lists,
        "total": worklists.total(user, today=today),
        "unread_notifications": Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
    return not_modified_or_tag(request, response, rep.content_etag(body)) or body
