"""The team card on /konto/ lists only pages the person may open (no link that answers 403)."""

import pytest

from accounts.roles import Role
from tests.auth import login_with_mfa
from tests.factories import UserFactory, WorkshopTeamMemberFactory
from tests.reflections.factories import held_workshop, with_role
from workshops.models import WorkshopTeamMember

pytestmark = pytest.mark.django_db


def test_member_of_a_bezirksrat_sees_no_link_to_dashboard_or_reports(client):
    user = with_role(UserFactory(), Role.POLITIK)
    WorkshopTeamMemberFactory(workshop=held_workshop(), user=user, role=WorkshopTeamMember.Role.POLITIK)
    login_with_mfa(client, user)
    page = client.get("/konto/").content.decode()
    assert 'href="/moderation/"' in page
    assert 'href="/moderation/auswertung/"' not in page
    assert 'href="/berichte/"' not in page


def test_every_team_link_opens_for_the_roles_that_see_it(client):
    for role in (Role.POLITIK, Role.FACHBEREICH, Role.MODERATION, Role.BEZIRKSMANAGEMENT, Role.FACHTEAM):
        user = with_role(UserFactory(), role)
        WorkshopTeamMemberFactory(workshop=held_workshop(), user=user, role=WorkshopTeamMember.Role.CO)
        login_with_mfa(client, user)
        page = client.get("/konto/").content.decode()
        for url in ("/moderation/", "/moderation/auswertung/", "/berichte/"):
            if f'href="{url}"' in page:
                assert client.get(url).status_code == 200, (role, url)
        client.logout()


def test_fachteam_sees_dashboard_and_reports(client):
    login_with_mfa(client, with_role(UserFactory(), Role.FACHTEAM))
    page = client.get("/konto/").content.decode()
    assert 'href="/moderation/auswertung/"' in page
    assert 'href="/berichte/"' in page
