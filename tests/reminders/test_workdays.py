import datetime

from dxtasks.reminders.models import WorkingDayOverride
from dxtasks.reminders.workdays import WorkingCalendar

from .conftest import day


def test_weekends_are_off_and_weekdays_on(db):
    calendar = WorkingCalendar()
    assert calendar.is_working_day(day("2025-03-14"))  # Friday
    assert not calendar.is_working_day(day("2025-03-15"))  # Saturday
    assert not calendar.is_working_day(day("2025-03-16"))  # Sunday


def test_tet_2026_is_off_and_the_day_before_is_the_friday_before_it(db):
    calendar = WorkingCalendar()
    for offset in range(16, 21):  # 16–20 February 2026
        assert not calendar.is_working_day(datetime.date(2026, 2, offset))
    assert calendar.on_or_before(day("2026-02-20")) == day("2026-02-13")
    assert calendar.on_or_after(day("2026-02-16")) == day("2026-02-23")


def test_a_swapped_saturday_is_a_working_day(db):
    # Saturday 26/04/2025 was worked in exchange for Friday 02/05/2025.
    calendar = WorkingCalendar()
    assert calendar.is_working_day(day("2025-04-26"))
    assert not calendar.is_working_day(day("2025-05-02"))


def test_overrides_by_hand_win_over_the_package(db):
    WorkingDayOverride.objects.create(date=day("2027-03-10"), working=False, note="nghỉ bù (giả định)")
    WorkingDayOverride.objects.create(date=day("2026-02-16"), working=True, note="làm bù (giả định)")
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(day("2027-03-10"))
    assert calendar.is_working_day(day("2026-02-16"))


def test_weekly_digest_day_is_the_first_working_day_of_the_week(db):
    calendar = WorkingCalendar()
    assert calendar.first_working_day_of_week(day("2025-03-13")) == day("2025-03-10")
    # Monday 01/09/2025 and Tuesday 02/09/2025 are National Day.
    assert calendar.first_working_day_of_week(day("2025-09-04")) == day("2025-09-03")
