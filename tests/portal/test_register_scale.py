"""The register at scale, proved at small scale: the agency filter, keyset pages, query counts.

The agency filter and "my directives" are index lookups OR-ed together (selectors, idsets.InIds),
and the register's next/previous links carry the sort key of a row (portal/keyset.py). The expected
rows are built here from what each test created, not by asking the code under test.
"""

import datetime
import html
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dxtasks.directives import groups, selectors, services
from dxtasks.directives.models import AgencyKind, Directive
from dxtasks.portal import keyset

from .conftest import client_for

D = datetime.date
NEXT = re.compile(r'<a href="([^"]*)" rel="next">')
PREV = re.compile(r'<a href="([^"]*)" rel="prev">')


def _refs(response) -> list[str]:
    return [d.reference for d in response.context["page"].object_list]


@pytest.fixture
def mixed(world, agency_factory, directive_factory, user_factory):
    """60 directives over four agencies: led, co-ordinated, collective with shares, owned; random but seeded.

    Returns {agency code: set of references it leads, co-ordinates or has a share of} and the owner's set.
    """
    rng = random.Random(16)
    agency_factory(groups.EACH, kind=AgencyKind.OTHER, name_vi="Các cơ quan")
    fourth = agency_factory("FOURTH", name_vi="Bộ Thứ Tư")
    agencies = [world.lead, world.co, world.other, fourth]
    owner = world.users["other_focal"]  # of OTHER; owns some directives of other agencies
    involved = {a.code: set() for a in agencies}
    owned = set()
    deadlines = ["trong năm 2030", "trong quý II/2024", "thường xuyên", "trước ngày 15/03/2027"]
    for n in range(60):
        reference = f"MIX-{n:02}"
        kwargs = {"reference": reference, "deadline_text": rng.choice(deadlines)}
        if n % 5 == 0:  # collective: shares for two or three agencies, no lead of its own
            listed = rng.sample(agencies, rng.choice([2, 3]))
            directive_factory(share_agencies=listed, **kwargs)
            for agency in listed:
                involved[agency.code].add(reference)
            continue
        lead = rng.choice(agencies)
        co = [a for a in rng.sample(agencies, rng.choice([0, 1, 2])) if a != lead]
        if rng.random() < 0.2:
            kwargs["owner"] = owner
            owned.add(reference)
        directive_factory(lead=lead, co_agencies=co, **kwargs)
        for agency in [lead, *co]:
            involved[agency.code].add(reference)
    return {"involved": involved, "owned": owned, "owner": owner}


def _walk(client, url: str, pattern=NEXT, limit: int = 20) -> list[list[str]]:
    """Follow the register's next (or previous) links from `url`; the references of every page, in order."""
    pages = []
    while url and len(pages) < limit:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(_refs(response))
        found = pattern.search(response.content.decode())
        url = "/directives/" + html.unescape(found.group(1)) if found else ""
    return pages


@pytest.mark.parametrize("code", ["LEAD", "COAG", "OTHER", "FOURTH"])
def test_the_agency_filter_lists_what_the_agency_leads_coordinates_or_shares(world, mixed, code):
    expected = mixed["involved"][code] | ({"UBQG-7/01"} if code in ("LEAD", "COAG") else set())
    client = client_for(world.users["viewer"])
    pages = _walk(client, f"/directives/?agency={code}")
    listed = [ref for page in pages for ref in page]
    assert len(listed) == len(set(listed))  # each once, however many ways the agency is involved
    assert set(listed) == expected
    assert client.get(f"/directives/?agency={code}").context["page"].paginator.count == len(expected)
    assert (
        set(
            selectors.involving_agency(world.lead if code == "LEAD" else _agency(code)).values_list(
                "reference", flat=True
            )
        )
        == expected
    )


def _agency(code):
    from dxtasks.directives.models import Agency

    return Agency.objects.get(code=code)


def test_my_directives_are_what_my_agency_is_involved_in_and_what_i_own(world, mixed):
    owner = mixed["owner"]
    mine = set(selectors.for_user(owner).values_list("reference", flat=True))
    assert mine == mixed["involved"]["OTHER"] | mixed["owned"]
    without_shares = set(selectors.for_user(owner, shares=False).values_list("reference", flat=True))
    collective = set(Directive.objects.exclude(addressees="").values_list("reference", flat=True))
    assert without_shares == (mixed["involved"]["OTHER"] | mixed["owned"]) - (collective - mixed["owned"])


def _expected_order(sort: str, rows: list[dict]) -> list[str]:
    """The register's order, rebuilt in Python from the stored values (undated rows last either way)."""
    undated_last = lambda r: r["due_date"] is None  # noqa: E731
    if sort == "due":
        rows = sorted(rows, key=lambda r: r["reference"])
        rows = sorted(rows, key=lambda r: r["due_date"] or D.max)
        rows = sorted(rows, key=undated_last)
    elif sort == "-due":
        rows = sorted(rows, key=lambda r: r["reference"], reverse=True)
        rows = sorted([r for r in rows if r["due_date"]], key=lambda r: r["due_date"], reverse=True) + [
            r for r in rows if not r["due_date"]
        ]
    elif sort in ("reference", "-reference"):
        rows = sorted(rows, key=lambda r: r["reference"], reverse=sort.startswith("-"))
    elif sort in ("assigned", "-assigned"):
        rows = sorted(rows, key=lambda r: (r["assigned_on"], r["reference"]), reverse=sort.startswith("-"))
    elif sort == "updated":
        rows = sorted(rows, key=lambda r: (r["updated_at"], r["pk"]), reverse=True)
    return [r["reference"] for r in rows]


@pytest.fixture
def many(world, directive_factory):
    """70 directives with ties everywhere: four due dates (one of them none), three assignment days."""
    deadlines = ["trong năm 2030", "trong quý II/2024", "thường xuyên", "trước ngày 15/03/2027"]
    for n in range(70):
        directive_factory(
            lead=world.lead if n % 3 else world.other,
            reference=f"K-{(n * 37) % 70:02}",  # references not in creation order
            deadline_text=deadlines[n % 4],
            assigned_on=D(2024, 1, 1) + datetime.timedelta(days=n % 3),
        )


@pytest.mark.parametrize("sort", sorted(keyset.ORDERS))
def test_keyset_pages_skip_and_repeat_nothing_forwards_and_backwards(world, many, sort):
    client = client_for(world.users["viewer"])
    rows = list(Directive.objects.values("pk", "reference", "due_date", "assigned_on", "updated_at"))
    expected = _expected_order(sort, rows)
    forwards = _walk(client, f"/directives/?sort={sort}")
    assert [len(p) for p in forwards] == [25, 25, 21]
    assert [ref for page in forwards for ref in page] == expected
    # The same pages by number (OFFSET), as a bookmarked ?page=3 is served.
    for number, page in enumerate(forwards, start=1):
        assert _refs(client.get("/directives/", {"sort": sort, "page": number})) == page
    # Back from the last page through the previous links, to page 1 without a cursor.
    last = client.get("/directives/", {"sort": sort, "page": 3})
    back_url = "/directives/" + html.unescape(PREV.search(last.content.decode()).group(1))
    backwards = _walk(client, back_url, pattern=PREV)
    assert backwards == [forwards[1], forwards[0]]
    assert "after=" not in back_url or "before=" in back_url


def test_keyset_links_keep_the_filters_and_the_page_number(world, many):
    client = client_for(world.users["viewer"])
    first = client.get("/directives/", {"agency": "LEAD", "sort": "-due"})
    content = first.content.decode()
    link = html.unescape(NEXT.search(content).group(1))
    assert "agency=LEAD" in link and "sort=-due" in link and "page=2" in link and "after=" in link
    second = client.get("/directives/" + link)
    assert second.context["page"].number == 2 and "Trang 2 / 2" in second.content.decode()
    expected = _expected_order(
        "-due",
        list(Directive.objects.filter(lead_agency=world.lead).values("pk", "reference", "due_date")),
    )
    assert _refs(first) + _refs(second) == expected


def test_a_cursor_that_is_not_ours_falls_back_to_the_numbered_page(world, many):
    client = client_for(world.users["viewer"])
    page_two = _refs(client.get("/directives/", {"page": 2}))
    for bad in ["x", "W10", "WyJhIl0", "eyJhIjoxfQ", "WzEsMiwzXQ"]:
        response = client.get("/directives/", {"page": 2, "after": bad})
        assert response.status_code == 200 and _refs(response) == page_two


def _queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_a_deep_keyset_page_costs_the_queries_of_the_first(world, many):
    client = client_for(world.users["viewer"])
    first = client.get("/directives/")
    link = "/directives/" + html.unescape(NEXT.search(first.content.decode()).group(1))
    assert len(_queries(client, link)) == len(_queries(client, "/directives/"))
    deep = _queries(client, link)
    assert not any(" OFFSET " in sql for sql in deep)


def test_the_cached_dashboard_reads_no_directive_count(world, many):
    client = client_for(world.users["lead_focal"])
    client.get("/")
    queries = _queries(client, "/")
    assert len(queries) <= 20
    # The change check is the latest updated_at (one index entry), not a count over every directive.
    directive_counts = [
        q for q in queries if 'COUNT("directives_directive"' in q or "COUNT(*)" in q and "directives_directive" in q
    ]
    assert directive_counts == []


def test_deleting_a_directive_refreshes_the_cached_dashboard(world, many):
    client = client_for(world.users["secretariat"])
    before = client.get("/").context["headline"]["total"]
    Directive.objects.filter(reference="K-05").delete()  # as the admin does: no updated_at moves
    assert client.get("/").context["headline"]["total"] == before - 1


def test_an_edit_refreshes_the_cached_dashboard(world, many):
    client = client_for(world.users["secretariat"])
    before = client.get("/").context["headline"]["completed"]
    directive = Directive.objects.get(reference="K-05")
    services.complete_directive(directive=directive, by=world.users["secretariat"], completed_on=D(2024, 6, 1))
    assert client.get("/").context["headline"]["completed"] == before + 1
