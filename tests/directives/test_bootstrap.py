"""`bootstrap` sets up an installation and can run again without changing anything."""

import io
import json

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from dxtasks.accounts.models import User
from dxtasks.directives.fixtures import FixtureError, load_missing
from dxtasks.directives.models import Agency, Directive, Meeting, State

pytestmark = pytest.mark.django_db


def run_bootstrap(*args):
    out = io.StringIO()
    call_command("bootstrap", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        Agency.objects.count(),
        Meeting.objects.count(),
        sorted(Directive.objects.values_list("reference", "version", "state", "due_date")),
        sorted(User.objects.values_list("username", "password")),
        sorted(Schedule.objects.values_list("name", "func", "cron")),
    )


def test_bootstrap_twice_with_demo_changes_nothing_the_second_time():
    first = run_bootstrap("--demo")
    assert "secretariat / demo-secretariat" in first
    before = snapshot()
    second = run_bootstrap("--demo")
    assert "nothing new" in second
    assert "already existed" in second
    assert snapshot() == before


def test_demo_gives_a_living_system():
    run_bootstrap("--demo")
    demo = Directive.objects.filter(reference__startswith="DEMO-")
    assert demo.count() == 8
    assert set(demo.values_list("owner__username", flat=True)) == {"mps.focal", "sbv.focal"}
    assert demo.filter(state=State.COMPLETED).exists()
    assert demo.filter(deadline_precision="ongoing").exists()
    assert User.objects.get(username="mps.focal").agency.code == "MPS"
    assert User.objects.get(username="secretariat").check_password("demo-secretariat")


def test_bootstrap_does_not_overwrite_what_users_changed():
    run_bootstrap()
    Agency.objects.filter(code="MPS").update(contact_email="vanphong@bca.gov.vn")
    Directive.objects.filter(reference="UBQG-7/03").update(title_vi="Tên đã sửa")
    run_bootstrap()
    assert Agency.objects.get(code="MPS").contact_email == "vanphong@bca.gov.vn"
    assert Directive.objects.get(reference="UBQG-7/03").title_vi == "Tên đã sửa"


def test_seed_directives_keep_their_search_text_folded():
    run_bootstrap()
    directive = Directive.objects.get(reference="UBQG-7/07")
    assert "bao ve du lieu ca nhan" in directive.search_text


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("lead_agency", ["NO-SUCH"], "field lead_agency: unknown reference ['NO-SUCH']"),
        ("co_agencies", [["NO-SUCH"]], "field co_agencies: unknown reference"),
        ("deadline_text", "quý V/2024", "field deadline_text"),
    ],
)
def test_a_bad_row_names_row_and_field_and_loads_nothing(tmp_path, field, value, expected):
    rows = [
        {
            "model": "directives.agency",
            "fields": {"code": "NEW-AGENCY", "name_vi": "Mới", "name_en": "New", "short_name_vi": "M", "kind": "other"},
        },
        {
            "model": "directives.directive",
            "fields": {
                "reference": "BAD-9/01",
                "title_vi": "Lỗi",
                "lead_agency": ["NEW-AGENCY"],
                "co_agencies": [],
                "assigned_on": "2024-01-02",
                "deadline_text": "quý I/2024",
                "due_date": "2024-03-31",
                "deadline_precision": "quarter",
                field: value,
            },
        },
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(FixtureError) as err:
        load_missing([path])
    assert "BAD-9/01" in str(err.value) and expected in str(err.value)
    assert not Agency.objects.filter(code="NEW-AGENCY").exists()
    assert not Directive.objects.filter(reference="BAD-9/01").exists()
