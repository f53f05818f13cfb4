"""Averages and days read as the active language writes them (the English debrief showed "3,1" and
"24. October 2026")."""

from datetime import date

from django.utils import translation

from reflections.templatetags.reflections_tags import avg
from workshops.dates import day_text


def test_average_has_a_decimal_comma_in_german():
    with translation.override("de"):
        assert avg(3.14) == "3,1"


def test_average_has_a_decimal_point_in_english():
    with translation.override("en"):
        assert avg(3.14) == "3.1"


def test_day_in_german():
    with translation.override("de"):
        assert day_text(date(2026, 10, 24)) == "24. Oktober 2026"


def test_day_in_english():
    with translation.override("en"):
        assert day_text(date(2026, 10, 24)) == "24 October 2026"


def test_overdue_badge_writes_the_day_in_english():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    item = SimpleNamespace(is_overdue=True, due_date=date(2026, 12, 3))
    with translation.override("en"):
        html = render_to_string("recommendations/includes/overdue_badge.html", {"item": item})
    assert "3 December 2026" in html
    assert "3. December" not in html
