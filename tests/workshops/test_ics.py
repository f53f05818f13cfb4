"""Calendar files: RFC 5545 via icalendar, Europe/Berlin, UID stable per workshop."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.factories import WorkshopFactory
from workshops.ics import workshop_ics

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def events(data: bytes):
    return [c for c in Calendar.from_ical(data).walk("VEVENT")]


def test_event_has_title_times_in_berlin_and_location():
    workshop = WorkshopFactory(
        title="Lindener Marktplatz", starts_at=datetime(2026, 7, 1, 18, 0, tzinfo=BERLIN), venue_name="Faust"
    )
    event = events(workshop_ics(workshop))[0]
    assert str(event["summary"]) == "Lindener Marktplatz"
    assert event.decoded("dtstart") == datetime(2026, 7, 1, 18, 0, tzinfo=BERLIN)
    assert event["dtstart"].params["TZID"] == "Europe/Berlin"
    assert "Faust" in str(event["location"])


def test_calendar_carries_the_berlin_timezone_definition():
    assert b"BEGIN:VTIMEZONE" in workshop_ics(WorkshopFactory()) and b"TZID:Europe/Berlin" in workshop_ics(
        WorkshopFactory()
    )


def test_uid_is_stable_per_workshop_and_distinct_between_workshops():
    a, b = WorkshopFactory(), WorkshopFactory()
    uid = str(events(workshop_ics(a))[0]["uid"])
    a.title = "Neuer Titel"
    a.save()
    assert str(events(workshop_ics(a))[0]["uid"]) == uid
    assert str(events(workshop_ics(b))[0]["uid"]) != uid


def test_moved_workshop_gets_a_higher_sequence():
    workshop = WorkshopFactory()
    before = int(events(workshop_ics(workshop))[0]["sequence"])
    workshop.updated_at = workshop.updated_at.replace(year=workshop.updated_at.year + 1)
    assert int(events(workshop_ics(workshop))[0]["sequence"]) > before


def test_several_workshops_in_one_feed():
    assert len(events(workshop_ics(*WorkshopFactory.create_batch(3)))) == 3


def test_cancelled_calendar_marks_the_event_cancelled():
    data = workshop_ics(WorkshopFactory(), cancelled=True)
    assert str(events(data)[0]["status"]) == "CANCELLED"
    assert str(Calendar.from_ical(data)["method"]) == "CANCEL"


def test_cancelled_workshop_is_cancelled_in_the_feed():
    assert str(events(workshop_ics(WorkshopFactory(cancelled=True)))[0]["status"]) == "CANCELLED"
