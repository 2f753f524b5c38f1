# English edition: the same day-first dates as the Vietnamese, so a date reads
# the same in both languages (28/12/2023); numbers in the English way (81.0).
from dxtasks.formats.vi.formats import *  # noqa: F401,F403

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
