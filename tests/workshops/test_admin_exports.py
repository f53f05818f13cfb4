"""Attendee exports (CSV, XLSX, sign-in PDF) and support-need counts: content, permissions, audit log."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.roles import Role
from core.models import AuditLog
from tests.auth import login_with_mfa
from tests.factories import (
    DistrictFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopFactory,
    WorkshopTeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def staff(role: Role):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def fachteam(client):
    user = staff(Role.FACHTEAM)
    login_with_mfa(client, user)
    return user


@pytest.fixture
def workshop():
    workshop = WorkshopFactory(title="Marktplatz", slug="marktplatz", capacity=20)
    RegistrationFactory(
        workshop=workshop, name="Bea Beispiel", email="bea@example.org", seats=2, check_in_code="ACDEFG"
    )
    RegistrationFactory(workshop=workshop, name="=HYPERLINK(1)", email="evil@example.org")
    RegistrationFactory(workshop=workshop, name="Wanda Warteliste", waitlisted=True)
    RegistrationFactory(workshop=workshop, name="Stefan Storniert", cancelled=True)
    RegistrationFactory(
        workshop=workshop,
        name="Ada Anders",
        support_sign_language=True,
        support_other="Rollstuhlplatz",
        support_consent_at="2026-01-01T10:00:00Z",
    )
    return workshop


def url(workshop, name: str) -> str:
    return f"/admin/workshops/workshop/{workshop.pk}/{name}"


def test_csv_lists_active_registrations_confirmed_first(client, fachteam, workshop):
    response = client.get(url(workshop, "teilnehmende.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-marktplatz-teilnehmende.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert table[0][:4] == ["Name", "E-Mail-Adresse", "Personen", "Status"]
    names = [row[0] for row in table[1:]]
    assert names == ["'=HYPERLINK(1)", "Ada Anders", "Bea Beispiel", "Wanda Warteliste"]
    bea = table[1:][2]
    assert bea[1:4] == ["bea@example.org", "2", "bestätigt"]
    assert bea[5] == "ACDEFG"


def test_csv_contains_no_support_needs(client, fachteam, workshop):
    text = client.get(url(workshop, "teilnehmende.csv")).content.decode()
    assert "Rollstuhlplatz" not in text
    assert "Gebärden" not in text


def test_xlsx_has_a_header_and_one_row_per_active_registration(client, fachteam, workshop):
    response = client.get(url(workshop, "teilnehmende.xlsx"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Name", "E-Mail-Adresse", "Personen")
    assert [row[0] for row in values[1:]] == ["'=HYPERLINK(1)", "Ada Anders", "Bea Beispiel", "Wanda Warteliste"]
    assert values[3][2] == 2
    assert sheet.freeze_panes == "A2"


def test_sign_in_pdf_lists_confirmed_people_with_a_signature_column(client, fachteam, workshop):
    response = client.get(url(workshop, "anwesenheitsliste.pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Anwesenheitsliste: Marktplatz" in text
    assert "Unterschrift" in text
    assert "Bea Beispiel" in text
    assert "Ada Anders" in text
    assert "Wanda Warteliste" not in text
    assert "Stefan Storniert" not in text
    assert "Rollstuhlplatz" not in text
    assert "bea@example.org" not in text


def test_every_export_is_written_to_the_audit_log(client, fachteam, workshop):
    for name in ("teilnehmende.csv", "teilnehmende.xlsx", "anwesenheitsliste.pdf"):
        client.get(url(workshop, name))
    logged = AuditLog.objects.filter(action=AuditLog.Action.ATTENDEES_EXPORT, actor=fachteam)
    assert sorted(entry.details["format"] for entry in logged) == ["csv", "pdf", "xlsx"]


def test_facilitator_of_the_workshop_may_export(client, workshop):
    user = staff(Role.MODERATION)
    WorkshopTeamMemberFactory(workshop=workshop, user=user)
    login_with_mfa(client, user)
    assert client.get(url(workshop, "teilnehmende.csv")).status_code == 200


def test_facilitator_of_another_workshop_may_not_export(client, workshop):
    user = staff(Role.MODERATION)
    WorkshopTeamMemberFactory(user=user)
    login_with_mfa(client, user)
    assert client.get(url(workshop, "teilnehmende.csv")).status_code == 403
    assert client.get(url(workshop, "anwesenheitsliste.pdf")).status_code == 403
    assert not AuditLog.objects.filter(action=AuditLog.Action.ATTENDEES_EXPORT).exists()


def test_support_needs_are_counted_for_planning(client, fachteam, workshop):
    RegistrationFactory(
        workshop=workshop, pending=True, support_sign_language=True, support_consent_at="2026-01-01T10:00:00Z"
    )
    response = client.get(url(workshop, "unterstuetzung/"))
    rows = {str(row["label"]): (row["confirmed"], row["open"]) for row in response.context["rows"]}
    assert rows["Gebärdensprachdolmetschung (DGS)"] == (1, 1)
    assert rows["Kinderbetreuung"] == (0, 0)
    assert [text for _status, text in response.context["other"]] == ["Rollstuhlplatz"]
    assert "Ada Anders" not in response.content.decode()
    assert AuditLog.objects.filter(action=AuditLog.Action.SUPPORT_NEEDS_VIEW).count() == 1


def test_support_needs_without_consent_are_not_counted(client, fachteam, workshop):
    RegistrationFactory(workshop=workshop, support_childcare=True)
    rows = {str(row["label"]): row["confirmed"] for row in client.get(url(workshop, "unterstuetzung/")).context["rows"]}
    assert rows["Kinderbetreuung"] == 0


def test_district_staff_outside_the_team_may_not_see_support_needs(client, workshop):
    user = staff(Role.BEZIRKSMANAGEMENT)
    user.districts.add(DistrictFactory(number=10))
    login_with_mfa(client, user)
    assert client.get(url(workshop, "unterstuetzung/")).status_code == 403
    assert client.get(url(workshop, "teilnehmende.csv")).status_code == 200
