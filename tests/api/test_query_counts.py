"""Query counts of the new reads do not grow with the data (counts, unlike timings, do not drift)."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dxtasks.directives import services
from dxtasks.directives.models import Agency, Directive


def _queries(client, path, params=None) -> int:
    client.get("/api/v1/meetings/")  # the token's "last used" is written at most once a minute: not here
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, params or {}).status_code == 200
    return len(captured)


def test_a_collective_directive_costs_the_same_with_2_or_90_shares(demo, api):
    small = services.create_directive(
        by=demo["secretariat"],
        reference="EACH-1",
        title_vi="Mỗi bộ một kế hoạch",
        deadline_text="trong năm 2030",
        assigned_on=datetime.date(2025, 1, 1),
        share_agencies=list(Agency.objects.filter(code__in=["MPS", "SBV"])),
    )
    large = Directive.objects.get(reference="UBQG-10/01")
    assert large.shares.count() > 30
    client = api(demo["viewer"])
    for suffix in ("", "shares/"):
        counts = [_queries(client, f"/api/v1/directives/{d.public_id}/{suffix}") for d in (small, large)]
        assert counts[0] == counts[1], (suffix, counts)


def test_the_inbox_costs_the_same_with_1_or_12_rows_per_list(demo, api, directive_factory):
    user = demo["mps.focal"]
    client = api(user)
    mps = Agency.objects.get(code="MPS")
    directive_factory(lead=mps, reference="NEW-0", assigned_on=timezone.localdate(), by=demo["secretariat"])
    before = _queries(client, "/api/v1/inbox/", {"limit": 100})
    for n in range(1, 12):
        directive_factory(lead=mps, reference=f"NEW-{n}", assigned_on=timezone.localdate(), by=demo["secretariat"])
    assert _queries(client, "/api/v1/inbox/", {"limit": 100}) == before
