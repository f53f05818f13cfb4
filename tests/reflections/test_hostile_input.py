"""Issue 9.5 for the reflections app: hostile posts to the reflection form, the autosave endpoint and the other
staff and attendee forms answer 4xx (or 200 with errors, or the usual redirect), never 5xx, and never touch
rows of another reflection."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflections import services
from reflections.models import Commitment, CriterionRating, Insight, MethodUse, Reflection
from tests import hostile
from tests.auth import login_with_mfa
from tests.factories import MethodFactory
from tests.reflections.factories import facilitator, full_data, held_workshop, lead_of
from tests.reflections.test_uploads import jpeg_with_gps
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db

PREFIXES = ("methods", "insights", "commitments")


def _draft(workshop, author, **kwargs) -> Reflection:
    reflection = services.reflection_start(workshop=workshop, author=author)
    services.reflection_save_draft(reflection=reflection, data=full_data(reflection, **kwargs))
    return reflection


def _rows(reflection: Reflection) -> dict:
    """Everything a hostile post must not change on someone else's reflection."""
    return {
        "insights": list(Insight.objects.filter(reflection=reflection).values().order_by("pk")),
        "commitments": list(Commitment.objects.filter(reflection=reflection).values().order_by("pk")),
        "methods": list(MethodUse.objects.filter(reflection=reflection).values().order_by("pk")),
        "ratings": list(CriterionRating.objects.filter(reflection=reflection).values().order_by("pk")),
        "reflection": Reflection.objects.filter(pk=reflection.pk).values().get(),
    }


class Scene:
    """Workshop A with its lead (who posts) and a co-facilitator's draft; workshop B with its lead's draft."""

    def __init__(self):
        self.workshop = held_workshop(title="Werkstatt A")
        self.lead = lead_of(self.workshop)
        co = facilitator()
        WorkshopTeamMember.objects.create(workshop=self.workshop, user=co, role=WorkshopTeamMember.Role.CO)
        method = MethodFactory(is_published=True)
        self.own = _draft(self.workshop, self.lead)
        self.neighbour = _draft(self.workshop, co, summary="")
        other_workshop = held_workshop(title="Werkstatt B")
        self.other = _draft(
            other_workshop,
            lead_of(other_workshop),
            method_uses=[services.MethodUseData(method_id=method.pk, how_it_worked="gut", rating=4)],
        )
        self.foreign_insight = self.other.insights.get().pk
        self.foreign_commitment = self.other.commitments.get().pk
        self.neighbour_commitment = self.neighbour.commitments.get().pk
        self.own_insight = self.own.insights.get().pk
        self.url = f"/moderation/werkstaetten/{self.workshop.slug}/reflexion/"
        self.before = {"other": _rows(self.other), "neighbour": _rows(self.neighbour)}

    def untouched(self) -> bool:
        return self.before == {"other": _rows(self.other), "neighbour": _rows(self.neighbour)}

    def base(self) -> dict:
        data = {"action": "save", "main-attendance_count": "12", "main-public_summary": "Zusammenfassung"}
        for prefix in PREFIXES:
            data[f"{prefix}-TOTAL_FORMS"] = "1"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        data["insights-0-text"] = "Eine Erkenntnis"
        data["commitments-0-what"] = "Protokoll verschicken"
        data["commitments-0-who"] = "Prozessteam"
        return data


@pytest.fixture
def scene(client):
    s = Scene()
    login_with_mfa(client, s.lead)
    return s


ROW_ID_CASES = {
    "insight id of another workshop": lambda s: {"insights-0-id": s.foreign_insight, "insights-0-text": "Gekapert"},
    "commitment id of another workshop": lambda s: {
        "commitments-0-id": s.foreign_commitment,
        "commitments-0-what": "Gekapert",
        "commitments-0-who": "Niemand",
    },
    "commitment id of the co-facilitator": lambda s: {
        "commitments-0-id": s.neighbour_commitment,
        "commitments-0-what": "Gekapert",
        "commitments-0-who": "Niemand",
    },
    "blanked foreign row": lambda s: {"insights-0-id": s.foreign_insight, "insights-0-text": ""},
    "DELETE on a foreign row": lambda s: {
        "insights-0-id": s.foreign_insight,
        "insights-0-DELETE": "on",
        "commitments-0-id": s.foreign_commitment,
        "commitments-0-DELETE": "on",
    },
    "non-existent id": lambda s: {"insights-0-id": "987654"},
    "non-integer id": lambda s: {"insights-0-id": "abc"},
    "id with a superscript digit": lambda s: {"insights-0-id": "²"},
    "negative id": lambda s: {"insights-0-id": "-1"},
    "huge id": lambda s: {"insights-0-id": hostile.HUGE, "commitments-0-id": hostile.HUGE},
    "duplicate ids": lambda s: {
        "insights-TOTAL_FORMS": "2",
        "insights-0-id": s.own_insight,
        "insights-1-id": s.own_insight,
        "insights-1-text": "Zweite",
    },
    "duplicate foreign ids": lambda s: {
        "insights-TOTAL_FORMS": "2",
        "insights-0-id": s.foreign_insight,
        "insights-1-id": s.foreign_insight,
        "insights-1-text": "Zweite",
    },
    "negative TOTAL_FORMS": lambda s: {f"{p}-TOTAL_FORMS": "-5" for p in PREFIXES},
    "huge TOTAL_FORMS": lambda s: {f"{p}-TOTAL_FORMS": "100000" for p in PREFIXES},
    "overflowing TOTAL_FORMS": lambda s: {f"{p}-TOTAL_FORMS": hostile.HUGE for p in PREFIXES},
    "non-integer TOTAL_FORMS": lambda s: {f"{p}-TOTAL_FORMS": "viele" for p in PREFIXES},
    "missing management form": lambda s: {f"{p}-{k}": None for p in PREFIXES for k in ("TOTAL_FORMS", "INITIAL_FORMS")},
    "method that does not exist": lambda s: {"methods-0-method": "987654"},
    "non-integer method": lambda s: {"methods-0-method": "abc"},
    "huge method id": lambda s: {"methods-0-method": hostile.HUGE},
    "rating out of range": lambda s: {
        f"criterion-{s.own.ratings.first().criterion_id}-rating": "99",
        "methods-0-rating": "-3",
    },
    "huge attendance": lambda s: {"main-attendance_count": hostile.HUGE},
    "remove button with a superscript index": lambda s: {"action": "remove-insights-²"},
    "remove button with a huge index": lambda s: {"action": f"remove-insights-{hostile.HUGE}"},
    "remove button of an unknown kind": lambda s: {"action": "remove-"},
    "unknown add button": lambda s: {"action": "add-"},
    "commitment status unknown": lambda s: {"commitments-0-status": "erledigt!"},
    "date out of range": lambda s: {"commitments-0-due_date": "99999-12-31"},
    "NUL byte in a text": lambda s: {"insights-0-text": "Erkennt\x00nis"},
    "overlong who": lambda s: {"commitments-0-who": "x" * 5000},
}


def _post(client, url, data):
    return client.post(url, {k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("endpoint", ["", "autosave/"])
@pytest.mark.parametrize("case", list(ROW_ID_CASES), ids=list(ROW_ID_CASES))
def test_hostile_reflection_posts_are_no_5xx_and_leave_other_reflections_alone(client, scene, endpoint, case):
    client.raise_request_exception = False
    data = {**scene.base(), **ROW_ID_CASES[case](scene)}
    response = _post(client, scene.url + endpoint, data)
    assert response.status_code < 500
    assert scene.untouched()


def test_a_foreign_row_id_saves_a_new_row_of_ones_own(client, scene):
    data = {**scene.base(), "insights-0-id": scene.foreign_insight, "insights-0-text": "Meine Erkenntnis"}
    response = client.post(scene.url, data)
    assert response.status_code == 302
    mine = scene.own.insights.get()
    assert mine.text == "Meine Erkenntnis" and mine.pk != scene.foreign_insight
    assert scene.untouched()


def test_autosave_answers_the_new_id_not_the_foreign_one(client, scene):
    data = {**scene.base(), "insights-0-id": scene.foreign_insight, "insights-0-text": "Meine Erkenntnis"}
    response = client.post(scene.url + "autosave/", data)
    assert response.status_code == 200
    assert response.json()["ids"]["insights-0-id"] == scene.own.insights.get().pk != scene.foreign_insight


def test_too_many_rows_are_refused_and_nothing_is_saved(client, scene):
    data = {**scene.base(), "insights-TOTAL_FORMS": "100000", "insights-0-text": "Neu"}
    response = client.post(scene.url, data)
    assert response.status_code == 400
    assert list(scene.own.insights.values_list("text", flat=True)) == ["Eine Erkenntnis"]


# --- control characters and bidi overrides in the reflection form -----------------------------------------------

BIDI = "Text \u202eeglofniE"
CONTROL = "Text \x1b[31m rot"


def _text_fields(scene) -> list[str]:
    criterion = scene.own.ratings.first().criterion_id
    return [
        "main-what_worked",
        "main-what_did_not",
        "main-surprises",
        "main-not_reached",
        "main-public_summary",
        "main-internal_notes",
        f"criterion-{criterion}-note",
        "methods-0-how_it_worked",
        "insights-0-text",
        "commitments-0-what",
        "commitments-0-who",
    ]


@pytest.mark.parametrize("value", [BIDI, CONTROL], ids=["bidi", "control"])
def test_every_text_field_of_the_reflection_form_refuses_hidden_characters(client, scene, value):
    before = _rows(scene.own)
    for name in _text_fields(scene):
        data = {**scene.base(), name: value}
        if name.startswith("methods-"):
            data["methods-0-method"] = str(MethodFactory(is_published=True).pk)
        response = client.post(scene.url, data)
        assert response.status_code == 400, name
        assert f"id_{name}" in [item[0] for item in response.context["errors"]], name
        assert _rows(scene.own) == before, name


def test_autosave_refuses_a_bidi_override(client, scene):
    response = client.post(scene.url + "autosave/", {**scene.base(), "main-what_worked": BIDI})
    assert response.status_code == 400
    assert scene.own.__class__.objects.get(pk=scene.own.pk).what_worked != BIDI


def test_line_breaks_and_tabs_stay_allowed_in_the_reflection_form(client, scene):
    response = client.post(scene.url, {**scene.base(), "main-what_worked": "Erstens\r\nzweitens\tdrittens"})
    assert response.status_code == 302
    assert Reflection.objects.get(pk=scene.own.pk).what_worked == "Erstens\r\nzweitens\tdrittens"


def test_a_line_break_in_the_single_line_who_is_refused(client, scene):
    response = client.post(scene.url, {**scene.base(), "commitments-0-who": "Prozess\nteam"})
    assert response.status_code == 400


def test_the_perspective_form_refuses_a_bidi_override(client):
    workshop = held_workshop()
    guest = facilitator()
    WorkshopTeamMember.objects.create(workshop=workshop, user=guest, role=WorkshopTeamMember.Role.POLITIK)
    login_with_mfa(client, guest)
    url = f"/moderation/werkstaetten/{workshop.slug}/reflexion/"
    response = client.post(url, {"action": "save", "main-take_back": BIDI})
    assert response.status_code == 400
    assert not Reflection.objects.filter(take_back=BIDI).exists()


# --- other posts of the reflections app -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "²", "-1", hostile.HUGE, "1.5"])
def test_deleting_a_photo_with_a_bad_id_is_404(client, scene, value):
    client.raise_request_exception = False
    url = f"/moderation/werkstaetten/{scene.workshop.slug}/fotos/"
    response = client.post(url, {"action": "delete", "photo": value})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["abc", "²", "-1", hostile.HUGE, "1.5"])
def test_answering_a_review_comment_with_a_bad_id_is_404(client, scene, value):
    client.raise_request_exception = False
    url = f"/moderation/werkstaetten/{scene.workshop.slug}/dokumentation-pruefen/"
    response = client.post(url, {"action": "answer", "comment": value, "answer": "Danke"})
    assert response.status_code == 404


def test_photo_texts_refuse_a_bidi_override(client, scene):
    image = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    url = f"/moderation/werkstaetten/{scene.workshop.slug}/fotos/"
    response = client.post(url, {"image": image, "alt_text": BIDI, "caption": "", "is_public": "on"})
    assert response.status_code == 400
    assert not scene.workshop.result_photos.exists()


STAFF_FIELDS = [
    "action",
    "agreed_insights",
    "commitments_kept",
    "commitments_note",
    "what_changed",
    "what_did_not",
    "comment",
    "answer",
    "public_summary",
    "photo",
    "alt_text",
    "caption",
    "main-what_worked",
    "main-attendance_count",
    "insights-TOTAL_FORMS",
    "insights-INITIAL_FORMS",
    "insights-0-id",
    "insights-0-text",
    "insights-0-DELETE",
    "commitments-TOTAL_FORMS",
    "commitments-0-id",
    "commitments-0-what",
    "commitments-0-who",
    "methods-TOTAL_FORMS",
    "methods-0-method",
]
hostile_text = hostile.hostile_text(
    alphabet_extra="0123456789-²",
    max_size=40,
    extra_values=[
        "save",
        "done",
        "reopen",
        "submit",
        "open",
        "answer",
        "revise",
        "publish",
        "delete",
        "remove-insights-0",
        "remove-commitments-²",
        "add-insights",
        "yes",
    ],
)
form_bodies = hostile.form_bodies(STAFF_FIELDS, values=hostile_text, max_size=8)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=form_bodies)
def test_staff_posts_never_answer_5xx_nor_touch_other_reflections(client, scene, body):
    client.raise_request_exception = False
    slug = scene.workshop.slug
    for path in [
        scene.url,
        scene.url + "autosave/",
        f"/moderation/werkstaetten/{slug}/nachbesprechung/",
        f"/moderation/werkstaetten/{slug}/nachreflexion/",
        f"/moderation/werkstaetten/{slug}/dokumentation-pruefen/",
        f"/moderation/werkstaetten/{slug}/fotos/",
        f"/moderation/reflexionen/{scene.other.pk}/wieder-oeffnen/",
    ]:
        response = client.post(path, body)
        assert response.status_code < 500, f"POST {path} {body!r:.300}"
    assert scene.untouched()


@pytest.mark.parametrize("endpoint", ["", "autosave/"])
def test_a_negative_row_count_keeps_the_saved_rows(client, scene, endpoint):
    before = _rows(scene.own)
    data = {**scene.base(), **{f"{p}-TOTAL_FORMS": "-1" for p in PREFIXES}}
    response = client.post(scene.url + endpoint, data)
    assert response.status_code == 400
    assert _rows(scene.own) == before


# --- the attendee's review of the documentation (no account, token link) ----------------------------------------

REVIEW_FIELDS = ["kind", "target", "text", "action", "comment"]
review_bodies = hostile.form_bodies(REVIEW_FIELDS, values=hostile_text, max_size=5)


@pytest.fixture
def review_link():
    from tests.reflections.factories import attendees, submitted_reflection

    workshop = held_workshop()
    submitted_reflection(workshop, summary="Wir haben drei Bänke vereinbart.")
    person = attendees(workshop, 1, status_updates_opt_in=True)[0]
    services.documentation_review_open(workshop=workshop, by=lead_of(workshop))
    return f"/werkstaetten/anmeldung/{person.manage_token}/dokumentation-pruefen/", workshop


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=review_bodies)
def test_attendee_review_posts_never_answer_5xx(client, review_link, body):
    client.raise_request_exception = False
    response = client.post(review_link[0], body)
    assert response.status_code < 500, f"{body!r:.300}"


@pytest.mark.parametrize("target", ["²", "-1", hostile.HUGE, "abc", "0"])
def test_a_review_comment_on_an_unknown_target_is_refused(client, review_link, target):
    path, workshop = review_link
    response = client.post(path, {"kind": "flag", "target": target, "text": "Es waren vier Bänke."})
    assert response.status_code == 400
    assert not workshop.documentation_review.comments.exists()


def test_a_review_comment_on_a_commitment_of_another_workshop_is_refused(client, review_link):
    path, workshop = review_link
    other = held_workshop()
    from tests.reflections.factories import submitted_reflection

    foreign = submitted_reflection(other).commitments.get()
    response = client.post(path, {"kind": "flag", "target": str(foreign.pk), "text": "Fremd"})
    assert response.status_code == 400
    assert not workshop.documentation_review.comments.exists()


def test_a_review_comment_refuses_a_bidi_override(client, review_link):
    path, _workshop = review_link
    response = client.post(path, {"kind": "comment", "target": "", "text": BIDI})
    assert response.status_code == 400
    assert "Schreibrichtung" in response.content.decode()


@pytest.mark.parametrize("model_name", ["QualityCriterion", "Commitment", "ResultPhoto"])
def test_admin_forms_of_criteria_commitments_and_photos_check_their_texts(model_name):
    from django.contrib import admin

    from core.validators import PlainTextFormMixin
    from reflections import models

    assert issubclass(admin.site._registry[getattr(models, model_name)].form, PlainTextFormMixin)


def test_autosave_with_a_json_body_is_refused_and_saves_nothing(client, scene):
    before = _rows(scene.own)
    response = client.post(scene.url + "autosave/", {"insights": [{"id": scene.foreign_insight}]}, "application/json")
    assert response.status_code == 400
    assert _rows(scene.own) == before
    assert scene.untouched()


DASHBOARD_DAYS = ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "²", "\u202e", hostile.HUGE]


@pytest.mark.parametrize("von", DASHBOARD_DAYS)
@pytest.mark.parametrize("bis", ["9999-12-31", "0001-01-01", "2026-01-01"])
def test_dashboard_with_dates_at_the_ends_of_the_calendar_is_no_5xx(client, von, bis):
    from django.core.cache import cache

    from accounts.roles import Role
    from tests.factories import UserFactory
    from tests.reflections.factories import with_role

    cache.clear()
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    client.raise_request_exception = False
    response = client.get("/moderation/auswertung/", {"von": von, "bis": bis, "bezirk": ""})
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["seite=²", f"seite={hostile.HUGE}", "seite=-1", "mehr=²", "pruefen=\u202e"])
def test_staff_pages_with_odd_query_strings_are_no_5xx(client, scene, query):
    client.raise_request_exception = False
    assert client.get(f"{scene.url}?{query}").status_code < 500
    assert client.get(f"/moderation/dokumentation-offen/?{query}").status_code < 500


@pytest.mark.parametrize("params", ["starts_before=9999-12-31", "starts_after=0001-01-01", "starts_after=9999-12-31"])
def test_open_data_figures_with_dates_at_the_ends_of_the_calendar_are_no_5xx(client, params):
    client.raise_request_exception = False
    assert client.get(f"/api/v1/quality-criteria/figures/?{params}").status_code == 200
    assert client.get(f"/api/v1/documentation/?{params}").status_code == 200


def test_the_ends_of_the_calendar_still_include_every_workshop():
    from datetime import date

    from reflections import selectors
    from tests.reflections.factories import submitted_reflection

    workshop = held_workshop()
    submitted_reflection(workshop)
    scope = selectors.dashboard_scope(districts=None, start=date(1, 1, 1), end=date(9999, 12, 31))
    assert list(scope) == [workshop]


ROW_KEYS = [
    "action",
    "main-attendance_count",
    "main-what_worked",
    "main-public_summary",
    *[f"{p}-{k}" for p in PREFIXES for k in ("TOTAL_FORMS", "INITIAL_FORMS")],
    *[f"{p}-{i}-id" for p in PREFIXES for i in (0, 1)],
    "methods-0-method",
    "methods-0-rating",
    "methods-0-how_it_worked",
    "insights-0-text",
    "insights-1-text",
    "insights-0-public",
    "commitments-0-what",
    "commitments-0-who",
    "commitments-0-due_date",
    "commitments-0-status",
    "commitments-1-what",
    "commitments-1-who",
]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    overrides=st.dictionaries(
        st.sampled_from(ROW_KEYS),
        st.one_of(hostile_text, st.integers(min_value=-(10**20), max_value=10**20).map(str)),
        max_size=6,
    )
)
def test_valid_looking_reflection_posts_with_hostile_values_never_answer_5xx(client, scene, overrides):
    client.raise_request_exception = False
    data = {**scene.base(), **overrides}
    for path in (scene.url, scene.url + "autosave/"):
        response = client.post(path, data)
        assert response.status_code < 500, f"POST {path} {overrides!r:.300}"
    assert scene.untouched()
