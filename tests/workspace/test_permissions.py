"""Who may open each workspace page: anonymous -> sign-in, citizen -> 403, official of another
institution -> 403 on this institution's consultation, official and staff -> 200."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consult.models import Consultation
from tests import factories as f

# View name -> whether it is about one consultation (then another institution's official is
# refused) or about the person's own workspace.
GET_VIEWS = {
    "workspace:home": False,
    "workspace:create": False,
    "workspace:round_hint": False,
    "workspace:manage": True,
    "workspace:edit": True,
    "workspace:draft_upload": True,
    "workspace:version_upload": True,
}
ROLES = ["anonymous", "citizen", "other_official", "official", "staff"]


def _url(name: str, proposal) -> str:
    consultation = proposal.consultation
    if name == "workspace:version_upload":
        return reverse(name, kwargs={"slug": consultation.slug, "proposal": proposal.slug})
    if GET_VIEWS[name]:
        return reverse(name, kwargs={"slug": consultation.slug})
    return reverse(name)


@pytest.fixture
def person(request, citizen, official, staff, other_institution):
    return {
        "anonymous": None,
        "citizen": citizen,
        "other_official": f.official_of(other_institution),
        "official": official,
        "staff": staff,
    }[request.param]


@pytest.mark.parametrize("name", list(GET_VIEWS))
@pytest.mark.parametrize("person", ROLES, indirect=True)
def test_get_permission_matrix(name, person, request, proposal, login):
    role = request.node.callspec.params["person"]
    url = _url(name, proposal)
    response = login(person).get(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]
    elif role == "citizen":
        assert response.status_code == 403
    elif role == "other_official" and GET_VIEWS[name]:
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == 200


def test_citizen_gets_an_explained_page(citizen, login):
    response = login(citizen).get(reverse("workspace:home"))
    assert response.status_code == 403
    assert "workspace/not_official.html" in [t.name for t in response.templates]
    assert citizen.email in response.content.decode()


def test_representative_of_a_cso_is_not_an_official(db, login):
    cso = f.OrganisationFactory()
    person = f.representative_of(cso)
    assert login(person).get(reverse("workspace:home")).status_code == 403


def test_other_official_sees_no_detail_of_the_consultation(
    other_official, draft_consultation, login
):
    response = login(other_official).get(
        reverse("workspace:manage", kwargs={"slug": draft_consultation.slug})
    )
    assert response.status_code == 403
    assert draft_consultation.title not in response.content.decode()


def test_unknown_consultation_is_404(official, login):
    response = login(official).get(reverse("workspace:manage", kwargs={"slug": "nuk-ekziston"}))
    assert response.status_code == 404


def test_unknown_document_is_404(official, proposal, login):
    url = reverse(
        "workspace:version_upload",
        kwargs={"slug": proposal.consultation.slug, "proposal": "nuk-ekziston"},
    )
    assert login(official).get(url).status_code == 404


@pytest.mark.parametrize("state", ["closed", "report_published", "withdrawn"])
def test_edit_and_upload_refused_once_the_round_is_over(state, institution, official, login):
    consultation = f.consultation_in_state(state, institution=institution)
    client = login(official)
    for name in ("workspace:edit", "workspace:draft_upload"):
        response = client.get(reverse(name, kwargs={"slug": consultation.slug}))
        assert response.status_code == 403
        assert "workspace/forbidden.html" in [t.name for t in response.templates]
    # The manage page still works: it is where the history and the report live.
    assert (
        client.get(reverse("workspace:manage", kwargs={"slug": consultation.slug})).status_code
        == 200
    )


def test_home_lists_only_own_institution(official, other_institution, institution, login):
    mine = f.ConsultationFactory(institution=institution, status=Consultation.Status.DRAFT)
    theirs = f.ConsultationFactory(institution=other_institution)
    body = login(official).get(reverse("workspace:home")).content.decode()
    assert mine.title in body
    assert theirs.title not in body


def test_staff_sees_every_institution(staff, institution, other_institution, login):
    a = f.ConsultationFactory(institution=institution)
    b = f.ConsultationFactory(institution=other_institution, status=Consultation.Status.DRAFT)
    body = login(staff).get(reverse("workspace:home")).content.decode()
    assert a.title in body and b.title in body
