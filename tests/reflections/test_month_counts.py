"""Held workshops per month: the one count behind the reports' month charts."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from reflections import charts, selectors
from tests.factories import WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=18):
    starts = timezone.make_aware(datetime(year, month, day, hour))
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=2)}


def test_counts_held_workshops_per_local_month_including_empty_months():
    WorkshopFactory(status=Workshop.Status.HELD, **at(2026, 1, 31, hour=23))  # UTC: still January 31st, 22:00
    WorkshopFactory(status=Workshop.Status.DOCUMENTED, **at(2026, 3, 1, hour=0))  # UTC: February 28th
    WorkshopFactory(status=Workshop.Status.CANCELLED, **at(2026, 3, 5))
    months = selectors.held_workshops_per_month(
        workshops=Workshop.objects.all(), start=date(2026, 1, 1), end=date(2026, 4, 30)
    )
    assert months == [(date(2026, 1, 1), 1), (date(2026, 2, 1), 0), (date(2026, 3, 1), 1), (date(2026, 4, 1), 0)]


def test_month_labels_with_and_without_year():
    assert charts.month_label(date(2026, 3, 1)) == "Mär 26"
    assert charts.month_label(date(2026, 3, 1), with_year=False) == "Mär"
