"""Vietnamese working days: weekends and public holidays off, swapped days on.

The `holidays` package knows Vietnam's lunar holidays and the announced
day swaps (`weekend_workdays`, e.g. Saturday 26/04/2025 worked for Friday
02/05/2025). The Prime Minister fixes each year's days late, so the
secretariat can override any day by hand (`WorkingDayOverride`, in the admin):
an override wins over the package.
"""

import datetime
from functools import lru_cache

import holidays

from .models import WorkingDayOverride

ONE_DAY = datetime.timedelta(days=1)
# Tết plus a weekend is the longest run of days off; this bounds every search.
MAX_DAYS_OFF_IN_A_ROW = 20


@lru_cache(maxsize=64)
def _package_year(year: int) -> tuple[frozenset, frozenset]:
    vn = holidays.country_holidays("VN", years=year)
    workdays = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if d.year == year)
    return frozenset(vn.keys()), workdays


class WorkingCalendar:
    """Answers "is this a working day" and finds the nearest one, from one query."""

    def __init__(self, overrides: dict[datetime.date, bool] | None = None):
        self.overrides = (
            overrides if overrides is not None else dict(WorkingDayOverride.objects.values_list("date", "working"))
        )
        self._cache: dict[datetime.date, bool] = {}

    def is_working_day(self, day: datetime.date) -> bool:
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._decide(day)
        return cached

    def _decide(self, day: datetime.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        days_off, swapped_workdays = _package_year(day.year)
        if day in swapped_workdays:
            return True
        return day.weekday() < 5 and day not in days_off

    def on_or_before(self, day: datetime.date) -> datetime.date:
        """The working day itself, or the last working day before it."""
        for _ in range(MAX_DAYS_OFF_IN_A_ROW):
            if self.is_working_day(day):
                return day
            day -= ONE_DAY
        return day

    def on_or_after(self, day: datetime.date) -> datetime.date:
        for _ in range(MAX_DAYS_OFF_IN_A_ROW):
            if self.is_working_day(day):
                return day
            day += ONE_DAY
        return day

    def first_working_day_of_week(self, day: datetime.date) -> datetime.date:
        """The day weekly digests go out in `day`'s ISO week (usually Monday)."""
        monday = day - datetime.timedelta(days=day.weekday())
        return self.on_or_after(monday)
