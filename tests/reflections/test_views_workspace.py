"""The facilitator workspace /moderation/: who sees what, support needs with audit, the reflection form
without JavaScript (save, add and remove rows, submit) and the autosave endpoint."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from core.models import AuditLog
from reflections.models import Insight, Reflection
from tests.auth import login_with_mfa
from tests.factories import (
    DistrictFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)
from tests.reflections.factories import attendees, facilitator, held_workshop, lead_of, submitted_reflection, with_role
from workshops.models import Workshop, WorkshopTeamMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_workshops():
    a = held_workshop(title="Werkstatt A")
    b = held_workshop(title="Werkstatt B")
    return a, b


def test_anonymous_is_sent_to_login(client):
    response = client.get("/moderation/")
    assert response.status_code == 302 and "/konto/" in response["Location"]


def test_citizen_gets_403(client):
    client.force_login(UserFactory())
    assert client.get("/moderation/").status_code == 403


def test_facilitator_of_a_sees_a_but_not_b(client, two_workshops):
    a, b = two_workshops
    user = lead_of(a)
    login_with_mfa(client, user)
    page = client.get("/moderation/").content.decode()
    assert "Werkstatt A" in page and "Werkstatt B" not in page
    assert client.get(f"/moderation/werkstaetten/{a.slug}/").status_code == 200
    assert client.get(f"/moderation/werkstaetten/{b.slug}/").status_code == 403
    assert client.get(f"/moderation/werkstaetten/{b.slug}/reflexion/").status_code == 403
    assert client.post(f"/moderation/werkstaetten/{b.slug}/reflexion/", {"action": "save"}).status_code == 403
    assert client.post(f"/moderation/werkstaetten/{b.slug}/reflexion/autosave/").status_code == 403


def test_facilitator_cannot_read_a_reflection_of_another_workshop(client, two_workshops):
    a, b = two_workshops
    other = submitted_reflection(b)
    login_with_mfa(client, lead_of(a))
    assert client.get(f"/moderation/reflexionen/{other.pk}/").status_code == 403
    assert client.post(f"/moderation/reflexionen/{other.pk}/wieder-oeffnen/").status_code == 403


def test_workspace_lists_upcoming_and_pending_reflections(client):
    user = facilitator()
    past = held_workshop(lead=user, title="Vergangen ohne Reflexion")
    done = held_workshop(lead=user, title="Schon reflektiert")
    submitted_reflection(done)
    upcoming = WorkshopFactory(title="Kommt noch")
    WorkshopTeamMemberFactory(workshop=upcoming, user=user, role=WorkshopTeamMember.Role.CO)
    login_with_mfa(client, user)
    response = client.get("/moderation/")
    needs = [e.workshop for e in response.context["workspace"].needs_reflection]
    assert needs == [past]
    assert [e.workshop for e in response.context["workspace"].upcoming] == [upcoming]
    assert [e.workshop for e in response.context["workspace"].done] == [done]


def test_workspace_page_has_check_in_link_and_attendees(client):
    workshop = held_workshop()
    RegistrationFactory(workshop=workshop, name="Hanna Teilnehmerin")
    login_with_mfa(client, lead_of(workshop))
    page = client.get(f"/moderation/werkstaetten/{workshop.slug}/").content.decode()
    assert "Hanna Teilnehmerin" in page
    assert f"/werkstaetten/{workshop.slug}/einlass/" in page


def test_support_needs_are_shown_on_request_and_the_view_is_audited(client):
    workshop = held_workshop()
    RegistrationFactory(workshop=workshop, support_childcare=True, support_other="Rampe am Eingang")
    login_with_mfa(client, lead_of(workshop))
    url = f"/moderation/werkstaetten/{workshop.slug}/"
    assert "Rampe am Eingang" not in client.get(url).content.decode()
    assert not AuditLog.objects.exists()
    page = client.get(url + "?unterstuetzung=1").content.decode()
    assert "Rampe am Eingang" in page
    log = AuditLog.objects.get()
    assert log.action == AuditLog.Action.SUPPORT_NEEDS_VIEW and log.actor == lead_of(workshop)


def test_district_staff_not_on_the_team_sees_attendees_but_no_support_needs(client):
    linden = DistrictFactory(number=10)
    workshop = held_workshop(district=linden)
    RegistrationFactory(workshop=workshop, support_other="Rampe am Eingang")
    staff = with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden])
    login_with_mfa(client, staff)
    response = client.get(f"/moderation/werkstaetten/{workshop.slug}/?unterstuetzung=1")
    assert response.status_code == 200
    assert "Rampe am Eingang" not in response.content.decode()
    assert not AuditLog.objects.exists()


# --- reflection form without JavaScript ---------------------------------------------------------------------------


def _form_data(response) -> dict:
    """The values a browser would submit for the rendered forms (initial values)."""
    bundle = response.context["bundle"]
    data = {}
    for form in [bundle.main, *bundle.ratings]:
        for name in form.fields:
            value = form[name].value()
            data[form.add_prefix(name)] = "" if value is None else value
    for formset in bundle.formsets:
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            for name in form.fields:
                value = form[name].value()
                if name == "public":
                    if value:
                        data[form.add_prefix(name)] = "on"
                    continue
                data[form.add_prefix(name)] = "" if value is None else value
    return data


def test_form_is_prefilled_and_nothing_is_stored_on_get(client):
    workshop = held_workshop()
    attendees(workshop, 4)
    login_with_mfa(client, lead_of(workshop))
    response = client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/")
    assert response.status_code == 200
    assert response.context["bundle"].main["attendance_count"].value() == 4
    assert len(response.context["bundle"].ratings) == 7
    assert not Reflection.objects.exists()


def test_save_add_and_remove_rows_and_submit_without_javascript(client):
    workshop = held_workshop()
    url = f"/moderation/werkstaetten/{workshop.slug}/reflexion/"
    login_with_mfa(client, lead_of(workshop))
    data = _form_data(client.get(url))
    data["insights-0-text"] = "Erste Erkenntnis"
    data["action"] = "add-insights"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?mehr=insights#insights-neu")
    reflection = Reflection.objects.get()
    first = Insight.objects.get(reflection=reflection)

    data = _form_data(client.get(url + "?mehr=insights"))
    assert data["insights-0-id"] == first.pk and data["insights-TOTAL_FORMS"] == 2
    data["insights-1-text"] = "Zweite Erkenntnis"
    data["action"] = "remove-insights-0"
    client.post(url, data)
    assert list(reflection.insights.values_list("text", flat=True)) == ["Zweite Erkenntnis"]

    data = _form_data(client.get(url))
    for key in [k for k in data if k.endswith("-rating") and k.startswith("criterion-")]:
        data[key] = "4"
    data["main-public_summary"] = "Gemeinsame Zusammenfassung"
    data["main-attendance_count"] = "12"
    data["commitments-0-what"] = "Protokoll verschicken"
    data["commitments-0-who"] = "Prozessteam"
    data["action"] = "submit"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("reflections:workspace")
    reflection.refresh_from_db()
    assert reflection.is_submitted
    assert reflection.commitments.get().what == "Protokoll verschicken"
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.DOCUMENTED


def test_submit_incomplete_saves_and_marks_the_missing_fields(client):
    workshop = held_workshop()
    url = f"/moderation/werkstaetten/{workshop.slug}/reflexion/"
    login_with_mfa(client, lead_of(workshop))
    data = _form_data(client.get(url))
    data["main-what_worked"] = "Viel"
    data["action"] = "submit"
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"].endswith("?pruefen=1")
    response = client.get(response["Location"])
    errors = response.context["errors"]
    assert len(errors) == 1 + 7 + 1  # attendance (nobody checked in), 7 ratings, public summary
    assert Reflection.objects.get().what_worked == "Viel"
    assert b'aria-invalid="true"' in response.content or b"errorlist" in response.content


def test_invalid_input_is_not_saved_and_shows_errors(client):
    workshop = held_workshop()
    url = f"/moderation/werkstaetten/{workshop.slug}/reflexion/"
    login_with_mfa(client, lead_of(workshop))
    data = _form_data(client.get(url))
    data["commitments-0-who"] = "Jemand"  # who without what
    data["action"] = "save"
    response = client.post(url, data)
    assert response.status_code == 400
    assert any("vereinbart" in message for _target, _label, message in response.context["errors"])
    assert not Reflection.objects.exists()


def test_autosave_creates_the_draft_and_returns_row_ids(client):
    workshop = held_workshop()
    url = f"/moderation/werkstaetten/{workshop.slug}/reflexion/"
    login_with_mfa(client, lead_of(workshop))
    data = _form_data(client.get(url))
    data["insights-0-text"] = "Automatisch gespeichert"
    response = client.post(url + "autosave/", data)
    assert response.status_code == 200
    body = response.json()
    insight = Insight.objects.get()
    assert body["saved"] is True and body["ids"]["insights-0-id"] == insight.pk
    data["insights-0-id"] = insight.pk
    client.post(url + "autosave/", data)
    assert Insight.objects.count() == 1


def test_autosave_of_a_submitted_reflection_is_refused(client):
    workshop = held_workshop()
    submitted_reflection(workshop)
    login_with_mfa(client, lead_of(workshop))
    response = client.post(f"/moderation/werkstaetten/{workshop.slug}/reflexion/autosave/", {})
    assert response.status_code == 409


def test_submitted_reflection_is_shown_read_only_and_can_be_reopened(client):
    workshop = held_workshop()
    reflection = submitted_reflection(workshop)
    login_with_mfa(client, lead_of(workshop))
    response = client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/")
    assert response.templates[0].name == "reflections/reflection_detail.html"
    response = client.post(f"/moderation/reflexionen/{reflection.pk}/wieder-oeffnen/")
    assert response.status_code == 302
    reflection.refresh_from_db()
    assert reflection.status == Reflection.Status.DRAFT


def test_co_facilitator_form_has_no_public_summary(client):
    co = facilitator()
    workshop = held_workshop(team=[(co, WorkshopTeamMember.Role.CO)])
    login_with_mfa(client, co)
    response = client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/")
    assert "public_summary" not in response.context["bundle"].main.fields
    assert "schreibt die Leitung" in response.content.decode()


def test_district_staff_may_read_but_not_write_reflections(client):
    linden = DistrictFactory(number=10)
    workshop = held_workshop(district=linden)
    reflection = submitted_reflection(workshop)
    staff = with_role(UserFactory(), Role.BEZIRKSMANAGEMENT, [linden])
    login_with_mfa(client, staff)
    assert client.get(f"/moderation/reflexionen/{reflection.pk}/").status_code == 200
    assert client.get(f"/moderation/werkstaetten/{workshop.slug}/reflexion/").status_code == 403


def test_photos_page_needs_alt_text(client):
    workshop = held_workshop()
    login_with_mfa(client, lead_of(workshop))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.reflections.test_services import PNG

    url = f"/moderation/werkstaetten/{workshop.slug}/fotos/"
    response = client.post(
        url, {"image": SimpleUploadedFile("a.png", PNG, "image/png"), "alt_text": "", "is_public": "on"}
    )
    assert response.status_code == 400
    assert not workshop.result_photos.exists()
    response = client.post(
        url,
        {"image": SimpleUploadedFile("a.png", PNG, "image/png"), "alt_text": "Stellwand mit Ideen", "is_public": "on"},
    )
    assert response.status_code == 302
    assert workshop.result_photos.get().alt_text == "Stellwand mit Ideen"


def test_reflection_form_of_an_upcoming_workshop_redirects_with_a_notice(client):
    user = facilitator()
    upcoming = WorkshopFactory()
    WorkshopTeamMemberFactory(workshop=upcoming, user=user, role=WorkshopTeamMember.Role.LEAD)
    login_with_mfa(client, user)
    response = client.get(f"/moderation/werkstaetten/{upcoming.slug}/reflexion/")
    assert response.status_code == 302 and response["Location"] == f"/moderation/werkstaetten/{upcoming.slug}/"
    assert client.post(f"/moderation/werkstaetten/{upcoming.slug}/reflexion/", {"action": "save"}).status_code == 302
    assert not Reflection.objects.exists()
