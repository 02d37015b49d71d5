"""``manage.py seed_bench``: rows in proportion to N, consistent with the services, idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from accounts.models import Membership, User
from comments.models import (
    Comment,
    OfficialResponse,
    Participant,
    PositionPaper,
    PositionPaperPoint,
    Reaction,
    TrackingCounter,
)
from comments.services import next_tracking_number, participant_for
from consult.models import Consultation
from proposals.models import Vote
from tests import factories as f

pytestmark = pytest.mark.django_db

N = 200


def table_sizes() -> dict[str, int]:
    models = [
        User,
        Membership,
        Consultation,
        Participant,
        Comment,
        Reaction,
        Vote,
        PositionPaper,
        PositionPaperPoint,
        OfficialResponse,
    ]
    sizes = {m.__name__: m.objects.count() for m in models}
    sizes["tracking"] = sum(TrackingCounter.objects.values_list("last", flat=True))
    return sizes


def test_rows_in_proportion(seed_bench):
    consultation = seed_bench(N)
    assert consultation.status == Consultation.Status.OPEN
    assert consultation.effective_status == Consultation.Status.OPEN
    proposal = consultation.proposals.get()
    comments = Comment.objects.filter(consultation=consultation)
    papers = PositionPaper.objects.filter(consultation=consultation)

    assert papers.count() == N // 50  # 2 %
    assert comments.count() + papers.count() == N
    assert PositionPaperPoint.objects.filter(paper__consultation=consultation).count() == 2 * (
        N // 50
    )
    people = N // 4
    assert User.objects.filter(email__endswith="-benchopen200@bench.invalid").count() == people + 1
    assert Participant.objects.filter(consultation=consultation).count() == people
    # every person votes on the whole draft and on three articles
    assert Vote.objects.filter(proposal=proposal, section__isnull=True).count() == people
    assert Vote.objects.filter(proposal=proposal, section__isnull=False).count() == 3 * people
    assert comments.filter(parent__isnull=False).count() == pytest.approx(N / 10, rel=0.2)
    assert comments.filter(section__kind="article").exists()
    assert comments.filter(section__isnull=True).exists()  # on the whole draft
    assert comments.exclude(status="published").exists()
    reactions = Reaction.objects.filter(comment__consultation=consultation)
    assert N < reactions.count() < 2 * N
    assert OfficialResponse.objects.filter(consultation=consultation).count() > 0


def test_consistent_with_the_services(seed_bench):
    consultation = seed_bench(N)
    comments = Comment.objects.filter(consultation=consultation)

    # Participant numbers 1..people, in the order of each person's first comment.
    numbers = sorted(
        Participant.objects.filter(consultation=consultation).values_list("number", flat=True)
    )
    assert numbers == list(range(1, N // 4 + 1))
    first = {}
    for author, number in comments.order_by("created_at", "pk").values_list(
        "author_id", "participant__number"
    ):
        first.setdefault(author, number)
    assert sorted(first.values()) == list(first.values())
    assert not comments.exclude(participant__user_id=F("author_id")).exists()

    # Tracking numbers: the service's format, one sequence in submission order, and the next
    # submission through the services continues it.
    year = timezone.localtime().year
    submissions = sorted(
        [*comments.values_list("created_at", "tracking_number")]
        + [*PositionPaper.objects.values_list("created_at", "tracking_number")]
    )
    assert [number for _at, number in submissions] == [
        f"KON-{year}-{n:06d}" for n in range(1, N + 1)
    ]
    assert next_tracking_number() == f"KON-{year}-{N + 1:06d}"
    assert participant_for(consultation, f.UserFactory()).number == N // 4 + 1

    # Reactions: never on one's own comment, and the counters match them.
    assert not Reaction.objects.filter(comment__author_id=F("user_id")).exists()
    for comment in comments.filter(agree_count__gt=0)[:50]:
        assert comment.reactions.filter(value="agree").count() == comment.agree_count
        assert comment.reactions.filter(value="disagree").count() == comment.disagree_count
    # Replies sit in their parent's section, after it.
    for reply in comments.filter(parent__isnull=False).select_related("parent"):
        assert reply.section_id == reply.parent.section_id
        assert reply.created_at > reply.parent.created_at
        assert reply.depth == 1
    # Position papers come from representatives of their organisation.
    for paper in PositionPaper.objects.filter(consultation=consultation):
        assert Membership.objects.filter(
            user=paper.submitted_by, organisation=paper.organisation, role="representative"
        ).exists()


def test_running_twice_adds_nothing(seed_bench):
    seed_bench(N)
    before = table_sizes()
    out = StringIO()
    call_command("seed_bench", submissions=N, stdout=out)
    assert "nothing added" in out.getvalue()
    assert table_sizes() == before


def test_reseed_builds_it_again(seed_bench):
    first = seed_bench(N)
    sizes = table_sizes()
    again = seed_bench(N, reseed=True)
    assert again.pk != first.pk
    after = table_sizes()
    assert after.pop("tracking") == sizes.pop("tracking") + N  # numbers are never reused
    assert after == sizes


def test_a_closed_consultation_and_own_slug(seed_bench):
    consultation = seed_bench(60, slug="bench-report", closed=True)
    assert consultation.status == Consultation.Status.CLOSED
    assert Comment.objects.filter(consultation=consultation).count() == 59
    assert OfficialResponse.objects.filter(consultation=consultation, position_paper__isnull=False)


def test_bad_size_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and"):
        call_command("seed_bench", submissions=0)
    assert not Consultation.objects.exists()
