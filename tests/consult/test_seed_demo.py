"""``manage.py seed_demo``: the demo content, and that a second run adds nothing."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from accounts.models import MODERATORS_GROUP, Membership, Organisation, User
from consult.management.commands import seed_demo
from consult.models import Consultation
from proposals.models import Proposal, Section, SectionText, Vote
from proposals.selectors import vote_tallies

S = Consultation.Status


def row_counts() -> dict[str, int]:
    """Rows of every installed model (history tables, allauth, auth and sessions included)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def run() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return run()


def test_second_run_adds_nothing(seeded):
    first = row_counts()
    assert first["consult.Consultation"] == 4
    output = run()
    assert row_counts() == first
    assert "Nothing to create" in output


def test_prints_every_login_and_the_password(seeded):
    assert seed_demo.DEMO_PASSWORD in seeded
    for person in seed_demo.PEOPLE:
        assert person.email in seeded
    header = next(line for line in seeded.splitlines() if "Email" in line)
    assert "Role" in header and header.startswith("|")


def test_organisations(seeded):
    institutions = Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION)
    assert {o.name for o in institutions} == {
        "Ministria e Punëve të Brendshme",
        "Zyra për Qeverisje të Mirë",
        "Komuna e Prishtinës",
    }
    assert all(o.is_verified for o in institutions)
    csos = Organisation.objects.filter(kind=Organisation.Kind.CSO)
    assert sorted(o.verification_status for o in csos) == ["pending"] + ["verified"] * 3
    assert all(o.registration_number for o in csos)
    # Verified by the administrator, through the service: the history says who.
    admin = User.objects.get(email=seed_demo.ADMIN.email)
    zqm = Organisation.objects.get(slug=seed_demo.ZQM)
    assert zqm.history.latest("history_date").history_user == admin


def test_people_can_sign_in_under_mandatory_verification(seeded):
    for person in seed_demo.PEOPLE:
        user = User.objects.get(email=person.email)
        assert user.check_password(seed_demo.DEMO_PASSWORD)
        assert user.display_name == person.display_name
        address = EmailAddress.objects.get(user=user)
        assert address.primary and address.email == user.email
        assert address.verified is person.verified
        assert user.email_verified is person.verified
    assert User.objects.filter(email_verified=False).count() == 1
    admin = User.objects.get(email=seed_demo.ADMIN.email)
    assert admin.is_staff and admin.is_superuser
    moderator = User.objects.get(email=f"moderatore@{seed_demo.DOMAIN}")
    assert moderator.groups.filter(name=MODERATORS_GROUP).exists()
    assert not moderator.is_staff
    assert any("ë" in p.display_name or "ç" in p.display_name for p in seed_demo.PEOPLE)
    assert User.objects.filter(preferred_language="sr-latn").exists()


def test_memberships(seeded):
    roles = {
        (m.user.email.split("@")[0], m.organisation.slug, m.role)
        for m in Membership.objects.select_related("user", "organisation")
    }
    assert roles == {
        ("zyrtar.zqm", seed_demo.ZQM, "official"),
        ("zyrtare.mpb", seed_demo.MPB, "official"),
        ("zyrtar.prishtina", seed_demo.PRISHTINA, "official"),
        ("perfaqesuese.ipd", seed_demo.IPD, "representative"),
        ("anetar.qzhk", seed_demo.QZHK, "member"),
    }


def test_consultations_in_every_stage(seeded):
    by_slug = {c.slug: c for c in Consultation.objects.all()}
    open_c = by_slug[seed_demo.OPEN_SLUG]
    closed = by_slug[seed_demo.CLOSED_SLUG]
    scheduled = by_slug[seed_demo.SCHEDULED_SLUG]
    draft = by_slug[seed_demo.DRAFT_SLUG]

    assert open_c.title == "Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030"
    assert open_c.kind == Consultation.Kind.STRATEGY
    assert open_c.institution.slug == seed_demo.ZQM
    assert (open_c.status, open_c.effective_status) == (S.OPEN, S.OPEN)
    assert open_c.working_days >= 20
    assert not open_c.is_short_round

    assert closed.kind == Consultation.Kind.REGULATION
    assert closed.institution.slug == seed_demo.PRISHTINA
    # The round is over and its report is published (reports.services.report_publish).
    assert (closed.status, closed.effective_status) == (S.REPORT_PUBLISHED, S.REPORT_PUBLISHED)
    assert closed.working_days >= 15

    assert (scheduled.status, scheduled.effective_status) == (S.SCHEDULED, S.SCHEDULED)
    assert scheduled.working_days >= 15
    assert (draft.status, draft.is_public) == (S.DRAFT, False)

    # The history of each records who moved it.
    official = User.objects.get(email=f"zyrtar.zqm@{seed_demo.DOMAIN}")
    assert open_c.history.latest("history_date").history_user == official


def test_open_strategy_text_and_votes(seeded):
    proposal = Proposal.objects.get(consultation__slug=seed_demo.OPEN_SLUG)
    sections = Section.objects.filter(proposal=proposal)
    kinds = [s.kind for s in sections]
    assert kinds.count("chapter") >= 3
    assert kinds.count("article") >= 8
    assert "paragraph" in kinds and "point" in kinds
    assert sections.get(key="neni-5-2-a").body.startswith("planin vjetor")
    # Wrapped source lines are joined into one paragraph, without a line break inside.
    assert "\n" not in sections.get(key="neni-1-1").body

    tallies = vote_tallies(proposal)
    whole = tallies[None]
    assert whole.total == len(seed_demo.OPEN_VOTES)
    assert whole.votes_for and whole.against and whole.abstain
    assert len(tallies) > 5  # article-level votes as well
    voters = set(Vote.objects.filter(proposal=proposal).values_list("user__email", flat=True))
    assert f"gezim@{seed_demo.DOMAIN}" not in voters  # unverified


def test_closed_regulation_has_a_second_version(seeded):
    proposal = Proposal.objects.get(consultation__slug=seed_demo.CLOSED_SLUG)
    versions = list(proposal.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert proposal.current_version == versions[1]
    assert versions[0].created_at < versions[1].created_at
    closed = proposal.consultation
    assert versions[0].created_at < closed.opens_at < closed.closes_at < versions[1].created_at

    sections = {s.key: s for s in Section.objects.filter(proposal=proposal)}
    assert not sections["neni-5"].is_current  # ticket control removed
    assert sections["neni-3-1"].body.endswith("0,40 euro.")  # edited
    new = [s for s in sections.values() if s.introduced_in_id == versions[1].pk]
    assert any(s.title == "Transporti i përshtatur" for s in new)  # added
    assert SectionText.objects.filter(version=versions[0], section__key="neni-5").exists()
    votes = Vote.objects.filter(proposal=proposal)
    assert votes.exists()
    assert all(closed.opens_at < v.created_at < closed.closes_at for v in votes)

    # The history tells the same story as the back-dated times.
    history = list(closed.history.order_by("history_date"))
    assert [h.status for h in history] == [S.DRAFT, S.OPEN, S.CLOSED, S.REPORT_PUBLISHED]
    assert history[2].history_date == closed.closes_at
    assert history[1].history_date == closed.opens_at


def test_fills_in_what_is_missing(seeded):
    """Deleting one consultation and one person: the next run recreates exactly those."""
    before = row_counts()
    Consultation.objects.get(slug=seed_demo.DRAFT_SLUG).delete()
    User.objects.get(email=f"milica@{seed_demo.DOMAIN}").delete()
    output = run()
    assert seed_demo.DRAFT_SLUG in output and "milica" in output.split("Demo logins")[0]
    assert Consultation.objects.filter(slug=seed_demo.DRAFT_SLUG).exists()
    assert User.objects.filter(email=f"milica@{seed_demo.DOMAIN}").exists()
    after = row_counts()
    for label in ("consult.Consultation", "proposals.Section", "accounts.User"):
        assert after[label] == before[label]


@pytest.mark.parametrize(
    ("local", "signed_in"),
    [("admin", True), ("zyrtar.zqm", True), ("drita", True), ("gezim", False)],
)
def test_demo_login_through_allauth(seeded, client, local, signed_in):
    """Mandatory email verification: confirmed accounts sign in with the demo password; the
    unconfirmed one is sent to confirm first."""
    response = client.post(
        reverse("account_login"),
        {"login": f"{local}@{seed_demo.DOMAIN}", "password": seed_demo.DEMO_PASSWORD},
    )
    assert response.status_code == 302
    user = User.objects.get(email=f"{local}@{seed_demo.DOMAIN}")
    assert (client.session.get("_auth_user_id") == str(user.pk)) is signed_in
    if not signed_in:
        assert response["Location"] == reverse("account_email_verification_sent")


def test_closed_regulation_has_answered_submissions_and_a_published_report(seeded):
    from comments.models import Comment, OfficialResponse, PositionPaper
    from reports.models import ReportVersion

    closed = Consultation.objects.get(slug=seed_demo.CLOSED_SLUG)
    comments = Comment.objects.filter(consultation=closed)
    papers = PositionPaper.objects.filter(consultation=closed)
    assert comments.count() == len(seed_demo.CLOSED_COMMENTS) and papers.count() == 1
    assert comments.filter(parent__isnull=False).exists()  # a reply
    assert {c.stance for c in comments} == {"for", "against", "neutral"}
    assert {c.consent for c in comments} == {"name", "organisation", "hidden"}
    assert comments.exclude(proposed_wording="").exists()
    # Every submission is answered, within the back-dated story.
    answers = OfficialResponse.objects.filter(consultation=closed)
    assert answers.count() == comments.count() + 1
    for submission in [*comments, *papers]:
        assert closed.opens_at < submission.created_at < closed.closes_at
    for answer in answers:
        assert closed.closes_at < answer.created_at
    # The report, frozen in the three languages.
    versions = ReportVersion.objects.filter(consultation=closed)
    assert sorted(versions.values_list("number", "language")) == [
        (1, "en"),
        (1, "sq"),
        (1, "sr-latn"),
    ]
    snapshot = versions.get(language="sq").snapshot
    assert snapshot["statistics"]["answered_percent"] == 100
    assert len(snapshot["submissions"]) == comments.count() + 1
