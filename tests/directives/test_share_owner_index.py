"""A user's rows are found by index even when almost no share has an owner (migration 0015).

SQLite's statistics count the NULLs of a column as one value: with a full index
on the shares' owner, "owner = me" looked like every share, and each "my rows"
query (the dashboard's, the worklist's, the navigation's) read the whole share
table. The index of owned shares only is what both databases now use.
"""

import re

import pytest
from django.db import connection

from dxtasks.accounts.models import Role
from dxtasks.directives import selectors, worklists
from dxtasks.directives.models import Agency, Share

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL's statistics keep the share of NULLs apart from the values"
)


def plan(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_my_rows_read_no_table_whole_when_shares_have_no_owner(seed_data, user_factory):
    assert Share.objects.count() > 100 and not Share.objects.filter(owner__isnull=False).exists()
    agency = Agency.objects.filter(shares__isnull=False).first()
    focal = user_factory(Role.FOCAL_POINT, agency=agency)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the statistics a live database has (its owners mostly NULL)

    # The owned-shares branch of "my rows" (for_user) and of the worklist's share lists: an index search,
    # where the full index got "SCAN U0", every share read.
    for queryset in (
        selectors.for_user(focal).order_by().values("pk"),
        worklists.share_rows(focal, "overdue").order_by().values("pk"),
    ):
        steps = plan(queryset)
        assert any(re.fullmatch(r"SEARCH U0 USING (COVERING )?INDEX share_owner \(owner_id=\?\)", s) for s in steps), (
            "\n".join(steps)
        )
