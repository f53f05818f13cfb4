"""Issue 12.4: attendees review the draft documentation through their registration link before it is
published; the lead answers every flag, may revise the summary, and publishes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError, NotAllowed
from core.models import AuditLog, OutboxMail
from reflections import services
from reflections.models import DocumentationReview, ReviewComment
from tests.auth import login_with_mfa
from tests.reflections.factories import CommitmentFactory, attendees, held_workshop, lead_of, submitted_reflection

pytestmark = pytest.mark.django_db
FLAG = ReviewComment.Kind.FLAG


def reviewed_workshop(**attendee_kwargs):
    workshop = held_workshop()
    submitted_reflection(workshop, summary="Wir haben drei Bänke vereinbart.")
    people = attendees(workshop, 2, status_updates_opt_in=True, **attendee_kwargs)
    return workshop, people


def opened(**attendee_kwargs):
    workshop, people = reviewed_workshop(**attendee_kwargs)
    review = services.documentation_review_open(workshop=workshop, by=lead_of(workshop))
    return workshop, people, review


def test_opening_the_review_mails_each_consenting_attendee_their_link():
    _workshop, people, review = opened()
    mails = OutboxMail.objects.filter(topic="documentation_review")
    assert review.invited == 2 and mails.count() == 2
    assert f"/werkstaetten/anmeldung/{people[0].manage_token}/dokumentation-pruefen/" in "".join(
        m.body_text for m in mails
    )


def test_attendees_without_contact_consent_are_not_asked():
    workshop, _people = reviewed_workshop()
    attendees(workshop, 1, status_updates_opt_in=False)
    assert services.documentation_review_open(workshop=workshop).invited == 2


def test_an_anonymised_registration_gets_no_link():
    workshop, people = reviewed_workshop()
    type(people[0]).objects.filter(pk=people[0].pk).update(anonymised_at=timezone.now(), token_seed="")
    assert services.documentation_review_open(workshop=workshop).invited == 1


def test_the_review_needs_a_public_summary():
    workshop = held_workshop()
    with pytest.raises(ApplicationError):
        services.documentation_review_open(workshop=workshop)


def test_opening_the_review_is_audited_once():
    workshop, _people, _review = opened()
    services.documentation_review_open(workshop=workshop)
    assert AuditLog.objects.filter(action=services.AUDIT_REVIEW_OPEN).count() == 1


def test_an_attendee_flags_a_commitment():
    workshop, people = reviewed_workshop()
    commitment = workshop.commitments.first()
    services.documentation_review_open(workshop=workshop)
    comment = services.review_comment_add(
        registration=people[0], kind=FLAG, text="Es waren vier Bänke.", commitment_id=commitment.pk
    )
    assert comment.is_flag and comment.commitment == commitment


def test_a_flag_after_the_window_is_refused_kindly():
    _workshop, people, review = opened()
    with pytest.raises(services.ReviewClosed) as error:
        services.review_comment_add(
            registration=people[0], kind=FLAG, text="Zu spät.", now=review.closes_at + timedelta(minutes=1)
        )
    assert "Vielen Dank" in str(error.value.message)


def test_a_registration_not_checked_in_cannot_comment():
    workshop, _people, _review = opened()
    absent = attendees(workshop, 1, checked_in=False, status_updates_opt_in=True)[0]
    with pytest.raises(NotAllowed):
        services.review_comment_add(registration=absent, text="Ich war nicht da.")


def test_a_commitment_of_another_workshop_is_refused():
    _workshop, people, _review = opened()
    other = CommitmentFactory()
    with pytest.raises(ApplicationError):
        services.review_comment_add(registration=people[0], text="x", commitment_id=other.pk)


def test_publishing_is_refused_while_the_window_runs():
    workshop, _people, _review = opened()
    with pytest.raises(ApplicationError):
        services.documentation_publish(workshop=workshop)


def test_publishing_is_refused_while_a_flag_lacks_an_answer():
    workshop, people, review = opened()
    services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    with pytest.raises(services.ReviewFlagsUnanswered):
        services.documentation_publish(workshop=workshop, now=review.closes_at + timedelta(hours=1))


def test_the_lead_answers_a_flag_and_publishes_audited():
    workshop, people, review = opened()
    flag = services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    services.review_comment_answer(comment=flag, answer="Danke, korrigiert.", by=lead_of(workshop))
    review = services.documentation_publish(
        workshop=workshop, by=lead_of(workshop), now=review.closes_at + timedelta(hours=1)
    )
    assert review.is_published
    entry = AuditLog.objects.get(action=services.AUDIT_DOCUMENTATION_PUBLISH)
    assert entry.details["flags"] == 1
    assert AuditLog.objects.filter(action=services.AUDIT_REVIEW_ANSWER).count() == 1


def test_the_lead_revises_the_summary_audited():
    workshop, _people, _review = opened()
    reflection = services.public_summary_revise(workshop=workshop, text="Vier Bänke.", by=lead_of(workshop))
    assert reflection.public_summary == "Vier Bänke."
    assert AuditLog.objects.filter(action=services.AUDIT_SUMMARY_REVISE).count() == 1


# --- pages ---------------------------------------------------------------------------------------------------


def review_path(registration) -> str:
    return f"/werkstaetten/anmeldung/{registration.manage_token}/dokumentation-pruefen/"


def test_the_public_page_hides_the_draft_while_attendees_review(client):
    workshop, _people, _review = opened()
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert "prüfen gerade den Entwurf" in page
    assert "drei Bänke" not in page


def test_the_published_page_says_it_was_reviewed_with_the_counts(client):
    workshop, people, review = opened()
    flag = services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    services.review_comment_answer(comment=flag, answer="Korrigiert.")
    services.documentation_publish(workshop=workshop, now=review.closes_at + timedelta(hours=1))
    page = client.get(f"/werkstaetten/{workshop.slug}/dokumentation/").content.decode()
    assert "Von Teilnehmer*innen geprüft: 1 Hinweis" in page and "davon 1 beantwortet" in page
    assert "drei Bänke" in page


def test_an_attendee_comments_from_the_link_and_html_is_escaped(client):
    _workshop, people, _review = opened()
    response = client.post(
        review_path(people[0]),
        {"kind": "comment", "target": "", "text": 'Siehe <a href="https://x.example">hier</a><script>x</script>'},
    )
    assert response.status_code == 302
    page = client.get(review_path(people[0])).content.decode()
    assert "&lt;a href=" in page and "<script>x</script>" not in page


def test_a_flag_after_the_window_is_answered_with_a_friendly_page(client):
    _workshop, people, review = opened()
    DocumentationReview.objects.filter(pk=review.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = client.post(review_path(people[0]), {"kind": "flag", "target": "", "text": "Zu spät."})
    assert response.status_code == 200
    assert "Frist für Hinweise ist leider vorbei" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_an_anonymised_registration_link_opens_nothing(client):
    _workshop, people, _review = opened()
    type(people[0]).objects.filter(pk=people[0].pk).update(anonymised_at=timezone.now())
    assert client.get(review_path(people[0])).status_code == 404


def test_the_attendee_sees_the_leads_answer(client):
    _workshop, people, _review = opened()
    flag = services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    services.review_comment_answer(comment=flag, answer="Wir haben es korrigiert.")
    assert "Wir haben es korrigiert." in client.get(review_path(people[0])).content.decode()
    assert "Wir haben es korrigiert." not in client.get(review_path(people[1])).content.decode()


def test_the_lead_answers_on_the_moderation_page(client):
    workshop, people, _review = opened()
    flag = services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    login_with_mfa(client, lead_of(workshop))
    url = f"/moderation/werkstaetten/{workshop.slug}/dokumentation-pruefen/"
    assert "Nein." in client.get(url).content.decode()
    client.post(url, {"action": "answer", "comment": flag.pk, "answer": "Stimmt, korrigiert."})
    flag.refresh_from_db()
    assert flag.answer == "Stimmt, korrigiert."


def test_the_attendee_is_told_by_mail_once_that_their_hint_was_answered():
    _workshop, people, _review = opened()
    flag = services.review_comment_add(registration=people[0], kind=FLAG, text="Nein.")
    services.review_comment_answer(comment=flag, answer="Korrigiert.")
    services.review_comment_answer(comment=flag, answer="Korrigiert, mit Foto.")
    mails = OutboxMail.objects.filter(topic="documentation_review_answer")
    assert mails.count() == 1 and mails.get().to == people[0].email
