"""Admin change lists over large tables count at most a cap of rows and say "more than" beyond it."""

import pytest

from core.admin_lists import CappedCountPaginator
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_three(monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)


def test_count_below_the_cap_is_exact(cap_of_three):
    RegistrationFactory.create_batch(2, workshop=WorkshopFactory(capacity=10))
    paginator = CappedCountPaginator(Registration.objects.order_by("pk"), 100)
    assert (paginator.count, paginator.capped) == (2, False)


def test_count_at_the_cap_is_not_capped(cap_of_three):
    RegistrationFactory.create_batch(3, workshop=WorkshopFactory(capacity=10))
    paginator = CappedCountPaginator(Registration.objects.order_by("pk"), 100)
    assert (paginator.count, paginator.capped) == (3, False)


def test_count_above_the_cap_stops_at_the_cap(cap_of_three):
    RegistrationFactory.create_batch(5, workshop=WorkshopFactory(capacity=10))
    paginator = CappedCountPaginator(Registration.objects.order_by("pk"), 2)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (3, True, 2)
