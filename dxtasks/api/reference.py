"""Reference data: agencies (with their succession) and committee meetings."""

from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from dxtasks.directives.models import Meeting

from . import representations as rep
from .conditional import not_modified_or_tag
from .pagination import Ordering, paginate
from .schemas import AgencyOut, AgencyPage, CommitteeValue, KindValue, MeetingOut, MeetingPage, Problem

router = Router(tags=["reference data"])

READ_ERRORS = {frozenset({401, 404, 422, 429}): Problem}
Cursor = Annotated[str | None, Field(default=None, max_length=500, pattern=r"^[A-Za-z0-9_-]*$")]


class AgencyFilters(Schema):
    active: bool | None = Field(default=None, description="Only active (true) or merged (false) agencies.")
    kind: KindValue | None = None
    cursor: Cursor = None
    limit: int = Field(default=100, ge=1, le=500)


class MeetingFilters(Schema):
    committee: CommitteeValue | None = None
    cursor: Cursor = None
    limit: int = Field(default=100, ge=1, le=500)


BY_CODE = Ordering((("code", False, False),))
BY_NUMBER = Ordering((("number", False, False),))


@router.get("/agencies/", response={200: AgencyPage, 304: None, **READ_ERRORS}, summary="Agencies")
def agencies(request: HttpRequest, response: HttpResponse, filters: Query[AgencyFilters]):
    """Ministries, agencies and provinces; merged ones point to their `successor`."""
    queryset = rep.agencies_queryset()
    if filters.active is not None:
        queryset = queryset.filter(active=filters.active)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    rows, next_cursor, next_url = paginate(request, queryset, BY_CODE, cursor=filters.cursor, limit=filters.limit)
    data = {"results": [rep.agency(a) for a in rows], "next_cursor": next_cursor, "next": next_url}
    return not_modified_or_tag(request, response, rep.content_etag(data)) or data


class AgencyPath(Schema):
    code: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$", max_length=32, examples=["MPS"])


@router.get("/agencies/{code}/", response={200: AgencyOut, 304: None, **READ_ERRORS}, summary="One agency")
def agency(request: HttpRequest, response: HttpResponse, path: Path[AgencyPath]):
    found = get_object_or_404(rep.agencies_queryset(), code=path.code)
    data = rep.agency(found)
    return not_modified_or_tag(request, response, rep.content_etag(data)) or data


@router.get("/meetings/", response={200: MeetingPage, 304: None, **READ_ERRORS}, summary="Committee meetings")
def meetings(request: HttpRequest, response: HttpResponse, filters: Query[MeetingFilters]):
    """Sessions of the committees, by register number."""
    queryset = Meeting.objects.all()
    if filters.committee:
        queryset = queryset.filter(committee=filters.committee)
    rows, next_cursor, next_url = paginate(request, queryset, BY_NUMBER, cursor=filters.cursor, limit=filters.limit)
    data = {"results": [rep.meeting(m) for m in rows], "next_cursor": next_cursor, "next": next_url}
    return not_modified_or_tag(request, response, rep.content_etag(data)) or data


class MeetingPath(Schema):
    number: int = Field(ge=1, le=2_147_483_647, examples=[7])


@router.get("/meetings/{number}/", response={200: MeetingOut, 304: None, **READ_ERRORS}, summary="One meeting")
def meeting(request: HttpRequest, response: HttpResponse, path: Path[MeetingPath]):
    found = get_object_or_404(Meeting, number=path.number)
    data = rep.meeting(found)
    return not_modified_or_tag(request, response, rep.content_etag(data)) or data
