"""Times of day as the active language writes them: the English check-in page said "checked in at 18:03"
while every other English time reads "6:03 pm"."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.utils import translation

from workshops.dates import clock_text


def test_clock_in_german_is_24_hours():
    with translation.override("de"):
        assert clock_text(time(18, 3)) == "18:03"


def test_clock_in_english_uses_am_and_pm():
    with translation.override("en"):
        assert clock_text(time(18, 3)) == "6:03 pm"


def test_clock_of_a_moment_is_in_hannover_time():
    moment = datetime(2026, 12, 3, 17, 3, tzinfo=ZoneInfo("UTC"))
    with translation.override("en"):
        assert clock_text(moment) == "6:03 pm"


def test_clock_of_nothing_is_empty():
    assert clock_text(None) == ""
