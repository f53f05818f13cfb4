"""Calendar entries are honest (issue 10, point 4): nobody who is not confirmed gets a firm entry; every
attachment the outbox holds after a demo run and the registration flows parses and keeps RFC 5545 rules."""

import base64
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from accounts.demo import seed_accounts
from core.models import OutboxMail
from tests.factories import RegistrationFactory, WorkshopFactory, fill, register
from workshops import demo, services
from workshops.ics import workshop_ics, workshop_uid
from workshops.models import Registration
from workshops.tokens import tokens_for

pytestmark = pytest.mark.django_db

STATUSES = {"TENTATIVE", "CONFIRMED", "CANCELLED"}


def calendars(mail: OutboxMail) -> list[tuple[bytes, Calendar]]:
    found = []
    for attachment in mail.attachments:
        if attachment["mimetype"] == "text/calendar":
            raw = base64.b64decode(attachment["content"])
            found.append((raw, Calendar.from_ical(raw)))
    return found


def rfc5545_problems(raw: bytes, calendar: Calendar) -> list[str]:
    """The rules of RFC 5545 (and RFC 5546 for METHOD) a mail attachment must keep."""
    problems = []
    lines = raw.split(b"\r\n")
    if raw.replace(b"\r\n", b"").count(b"\n"):
        problems.append("bare LF line ending")
    problems += [f"line longer than 75 octets: {line[:30]!r}" for line in lines if len(line) > 75]
    if str(calendar.get("version")) != "2.0" or not calendar.get("prodid"):
        problems.append("VERSION 2.0 and PRODID required")
    method = str(calendar.get("method", ""))
    if method not in ("PUBLISH", "CANCEL"):
        problems.append(f"unexpected METHOD {method!r}")
    timezones = {str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")}
    events = calendar.walk("VEVENT")
    if not events:
        problems.append("no VEVENT")
    for event in events:
        for name in ("uid", "dtstamp", "dtstart", "sequence", "organizer"):
            if name not in event:
                problems.append(f"{name.upper()} missing")
        if "dtend" in event and event.decoded("dtend") <= event.decoded("dtstart"):
            problems.append("DTEND not after DTSTART")
        tzid = event["dtstart"].params.get("TZID")
        if tzid and tzid not in timezones:
            problems.append(f"TZID {tzid} without VTIMEZONE")
        status = str(event.get("status", ""))
        if status not in STATUSES:
            problems.append(f"STATUS {status!r}")
        if method == "CANCEL" and status != "CANCELLED":
            problems.append("METHOD:CANCEL with a status other than CANCELLED")
        if not str(event.get("organizer", "")).startswith("mailto:"):
            problems.append("ORGANIZER is not a mailto: address")
    return problems


def _status(calendar: Calendar) -> str:
    return str(calendar.walk("VEVENT")[0]["status"])


def _run_flows() -> dict:
    """Every kind of mail with a calendar question: hold, confirmation, waiting list, offer, decline,
    cancellation, leaving the waiting list, a cancelled workshop, a reminder of a moved workshop."""
    workshop = WorkshopFactory(capacity=2, starts_at=timezone.now() + timedelta(days=10))
    held = register(workshop, email="held@example.org").registration
    services.registration_confirm(token=tokens_for(held).confirm)
    # Unconfirmed holds do not fill a workshop for newcomers (ADR 0016): a confirmed seat does.
    RegistrationFactory(workshop=workshop, email="firm@example.org")
    register(WorkshopFactory(), email="pending@example.org")
    waiting = register(workshop, email="waiting@example.org").registration
    services.registration_confirm(token=tokens_for(waiting).confirm)  # only proven addresses get offers
    register(workshop, email="leaver@example.org")
    services.registration_leave_waitlist(
        registration=Registration.objects.get(email="leaver@example.org", workshop=workshop)
    )
    services.registration_cancel(registration=held)  # offers the seat to waiting@
    offered = Registration.objects.get(email="waiting@example.org", workshop=workshop)
    services.offer_decline(registration=offered)

    other = WorkshopFactory(capacity=3)
    RegistrationFactory(workshop=other, email="confirmed-other@example.org")
    fill(other)
    register(other, email="waitlisted-other@example.org")
    services.workshop_cancel(workshop=other, reason="Raum nicht verfügbar")

    soon = WorkshopFactory(starts_at=timezone.now() + timedelta(days=5))
    confirmed = RegistrationFactory(workshop=soon, email="reminded@example.org")
    confirmed.confirmed_at = timezone.now() - timedelta(days=5)
    confirmed.save()
    moved = services.workshop_update(
        workshop=soon,
        changes={"starts_at": soon.starts_at - timedelta(days=4), "ends_at": soon.ends_at - timedelta(days=4)},
    )
    services.reminders_send()
    return {"workshop": workshop, "other": other, "moved": moved}


def test_every_calendar_attachment_after_a_demo_run_parses_and_keeps_rfc_5545():
    demo.seed(users=seed_accounts(), stdout=io.StringIO())
    _run_flows()
    checked = 0
    for mail in OutboxMail.objects.all():
        for raw, calendar in calendars(mail):
            assert rfc5545_problems(raw, calendar) == [], (mail.topic, mail.to)
            checked += 1
    assert checked >= 6


def test_nobody_who_is_not_confirmed_gets_a_confirmed_entry():
    _run_flows()
    expected = {
        "confirm_request": "TENTATIVE",
        "offer": "TENTATIVE",
        "confirmed": "CONFIRMED",
        "reminder": "CONFIRMED",
        "cancelled": "CANCELLED",
        "workshop_cancelled": "CANCELLED",
    }
    seen = set()
    for mail in OutboxMail.objects.all():
        for _raw, calendar in calendars(mail):
            assert _status(calendar) == expected[mail.topic], mail.topic
            seen.add(mail.topic)
    assert seen == set(expected)


def test_waiting_list_mails_carry_no_calendar_entry():
    _run_flows()
    for to in ("waiting@example.org", "waitlisted-other@example.org", "leaver@example.org"):
        first = OutboxMail.objects.filter(to=to).order_by("pk").first()
        assert first.topic == "waitlisted"
        assert calendars(first) == []
    left = OutboxMail.objects.get(to="leaver@example.org", topic="cancelled")
    cancelled_workshop = OutboxMail.objects.get(to="waitlisted-other@example.org", topic="workshop_cancelled")
    assert calendars(left) == [] and calendars(cancelled_workshop) == []


def test_unconfirmed_hold_is_tentative_and_titled_as_such():
    register(WorkshopFactory(title="Lindener Markt"), email="hold@example.org")
    _raw, calendar = calendars(OutboxMail.objects.get(to="hold@example.org"))[0]
    event = calendar.walk("VEVENT")[0]
    assert str(event["status"]) == "TENTATIVE"
    assert str(event["summary"]).startswith("Vorläufig") and "Lindener Markt" in str(event["summary"])


def test_cancellation_uses_method_cancel_with_the_same_uid_and_a_higher_sequence():
    workshop = WorkshopFactory()
    registration = register(workshop, email="c@example.org").registration
    services.registration_confirm(token=tokens_for(registration).confirm)
    services.registration_cancel(registration=registration)
    by_topic = {mail.topic: calendars(mail)[0][1] for mail in OutboxMail.objects.filter(to="c@example.org")}
    hold, firm, cancel = (by_topic[t].walk("VEVENT")[0] for t in ("confirm_request", "confirmed", "cancelled"))
    assert str(by_topic["cancelled"]["method"]) == "CANCEL"
    assert str(hold["uid"]) == str(firm["uid"]) == str(cancel["uid"]) == workshop_uid(workshop)
    assert int(hold["sequence"]) < int(firm["sequence"]) < int(cancel["sequence"])


def test_reschedule_through_the_service_increases_the_sequence():
    workshop = WorkshopFactory()
    workshop.updated_at = workshop.updated_at - timedelta(hours=1)
    type(workshop).objects.filter(pk=workshop.pk).update(updated_at=workshop.updated_at)
    before = int(Calendar.from_ical(workshop_ics(workshop)).walk("VEVENT")[0]["sequence"])
    moved = services.workshop_update(
        workshop=workshop,
        changes={"starts_at": workshop.starts_at + timedelta(days=1), "ends_at": workshop.ends_at + timedelta(days=1)},
    )
    assert int(Calendar.from_ical(workshop_ics(moved)).walk("VEVENT")[0]["sequence"]) > before
