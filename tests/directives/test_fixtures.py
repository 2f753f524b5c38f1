"""The project's fixtures: agencies, provinces, meetings and the seed directives.

They are loaded the way `bootstrap` loads them (`loaddata`, raw saves checked by
`directives.signals`), and what they say is checked against the seed articles
and domain-facts.md. Bad fixture rows must stop the load with a message naming
the row and field, and leave nothing behind.
"""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db.models import Q

from dxtasks.directives.deadlines import parse_deadline
from dxtasks.directives.models import Agency, AgencyKind, Directive, Meeting
from dxtasks.directives.selectors import directives_as_of
from dxtasks.directives.status import Status

D = datetime.date

FIXTURES = ("fixtures/agencies.json", "fixtures/provinces.json", "fixtures/meetings.json", "fixtures/directives.json")

MERGED_2025_03 = {
    "MIC": "MOST",
    "MPI": "MOF",
    "MARD": "MAE",
    "MONRE": "MAE",
    "MOT": "MOC",
    "MOLISA": "MOHA",
    "CEMA": "MEMR",
    "VSS": "MOF",
}


def load_fixtures():
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def fixtures_loaded(db):
    load_fixtures()


def table_counts():
    return (
        Agency.objects.count(),
        Meeting.objects.count(),
        Directive.objects.count(),
        Directive.co_agencies.through.objects.count(),
    )


def provinces_valid_on(day):
    return Agency.objects.filter(kind=AgencyKind.PROVINCE).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=day),
        Q(succeeded_on__isnull=True) | Q(succeeded_on__gt=day),
    )


# --- The seed directives ---------------------------------------------------------------


def test_mps_personal_data_law_directive_is_loaded_with_its_deadline_and_outcome(fixtures_loaded):
    directive = Directive.objects.select_related("lead_agency", "meeting").get(reference="UBQG-7/07")

    assert directive.lead_agency.code == "MPS"
    assert directive.meeting.number == 7
    assert directive.meeting.date == D(2023, 12, 28)
    assert directive.assigned_on == D(2023, 12, 28)
    assert directive.deadline_text == "hoàn thành trong năm 2024"
    assert directive.due_date == D(2024, 12, 31)
    assert directive.deadline_precision == "year"
    assert directive.state == "completed"
    assert directive.completed_on == D(2025, 6, 26)
    assert directive.outcome == "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 được Quốc hội thông qua ngày 26/06/2025"


def test_sbv_fintech_sandbox_directive_is_loaded_with_its_deadline_and_outcome(fixtures_loaded):
    directive = Directive.objects.select_related("lead_agency", "meeting").get(reference="UBQG-7/08")

    assert directive.lead_agency.code == "SBV"
    assert directive.meeting.number == 7
    assert directive.assigned_on == D(2023, 12, 28)
    assert directive.deadline_text == "hoàn thành trong quý II/2024"
    assert directive.due_date == D(2024, 6, 30)
    assert directive.deadline_precision == "quarter"
    assert directive.state == "completed"
    assert directive.completed_on == D(2025, 4, 29)
    assert directive.outcome == "Nghị định 94/2025/NĐ-CP ngày 29/04/2025"


@pytest.mark.parametrize(
    "reference, lead, co, deadline_text, due, precision, completed_on",
    [
        ("UBQG-7/02", "MIC", [], "trong năm 2024", D(2024, 12, 31), "year", D(2025, 6, 14)),
        ("UBQG-7/05", "MIC", [], "hoàn thành trong quý I/2024", D(2024, 3, 31), "quarter", None),
        ("UBQG-7/06", "MPI", ["MIC"], "sớm", None, "asap", None),
        ("UBQG-8/01", "MIC", [], "sớm", None, "asap", D(2024, 9, 21)),
        ("UBQG-8/02", "MPI", [], "sớm", None, "asap", D(2024, 9, 21)),
        ("UBQG-10/01", "ALL", [], "trong tháng 02/2025", D(2025, 2, 28), "month", None),
        ("VPCP-2844/01", "MIC", [], "trong tháng 8 năm 2021", D(2021, 8, 31), "month", D(2022, 3, 31)),
        ("UBQG-101/01", "MOF", [], "thường xuyên", None, "ongoing", None),
    ],
)
def test_domain_facts_directives_are_loaded_as_the_table_gives_them(
    fixtures_loaded, reference, lead, co, deadline_text, due, precision, completed_on
):
    directive = Directive.objects.get(reference=reference)

    assert directive.lead_agency.code == lead
    assert sorted(directive.co_agencies.values_list("code", flat=True)) == co
    assert directive.deadline_text == deadline_text
    assert (directive.due_date, directive.deadline_precision) == (due, precision)
    assert directive.completed_on == completed_on
    assert directive.state == ("completed" if completed_on else "open")
    assert bool(directive.outcome) == bool(completed_on)


def test_letter_2844_directive_has_no_meeting_and_is_assigned_on_the_letter_date(fixtures_loaded):
    directive = Directive.objects.get(reference="VPCP-2844/01")

    assert directive.meeting is None
    assert directive.assigned_on == D(2021, 4, 29)
    assert "411/QĐ-TTg" in directive.outcome


def test_personal_data_law_is_overdue_at_new_year_2025_and_completed_late_today(fixtures_loaded):
    at_new_year = directives_as_of(D(2025, 1, 1)).get(reference="UBQG-7/07")
    today = directives_as_of().get(reference="UBQG-7/07")

    assert at_new_year.status == Status.OVERDUE
    assert today.status == Status.COMPLETED_LATE


def test_sbv_decree_was_within_its_deadline_on_its_last_day(fixtures_loaded):
    assert directives_as_of(D(2024, 6, 30)).get(reference="UBQG-7/08").status == Status.WITHIN_DEADLINE
    assert directives_as_of(D(2024, 7, 1)).get(reference="UBQG-7/08").status == Status.OVERDUE


# Each deadline as the seed articles write it, read by hand: what the fixtures and the parser must both say.
SEED_DEADLINES = {
    "thường xuyên": (None, "ongoing"),
    "sớm": (None, "asap"),
    "trong tháng 8 năm 2021": (D(2021, 8, 31), "month"),
    "trong tháng 02/2025": (D(2025, 2, 28), "month"),
    "trong năm 2022": (D(2022, 12, 31), "year"),
    "trong năm 2023": (D(2023, 12, 31), "year"),
    "trong năm 2024": (D(2024, 12, 31), "year"),
    "hoàn thành trong năm 2024": (D(2024, 12, 31), "year"),
    "hoàn thành trong 2024": (D(2024, 12, 31), "year"),
    "hoàn thành trong quý I/2024": (D(2024, 3, 31), "quarter"),
    "hoàn thành trong quý II/2024": (D(2024, 6, 30), "quarter"),
}


def test_every_directive_has_a_lead_agency_and_the_due_date_its_deadline_says(fixtures_loaded):
    directives = list(Directive.objects.select_related("lead_agency", "meeting"))

    assert len(directives) >= 15
    for directive in directives:
        assert directive.lead_agency_id is not None, directive.reference
        assert directive.deadline_text in SEED_DEADLINES, f"{directive.reference}: add its deadline to the table"
        expected = SEED_DEADLINES[directive.deadline_text]
        assert (directive.due_date, directive.deadline_precision) == expected, directive.reference
        if directive.meeting is not None:
            assert directive.assigned_on == directive.meeting.date, directive.reference


@pytest.mark.parametrize("text", sorted(SEED_DEADLINES))
def test_the_parser_reads_each_seed_deadline_as_written_by_hand(text):
    deadline = parse_deadline(text)
    assert (deadline.due, deadline.precision) == SEED_DEADLINES[text]


def test_directive_references_follow_the_register_format(fixtures_loaded):
    for directive in Directive.objects.select_related("meeting"):
        if directive.meeting is None:
            assert directive.reference.startswith("VPCP-"), directive.reference
        else:
            prefix, sequence = directive.reference.split("/")
            assert prefix == f"UBQG-{directive.meeting.number}", directive.reference
            assert len(sequence) == 2 and sequence.isdigit(), directive.reference


def test_every_fixture_row_passes_model_validation(fixtures_loaded):
    # loaddata skips validation, and SQLite doesn't enforce max_length: check here.
    for model in (Agency, Meeting, Directive):
        for obj in model.objects.all():
            obj.full_clean()


# --- Meetings ----------------------------------------------------------------------------


def test_meetings_are_registered_with_their_numbers_dates_and_notices(fixtures_loaded):
    meetings = {m.number: m for m in Meeting.objects.all()}

    assert {n: (m.committee, m.date) for n, m in meetings.items()} == {
        1: ("ncdt", D(2021, 11, 30)),
        3: ("ncdt", D(2022, 8, 8)),
        5: ("ncdt", D(2023, 2, 25)),
        7: ("ncdt", D(2023, 12, 28)),
        8: ("ncdt", D(2024, 4, 24)),
        10: ("ncdt", D(2025, 2, 6)),
        101: ("egov", D(2021, 3, 10)),
    }
    assert (meetings[8].notice_ref, meetings[8].notice_date) == ("203/TB-VPCP", D(2024, 5, 6))
    assert (meetings[10].notice_ref, meetings[10].notice_date) == ("56/TB-VPCP", D(2025, 2, 23))
    assert meetings[101].chair == "Nguyễn Xuân Phúc"
    assert meetings[7].chair == "Phạm Minh Chính"


# --- Agencies and provinces ------------------------------------------------------------


def test_63_provinces_were_valid_on_30_june_2025(fixtures_loaded):
    valid = provinces_valid_on(D(2025, 6, 30))

    assert valid.count() == 63
    assert Agency.objects.filter(kind=AgencyKind.PROVINCE, established_on__isnull=True).count() == 63
    assert valid.filter(code="HA-NOI").exists() and valid.filter(code="LAO-CAI").exists()
    assert not valid.filter(code="LAO-CAI-2025").exists()


def test_34_provinces_are_active_after_the_july_2025_merger(fixtures_loaded):
    active = Agency.objects.filter(kind=AgencyKind.PROVINCE, active=True)

    assert active.count() == 34
    assert set(provinces_valid_on(D(2025, 7, 1)).values_list("pk", flat=True)) == set(
        active.values_list("pk", flat=True)
    )
    assert active.filter(code__endswith="-2025").count() == 23
    assert Agency.objects.filter(kind=AgencyKind.PROVINCE).count() == 86


def test_old_provinces_point_to_the_merged_unit_not_to_a_reused_number(fixtures_loaded):
    # The statistics office reused Yên Bái's code 15 for the new Lào Cai; our codes don't.
    assert Agency.objects.get(code="YEN-BAI").successor.code == "LAO-CAI-2025"
    assert Agency.objects.get(code="LAO-CAI").successor.code == "LAO-CAI-2025"
    assert Agency.objects.get(code="BA-RIA-VUNG-TAU").successor.code == "HO-CHI-MINH-2025"
    hanoi = Agency.objects.get(code="HA-NOI")
    assert (hanoi.active, hanoi.successor) == (True, None)
    assert Agency.objects.get(code="HUE").name_vi == "Thành phố Huế"


def test_every_inactive_agency_has_an_active_successor_and_a_date(fixtures_loaded):
    inactive = Agency.objects.filter(active=False).select_related("successor")

    assert inactive.exists()
    for agency in inactive:
        assert agency.successor is not None, agency.code
        assert agency.successor.active, agency.code
        assert agency.succeeded_on is not None, agency.code
    assert not Agency.objects.filter(active=True, successor__isnull=False).exists()


def test_march_2025_ministry_mergers_name_the_successors(fixtures_loaded):
    assert Agency.objects.get(code="MIC").successor.code == "MOST"
    assert Agency.objects.get(code="MPI").successor.code == "MOF"
    merged = Agency.objects.filter(code__in=MERGED_2025_03)
    assert {a.code: (a.successor.code, a.succeeded_on) for a in merged} == {
        code: (successor, D(2025, 3, 1)) for code, successor in MERGED_2025_03.items()
    }
    ministries = Agency.objects.exclude(kind__in=[AgencyKind.PROVINCE, AgencyKind.OTHER])
    assert ministries.count() == 25  # 23 of 2021–2025 + MAE + MEMR
    assert ministries.filter(active=True).count() == 17  # 14 ministries + 3 ministerial-level agencies
    assert Agency.objects.get(code="MPS").short_name_vi == "BCA"


def test_loading_the_fixtures_twice_changes_nothing(fixtures_loaded):
    before = table_counts()
    public_ids = dict(Directive.objects.values_list("reference", "public_id"))

    load_fixtures()

    assert table_counts() == before
    assert dict(Directive.objects.values_list("reference", "public_id")) == public_ids


# --- Bad fixture input -----------------------------------------------------------------


def bad_directive(**overrides):
    fields = {
        "public_id": "0f6f5a52-5d47-4f37-9a2b-6a0c1b2d3e4f",
        "reference": "BAD-1/01",
        "title_vi": "Nhiệm vụ lỗi",
        "title_en": "Faulty task",
        "meeting": None,
        "pillar": "cross",
        "lead_agency": ["MPS"],
        "co_agencies": [],
        "assigned_on": "2024-01-02",
        "deadline_text": "hoàn thành trong quý I/2024",
        "due_date": "2024-03-31",
        "deadline_precision": "quarter",
        "state": "open",
        "completed_on": None,
        "cancelled_on": None,
        "outcome": "",
        "version": 1,
        "created_at": "2024-01-02T09:00:00+07:00",
        "updated_at": "2024-01-02T09:00:00+07:00",
    }
    fields.update(overrides)
    return {"model": "directives.directive", "fields": fields}


def write_fixture(tmp_path, directive):
    """A fixture whose first row is valid, so atomicity is visible."""
    rows = [
        {
            "model": "directives.agency",
            "fields": {
                "code": "BAD-AGENCY",
                "name_vi": "Cơ quan thử",
                "name_en": "Test agency",
                "short_name_vi": "CQT",
                "kind": "other",
                "active": True,
                "established_on": None,
                "successor": None,
                "succeeded_on": None,
                "contact_email": "",
                "leadership_email": "",
            },
        },
        bad_directive(reference="BAD-1/00", public_id="6c1d2b8e-0a47-4c1f-8d3e-2f5b7a9c0d11"),
        directive,
    ]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return str(path)


def assert_nothing_from_bad_fixture():
    assert not Agency.objects.filter(code="BAD-AGENCY").exists()
    assert not Directive.objects.filter(reference__startswith="BAD-").exists()


def test_unknown_lead_agency_stops_the_load_and_names_the_field(fixtures_loaded, tmp_path):
    before = table_counts()
    path = write_fixture(tmp_path, bad_directive(lead_agency=["NO-SUCH-AGENCY"]))

    with pytest.raises(Exception) as excinfo:
        call_command("loaddata", path, verbosity=0)

    message = str(excinfo.value)
    assert "BAD-1/01" in message and "lead_agency" in message
    assert_nothing_from_bad_fixture()
    assert table_counts() == before


def test_unparseable_deadline_text_stops_the_load_and_names_the_directive(fixtures_loaded, tmp_path):
    before = table_counts()
    path = write_fixture(tmp_path, bad_directive(deadline_text="khi nào xong thì thôi"))

    with pytest.raises(Exception) as excinfo:
        call_command("loaddata", path, verbosity=0)

    message = str(excinfo.value)
    assert "BAD-1/01" in message
    assert "deadline_text" in message
    assert_nothing_from_bad_fixture()
    assert table_counts() == before


def test_due_date_contradicting_deadline_text_stops_the_load_and_names_the_directive(fixtures_loaded, tmp_path):
    before = table_counts()
    path = write_fixture(tmp_path, bad_directive(due_date="2024-06-30"))  # text says quarter I

    with pytest.raises(Exception) as excinfo:
        call_command("loaddata", path, verbosity=0)

    message = str(excinfo.value)
    assert "BAD-1/01" in message
    assert "due_date" in message
    assert_nothing_from_bad_fixture()
    assert table_counts() == before
