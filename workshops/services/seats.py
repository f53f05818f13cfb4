"""The seat counter (DESIGN §5): take, release, lock order and the periodic reconciliation."""

import functools
import logging
import time
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .. import selectors
from ..models import Registration, Workshop

logger = logging.getLogger(__name__)


def _now() -> datetime:
    return timezone.now()


def _seats_take(*, workshop: Workshop, seats: int, pending: bool = False) -> bool:
    """Hold `seats` seats if they are free: one conditional UPDATE; one row affected means they are held.

    `pending`: the hold of an unconfirmed registration. It is counted in `seats_pending` as well and must
    also fit under the cap of unconfirmed holds (WORKSHOPS_PENDING_HOLD_SHARE percent of the capacity),
    checked in the same statement, so concurrent registrations cannot exceed it either."""
    if settings.WORKSHOPS_SEAT_GUARD == "unsafe":
        return _seats_take_unsafe(workshop=workshop, seats=seats)
    # The status is part of the condition: a registration that waited for the row lock of a concurrent
    # workshop_cancel must not take seats of the workshop that was cancelled meanwhile.
    # Written as SQL with parameters: building this statement through the ORM's expressions cost about a
    # fifth of a registration's CPU (benchmark of the rush); the statement is the same.
    published = Workshop.Status.PUBLISHED.value
    params: list[int | str] = [seats, workshop.pk, published, seats]
    if pending:
        # seats_pending + n <= capacity * share / 100 (integer division: the cap rounds down)
        params = [seats, seats, workshop.pk, published, seats, pending_hold_share(), seats]
    sql = _seats_take_sql(pending=pending, vendor=connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount == 1


@functools.cache
def _seats_take_sql(*, pending: bool, vendor: str) -> str:
    """The conditional UPDATE of _seats_take (built once per database kind)."""
    quote = connection.ops.quote_name
    table, held, capacity = quote(Workshop._meta.db_table), quote("seats_held"), quote("capacity")
    unconfirmed = quote("seats_pending")
    changes = f"{held} = {held} + %s" + (f", {unconfirmed} = {unconfirmed} + %s" if pending else "")
    condition = f"{quote('id')} = %s AND {quote('status')} = %s AND {held} <= {capacity} - %s"
    if pending:
        condition += f" AND {unconfirmed} <= ({capacity} * %s) / 100 - %s"
    # names come from the model, values are parameters
    return f"UPDATE {table} SET {changes} WHERE {condition}"  # noqa: S608  # nosec B608


def pending_hold_share() -> int:
    """Percent of a workshop's capacity that unconfirmed registrations may hold (0 to 100)."""
    return min(max(int(settings.WORKSHOPS_PENDING_HOLD_SHARE), 0), 100)


def _seats_take_unsafe(*, workshop: Workshop, seats: int) -> bool:
    """Test-only control (WORKSHOPS_SEAT_GUARD = "unsafe"): check, then insert — racy on purpose.

    Leaves the counter alone (its CHECK constraint would turn the race into errors); the overbooking
    shows in the registrations that hold seats."""
    held = selectors.workshop_seats_recount(workshop_id=workshop.pk)
    if settings.WORKSHOPS_UNSAFE_RACE_SECONDS:
        time.sleep(settings.WORKSHOPS_UNSAFE_RACE_SECONDS)
    return held + seats <= workshop.capacity


def _seats_release(*, workshop_id: int, seats: int, pending: int = 0) -> None:
    """Give back `seats` held seats, `pending` of them held by unconfirmed registrations."""
    if (seats or pending) and settings.WORKSHOPS_SEAT_GUARD != "unsafe":
        changes = {"seats_held": F("seats_held") - seats}
        if pending:
            changes["seats_pending"] = F("seats_pending") - pending
        Workshop.objects.filter(pk=workshop_id).update(**changes)


def _pending_seats(registration: Registration) -> int:
    """The seats of this registration counted in `seats_pending` (an unconfirmed hold), else 0."""
    return registration.seats if registration.holds_seats and registration.status == Registration.Status.PENDING else 0


def _lock(registration: Registration) -> Registration:
    """Lock the workshop row, then the registration row (the one lock order of all transitions).

    Returns the fresh registration with its freshly read workshop attached."""
    workshop = Workshop.objects.select_for_update(no_key=True).get(pk=registration.workshop_id)
    locked = Registration.objects.select_for_update(no_key=True).get(pk=registration.pk)
    locked.workshop = workshop
    return locked


def seats_reconcile(*, workshop_id: int | None = None) -> dict[int, tuple[int, int]]:
    """Recount held seats (and the unconfirmed part of them) from the registrations and repair any drift of
    the counters (logged as a warning: drift means a bug). Returns {workshop_id: (counter before, recount)}
    for repaired ones."""
    repaired: dict[int, tuple[int, int]] = {}
    workshops = Workshop.objects.all() if workshop_id is None else Workshop.objects.filter(pk=workshop_id)
    held = Registration.objects.filter(holds_seats=True).values("workshop_id")
    counted = dict(held.annotate(total=Sum("seats")).values_list("workshop_id", "total"))
    counted_pending = dict(
        held.filter(status=Registration.Status.PENDING).annotate(total=Sum("seats")).values_list("workshop_id", "total")
    )
    for wid, seats_held, seats_pending in workshops.values_list("pk", "seats_held", "seats_pending"):
        if seats_held == counted.get(wid, 0) and seats_pending == counted_pending.get(wid, 0):
            continue
        with transaction.atomic():
            locked = Workshop.objects.select_for_update(no_key=True).get(pk=wid)
            recount = selectors.workshop_seats_recount(workshop_id=wid)
            pending = selectors.workshop_pending_seats_recount(workshop_id=wid)
            if locked.seats_held != recount or locked.seats_pending != pending:
                logger.warning(
                    "seat counters of workshop %s drifted: %s (%s unconfirmed), recount %s (%s unconfirmed)",
                    wid,
                    locked.seats_held,
                    locked.seats_pending,
                    recount,
                    pending,
                )
                held_now = min(recount, locked.capacity)
                Workshop.objects.filter(pk=wid).update(seats_held=held_now, seats_pending=min(pending, held_now))
                repaired[wid] = (locked.seats_held, recount)
    return repaired
