"""Lifecycle actions from the manage page: schedule, open, close, withdraw."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from consult.models import Consultation
from tests import factories as f

S = Consultation.Status


def _post(client, name, consultation, data=None):
    return client.post(reverse(f"workspace:{name}", kwargs={"slug": consultation.slug}), data or {})


@pytest.fixture
def ready_draft(draft_consultation):
    """A draft with dates and one document: everything scheduling needs."""
    f.ProposalFactory(consultation=draft_consultation)
    return draft_consultation


def test_schedule(official, ready_draft, login):
    response = _post(login(official), "schedule", ready_draft)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:manage", kwargs={"slug": ready_draft.slug})
    ready_draft.refresh_from_db()
    assert ready_draft.status == S.SCHEDULED
    record = ready_draft.history.first()
    assert record.history_user == official
    assert record.history_change_reason == "scheduled"


def test_schedule_without_documents_explains_why(official, draft_consultation, login):
    client = login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = _post(client, "schedule", draft_consultation)
    assert response.status_code == 302
    page = client.get(response["Location"])
    messages = [str(m) for m in page.context["messages"]]
    assert "Add at least one draft document before scheduling." in messages
    draft_consultation.refresh_from_db()
    assert draft_consultation.status == S.DRAFT


def test_open_now(official, ready_draft, login):
    _post(login(official), "open", ready_draft)
    ready_draft.refresh_from_db()
    assert ready_draft.status == S.OPEN
    assert ready_draft.history.first().history_user == official


def test_close_early(official, open_consultation, login):
    _post(login(official), "close", open_consultation)
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.CLOSED
    record = open_consultation.history.first()
    assert record.history_user == official
    assert record.history_change_reason == "closed"


def test_withdraw_needs_a_reason(official, open_consultation, login):
    client = login(official)
    response = _post(client, "withdraw", open_consultation, {"withdrawal_reason": "   "})
    assert response.status_code == 400
    assert "withdrawal_reason" in response.context["withdraw_form"].errors
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.OPEN

    reason = "Projektligji do të rishikohet pas vërejtjeve të Komisionit Evropian."
    response = _post(client, "withdraw", open_consultation, {"withdrawal_reason": reason})
    assert response.status_code == 302
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.WITHDRAWN
    assert open_consultation.withdrawal_reason == reason
    assert open_consultation.history.first().history_user == official


@pytest.mark.parametrize("action", ["schedule", "open", "close", "withdraw"])
@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_outsiders_are_refused_and_nothing_changes(
    action, who, citizen, other_official, ready_draft, open_consultation, login
):
    person = {"citizen": citizen, "other_official": other_official}[who]
    target = open_consultation if action in ("close", "withdraw") else ready_draft
    before = (target.status, target.history.count())
    response = _post(login(person), action, target, {"withdrawal_reason": "Pa arsye."})
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.status, target.history.count()) == before


@pytest.mark.parametrize("action", ["schedule", "open", "close", "withdraw"])
def test_anonymous_is_sent_to_sign_in(action, open_consultation, client):
    response = _post(client, action, open_consultation, {"withdrawal_reason": "Pa arsye."})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.OPEN


def test_action_not_allowed_in_this_state_is_refused(official, ready_draft, login):
    # Closing a draft: the rule refuses, the page explains, nothing changes.
    response = _post(login(official), "close", ready_draft)
    assert response.status_code == 403
    ready_draft.refresh_from_db()
    assert ready_draft.status == S.DRAFT


def test_superuser_gets_only_the_actions_the_rules_allow(ready_draft, login):
    root = f.UserFactory(is_staff=True, is_superuser=True)
    response = login(root).get(reverse("workspace:manage", kwargs={"slug": ready_draft.slug}))
    transitions = response.context["transitions"]
    assert transitions == {"schedule": True, "open": True, "close": False, "withdraw": True}


def test_get_is_not_allowed(official, open_consultation, login):
    url = reverse("workspace:close", kwargs={"slug": open_consultation.slug})
    assert login(official).get(url).status_code == 405


def test_manage_page_shows_period_history_and_actions(official, ready_draft, login):
    from consult.services import consultation_update

    consultation_update(
        actor=official, consultation=ready_draft, title="Projektligji për ujërat (ndryshuar)"
    )
    response = login(official).get(reverse("workspace:manage", kwargs={"slug": ready_draft.slug}))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["working_days"] == ready_draft.working_days
    assert ctx["earliest_closing"] is not None
    assert ctx["transitions"]["schedule"] and not ctx["transitions"]["close"]
    entries = ctx["history"]
    assert entries[0].user == official
    changed = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert any(new == "Projektligji për ujërat (ndryshuar)" for _old, new in changed.values())
    body = response.content.decode()
    assert reverse("workspace:schedule", kwargs={"slug": ready_draft.slug}) in body
    assert reverse("workspace:close", kwargs={"slug": ready_draft.slug}) not in body


def test_home_query_count_does_not_grow(
    official, institution, login, django_assert_max_num_queries
):
    for _ in range(3):
        f.ConsultationFactory(institution=institution)
    client = login(official)
    client.get(reverse("workspace:home"))  # warm up (session, site)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("workspace:home"))
    for _ in range(10):
        f.ConsultationFactory(institution=institution, status=S.DRAFT)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("workspace:home"))


def test_manage_query_count_does_not_grow_with_history(
    official, ready_draft, login, django_assert_max_num_queries
):
    from consult.services import consultation_update

    client = login(official)
    url = reverse("workspace:manage", kwargs={"slug": ready_draft.slug})
    client.get(url)
    with django_assert_max_num_queries(20) as small:
        client.get(url)
    for n in range(8):
        consultation_update(actor=official, consultation=ready_draft, summary=f"Përmbledhja {n}")
        f.ProposalFactory(consultation=ready_draft)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["history"]) == 9  # created + 8 edits
