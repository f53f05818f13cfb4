"""Handling accessibility feedback (the admin marks it handled through the service)."""

import pytest

from core.models import AccessibilityFeedback
from core.services import accessibility_feedback_handled_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_marking_handled_records_who_handled_it_first():
    feedback = AccessibilityFeedback.objects.create(message="Kontrast zu schwach")
    first, second = UserFactory(), UserFactory()
    accessibility_feedback_handled_set(feedback=feedback, handled=True, by=first)
    accessibility_feedback_handled_set(feedback=feedback, handled=True, by=second)
    feedback.refresh_from_db()
    assert feedback.handled and feedback.handled_by == first


def test_marking_handled_never_overwrites_the_message():
    feedback = AccessibilityFeedback.objects.create(message="Kontrast zu schwach")
    stale = AccessibilityFeedback.objects.get(pk=feedback.pk)
    AccessibilityFeedback.objects.filter(pk=feedback.pk).update(message="Kontrast zu schwach (ergänzt)")
    accessibility_feedback_handled_set(feedback=stale, handled=True, by=UserFactory())
    feedback.refresh_from_db()
    assert feedback.message == "Kontrast zu schwach (ergänzt)"
