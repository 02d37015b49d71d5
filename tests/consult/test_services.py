"""Consultation services: creation, editing, every lifecycle transition, and time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consult import services
from consult.models import Consultation
from consult.rules import consultation_is_open
from consult.selectors import consultation_list
from tests import factories as f

S = Consultation.Status
DAY = dt.timedelta(days=1)


def create(actor, institution, **kwargs) -> Consultation:
    values = {
        "title": "Projektrregullorja për transportin publik në Prishtinë",
        "kind": Consultation.Kind.REGULATION,
        "contact_name": "Besnik Çollaku",
        "contact_email": "besnik.collaku@example.org",
        "summary": "Rregullimi i linjave urbane.",
    }
    values.update(kwargs)
    return services.consultation_create(actor=actor, institution=institution, **values)


def future_round(start_in_days: int = 7, length_days: int = 60):
    opens = timezone.now() + dt.timedelta(days=start_in_days)
    return opens, opens + dt.timedelta(days=length_days)


@pytest.fixture
def draft(official, institution):
    """A draft with a round a week from now and one (empty) draft document."""
    opens, closes = future_round()
    consultation = create(official, institution, opens_at=opens, closes_at=closes)
    f.ProposalFactory(consultation=consultation)
    return consultation


def history_of(consultation):
    """(status, user, reason) of each history record, oldest first."""
    return [
        (h.status, h.history_user, h.history_change_reason)
        for h in consultation.history.order_by("history_date", "history_id")
    ]


# --- create ---------------------------------------------------------------------------------


def test_create_stores_a_draft_with_its_author_and_history(official, institution):
    opens, closes = future_round()
    c = create(official, institution, opens_at=opens, closes_at=closes)
    c.refresh_from_db()
    assert c.status == S.DRAFT
    assert c.created_by == official
    assert c.institution == institution
    assert c.slug == "projektrregullorja-per-transportin-publik-ne-prishtine"
    assert c.opens_at == opens and c.closes_at == closes
    assert history_of(c) == [(S.DRAFT, official, "created")]


def test_create_without_dates_is_allowed(official, institution):
    c = create(official, institution)
    assert c.opens_at is None and c.closes_at is None


def test_create_makes_slugs_unique(official, institution):
    a = create(official, institution, title="Strategjia për të rinjtë")
    b = create(official, institution, title="Strategjia për të rinjtë")
    assert a.slug == "strategjia-per-te-rinjte"
    assert b.slug == "strategjia-per-te-rinjte-2"


def test_create_slug_keeps_a_dash_between_years(official, institution):
    c = create(
        official, institution, title="Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030"
    )
    assert c.slug == "strategjia-per-bashkepunim-me-shoqerine-civile-2026-2030"


def test_staff_can_create_for_any_institution(staff, institution):
    c = create(staff, institution)
    assert c.created_by == staff


@pytest.mark.parametrize("who", ["citizen", "unverified", "other_official", "cso_rep", "none"])
def test_create_refused_for_people_who_are_not_officials_of_the_institution(
    who, institution, other_institution, citizen, unverified
):
    actor = {
        "citizen": citizen,
        "unverified": unverified,
        "other_official": f.official_of(other_institution),
        "cso_rep": f.representative_of(f.OrganisationFactory()),
        "none": None,
    }[who]
    with pytest.raises(PermissionDenied):
        create(actor, institution)
    assert not Consultation.objects.exists()


def test_create_refused_for_an_organisation_that_is_not_an_institution(staff):
    cso = f.OrganisationFactory()
    with pytest.raises(ValidationError) as exc:
        create(staff, cso)
    assert "institution" in exc.value.message_dict
    assert not Consultation.objects.exists()


def test_create_refused_when_closing_before_opening(official, institution):
    opens, _ = future_round()
    with pytest.raises(ValidationError) as exc:
        create(official, institution, opens_at=opens, closes_at=opens - DAY)
    assert "closes_at" in exc.value.message_dict
    assert not Consultation.objects.exists()


def test_short_round_refused_without_justification(official, institution):
    opens, _ = future_round()
    with pytest.raises(ValidationError) as exc:
        create(official, institution, opens_at=opens, closes_at=opens + 7 * DAY)
    assert "closes_at" in exc.value.message_dict
    assert not Consultation.objects.exists()


def test_short_round_accepted_with_justification(official, institution):
    opens, _ = future_round()
    c = create(
        official,
        institution,
        opens_at=opens,
        closes_at=opens + 7 * DAY,
        short_round_justification="  Afat i detyrueshëm nga Marrëveshja e Stabilizim-Asociimit. ",
    )
    assert c.is_short_round
    assert c.short_round_justification.startswith("Afat")


@pytest.mark.parametrize(
    ("field", "value"), [("title", ""), ("contact_email", "jo-email"), ("kind", "novel")]
)
def test_create_refuses_bad_fields(official, institution, field, value):
    with pytest.raises(ValidationError) as exc:
        create(official, institution, **{field: value})
    assert field in exc.value.message_dict
    assert not Consultation.objects.exists()


# --- update ---------------------------------------------------------------------------------


def test_update_changes_fields_and_records_the_editor(draft, official, institution):
    editor = f.official_of(institution)
    c = services.consultation_update(
        actor=editor, consultation=draft, title="  Titull i ri ", summary="Përmbledhje e re"
    )
    c.refresh_from_db()
    assert c.title == "Titull i ri"
    assert c.summary == "Përmbledhje e re"
    assert history_of(c)[-1] == (S.DRAFT, editor, "edited")


def test_update_refuses_unknown_fields(draft, official):
    with pytest.raises(ValidationError):
        services.consultation_update(actor=official, consultation=draft, status=S.OPEN)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


@pytest.mark.parametrize("who", ["citizen", "other_official"])
def test_update_refused_for_non_officials(draft, who, citizen, other_institution):
    actor = citizen if who == "citizen" else f.official_of(other_institution)
    with pytest.raises(PermissionDenied):
        services.consultation_update(actor=actor, consultation=draft, title="Tjetër")
    draft.refresh_from_db()
    assert draft.title != "Tjetër"


@pytest.mark.parametrize("state", ["closed", "report_published", "withdrawn", "open_expired"])
def test_update_refused_once_the_round_is_over(state, institution, official):
    c = f.consultation_in_state(state, institution=institution)
    with pytest.raises(PermissionDenied):
        services.consultation_update(actor=official, consultation=c, title="Tjetër")


def test_update_refuses_closing_before_opening(draft, official):
    with pytest.raises(ValidationError) as exc:
        services.consultation_update(
            actor=official, consultation=draft, closes_at=draft.opens_at - DAY
        )
    assert "closes_at" in exc.value.message_dict
    draft.refresh_from_db()
    assert draft.closes_at > draft.opens_at


def test_update_shortening_the_round_needs_a_justification(draft, official):
    short = draft.opens_at + 5 * DAY
    with pytest.raises(ValidationError):
        services.consultation_update(actor=official, consultation=draft, closes_at=short)
    c = services.consultation_update(
        actor=official,
        consultation=draft,
        closes_at=short,
        short_round_justification="Emergjencë shëndetësore.",
    )
    assert c.closes_at == short


def test_update_cannot_move_the_opening_of_an_open_consultation(official, institution):
    c = f.consultation_in_state("open", institution=institution)
    with pytest.raises(ValidationError) as exc:
        services.consultation_update(actor=official, consultation=c, opens_at=timezone.now())
    assert "opens_at" in exc.value.message_dict
    # Sending the unchanged value along with other fields is fine (forms send every field).
    c = services.consultation_update(
        actor=official, consultation=c, opens_at=c.opens_at, summary="Më e qartë"
    )
    assert c.summary == "Më e qartë"


def test_update_cannot_clear_the_dates_of_a_scheduled_consultation(official, institution):
    c = f.consultation_in_state("scheduled", institution=institution)
    with pytest.raises(ValidationError) as exc:
        services.consultation_update(actor=official, consultation=c, closes_at=None)
    assert "closes_at" in exc.value.message_dict


# --- schedule -------------------------------------------------------------------------------


def test_schedule_a_draft_with_a_future_round(draft, official):
    c = services.consultation_schedule(actor=official, consultation=draft)
    assert c.status == S.SCHEDULED
    assert c.effective_status == S.SCHEDULED
    assert history_of(c)[-1] == (S.SCHEDULED, official, "scheduled")


def test_schedule_with_an_opening_time_already_passed_opens_at_once(official, institution):
    now = timezone.now()
    c = create(official, institution, opens_at=now - DAY, closes_at=now + 40 * DAY)
    f.ProposalFactory(consultation=c)
    c = services.consultation_schedule(actor=official, consultation=c)
    assert c.status == S.OPEN


def test_schedule_refused_without_a_draft_document(official, institution):
    opens, closes = future_round()
    c = create(official, institution, opens_at=opens, closes_at=closes)
    with pytest.raises(ValidationError):
        services.consultation_schedule(actor=official, consultation=c)
    c.refresh_from_db()
    assert c.status == S.DRAFT


def test_schedule_refused_without_dates(official, institution):
    c = create(official, institution)
    f.ProposalFactory(consultation=c)
    with pytest.raises(ValidationError) as exc:
        services.consultation_schedule(actor=official, consultation=c)
    assert "opens_at" in exc.value.message_dict


def test_schedule_refused_when_the_round_is_already_over(official, institution):
    now = timezone.now()
    c = create(official, institution, opens_at=now - 60 * DAY, closes_at=now - DAY)
    f.ProposalFactory(consultation=c)
    with pytest.raises(ValidationError) as exc:
        services.consultation_schedule(actor=official, consultation=c)
    assert "closes_at" in exc.value.message_dict


@pytest.mark.parametrize("state", ["scheduled", "open", "closed", "withdrawn"])
def test_schedule_refused_unless_draft(state, official, institution):
    c = f.consultation_in_state(state, institution=institution)
    f.ProposalFactory(consultation=c)
    with pytest.raises(PermissionDenied):
        services.consultation_schedule(actor=official, consultation=c)


def test_schedule_refused_for_an_official_of_another_institution(draft, other_institution):
    with pytest.raises(PermissionDenied):
        services.consultation_schedule(actor=f.official_of(other_institution), consultation=draft)


# --- open -----------------------------------------------------------------------------------


def test_open_a_scheduled_consultation_early_moves_its_opening_to_now(draft, official):
    services.consultation_schedule(actor=official, consultation=draft)
    before = timezone.now()
    c = services.consultation_open(actor=official, consultation=draft)
    assert c.status == S.OPEN
    assert before <= c.opens_at <= timezone.now()
    assert history_of(c)[-1] == (S.OPEN, official, "opened")


def test_open_a_draft_without_an_opening_time(official, institution):
    c = create(official, institution, closes_at=timezone.now() + 60 * DAY)
    f.ProposalFactory(consultation=c)
    c = services.consultation_open(actor=official, consultation=c)
    assert c.status == S.OPEN and c.opens_at is not None


def test_open_refused_when_the_remaining_round_is_too_short(official, institution):
    c = create(official, institution, closes_at=timezone.now() + 5 * DAY)
    f.ProposalFactory(consultation=c)
    with pytest.raises(ValidationError) as exc:
        services.consultation_open(actor=official, consultation=c)
    assert "closes_at" in exc.value.message_dict
    c.refresh_from_db()
    assert c.status == S.DRAFT and c.opens_at is None


def test_open_refused_without_a_closing_time(official, institution):
    c = create(official, institution)
    f.ProposalFactory(consultation=c)
    with pytest.raises(ValidationError):
        services.consultation_open(actor=official, consultation=c)


def test_open_refused_without_a_draft_document(official, institution):
    c = create(official, institution, closes_at=timezone.now() + 60 * DAY)
    with pytest.raises(ValidationError):
        services.consultation_open(actor=official, consultation=c)


@pytest.mark.parametrize("state", ["open", "closed", "withdrawn", "scheduled_due"])
def test_open_refused_in_other_states(state, official, institution):
    c = f.consultation_in_state(state, institution=institution)
    f.ProposalFactory(consultation=c)
    with pytest.raises(PermissionDenied):
        services.consultation_open(actor=official, consultation=c)


def test_open_refused_for_a_citizen(draft, citizen):
    with pytest.raises(PermissionDenied):
        services.consultation_open(actor=citizen, consultation=draft)


# --- close ----------------------------------------------------------------------------------


def test_close_early_sets_the_closing_time_to_now(official, institution):
    c = f.consultation_in_state("open", institution=institution)
    before = timezone.now()
    c = services.consultation_close(actor=official, consultation=c)
    assert c.status == S.CLOSED
    assert before <= c.closes_at <= timezone.now()
    assert c.closes_at > c.opens_at
    assert history_of(c)[-1] == (S.CLOSED, official, "closed")


@pytest.mark.parametrize("state", ["draft", "scheduled", "closed", "withdrawn", "open_expired"])
def test_close_refused_unless_open(state, official, institution):
    c = f.consultation_in_state(state, institution=institution)
    with pytest.raises(PermissionDenied):
        services.consultation_close(actor=official, consultation=c)
    c.refresh_from_db()
    assert c.status == f.CONSULTATION_STATES[state][0]


def test_close_refused_for_a_citizen(open_consultation, citizen):
    with pytest.raises(PermissionDenied):
        services.consultation_close(actor=citizen, consultation=open_consultation)


# --- withdraw -------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "scheduled", "open"])
def test_withdraw_with_a_reason(state, official, institution):
    c = f.consultation_in_state(state, institution=institution)
    c = services.consultation_withdraw(
        actor=official, consultation=c, reason="  Dokumenti do të rihartohet. "
    )
    c.refresh_from_db()
    assert c.status == S.WITHDRAWN
    assert c.withdrawal_reason == "Dokumenti do të rihartohet."
    assert history_of(c)[-1] == (S.WITHDRAWN, official, "withdrawn")


def test_withdraw_refused_without_a_reason(official, open_consultation):
    with pytest.raises(ValidationError) as exc:
        services.consultation_withdraw(actor=official, consultation=open_consultation, reason=" ")
    assert "withdrawal_reason" in exc.value.message_dict
    open_consultation.refresh_from_db()
    assert open_consultation.status == S.OPEN


@pytest.mark.parametrize("state", ["closed", "report_published", "withdrawn", "open_expired"])
def test_withdraw_refused_after_the_round(state, official, institution):
    c = f.consultation_in_state(state, institution=institution)
    with pytest.raises(PermissionDenied):
        services.consultation_withdraw(actor=official, consultation=c, reason="Arsye")


def test_withdraw_refused_for_an_official_of_another_institution(
    open_consultation, other_institution
):
    with pytest.raises(PermissionDenied):
        services.consultation_withdraw(
            actor=f.official_of(other_institution), consultation=open_consultation, reason="X"
        )


# --- history over the whole lifecycle -------------------------------------------------------


def test_history_records_each_transition_and_its_actor(draft, official, institution, staff):
    second = f.official_of(institution)
    services.consultation_schedule(actor=official, consultation=draft)
    services.consultation_open(actor=second, consultation=draft)
    services.consultation_close(actor=staff, consultation=draft)
    assert history_of(draft) == [
        (S.DRAFT, official, "created"),
        (S.SCHEDULED, official, "scheduled"),
        (S.OPEN, second, "opened"),
        (S.CLOSED, staff, "closed"),
    ]


# --- time -----------------------------------------------------------------------------------


def test_advance_by_time_opens_then_closes_and_is_idempotent(draft, official):
    services.consultation_schedule(actor=official, consultation=draft)
    draft.refresh_from_db()
    opens, closes = draft.opens_at, draft.closes_at

    # Before the opening time nothing moves.
    assert services.consultation_advance_by_time(now=opens - DAY) == {"opened": 0, "closed": 0}
    draft.refresh_from_db()
    assert draft.status == S.SCHEDULED

    # Exactly at the opening time it opens; again at the same time nothing more happens.
    assert services.consultation_advance_by_time(now=opens) == {"opened": 1, "closed": 0}
    assert services.consultation_advance_by_time(now=opens) == {"opened": 0, "closed": 0}
    assert services.consultation_advance_by_time(now=opens + DAY) == {"opened": 0, "closed": 0}
    draft.refresh_from_db()
    assert draft.status == S.OPEN

    # At the closing time it closes, once.
    assert services.consultation_advance_by_time(now=closes) == {"opened": 0, "closed": 1}
    assert services.consultation_advance_by_time(now=closes + DAY) == {"opened": 0, "closed": 0}
    draft.refresh_from_db()
    assert draft.status == S.CLOSED
    assert draft.opens_at == opens and draft.closes_at == closes

    assert history_of(draft)[-2:] == [
        (S.OPEN, None, "opened by time"),
        (S.CLOSED, None, "closed by time"),
    ]


def test_advance_by_time_past_both_times_records_both_transitions(draft, official):
    services.consultation_schedule(actor=official, consultation=draft)
    draft.refresh_from_db()
    moved = services.consultation_advance_by_time(now=draft.closes_at + DAY)
    assert moved == {"opened": 1, "closed": 1}
    draft.refresh_from_db()
    assert draft.status == S.CLOSED
    assert [h[0] for h in history_of(draft)] == [S.DRAFT, S.SCHEDULED, S.OPEN, S.CLOSED]


@pytest.mark.parametrize("state", ["draft", "closed", "report_published", "withdrawn"])
def test_advance_by_time_leaves_other_states_alone(state, institution):
    c = f.consultation_in_state(state, institution=institution)
    far = timezone.now() + 400 * DAY
    assert services.consultation_advance_by_time(now=far) == {"opened": 0, "closed": 0}
    c.refresh_from_db()
    assert c.status == f.CONSULTATION_STATES[state][0]


def test_advance_by_time_moves_several_consultations(institution):
    due = f.consultation_in_state("scheduled_due", institution=institution)
    expired = f.consultation_in_state("open_expired", institution=institution)
    running = f.consultation_in_state("open", institution=institution)
    assert services.consultation_advance_by_time() == {"opened": 1, "closed": 1}
    for c in (due, expired, running):
        c.refresh_from_db()
    assert (due.status, expired.status, running.status) == (S.OPEN, S.CLOSED, S.OPEN)


def test_effective_status_before_the_scheduler_runs(institution):
    due = f.consultation_in_state("scheduled_due", institution=institution)
    expired = f.consultation_in_state("open_expired", institution=institution)
    later = f.consultation_in_state("scheduled", institution=institution)

    assert (due.status, due.effective_status) == (S.SCHEDULED, S.OPEN)
    assert due.is_open and due.get_effective_status_display() == str(S.OPEN.label)
    assert (expired.status, expired.effective_status) == (S.OPEN, S.CLOSED)
    assert not expired.is_open
    assert later.effective_status == S.SCHEDULED

    # The rules and the public list follow the effective status too.
    assert consultation_is_open(None, due) and not consultation_is_open(None, expired)
    assert set(consultation_list(status=S.OPEN)) == {due}
    assert set(consultation_list(status=S.CLOSED)) == {expired}
    assert set(consultation_list(status=S.SCHEDULED)) == {later}


def test_effective_status_at_a_given_time(institution):
    c = f.consultation_in_state("scheduled", institution=institution)
    assert c.effective_status_at(c.opens_at - dt.timedelta(seconds=1)) == S.SCHEDULED
    assert c.effective_status_at(c.opens_at) == S.OPEN
    assert c.effective_status_at(c.closes_at) == S.CLOSED
    withdrawn = f.consultation_in_state("withdrawn", institution=institution)
    assert withdrawn.effective_status_at(withdrawn.closes_at + DAY) == S.WITHDRAWN


# --- superusers are held to the lifecycle too -----------------------------------------------


@pytest.fixture
def superuser(db):
    return f.UserFactory(is_staff=True, is_superuser=True)


def test_superuser_manages_like_staff(superuser, draft):
    c = services.consultation_schedule(actor=superuser, consultation=draft)
    assert c.status == S.SCHEDULED


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "close"),
        ("closed", "withdraw"),
        ("report_published", "update"),
        ("open", "schedule"),
        ("withdrawn", "open"),
    ],
)
def test_superuser_cannot_skip_the_lifecycle(superuser, institution, state, action):
    """Django's ``has_perm`` lets a superuser pass any permission; the services check the rules
    themselves so that state checks still apply (regression: an admin could close a draft)."""
    c = f.consultation_in_state(state, institution=institution)
    f.ProposalFactory(consultation=c)
    call = {
        "close": lambda: services.consultation_close(actor=superuser, consultation=c),
        "withdraw": lambda: services.consultation_withdraw(
            actor=superuser, consultation=c, reason="Arsye"
        ),
        "update": lambda: services.consultation_update(
            actor=superuser, consultation=c, title="Tjetër"
        ),
        "schedule": lambda: services.consultation_schedule(actor=superuser, consultation=c),
        "open": lambda: services.consultation_open(actor=superuser, consultation=c),
    }[action]
    with pytest.raises(PermissionDenied):
        call()
    c.refresh_from_db()
    assert c.status == f.CONSULTATION_STATES[state][0]
