"""Factories of the workshops app (factory_boy).

`WorkshopFactory()` is published, starts in 14 days, registration open, 10 seats.
`RegistrationFactory()` is a confirmed registration holding its seats (the workshop's seat counter is
raised with it, so counter == recount holds in tests). Traits: `pending=True`, `waitlisted=True`,
`offered=True`, `cancelled=True`, `expired=True`, `declined=True`.
The raw tokens of a created registration are available as `registration.manage_token` and
`registration.confirm_token` (only their hashes are stored; both derive from `token_seed`, as in
workshops.tokens). `confirm_token` is None unless the registration is pending."""

import hashlib
import secrets
from datetime import timedelta

import factory
from django.db.models import F
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from districts.models import District, Quarter
from workshops.models import AgendaItem, Format, Method, Registration, Workshop, WorkshopTeamMember
from workshops.tokens import CHECK_IN_ALPHABET, tokens_for_seed


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "Werkstatt-Test-2026")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class DistrictFactory(DjangoModelFactory):
    """Districts are reference data (a data migration loads them); tests get or create them by number.

    After a transactional test flushed the tables, the district is created again with the given name."""

    class Meta:
        model = District
        django_get_or_create = ("number",)

    number = 10
    name = factory.LazyAttribute(lambda o: "Linden-Limmer" if o.number == 10 else f"Bezirk {o.number}")
    slug = factory.LazyAttribute(lambda o: "linden-limmer" if o.number == 10 else f"bezirk-{o.number}")
    population = 44919
    population_as_of = factory.LazyFunction(lambda: timezone.now().date().replace(month=12, day=31, year=2022))


class QuarterFactory(DjangoModelFactory):
    class Meta:
        model = Quarter
        django_get_or_create = ("slug",)

    district = factory.SubFactory(DistrictFactory)
    name = "Linden-Nord"
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-").replace("ü", "ue"))
    population = 16128


class FormatFactory(DjangoModelFactory):
    class Meta:
        model = Format
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Werkstattgespräch {n}")
    slug = factory.Sequence(lambda n: f"werkstattgespraech-{n}")
    description = "Gespräch in kleinen Gruppen."
    typical_duration_minutes = 120
    typical_group_size = 20


class MethodFactory(DjangoModelFactory):
    class Meta:
        model = Method
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"World Café {n}")
    slug = factory.Sequence(lambda n: f"world-cafe-{n}")
    purpose = "Viele Stimmen in kurzer Zeit hören."
    steps = "Tische bilden\nFragen stellen\nWechseln\nErgebnisse sammeln"
    duration_minutes = 60
    group_size_min = 8
    group_size_max = 40
    materials = "Papiertischdecken, Stifte"
    accessibility_notes = "Tische mit dem Rollstuhl unterfahrbar."
    is_published = True


class WorkshopFactory(DjangoModelFactory):
    class Meta:
        model = Workshop
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Bezirkswerkstatt Nr. {n}")
    slug = factory.Sequence(lambda n: f"bezirkswerkstatt-{n}")
    district = factory.SubFactory(DistrictFactory)
    format = factory.SubFactory(FormatFactory)
    topic = "Plätze und Wege im Stadtteil"
    description = "Wir sprechen über Plätze, Wege und Treffpunkte im Stadtteil."
    summary_easy = "Wir reden über den Stadtteil. Sie können mitreden."
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=14)).replace(hour=17, minute=0, second=0, microsecond=0)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=2))
    venue_name = "Freizeitheim Linden"
    venue_address = "Windheimstraße 4, 30451 Hannover"
    venue_step_free = True
    venue_accessible_toilet = True
    venue_public_transport = "Stadtbahn 9, Haltestelle Fössestraße"
    capacity = 10
    max_seats_per_registration = 4
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    registration_closes_at = None
    status = Workshop.Status.PUBLISHED

    class Params:
        draft = factory.Trait(status=Workshop.Status.DRAFT)
        cancelled = factory.Trait(status=Workshop.Status.CANCELLED, cancellation_reason="Erkrankung")
        past = factory.Trait(
            status=Workshop.Status.HELD,
            starts_at=factory.LazyFunction(
                lambda: (timezone.now() - timedelta(days=10)).replace(hour=17, minute=0, second=0, microsecond=0)
            ),
        )

    @factory.post_generation
    def quarters(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.quarters.set(extracted)


class WorkshopTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = WorkshopTeamMember

    workshop = factory.SubFactory(WorkshopFactory)
    user = factory.SubFactory(UserFactory)
    role = WorkshopTeamMember.Role.LEAD


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    workshop = factory.SubFactory(WorkshopFactory)
    order = factory.Sequence(lambda n: n)
    start_time = None
    duration_minutes = 30
    title = factory.Sequence(lambda n: f"Programmpunkt {n}")
    description = "Ankommen und Kennenlernen."
    method = factory.SubFactory(MethodFactory)


class RegistrationFactory(DjangoModelFactory):
    """A confirmed registration that holds its seats; the workshop's counter is raised accordingly."""

    class Meta:
        model = Registration

    workshop = factory.SubFactory(WorkshopFactory)
    name = factory.Sequence(lambda n: f"Teilnehmerin {n}")
    email = factory.Sequence(lambda n: f"teilnehmerin{n}@example.org")
    seats = 1
    status = Registration.Status.CONFIRMED
    holds_seats = True
    token_seed = factory.LazyFunction(lambda: secrets.token_urlsafe(18))
    manage_token = factory.LazyAttribute(lambda o: tokens_for_seed(o.token_seed).manage)
    confirm_token = factory.LazyAttribute(lambda o: tokens_for_seed(o.token_seed).confirm)
    manage_token_hash = factory.LazyAttribute(lambda o: _hash(o.manage_token))
    confirm_token_hash = ""
    confirmed_at = factory.LazyFunction(timezone.now)
    check_in_code = factory.LazyFunction(lambda: "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(6)))

    class Params:
        pending = factory.Trait(
            status=Registration.Status.PENDING,
            confirmed_at=None,
            check_in_code="",
            confirm_token_hash=factory.LazyAttribute(lambda o: _hash(o.confirm_token)),
            hold_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24)),
        )
        waitlisted = factory.Trait(
            status=Registration.Status.WAITLISTED,
            holds_seats=False,
            confirmed_at=None,
            check_in_code="",
            waitlisted_at=factory.LazyFunction(timezone.now),
        )
        offered = factory.Trait(
            status=Registration.Status.OFFERED,
            confirmed_at=None,
            check_in_code="",
            waitlisted_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
            offer_expires_at=factory.LazyFunction(lambda: timezone.now() + timedelta(hours=48)),
        )
        cancelled = factory.Trait(
            status=Registration.Status.CANCELLED, holds_seats=False, cancelled_at=factory.LazyFunction(timezone.now)
        )
        expired = factory.Trait(status=Registration.Status.EXPIRED, holds_seats=False, confirmed_at=None)
        declined = factory.Trait(status=Registration.Status.DECLINED, holds_seats=False, confirmed_at=None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        manage_token = kwargs.pop("manage_token", None)
        confirm_token = kwargs.pop("confirm_token", None)
        registration = super()._create(model_class, *args, **kwargs)
        if registration.holds_seats:
            # Keep the seat counter equal to the recount (DESIGN §5); fails loudly when over capacity.
            # An unconfirmed hold also counts in seats_pending (ADR 0016).
            pending = registration.seats if registration.status == Registration.Status.PENDING else 0
            Workshop.objects.filter(pk=registration.workshop_id).update(
                seats_held=F("seats_held") + registration.seats, seats_pending=F("seats_pending") + pending
            )
            registration.workshop.refresh_from_db(fields=["seats_held", "seats_pending"])
        registration.manage_token = manage_token
        registration.confirm_token = confirm_token if registration.confirm_token_hash else None
        return registration

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        manage_token = kwargs.pop("manage_token", None)
        confirm_token = kwargs.pop("confirm_token", None)
        registration = super()._build(model_class, *args, **kwargs)
        registration.manage_token = manage_token
        registration.confirm_token = confirm_token if registration.confirm_token_hash else None
        return registration


# --- helpers for service tests ------------------------------------------------------------------------------


def register(workshop, *, email=None, name="Erika Mustermann", seats=1, **kwargs):
    """registration_create with the required consent given; returns the RegistrationResult."""
    from workshops import services

    return services.registration_create(
        workshop=workshop,
        name=name,
        email=email or f"{secrets.token_hex(4)}@example.org",
        seats=seats,
        privacy_consent=kwargs.pop("privacy_consent", True),
        **kwargs,
    )


def fill(workshop, seats=None):
    """Confirmed registrations holding all remaining seats of the workshop (one seat each)."""
    workshop.refresh_from_db()
    free = workshop.capacity - workshop.seats_held if seats is None else seats
    return [RegistrationFactory(workshop=workshop) for _ in range(free)]


def api_stamp(workshop_or_id) -> str:
    """A registration stamp as `GET …/registration-stamp/` hands it out, old enough for the time trap (single use:
    one per request). Servers started by tests must run with the tests' SECRET_KEY to accept it."""
    import time

    from workshops.stamps import make_form_stamp

    workshop_id = getattr(workshop_or_id, "pk", workshop_or_id)
    return make_form_stamp(workshop_id=workshop_id, at=time.time() - 60)
