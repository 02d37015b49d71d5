"""The open consultation's discussion for ``seed_demo``: threads with stances and proposed
wordings on several articles, reactions, a flagged comment, a hidden one, and a CSO position
paper with a real PDF. Everything goes through the services; added once (idempotent)."""

from __future__ import annotations

from comments import services as comment_services
from comments.models import Comment
from proposals.models import Section

# (author, section key or "", stance, consent, participant type, body, proposed wording, reply to)
THREADS = [
    (
        "drita",
        "neni-4",
        "for",
        "name",
        "citizen",
        "Pjesëmarrja e qytetarëve në hartimin e politikave duhet të jetë e detyrueshme për "
        "të gjitha ministritë, jo vetëm një rekomandim.",
        "Institucionet janë të obliguara të përfshijnë organizatat e shoqërisë civile në çdo fazë "
        "të hartimit të politikave.",
        None,
    ),
    (
        "shpetim",
        "neni-4",
        "neutral",
        "hidden",
        "citizen",
        "Pajtohem, por afati prej 15 ditësh pune është i shkurtër për komunat e vogla.",
        "",
        0,
    ),
    (
        "mirelinda",
        "neni-4",
        "for",
        "name",
        "citizen",
        "Edhe diaspora duhet të ketë mundësi të komentojë në gjuhën shqipe dhe serbe.",
        "",
        1,
    ),
    (
        "ardita",
        "neni-5",
        "against",
        "name",
        "citizen",
        "Financimi publik pa kritere të qarta rrezikon favorizimin e organizatave të afërta me "
        "pushtetin. Kërkoj publikimin e të gjitha vendimeve të financimit.",
        "Të gjitha vendimet për financimin publik të organizatave publikohen brenda 15 ditëve, "
        "me arsyetimin e vlerësimit.",
        None,
    ),
    (
        "milica",
        "neni-7",
        "for",
        "name",
        "citizen",
        "Savet za saradnju treba da uključi i predstavnike zajednica koje nisu većinske.",
        "",
        None,
    ),
    (
        "anetar.qzhk",
        "neni-6",
        "for",
        "organisation",
        "cso",
        "Vullnetarizmi duhet të njihet si përvojë pune për të rinjtë.",
        "",
        None,
    ),
    (
        "shpetim",
        "",
        "against",
        "name",
        "citizen",
        "Kjo strategji nuk thotë asgjë për buxhetin e zbatimit.",
        "",
        None,
    ),
    (
        "mirelinda",
        "neni-8",
        "neutral",
        "name",
        "citizen",
        "Raporti vjetor të publikohet edhe në format të hapur (CSV).",
        "",
        None,
    ),
]
# A comment someone flagged once (still visible) and one a moderator hid.
FLAGGED = (
    "drita",
    "neni-8",
    "against",
    "name",
    "citizen",
    "Kush e shkruan këtë raport? Gjithmonë të njëjtët njerëz.",
)
HIDDEN = (
    "shpetim",
    "neni-5",
    "against",
    "name",
    "citizen",
    "Thirrni në 044 123 456 dhe ju tregoj kush i merr paratë.",
)
REACTIONS = [  # (who, comment index in THREADS, value)
    ("shpetim", 0, "agree"),
    ("ardita", 0, "agree"),
    ("milica", 0, "agree"),
    ("drita", 3, "agree"),
    ("mirelinda", 3, "disagree"),
    ("drita", 4, "agree"),
]
PAPER = {
    "title": "Qëndrimi i IPD për Strategjinë e Bashkëpunimit 2026–2030",
    "summary": (
        "Instituti mbështet strategjinë, por kërkon kritere të matshme për financimin publik, "
        "një afat minimal prej 20 ditësh pune për konsultimet dhe raportim vjetor të hapur."
    ),
    "points": {
        "neni-5": "Kriteret e financimit të publikohen bashkë me thirrjen.",
        "neni-8": "Raporti vjetor të përfshijë të dhënat për çdo konsultim.",
    },
}


def seed_open_discussion(command, proposal, demo_pdf: bytes) -> bool:
    """Returns True when it added the discussion (False: it was already there)."""
    if Comment.objects.filter(proposal=proposal).exists():
        return False
    people, orgs = command.people, command.orgs
    sections = {s.key: s for s in Section.objects.filter(proposal=proposal, is_current=True)}
    created = []
    for who, key, stance, consent, ptype, body, wording, reply_to in THREADS:
        organisation = None
        if consent == "organisation":
            organisation = people[who].memberships.first().organisation
        created.append(
            comment_services.comment_create(
                actor=people[who],
                proposal=proposal,
                section=sections.get(key) if key else None,
                parent=created[reply_to] if reply_to is not None else None,
                body=body,
                stance=stance,
                consent=consent,
                participant_type=ptype,
                proposed_wording=wording,
                organisation=organisation,
                municipality="Prishtinë" if who == "drita" else "",
                country="DE" if who == "ardita" else "",
            )
        )
    for who, index, value in REACTIONS:
        comment_services.reaction_set(actor=people[who], comment=created[index], value=value)

    def single(spec):
        who, key, stance, consent, ptype, body = spec
        return comment_services.comment_create(
            actor=people[who],
            proposal=proposal,
            section=sections.get(key),
            body=body,
            stance=stance,
            consent=consent,
            participant_type=ptype,
        )

    flagged = single(FLAGGED)
    comment_services.flag_create(
        actor=people["mirelinda"], comment=flagged, reason="abuse", note="Ton fyes."
    )
    hidden = single(HIDDEN)
    comment_services.comment_hide(
        actor=people["moderatore"],
        comment=hidden,
        reason="personal_data",
        note="Përmban numër telefoni.",
    )
    ipd = next(o for slug, o in orgs.items() if slug.startswith("instituti-per-politika"))
    comment_services.position_paper_submit(
        actor=people["perfaqesuese.ipd"],
        consultation=proposal.consultation,
        organisation=ipd,
        title=PAPER["title"],
        summary=PAPER["summary"],
        pdf=demo_pdf,
        points=PAPER["points"],
    )
    return True
