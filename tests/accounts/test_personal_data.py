"""A person's own data: the download (``/accounts/data/``) and the deletion of the account
(``/accounts/delete/``, ``accounts.personal_data.account_erase``).

The key test is ``test_erase_leaves_no_trace``: after the erasure, no text column of any table
(historical ones included) holds the person's email or display name, and no foreign key points
at their old id, while what they submitted stays public as "Participant #N".
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from accounts.personal_data import account_erase, personal_data_export
from comments import services as comment_services
from comments.models import Comment, Flag, Participant, PositionPaper, Reaction
from consult import services as consult_services
from jobs.models import Job
from proposals import services as proposal_services
from proposals.models import Section, Vote
from tests import factories as f
from tests.comments.conftest import make_pdf

pytestmark = pytest.mark.django_db

PASSWORD = "kalimi-sekret-123"  # tests.factories.UserFactory
NAME = "Drita Fshirëse"
EMAIL = "drita.fshirese@example.org"
OTHER_NAME = "Besnik Mbeturi"
OTHER_EMAIL = "besnik.mbeturi@example.org"
BODY = "Teksti i Dritës për nenin e parë, i ndryshuar."
WITHDRAWN_BODY = "Teksti që Drita e tërhoqi."
OTHER_BODY = "Besniku mendon ndryshe për këtë nen."


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.COMMENT_RATE_LIMIT = "1000/600"


def client_for(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def section(proposal, key):
    return Section.objects.get(proposal=proposal, key=key)


def comment(actor, proposal, key=None, **kwargs):
    kwargs.setdefault("stance", "for")
    kwargs.setdefault("consent", "name")
    kwargs.setdefault("participant_type", "citizen")
    kwargs.setdefault("body", "Një koment për nenin.")
    return comment_services.comment_create(
        actor=actor, proposal=proposal, section=section(proposal, key) if key else None, **kwargs
    )


class World:
    """Two people who took part in the same consultation, and a third who reacted."""

    def __init__(self, proposal, official):
        self.proposal = proposal
        self.official = official
        self.consultation = proposal.consultation
        self.cso = f.OrganisationFactory(name="Shoqata Zëri i Qytetarit")
        self.person = f.representative_of(self.cso, display_name=NAME, email=EMAIL)
        self.other = f.UserFactory(display_name=OTHER_NAME, email=OTHER_EMAIL)
        self.third = f.UserFactory()
        f.MembershipFactory(user=self.other, organisation=self.cso, role=Membership.Role.MEMBER)

        p = proposal
        self.c_named = comment(self.person, p, "neni-1", body="Teksti i Dritës, versioni i parë.")
        comment_services.comment_edit(actor=self.person, comment=self.c_named, body=BODY)
        self.c_org = comment(
            self.person,
            p,
            "neni-2",
            consent="organisation",
            organisation=self.cso,
            participant_type="cso",
            body="Qëndrimi i shoqatës për nenin 2.",
            municipality="Prishtinë",
        )
        self.c_withdrawn = comment(self.person, p, "neni-3", body=WITHDRAWN_BODY)
        comment_services.comment_withdraw(actor=self.person, comment=self.c_withdrawn)
        self.o_comment = comment(self.other, p, "neni-1", body=OTHER_BODY, stance="against")
        self.reply = comment(
            self.person, p, parent=self.o_comment, body="Përgjigjja e Dritës për Besnikun."
        )

        comment_services.reaction_set(actor=self.person, comment=self.o_comment, value="agree")
        comment_services.reaction_set(actor=self.third, comment=self.o_comment, value="agree")
        comment_services.reaction_set(actor=self.other, comment=self.c_named, value="disagree")
        comment_services.flag_create(
            actor=self.person, comment=self.o_comment, reason="off_topic", note="Jashtë teme."
        )
        proposal_services.vote_cast(actor=self.person, proposal=p, choice="for")
        proposal_services.vote_cast(
            actor=self.person, proposal=p, section=section(p, "neni-1"), choice="against"
        )
        proposal_services.vote_cast(actor=self.other, proposal=p, choice="against")
        self.paper = comment_services.position_paper_submit(
            actor=self.person,
            consultation=self.consultation,
            organisation=self.cso,
            title="Qëndrimi i shoqatës",
            summary="Përmbledhja e qëndrimit.",
            pdf=make_pdf(),
            points={"neni-1": "Pika e shoqatës për nenin 1."},
        )
        self.job = Job.objects.create(
            name="reports.export",
            args={"format": "csv"},
            created_by=self.person,
            status=Job.Status.DONE,
        )

    def publish_report(self):
        """Close the round and publish the report (it names the person's first comment)."""
        from reports.services import report_publish

        consult_services.consultation_close(actor=self.official, consultation=self.consultation)
        report_publish(actor=self.official, consultation=self.consultation)


@pytest.fixture
def world(proposal, official):
    return World(proposal, official)


def section_url(proposal, key="neni-1") -> str:
    return reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": key},
    )


# --- Download ------------------------------------------------------------------------------


def test_download_is_a_json_attachment_with_the_persons_data(world):
    response = client_for(world.person).get(reverse("accounts:data_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="konsulta-data-{today}.json"'
    data = json.loads(response.content)

    assert data["account"]["email"] == EMAIL
    assert data["account"]["display_name"] == NAME
    assert data["account"]["preferred_language"] == "sq"
    assert data["email_addresses"] == [{"email": EMAIL, "verified": True, "primary": True}]
    assert data["memberships"] == [
        {
            "organisation": "Shoqata Zëri i Qytetarit",
            "organisation_kind": "cso",
            "role": "representative",
            "since": data["memberships"][0]["since"],
        }
    ]

    comments = {c["tracking_number"]: c for c in data["comments"]}
    assert set(comments) == {
        world.c_named.tracking_number,
        world.c_org.tracking_number,
        world.c_withdrawn.tracking_number,
        world.reply.tracking_number,
    }
    named = comments[world.c_named.tracking_number]
    assert named["body"] == BODY
    assert named["consent"] == "name"
    assert named["participant_number"] == 1
    assert [v["body"] for v in named["versions"]] == ["Teksti i Dritës, versioni i parë.", BODY]
    assert [v["type"] for v in named["versions"]] == ["created", "changed"]
    org = comments[world.c_org.tracking_number]
    assert (org["organisation"], org["municipality"], org["participant_type"]) == (
        "Shoqata Zëri i Qytetarit",
        "Prishtinë",
        "cso",
    )
    assert comments[world.c_withdrawn.tracking_number]["status"] == "withdrawn"
    assert comments[world.reply.tracking_number]["reply_to"] == world.o_comment.tracking_number

    assert sorted((v["article"], v["choice"]) for v in data["votes"]) == [
        ("", "for"),
        ("neni-1", "against"),
    ]
    assert data["reactions"] == [
        {
            "comment": world.o_comment.tracking_number,
            "value": "agree",
            "created_at": data["reactions"][0]["created_at"],
        }
    ]
    assert [(fl["comment"], fl["reason"]) for fl in data["flags"]] == [
        (world.o_comment.tracking_number, "off_topic")
    ]
    (paper,) = data["position_papers"]
    assert paper["title"] == "Qëndrimi i shoqatës"
    assert paper["attachment_download_url"].endswith(
        reverse("comments:paper_download", kwargs={"tracking_number": world.paper.tracking_number})
    )
    assert paper["points"] == [{"article": "neni-1", "text": "Pika e shoqatës për nenin 1."}]
    assert [j["name"] for j in data["jobs"]] == ["reports.export"]

    history = {(e["model"], e["object_id"], e["type"]) for e in data["history_entries"]}
    assert ("comments.Comment", world.c_named.pk, "created") in history
    assert ("comments.Comment", world.c_named.pk, "changed") in history
    assert ("comments.PositionPaper", world.paper.pk, "created") in history
    assert all(
        e["model"] != "comments.Comment" or e["object_id"] != world.o_comment.pk
        for e in data["history_entries"]
    )
    assert {"consultation": world.consultation.slug, "participant_number": 1} in data[
        "participant_numbers"
    ]


def test_download_holds_nothing_of_another_person(world):
    raw = client_for(world.person).get(reverse("accounts:data_export")).content.decode()
    for trace in (OTHER_EMAIL, OTHER_NAME, OTHER_BODY, world.official.email, PASSWORD):
        assert trace not in raw
    assert "pbkdf2" not in raw and "md5$" not in raw  # no password hash
    # And the other way round.
    raw = client_for(world.other).get(reverse("accounts:data_export")).content.decode()
    for trace in (EMAIL, NAME, BODY, WITHDRAWN_BODY):
        assert trace not in raw


def test_download_needs_sign_in(client):
    response = client.get(reverse("accounts:data_export"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def _export_queries(user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        personal_data_export(user=user)
    return len(ctx.captured_queries)


def test_download_queries_do_not_grow_with_the_data(proposal, official):
    person = f.UserFactory()
    other_consultation = f.ConsultationFactory(institution=proposal.consultation.institution)
    other_proposal = proposal_services.proposal_import(
        actor=official,
        consultation=other_consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="draft.md",
    )
    someone = f.UserFactory()
    target = comment(someone, proposal, "neni-4")
    comment(person, proposal, "neni-1")
    few = _export_queries(person)

    for key in ("neni-1", "neni-2", "neni-3"):
        c = comment(person, other_proposal, key)
        comment_services.comment_edit(actor=person, comment=c, body="Ndryshuar pak.")
        comment(person, proposal, key)
        proposal_services.vote_cast(
            actor=person,
            proposal=other_proposal,
            section=section(other_proposal, key),
            choice="for",
        )
    comment_services.reaction_set(actor=person, comment=target, value="agree")
    comment_services.flag_create(actor=person, comment=target, reason="spam")
    many = _export_queries(person)
    assert many == few


# --- The page before deleting ----------------------------------------------------------------


def test_delete_page_states_the_rule_before_confirming(world):
    response = client_for(world.person).get(reverse("accounts:delete"))
    assert response.status_code == 200
    html = response.content.decode()
    for words in (
        "Your personal data are erased: your email, name, password, language, memberships, "
        "votes, reactions, flags and sessions.",
        "What you submitted to public consultations stays in the public record, because "
        "institutions must keep and answer every submission, but it is no longer linked to "
        "you: it shows as “Participant #N”",
        "Comments you withdrew stay withdrawn.",
        "Emails sent before cannot be recalled",
    ):
        assert words in html
    assert 'type="password"' in html
    assert User.objects.filter(pk=world.person.pk).exists()


def test_profile_links_to_download_and_delete(world):
    html = client_for(world.person).get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:data_export") in html
    assert reverse("accounts:delete") in html


# --- Erasure -------------------------------------------------------------------------------


def _text_columns(model) -> list[str]:
    return [
        fld.attname
        for fld in model._meta.concrete_fields
        if isinstance(fld, models.CharField | models.TextField | models.JSONField)
    ]


def traces_of(*needles: str) -> list[tuple[str, str]]:
    """Every (model, needle) where a text column of any table (historical ones included)
    contains one of ``needles`` (case-insensitive)."""
    found = []
    lowered = [n.lower() for n in needles]
    for model in apps.get_models(include_auto_created=True):
        columns = _text_columns(model)
        if not columns:
            continue
        for row in model._default_manager.values_list(*columns):
            for value in row:
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in lowered:
                    if needle in text.lower():
                        found.append((model._meta.label, needle))
    return found


def links_to(user_id: int) -> list[str]:
    """Every foreign key to the user model (historical tables included) that holds this id."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for fld in model._meta.concrete_fields:
            if not (fld.is_relation and fld.related_model is User):
                continue
            if model._default_manager.filter(**{fld.attname: user_id}).exists():
                found.append(f"{model._meta.label}.{fld.name}")
    return found


def sessions_of(user_id: int) -> list[str]:
    return [
        s.session_key
        for s in Session.objects.all()
        if str(s.get_decoded().get(SESSION_KEY)) == str(user_id)
    ]


def test_erase_leaves_no_trace(world):
    world.publish_report()
    from reports.models import ReportVersion

    assert traces_of(EMAIL, NAME)  # the scan finds them before
    assert any(NAME in rv.html for rv in ReportVersion.objects.all())
    person_id = world.person.pk
    client = client_for(world.person)
    assert sessions_of(person_id)
    other_traces_before = sorted(set(traces_of(OTHER_EMAIL, OTHER_NAME)))

    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:deleted")

    assert not User.objects.filter(pk=person_id).exists()
    assert traces_of(EMAIL, NAME, "drita.fshirese") == []
    assert links_to(person_id) == []
    assert sessions_of(person_id) == []
    # Their submissions stay, unlinked, with their text.
    named = Comment.objects.get(pk=world.c_named.pk)
    assert (named.author_id, named.consent, named.organisation_id) == (None, "hidden", None)
    assert named.body == BODY
    org_comment = Comment.objects.get(pk=world.c_org.pk)
    assert (org_comment.consent, org_comment.organisation_id) == ("hidden", None)
    assert Comment.objects.get(pk=world.c_withdrawn.pk).status == "withdrawn"
    participant = Participant.objects.get(pk=named.participant_id)
    assert (participant.number, participant.user_id) == (1, None)
    history = Comment.history.filter(id=named.pk)
    assert history.count() == 2
    assert set(history.values_list("author_id", "consent", "organisation_id")) == {
        (None, "hidden", None)
    }
    assert set(history.values_list("body", flat=True)) == {
        "Teksti i Dritës, versioni i parë.",
        BODY,
    }
    paper = PositionPaper.objects.get(pk=world.paper.pk)
    assert (paper.submitted_by_id, paper.organisation_id) == (None, world.cso.pk)
    assert paper.title == "Qëndrimi i shoqatës"
    # The published report now says "Participant #1" for the named comment, in every language.
    for rv in ReportVersion.objects.all():
        entries = {e["tracking_number"]: e for e in rv.snapshot["submissions"]}
        assert entries[world.c_named.tracking_number]["author"].endswith("#1")
        assert "#1" in rv.html
    # The other person is untouched.
    assert sorted(set(traces_of(OTHER_EMAIL, OTHER_NAME))) == other_traces_before


def test_erased_comments_show_as_participant_on_the_article_page(world):
    before = client_for().get(section_url(world.proposal)).content.decode()
    assert NAME in before
    account_erase(actor=world.person, user=world.person)
    html = client_for().get(section_url(world.proposal)).content.decode()
    assert NAME not in html
    assert "Participant #1" in html
    assert BODY in html
    assert OTHER_NAME in html  # the other person still shows as they chose
    assert OTHER_BODY in html


def test_erase_recounts_reactions_and_flags_and_keeps_the_others(world):
    other_reaction = Reaction.objects.get(user=world.other)
    o = Comment.objects.get(pk=world.o_comment.pk)
    assert (o.agree_count, o.flag_count) == (2, 1)

    result = account_erase(actor=world.person, user=world.person)

    assert result.deleted
    o.refresh_from_db()
    assert (o.agree_count, o.disagree_count, o.flag_count) == (1, 0, 0)
    named = Comment.objects.get(pk=world.c_named.pk)
    assert (named.agree_count, named.disagree_count) == (0, 1)  # the other's reaction stays
    assert Reaction.objects.filter(pk=other_reaction.pk).exists()
    assert not Flag.objects.exists()
    assert list(Vote.objects.values_list("user_id", "choice")) == [(world.other.pk, "against")]
    assert not Membership.objects.filter(user_id=world.person.pk).exists()
    assert Membership.objects.filter(user=world.other, organisation=world.cso).exists()
    assert Membership.history.filter(user_id=world.other.pk).exists()
    assert not Membership.history.filter(user_id=world.person.pk).exists()
    other = User.objects.get(pk=world.other.pk)
    assert (other.email, other.display_name) == (OTHER_EMAIL, OTHER_NAME)
    assert other.emailaddress_set.filter(email=OTHER_EMAIL).exists()
    o_history = Comment.history.filter(id=o.pk).first()
    assert (o_history.author_id, o_history.consent, o_history.history_user_id) == (
        world.other.pk,
        "name",
        world.other.pk,
    )
    assert not Job.objects.filter(pk=world.job.pk).exists()


def test_erase_signs_out_and_confirms(world):
    client = client_for(world.person)
    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD}, follow=True)
    assert response.status_code == 200
    assert "The account has been deleted" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    profile = client.get(reverse("accounts:profile"))
    assert profile.status_code == 302 and reverse("account_login") in profile["Location"]


def test_wrong_password_refuses_and_changes_nothing(world):
    client = client_for(world.person)
    before = (
        Comment.objects.filter(author=world.person).count(),
        Reaction.objects.count(),
        Vote.objects.count(),
        Comment.history.filter(history_user=world.person).count(),
    )
    response = client.post(reverse("accounts:delete"), {"confirmation": "jo-kjo-fjalekalim"})
    assert response.status_code == 400
    assert "The password is not correct. Nothing was deleted." in response.content.decode()
    person = User.objects.get(pk=world.person.pk)
    assert (person.email, person.display_name) == (EMAIL, NAME)
    assert before == (
        Comment.objects.filter(author=world.person).count(),
        Reaction.objects.count(),
        Vote.objects.count(),
        Comment.history.filter(history_user=world.person).count(),
    )
    assert Comment.objects.get(pk=world.c_named.pk).consent == "name"
    empty = client.post(reverse("accounts:delete"), {"confirmation": ""})
    assert empty.status_code == 400
    assert User.objects.filter(pk=world.person.pk).exists()


def test_wrong_attempts_are_rate_limited(world):
    client = client_for(world.person)
    for _attempt in range(5):
        client.post(reverse("accounts:delete"), {"confirmation": "gabim"})
    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD})
    assert response.status_code == 400
    assert "Too many attempts" in response.content.decode()
    assert User.objects.filter(pk=world.person.pk).exists()


def test_account_without_password_confirms_with_its_email(db):
    person = f.UserFactory(email="pa.fjalekalim@example.org", display_name="Pa Fjalëkalim")
    person.set_unusable_password()
    person.save()
    client = client_for(person)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert 'type="email"' in page
    assert (
        client.post(reverse("accounts:delete"), {"confirmation": "tjeter@example.org"}).status_code
        == 400
    )
    response = client.post(
        reverse("accounts:delete"), {"confirmation": "Pa.Fjalekalim@example.org"}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=person.pk).exists()


def test_staff_can_erase_someone_else(world, staff):
    client = client_for(staff)
    url = reverse("accounts:delete_other", kwargs={"pk": world.person.pk})
    page = client.get(url)
    assert page.status_code == 200 and EMAIL in page.content.decode()
    response = client.post(url, {"confirmation": PASSWORD})  # the staff member's own password
    assert response.status_code == 302
    assert not User.objects.filter(pk=world.person.pk).exists()
    assert client.get(reverse("accounts:profile")).status_code == 200  # staff still signed in
    assert User.objects.filter(pk=world.other.pk).exists()


def test_citizen_cannot_erase_someone_else(world):
    client = client_for(world.other)
    url = reverse("accounts:delete_other", kwargs={"pk": world.person.pk})
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirmation": PASSWORD}).status_code == 403
    assert User.objects.filter(pk=world.person.pk).exists()
    assert Comment.objects.get(pk=world.c_named.pk).author_id == world.person.pk
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        account_erase(actor=world.other, user=world.person)
    assert User.objects.filter(pk=world.person.pk).exists()


def test_staff_cannot_erase_a_superuser_but_a_superuser_can(staff):
    boss = f.UserFactory(is_staff=True, is_superuser=True)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        account_erase(actor=staff, user=boss)
    other_boss = f.UserFactory(is_staff=True, is_superuser=True)
    account_erase(actor=other_boss, user=boss)
    assert not User.objects.filter(pk=boss.pk).exists()


def test_erase_anonymous_is_refused(client, citizen):
    response = client.post(reverse("accounts:delete"), {"confirmation": PASSWORD})
    assert response.status_code == 302 and reverse("account_login") in response["Location"]
    assert User.objects.filter(pk=citizen.pk).exists()


def test_erase_removes_sessions_everywhere(world):
    first, second = client_for(world.person), client_for(world.person)
    assert len(sessions_of(world.person.pk)) == 2
    account_erase(actor=world.person, user=world.person)
    assert sessions_of(world.person.pk) == []
    assert second.get(reverse("accounts:profile")).status_code == 302
    assert first.get(reverse("accounts:data_export")).status_code == 302


def test_unfinished_jobs_stay_without_their_starter(world):
    queued = Job.objects.create(
        name="reports.export",
        created_by=world.person,
        run_after=timezone.now() + dt.timedelta(days=1),
    )
    account_erase(actor=world.person, user=world.person)
    queued.refresh_from_db()
    assert queued.created_by_id is None


# --- Live hearings (rows written directly: only the models are relied on) ----------------------


def _hearing_world(world):
    from comments.services import participant_for
    from hearings.models import Hearing, HearingItem, HearingUpvote

    now = timezone.now()
    hearing = Hearing.objects.create(
        consultation=world.consultation,
        title="Dëgjesa publike në Prishtinë",
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
        status=Hearing.Status.LIVE,
        created_by=world.official,
    )

    def post(author, body, consent="name", organisation=None):
        item = HearingItem(
            hearing=hearing,
            author=author,
            participant=participant_for(world.consultation, author),
            organisation=organisation,
            consent=consent,
            kind=HearingItem.Kind.QUESTION,
            body=body,
        )
        item._history_user = author
        item.save()
        return item

    def upvote(user, item):
        vote = HearingUpvote(item=item, user=user)
        vote._history_user = user
        vote.save()
        HearingItem.objects.filter(pk=item.pk).update(
            upvote_count=HearingUpvote.objects.filter(item=item).count()
        )

    mine = post(world.person, "Pyetja e Dritës për dëgjesën.", "organisation", world.cso)
    theirs = post(world.other, "Pyetja e Besnikut për dëgjesën.")
    upvote(world.person, theirs)
    upvote(world.third, theirs)
    upvote(world.other, mine)
    return mine, theirs


@pytest.mark.skipif(not apps.is_installed("hearings"), reason="the hearings app is not installed")
def test_hearing_items_and_upvotes_are_exported_and_erased(world):
    from hearings.models import HearingItem, HearingUpvote

    mine, theirs = _hearing_world(world)
    data = personal_data_export(user=world.person)
    items = data["hearings"]["hearings.HearingItem"]
    assert [i["body"] for i in items] == ["Pyetja e Dritës për dëgjesën."]
    assert [u["item_id"] for u in data["hearings"]["hearings.HearingUpvote"]] == [theirs.pk]
    assert "Pyetja e Besnikut" not in json.dumps(data, ensure_ascii=False, default=str)

    account_erase(actor=world.person, user=world.person)

    mine.refresh_from_db()
    assert (mine.author_id, mine.consent, mine.organisation_id) == (None, "hidden", None)
    assert mine.body == "Pyetja e Dritës për dëgjesën." and mine.upvote_count == 1
    theirs.refresh_from_db()
    assert (theirs.upvote_count, theirs.author_id, theirs.consent) == (
        2 - 1,
        world.other.pk,
        "name",
    )
    assert not HearingUpvote.objects.filter(user_id=world.person.pk).exists()
    assert set(HearingItem.history.filter(id=mine.pk).values_list("author_id", "consent")) == {
        (None, "hidden")
    }
    assert traces_of(EMAIL, NAME) == []
    assert links_to(world.person.pk) == []


def test_a_protected_user_row_is_anonymised_instead(world, monkeypatch):
    """No foreign key to the user is PROTECT today; if one is added, the row stays, emptied."""
    from django.db.models.deletion import ProtectedError

    def refuse(self, *args, **kwargs):
        raise ProtectedError("protected", set())

    monkeypatch.setattr(User, "delete", refuse)
    result = account_erase(actor=world.person, user=world.person)
    assert result.deleted is False
    row = User.objects.get(pk=world.person.pk)
    assert (row.display_name, row.is_active, row.has_usable_password()) == ("", False, False)
    assert row.email.endswith("@erased.invalid")
    assert traces_of(EMAIL, NAME) == []
    assert Comment.objects.get(pk=world.c_named.pk).author_id is None
