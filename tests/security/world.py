"""One consultation in a given lifecycle state, with everything around it that the access-control
matrix (``test_access_matrix``) needs: people in each role, a draft document, comments (one
hidden by moderation, one whose author chose to stay anonymous), a position paper, an answer whose
justification waits for the report, a hearing with an item, a plan, a meeting and a subscription.

Built through the services (rows are stored directly only where the tests of that app do the same,
for the hearing), once per state. The strings in ``Secrets`` are unique markers: the matrix looks
for them in every response.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from comments import services as comment_services
from comments.models import Comment, PositionPaper
from consult import services as consult_services
from consult.models import Consultation
from hearings import services as hearing_services
from hearings.models import Hearing, HearingItem
from plans import services as plan_services
from plans.models import ConsultationPlan, PlannedItem
from proposals import services as proposal_services
from proposals.models import Proposal
from reports import services as report_services
from reports.models import Meeting
from subscriptions import services as subscription_services
from subscriptions.models import Subscription
from tests import factories as f
from tests.comments.conftest import make_pdf
from tests.hearings.conftest import make_hearing

STATES = ["draft", "open", "closed", "report_published"]

# The people the matrix signs in as. ``official`` is the institution's own official: not one of
# the roles that must be refused, it is the positive control (a route that refused everybody
# would pass a refusal-only matrix for the wrong reason, say with a wrong URL).
ROLES = [
    "anonymous",
    "citizen",
    "cso_rep",  # representative of a CSO other than the one that sent the position paper
    "other_official",  # official of another institution
    "moderator",
    "staff",
    "official",
]


class Secrets:
    DRAFT_TITLE = "Projektligji sekret për arkivat shtetërore"
    MODERATED_BODY = "Teksti-i-fshehur-nga-moderimi-7731"
    HIDDEN_NAME = "Anonimja Qëllimshme"
    HIDDEN_EMAIL = "anonimja.qellimshme@example.org"
    NAMED_EMAIL = "drita.emerplote.matrix@example.org"
    PAPER_AUTHOR_EMAIL = "perfaqesuesi.cso@example.org"
    JUSTIFICATION = "Arsyetimi-qe-pret-raportin-4410"


@dataclass
class World:
    state: str
    consultation: Consultation
    proposal: Proposal
    people: dict = field(default_factory=dict)  # role -> User | None
    named: object = None
    hidden: object = None
    paper_author: object = None
    outsider: object = None  # a citizen who is none of the roles (owner of the subscription)
    comment: Comment | None = None  # a published comment by ``named``
    moderated: Comment | None = None
    paper: PositionPaper | None = None
    hearing: Hearing | None = None
    item: HearingItem | None = None
    plan: ConsultationPlan | None = None
    planned_item: PlannedItem | None = None
    meeting: Meeting | None = None
    subscription: Subscription | None = None


def _comment(actor, proposal, key=None, **kwargs) -> Comment:
    section = proposal.sections.get(key=key) if key else None
    kwargs.setdefault("stance", "neutral")
    kwargs.setdefault("consent", "name")
    kwargs.setdefault("participant_type", "citizen")
    return comment_services.comment_create(
        actor=actor, proposal=proposal, section=section, **kwargs
    )


def build_world(state: str) -> World:
    assert state in STATES, state
    institution = f.InstitutionFactory()
    official = f.official_of(institution)
    other_institution = f.InstitutionFactory()
    people = {
        "anonymous": None,
        "citizen": f.UserFactory(),
        "cso_rep": f.representative_of(f.OrganisationFactory()),
        "other_official": f.official_of(other_institution),
        "moderator": f.moderator(),
        "staff": f.UserFactory(is_staff=True),
        "official": official,
    }
    if state == "draft":
        consultation = f.consultation_in_state(
            "draft",
            institution=institution,
            title=Secrets.DRAFT_TITLE,
            responses_visibility="with_report",
        )
    else:
        consultation = f.ConsultationFactory(
            institution=institution, responses_visibility="with_report"
        )
    proposal = proposal_services.proposal_import(
        actor=official,
        consultation=consultation,
        data=f.SAMPLE_DRAFT_MD.encode(),
        filename="draft.md",
    )
    world = World(state=state, consultation=consultation, proposal=proposal, people=people)
    world.named = f.UserFactory(display_name="Drita Emërplotë", email=Secrets.NAMED_EMAIL)
    world.hidden = f.UserFactory(display_name=Secrets.HIDDEN_NAME, email=Secrets.HIDDEN_EMAIL)
    paper_cso = f.OrganisationFactory()
    world.paper_author = f.representative_of(paper_cso, email=Secrets.PAPER_AUTHOR_EMAIL)
    world.outsider = f.UserFactory()

    plan = plan_services.plan_create(
        actor=official, institution=institution, year=timezone.localdate().year
    )
    world.plan = plan
    world.planned_item = plan_services.planned_item_create(
        actor=official, plan=plan, title="Ligji për arkivat", kind="law", planned_quarter=4
    )
    world.subscription = subscription_services.subscription_follow(
        actor=world.outsider, target=institution
    )

    if state == "draft":
        world.hearing = make_hearing(consultation, "scheduled")
        world.consultation = Consultation.objects.get(pk=consultation.pk)
        return world

    world.comment = _comment(
        world.named, proposal, "neni-1", body="Mbështes qëllimin e strategjisë plotësisht."
    )
    hidden_comment = _comment(
        world.hidden,
        proposal,
        "neni-3",
        consent="hidden",
        stance="against",
        body="Financimi duhet të jetë më transparent.",
    )
    world.moderated = _comment(world.named, proposal, "neni-2", body=Secrets.MODERATED_BODY)
    comment_services.comment_hide(actor=people["moderator"], comment=world.moderated, reason="spam")
    world.paper = comment_services.position_paper_submit(
        actor=world.paper_author,
        consultation=consultation,
        organisation=paper_cso,
        title="Qëndrimi i organizatës",
        summary="Përmbledhja e qëndrimit.",
        pdf=make_pdf(),
        points={"neni-1": "Pika për nenin 1."},
    )
    world.hearing = make_hearing(consultation, "live")
    world.item = hearing_services.item_post(
        actor=world.named,
        hearing=world.hearing,
        kind="question",
        body="Si do të financohen organizatat?",
        consent="name",
    )
    world.meeting = report_services.meeting_add(
        actor=official,
        consultation=consultation,
        held_at=timezone.now() - dt.timedelta(days=1),
        place="Prishtinë",
    )
    if state in ("closed", "report_published"):
        consult_services.consultation_close(actor=official, consultation=consultation)
        comment_services.response_set(
            actor=official,
            comment=hidden_comment,
            outcome="rejected",
            justification=Secrets.JUSTIFICATION,
        )
    if state == "report_published":
        report_services.report_publish(
            actor=official, consultation=Consultation.objects.get(pk=consultation.pk)
        )
    world.consultation = Consultation.objects.get(pk=consultation.pk)
    world.comment.refresh_from_db()
    return world
