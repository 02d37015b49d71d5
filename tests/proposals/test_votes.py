"""Votes: one per person per target, only while open, only by verified people."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from consult.models import Consultation
from proposals import services
from proposals.models import Section, Vote
from proposals.selectors import section_tree, user_votes, vote_tallies, votes_by_section_key
from tests import factories as f


def section(proposal, key) -> Section:
    return Section.objects.get(proposal=proposal, key=key)


def import_draft(actor, consultation):
    return services.proposal_import(
        actor=actor, consultation=consultation, data=f.SAMPLE_DRAFT_MD.encode(), filename="d.md"
    )


# --- casting and changing -------------------------------------------------------------------


def test_vote_on_the_whole_draft_and_on_an_article(proposal, citizen):
    article = section(proposal, "neni-2")
    whole = services.vote_cast(actor=citizen, proposal=proposal, choice="for")
    on_article = services.vote_cast(
        actor=citizen, proposal=proposal, section=article, choice="against"
    )
    assert (whole.section, whole.choice, whole.user) == (None, "for", citizen)
    assert (on_article.section, on_article.choice) == (article, "against")
    assert Vote.objects.filter(user=citizen).count() == 2
    assert user_votes(citizen, proposal) == {None: "for", article.pk: "against"}


@pytest.mark.parametrize("key", [None, "neni-1-2", "neni-2-1-1", "kapitulli-2"])
def test_changing_a_vote_keeps_one_row(proposal, citizen, key):
    target = section(proposal, key) if key else None
    first = services.vote_cast(actor=citizen, proposal=proposal, section=target, choice="for")
    second = services.vote_cast(actor=citizen, proposal=proposal, section=target, choice="abstain")
    third = services.vote_cast(actor=citizen, proposal=proposal, section=target, choice="abstain")
    assert first.pk == second.pk == third.pk
    assert Vote.objects.filter(user=citizen).count() == 1
    assert Vote.objects.get(user=citizen).choice == "abstain"


def test_retracting_a_vote(proposal, citizen):
    services.vote_cast(actor=citizen, proposal=proposal, choice="for")
    services.vote_retract(actor=citizen, proposal=proposal)
    assert not Vote.objects.exists()
    services.vote_retract(actor=citizen, proposal=proposal)  # nothing to retract: no error


@pytest.mark.parametrize("choice", ["", "po", "FOR", "yes", None])
def test_invalid_choice_is_refused(proposal, citizen, choice):
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(actor=citizen, proposal=proposal, choice=choice)
    assert "choice" in exc.value.message_dict
    assert not Vote.objects.exists()


def test_invalid_choice_leaves_an_existing_vote(proposal, citizen):
    services.vote_cast(actor=citizen, proposal=proposal, choice="against")
    with pytest.raises(ValidationError):
        services.vote_cast(actor=citizen, proposal=proposal, choice="maybe")
    assert Vote.objects.get().choice == "against"


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", [Consultation.Status.CLOSED, Consultation.Status.REPORT_PUBLISHED, "withdrawn"]
)
def test_no_votes_once_the_consultation_is_not_open(proposal, citizen, status):
    services.vote_cast(actor=citizen, proposal=proposal, choice="for")
    Consultation.objects.filter(pk=proposal.consultation_id).update(status=status)
    proposal.consultation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=citizen, proposal=proposal, choice="against")
    with pytest.raises(PermissionDenied):
        services.vote_retract(actor=citizen, proposal=proposal)
    assert Vote.objects.get().choice == "for"


def test_no_votes_after_the_closing_time_even_before_the_scheduler_runs(proposal, citizen):
    Consultation.objects.filter(pk=proposal.consultation_id).update(closes_at=timezone.now())
    proposal.consultation.refresh_from_db()
    assert proposal.consultation.status == Consultation.Status.OPEN
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=citizen, proposal=proposal, choice="for")
    assert not Vote.objects.exists()


def test_no_votes_before_opening(official, institution):
    consultation = f.consultation_in_state("scheduled", institution=institution)
    proposal = import_draft(official, consultation)
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=f.UserFactory(), proposal=proposal, choice="for")


def test_votes_as_soon_as_the_opening_time_has_passed(official, institution):
    consultation = f.consultation_in_state("scheduled_due", institution=institution)
    proposal = import_draft(official, consultation)
    vote = services.vote_cast(actor=f.UserFactory(), proposal=proposal, choice="for")
    assert vote.pk


@pytest.mark.parametrize("who", ["unverified", "anonymous", "inactive"])
def test_people_who_cannot_take_part(proposal, unverified, who):
    actor = {
        "unverified": unverified,
        "anonymous": AnonymousUser(),
        "inactive": f.UserFactory(is_active=False),
    }[who]
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=actor, proposal=proposal, choice="for")
    assert not Vote.objects.exists()


def test_superuser_cannot_vote_on_a_closed_consultation(proposal):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    Consultation.objects.filter(pk=proposal.consultation_id).update(status="closed")
    proposal.consultation.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=admin, proposal=proposal, choice="for")


def test_section_of_another_draft_in_the_same_consultation(proposal, citizen, official):
    other = import_draft(official, proposal.consultation)
    foreign = section(other, "neni-1")
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(actor=citizen, proposal=proposal, section=foreign, choice="for")
    assert "section" in exc.value.message_dict
    assert not Vote.objects.exists()


def test_section_of_a_draft_in_another_consultation(proposal, citizen, other_institution):
    elsewhere = f.ConsultationFactory(institution=other_institution)
    other = import_draft(f.official_of(other_institution), elsewhere)
    with pytest.raises(ValidationError):
        services.vote_cast(
            actor=citizen, proposal=proposal, section=section(other, "neni-2"), choice="for"
        )
    # Nor the other way round: a closed-looking pairing cannot sneak through either.
    with pytest.raises(ValidationError):
        services.vote_cast(
            actor=citizen, proposal=other, section=section(proposal, "neni-2"), choice="for"
        )
    assert not Vote.objects.exists()


def test_retired_section_cannot_get_votes_but_keeps_its_old_ones(proposal, citizen, official):
    financing = section(proposal, "neni-3")
    services.vote_cast(actor=citizen, proposal=proposal, section=financing, choice="for")
    services.proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Neni 3 hiqet",
    )
    financing.refresh_from_db()
    assert not financing.is_current
    with pytest.raises(ValidationError) as exc:
        services.vote_cast(actor=citizen, proposal=proposal, section=financing, choice="against")
    assert "section" in exc.value.message_dict
    assert Vote.objects.get(section=financing).choice == "for"


def test_votes_on_an_edited_article_stay_attached_to_it(proposal, citizen, official):
    edited = section(proposal, "neni-1-2")
    services.vote_cast(actor=citizen, proposal=proposal, section=edited, choice="against")
    services.proposal_version_publish(
        actor=official,
        proposal=proposal,
        data=f.SAMPLE_DRAFT_V2_MD.encode(),
        filename="v2.md",
        note="Paragrafi 2 ndryshohet",
    )
    assert votes_by_section_key(proposal)["neni-1-2"]["against"] == 1
    # and may be changed on the new text
    services.vote_cast(actor=citizen, proposal=proposal, section=edited, choice="for")
    assert Vote.objects.get(section=edited).choice == "for"


# --- tallies --------------------------------------------------------------------------------


def test_tallies_are_counted_in_the_database(proposal, django_assert_num_queries):
    people = [f.UserFactory() for _ in range(6)]
    article = section(proposal, "neni-3")
    point = section(proposal, "neni-2-1-1")
    whole_votes = ["for", "for", "for", "against", "abstain", "against"]
    article_votes = ["against", "against", "for"]
    for person, choice in zip(people, whole_votes, strict=True):
        services.vote_cast(actor=person, proposal=proposal, choice=choice)
    for person, choice in zip(people, article_votes, strict=False):
        services.vote_cast(actor=person, proposal=proposal, section=article, choice=choice)
    services.vote_cast(actor=people[5], proposal=proposal, section=point, choice="abstain")
    # a changed vote counts once, with its last choice
    services.vote_cast(actor=people[0], proposal=proposal, choice="abstain")

    with django_assert_num_queries(1):
        tallies = vote_tallies(proposal)
    assert tallies[None].as_dict() == {"for": 2, "against": 2, "abstain": 2, "total": 6}
    assert tallies[article.pk].as_dict() == {"for": 1, "against": 2, "abstain": 0, "total": 3}
    assert tallies[point.pk].as_dict() == {"for": 0, "against": 0, "abstain": 1, "total": 1}
    assert tallies[article.pk].against_pct == 67
    assert set(tallies) == {None, article.pk, point.pk}

    by_key = votes_by_section_key(proposal)
    assert by_key[""]["total"] == 6 and by_key["neni-3"]["against"] == 2

    with django_assert_num_queries(3):
        roots, whole, mine = section_tree(proposal, user=people[1])
    assert whole.total == 6 and mine == "for"
    nodes = {}

    def walk(items):
        for node in items:
            nodes[node.section.key] = node
            walk(node.children)

    walk(roots)
    assert nodes["neni-3"].tally.against == 2
    assert nodes["neni-3"].my_vote == "against"
    assert nodes["neni-1"].tally.total == 0


def test_tallies_of_one_draft_ignore_the_others(proposal, official, citizen):
    other = import_draft(official, proposal.consultation)
    services.vote_cast(actor=citizen, proposal=other, choice="for")
    assert vote_tallies(proposal) == {}
    assert vote_tallies(other)[None].votes_for == 1


# --- the constraint itself ------------------------------------------------------------------


def test_database_refuses_a_second_vote_on_the_whole_draft(proposal, citizen):
    Vote.objects.create(user=citizen, proposal=proposal, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=citizen, proposal=proposal, choice="against")
    assert Vote.objects.count() == 1


def test_database_refuses_a_second_vote_on_a_section(proposal, citizen):
    article = section(proposal, "neni-1")
    Vote.objects.create(user=citizen, proposal=proposal, section=article, choice="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=citizen, proposal=proposal, section=article, choice="for")
    assert Vote.objects.count() == 1


def test_database_allows_one_vote_per_target(proposal, citizen):
    """The two partial constraints do not collide: whole draft + each section + other people."""
    Vote.objects.create(user=citizen, proposal=proposal, choice="for")
    Vote.objects.create(
        user=citizen, proposal=proposal, section=section(proposal, "neni-1"), choice="for"
    )
    Vote.objects.create(
        user=citizen, proposal=proposal, section=section(proposal, "neni-2"), choice="against"
    )
    Vote.objects.create(user=f.UserFactory(), proposal=proposal, choice="for")
    assert Vote.objects.count() == 4


def test_database_refuses_an_invalid_choice(proposal, citizen):
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=citizen, proposal=proposal, choice="maybe")
    assert not Vote.objects.exists()


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("key", "choices"), [(None, ("for", "for")), ("neni-2", ("for", "against"))]
)
def test_two_simultaneous_votes_make_one_row(key, choices, monkeypatch):
    """Two requests for the same person and target at the same moment (a double click, two
    tabs): exactly one row, and neither request fails.

    Both threads start together (a barrier), and a second barrier just before the insert makes
    both pass the "no vote yet" check before either inserts, so every run exercises the path
    where the database's unique constraint refuses the second insert.
    """
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs concurrent writers; SQLite serialises writes (run with a PostgreSQL "
            "DATABASE_URL)"
        )
    institution = f.InstitutionFactory()
    official = f.official_of(institution)
    consultation = f.ConsultationFactory(institution=institution)
    proposal = import_draft(official, consultation)
    voter = f.UserFactory()
    target = section(proposal, key) if key else None

    start = threading.Barrier(2, timeout=10)
    before_insert = threading.Barrier(2, timeout=10)
    create = Vote.objects.create
    inserts: list[str] = []

    def create_together(**kwargs):
        inserts.append(kwargs["choice"])
        before_insert.wait()
        return create(**kwargs)

    monkeypatch.setattr(Vote.objects, "create", create_together)

    errors: list[BaseException] = []
    results: list[Vote] = []

    def cast(choice: str) -> None:
        try:
            start.wait()
            results.append(
                services.vote_cast(actor=voter, proposal=proposal, section=target, choice=choice)
            )
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(choice,)) for choice in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    assert errors == []
    assert len(inserts) == 2  # both tried to insert: the race really happened
    assert len(results) == 2
    votes = list(Vote.objects.filter(user=voter, proposal=proposal, section=target))
    assert len(votes) == 1
    assert votes[0].choice in choices
    assert {r.pk for r in results} == {votes[0].pk}
