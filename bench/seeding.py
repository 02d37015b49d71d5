"""Bulk seeding of a large consultation, for the benchmarks and ``manage.py seed_bench``.

One consultation with N submissions (comments and about 2 % position papers), written with
``bulk_create`` in batches inside one transaction (all or nothing), without per-row service calls:

* a 40-article draft (three paragraphs each) imported through the real service
  (``proposal_import``), so sections, versions and their history are what the site makes;
* about N/4 people, each a ``Participant`` numbered in the order of their first comment (what
  ``comments.services.participant_for`` gives: person k comments first as the k-th submission);
* comments on articles, paragraphs and the whole draft, one in ten a reply in its parent's
  section, some hidden or withdrawn, in Albanian, Serbian (Latin and Cyrillic), English,
  right-to-left text, emoji and spreadsheet-formula payloads;
* reactions (agree/disagree, never on one's own comment, at most one per person per comment) with
  the comments' ``agree_count``/``disagree_count`` matching them;
* votes: every person on the whole draft and on three articles;
* position papers of CSOs (with two points each, submitted by a representative of the CSO);
* official answers (60 % of the published comments of a closed consultation, 20 % of an open
  one; half the position papers of a closed one);
* tracking numbers ``KON-<year>-<000123>`` taken as one block from ``TrackingCounter`` and given
  in submission order, so later submissions through the services continue the sequence.

Used by ``consult/management/commands/seed_bench.py`` (an open consultation) and
``bench/export.py`` (a closed one). Rows are not given history records (``bulk_create``): the
revision history of comments starts with their first edit.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import time
from dataclasses import dataclass, field

TEXTS = [
    "Propozoj që neni të përfshijë edhe organizatat e regjistruara në komunë; përndryshe "
    "shumë shoqata të vogla mbeten jashtë procesit. Çështja e afateve duhet sqaruar më mirë.",
    "Predlažem da se u ovom članu navede rok od 15 radnih dana. Члан 5 — ћ ђ џ: текст на "
    "српском ћирилицом, да се провери извоз.",
    "We suggest publishing the annual report in all official languages and as open data.",
    '=HYPERLINK("http://example.com","kliko") ky koment provon neutralizimin e formulave.',
    "+381 11 123 456 — numri i telefonit nuk duhet të interpretohet si formulë.",
    "-2+3 @SUM(A1:A2) komente me shenja në fillim.",
    "مرحبا بالعالم — تعليق من اليمين إلى اليسار. שלום עולם 🙂🇽🇰 emoji në tekst.",
    "Neni duhet të shprehë qartë obligimin e institucionit për t'iu përgjigjur çdo komenti "
    "brenda 15 ditëve pune, me arsyetim kur komenti refuzohet.",
]
WORDINGS = [
    "",
    "",
    "1. Institucionet ndajnë së paku 2% të buxhetit për organizatat e shoqërisë civile.",
    "=1+1",
]
NAMES = ["Arbër", "Drita", "Blerim", "Vjosa", "Milica", "Đorđe", "Jelena", "Fatmir", "Ëngjëll"]
SURNAMES = ["Krasniqi", "Gashi", "Berisha", "Petrović", "Jovanović", "Hoxha", "Çeku", "Shala"]
CSO_NAMES = [
    "Instituti Musine Kokalari",
    "=CMD|' /C calc'!A0 Shoqata",
    "Fondacioni Kosovar për Shoqëri Civile",
    "Udruženje građana Ћирилица",
    "@Rrjeti i grave",
    "جمعية المجتمع المدني",
]
ARTICLES = 40


@dataclass
class Seeded:
    slug: str
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)


def tag_of(slug: str) -> str:
    """The marker in the e-mail addresses and organisation slugs of one seeded consultation."""
    return slug.replace("-", "")


def draft_markdown(articles: int = ARTICLES) -> bytes:
    lines = ["# Projektligji për konsultimet publike (bench)", ""]
    for n in range(1, articles + 1):
        lines += [f"Neni {n}", f"Dispozita {n} — çështje të përgjithshme", ""]
        for p in range(1, 4):
            lines.append(
                f"{p}. Paragrafi {p} i nenit {n}: institucioni përgjigjet me shkrim brenda afatit."
            )
        lines.append("")
    return "\n".join(lines).encode()


def reserve_tracking_numbers(count: int, year: int) -> list[str]:
    """``count`` consecutive numbers of the year's sequence (``comments.services``' format),
    taken at once under the counter's row lock."""
    from django.db import transaction
    from django.db.models import F

    from comments.models import TrackingCounter

    if count <= 0:
        return []
    with transaction.atomic():
        TrackingCounter.objects.get_or_create(year=year)
        counter = TrackingCounter.objects.select_for_update().get(year=year)
        start = counter.last + 1
        TrackingCounter.objects.filter(pk=year).update(last=F("last") + count)
    return [f"KON-{year}-{n:06d}" for n in range(start, start + count)]


def seed_consultation(
    submissions: int,
    *,
    slug: str,
    status: str = "open",
    reseed: bool = False,
    seed_value: int = 2026,
    batch: int = 5000,
) -> Seeded:
    """Seed the consultation ``slug`` with ``submissions`` submissions, unless it exists (then
    nothing is written; ``reseed`` deletes it first). ``status``: ``open`` or ``closed``."""
    from django.db import transaction

    from consult.models import Consultation

    if status not in ("open", "closed"):
        raise ValueError("status must be 'open' or 'closed'")
    existing = Consultation.objects.filter(slug=slug).first()
    if existing is not None:
        if not reseed:
            return Seeded(slug=slug, created=False, counts=counts_for(existing))
        delete_consultation(existing)
    started = time.perf_counter()
    with transaction.atomic():
        consultation = _seed(
            submissions, slug=slug, status=status, seed_value=seed_value, batch=batch
        )
    analyze()
    return Seeded(
        slug=slug,
        created=True,
        seconds=time.perf_counter() - started,
        counts=counts_for(consultation),
    )


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load: without them PostgreSQL plans the
    comment lists for empty tables (a sort of every comment of the draft instead of an index
    walk) until autovacuum comes round. On PostgreSQL outside a transaction, ``VACUUM ANALYZE``
    also sets the visibility map that index-only scans (the vote tallies) need, as autovacuum
    would on a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def counts_for(consultation) -> dict[str, int]:
    from accounts.models import User
    from comments.models import (
        Comment,
        OfficialResponse,
        Participant,
        PositionPaper,
        PositionPaperPoint,
        Reaction,
    )
    from proposals.models import Vote

    tag = tag_of(consultation.slug)
    return {
        "users": User.objects.filter(email__endswith=f"-{tag}@bench.invalid").count(),
        "participants": Participant.objects.filter(consultation=consultation).count(),
        "comments": Comment.objects.filter(consultation=consultation).count(),
        "replies": Comment.objects.filter(consultation=consultation, parent__isnull=False).count(),
        "reactions": Reaction.objects.filter(comment__consultation=consultation).count(),
        "votes": Vote.objects.filter(proposal__consultation=consultation).count(),
        "position_papers": PositionPaper.objects.filter(consultation=consultation).count(),
        "position_paper_points": PositionPaperPoint.objects.filter(
            paper__consultation=consultation
        ).count(),
        "official_responses": OfficialResponse.objects.filter(consultation=consultation).count(),
    }


def _seed(submissions: int, *, slug: str, status: str, seed_value: int, batch: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import Membership, Organisation, User
    from comments.models import (
        Comment,
        OfficialResponse,
        Participant,
        PositionPaper,
        PositionPaperPoint,
        Reaction,
    )
    from consult.models import Consultation
    from proposals.models import Section, Vote
    from proposals.services import proposal_import

    rng = random.Random(seed_value)
    now = timezone.now()
    tag = tag_of(slug)
    password = make_password(None)  # unusable: nobody signs in as a seeded person
    closed = status == "closed"

    institution, _ = Organisation.objects.get_or_create(
        slug=f"ministria-{tag}",
        defaults={
            "kind": Organisation.Kind.INSTITUTION,
            "name": "Ministria e Administratës Publike — bench",
            "verification_status": Organisation.Verification.VERIFIED,
        },
    )
    official, _ = User.objects.get_or_create(
        email=f"zyrtar-{tag}@bench.invalid",
        defaults={"display_name": "Zyrtar Bench", "email_verified": True, "password": password},
    )
    Membership.objects.get_or_create(
        user=official, organisation=institution, defaults={"role": Membership.Role.OFFICIAL}
    )
    if closed:
        opens, closes = now - dt.timedelta(days=40), now - dt.timedelta(days=5)
        last_submission = closes - dt.timedelta(hours=1)
    else:
        opens, closes = now - dt.timedelta(days=10), now + dt.timedelta(days=20)
        last_submission = now - dt.timedelta(minutes=5)
    consultation = Consultation.objects.create(
        institution=institution,
        title=f"Projektligji për konsultimet publike — {submissions} komente",
        slug=slug,
        summary="Konsultim për matjen e shpejtësisë: ë ç Члан 5 — ћ ђ џ.",
        kind=Consultation.Kind.LAW,
        contact_name="Arbër Krasniqi",
        contact_email="kontakt@bench.invalid",
        status=Consultation.Status.DRAFT,
        opens_at=opens,
        closes_at=closes,
        created_by=official,
    )
    proposal = proposal_import(
        actor=official, consultation=consultation, data=draft_markdown(), filename="draft.md"
    )
    Consultation.objects.filter(pk=consultation.pk).update(
        status=Consultation.Status.CLOSED if closed else Consultation.Status.OPEN
    )
    sections = list(
        Section.objects.filter(proposal=proposal, kind__in=["article", "paragraph"]).values_list(
            "pk", "kind"
        )
    )
    articles = [pk for pk, kind in sections if kind == "article"]
    section_ids = [pk for pk, _kind in sections]

    Organisation.objects.bulk_create(
        [
            Organisation(
                kind=Organisation.Kind.CSO,
                name=name,
                slug=f"{tag}-cso-{i}",
                verification_status=Organisation.Verification.VERIFIED,
            )
            for i, name in enumerate(CSO_NAMES)
        ]
    )
    csos = list(Organisation.objects.filter(slug__startswith=f"{tag}-cso-").order_by("slug"))

    n_papers = submissions // 50
    n_comments = submissions - n_papers
    n_people = max(1, submissions // 4)

    # People and their participant numbers (in the order of their first comment: person k
    # writes comment k).
    users = []
    for i in range(n_people):
        display = f"{rng.choice(NAMES)} {rng.choice(SURNAMES)} {i}"
        if i % 97 == 0:
            display = '=HYPERLINK("http://evil.example") ' + display
        users.append(
            User(
                email=f"p{i}-{tag}@bench.invalid",
                display_name=display,
                email_verified=True,
                password=password,
                date_joined=opens - dt.timedelta(days=1),
            )
        )
    User.objects.bulk_create(users, batch_size=batch)
    user_ids = list(
        User.objects.filter(email__endswith=f"-{tag}@bench.invalid", email__startswith="p")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Participant.objects.bulk_create(
        [
            Participant(consultation=consultation, user_id=uid, number=i + 1)
            for i, uid in enumerate(user_ids[: min(n_people, n_comments)])
        ],
        batch_size=batch,
    )
    participant_of = dict(
        Participant.objects.filter(consultation=consultation).values_list("user_id", "pk")
    )

    # Submission times spread over the round; tracking numbers in the order of those times.
    span = (last_submission - opens).total_seconds()

    def comment_time(i: int) -> dt.datetime:
        return opens + dt.timedelta(seconds=span * i / max(1, n_comments))

    def paper_time(k: int) -> dt.datetime:
        return opens + dt.timedelta(seconds=span * (k + 0.5) / max(1, n_papers))

    timeline = sorted(
        [(comment_time(i), 0, i) for i in range(n_comments)]
        + [(paper_time(k), 1, k) for k in range(n_papers)]
    )
    numbers = reserve_tracking_numbers(len(timeline), timezone.localtime(now).year)
    comment_number: list[str] = [""] * n_comments
    paper_number: list[str] = [""] * n_papers
    for number, (_t, kind, idx) in zip(numbers, timeline, strict=True):
        (paper_number if kind else comment_number)[idx] = number

    created_field = Comment._meta.get_field("created_at")
    paper_created_field = PositionPaper._meta.get_field("created_at")
    created_field.auto_now_add = paper_created_field.auto_now_add = False
    stances = ["for", "against", "neutral"]
    consents = ["name", "organisation", "hidden"]
    types = ["citizen", "citizen", "citizen", "cso", "business", "academic"]
    try:
        made = 0
        # Top-level comments as (index, pk, section_id), in index order: a reply's parent is
        # one of the 2,000 latest threads started before it, and the reply is in its section.
        threads: list[tuple[int, int, int | None]] = []
        while made < n_comments:
            rows: list[Comment] = []
            reactions_of: list[list[tuple[int, str]]] = []
            replies: list[tuple[int, Comment]] = []
            for j in range(min(batch, n_comments - made)):
                i = made + j
                author_index = i % n_people
                uid = user_ids[author_index]
                consent = consents[i % 3]
                org = csos[i % len(csos)] if consent == "organisation" else None
                section_id = None if i % 17 == 0 else rng.choice(section_ids)
                status = "published"
                if i % 101 == 0:
                    status = "hidden"
                elif i % 103 == 0:
                    status = "withdrawn"
                reactors: list[int] = []
                if status == "published" and n_people > 1:
                    for k in range((i * 7) % 4):  # 0 to 3 reactions, 1.5 on average
                        other = (author_index + 1 + k * 37 + i % 11) % n_people
                        if other != author_index and other not in reactors:
                            reactors.append(other)
                values = ["disagree" if (i + k) % 4 == 0 else "agree" for k in range(len(reactors))]
                reactions_of.append(list(zip(reactors, values, strict=True)))
                created_at = comment_time(i)
                comment = Comment(
                    consultation=consultation,
                    proposal=proposal,
                    section_id=section_id,
                    depth=0,
                    author_id=uid,
                    participant_id=participant_of[uid],
                    organisation=org,
                    consent=consent,
                    participant_type=types[i % len(types)] if not org else "cso",
                    municipality=rng.choice(["Prishtinë", "Prizren", "Gjakovë", "Graçanicë", ""]),
                    country="DE" if i % 13 == 0 else "",
                    stance=stances[i % 3],
                    body=TEXTS[i % len(TEXTS)],
                    body_html="<p>" + TEXTS[i % len(TEXTS)] + "</p>",
                    proposed_wording=WORDINGS[i % len(WORDINGS)] if section_id else "",
                    tracking_number=comment_number[i],
                    status=status,
                    hidden_reason="spam" if status == "hidden" else "",
                    withdrawn_at=created_at + dt.timedelta(hours=1)
                    if status == "withdrawn"
                    else None,
                    agree_count=values.count("agree"),
                    disagree_count=values.count("disagree"),
                    created_at=created_at,
                )
                rows.append(comment)
                if i % 10 == 5:
                    replies.append((i, comment))
            reply_set = {id(c) for _i, c in replies}
            tops = [c for c in rows if id(c) not in reply_set]
            _bulk_create_with_ids(Comment, tops, batch)
            top_index = {id(c): made + n for n, c in enumerate(rows)}
            threads.extend((top_index[id(c)], c.pk, c.section_id) for c in tops)
            thread_indices = [t[0] for t in threads]
            kept = []
            for i, comment in replies:
                before = bisect.bisect_left(thread_indices, i)
                if before == 0:  # nothing to reply to yet: a thread of its own
                    kept.append(comment)
                    continue
                _idx, comment.parent_id, comment.section_id = threads[
                    rng.randrange(max(0, before - 2000), before)
                ]
                comment.depth = 1
                if comment.section_id is None:
                    comment.proposed_wording = ""
                kept.append(comment)
            _bulk_create_with_ids(Comment, kept, batch)
            Reaction.objects.bulk_create(
                [
                    Reaction(user_id=user_ids[who], comment_id=c.pk, value=value)
                    for c, pairs in zip(rows, reactions_of, strict=True)
                    for who, value in pairs
                ],
                batch_size=batch,
            )
            made += len(rows)

        papers = [
            PositionPaper(
                consultation=consultation,
                organisation=csos[k % len(csos)],
                submitted_by_id=user_ids[k % n_people],
                title=f"Qëndrimi {k} për projektligjin — Члан {k}",
                summary=TEXTS[k % len(TEXTS)],
                attachment="position-papers/bench.pdf",
                attachment_size=12345,
                attachment_pages=3,
                tracking_number=paper_number[k],
                created_at=paper_time(k),
            )
            for k in range(n_papers)
        ]
        PositionPaper.objects.bulk_create(papers, batch_size=batch)
    finally:
        created_field.auto_now_add = paper_created_field.auto_now_add = True
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=user_ids[k % n_people],
                organisation=csos[k % len(csos)],
                role=Membership.Role.REPRESENTATIVE,
            )
            for k in range(n_papers)
        ],
        batch_size=batch,
        ignore_conflicts=True,
    )
    paper_ids = list(
        PositionPaper.objects.filter(consultation=consultation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    PositionPaperPoint.objects.bulk_create(
        [
            PositionPaperPoint(paper_id=pid, section_id=rng.choice(articles), text=TEXTS[n % 8])
            for n, pid in enumerate(paper_ids)
            for _point in range(2)
        ],
        batch_size=batch,
    )

    outcomes = ["accepted", "partially", "rejected", "noted"]
    answered = (0, 1, 2) if closed else (0,)
    responses = []
    published = (
        Comment.objects.filter(consultation=consultation, status="published")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for n, cid in enumerate(published.iterator(chunk_size=batch)):
        if n % 5 in answered:
            outcome = outcomes[n % 4]
            responses.append(
                OfficialResponse(
                    consultation=consultation,
                    comment_id=cid,
                    outcome=outcome,
                    justification="Komenti u shqyrtua; arsyetimi: " + TEXTS[n % 3][:80],
                    reflected_in_id=rng.choice(articles) if outcome == "accepted" else None,
                    responded_by=official,
                )
            )
        if len(responses) >= batch:
            OfficialResponse.objects.bulk_create(responses)
            responses = []
    if closed:
        responses += [
            OfficialResponse(
                consultation=consultation,
                position_paper_id=pid,
                outcome="partially",
                justification="Pjesërisht e pranuar.",
                responded_by=official,
            )
            for n, pid in enumerate(paper_ids)
            if n % 2 == 0
        ]
    OfficialResponse.objects.bulk_create(responses, batch_size=batch)

    votes = []
    for n, uid in enumerate(user_ids):
        votes.append(
            Vote(user_id=uid, proposal=proposal, choice=["for", "against", "abstain"][n % 3])
        )
        for art in rng.sample(articles, 3):
            votes.append(
                Vote(
                    user_id=uid,
                    proposal=proposal,
                    section_id=art,
                    choice=rng.choice(["for", "against", "abstain"]),
                )
            )
        if len(votes) >= batch:
            Vote.objects.bulk_create(votes)
            votes = []
    Vote.objects.bulk_create(votes, batch_size=batch)

    if closed:
        from reports.models import Meeting

        Meeting.objects.create(
            consultation=consultation,
            held_at=opens + dt.timedelta(days=3),
            place="Prishtinë, salla e Qeverisë",
            participants_description="Organizatat e shoqërisë civile",
            participants_count=42,
            created_by=official,
        )
    return consultation


def _bulk_create_with_ids(model, rows: list, batch: int) -> None:
    """``bulk_create`` that leaves every row with its primary key (looked up by tracking number
    on a backend that does not return ids)."""
    if not rows:
        return
    model.objects.bulk_create(rows, batch_size=batch)
    if rows[0].pk is None:
        by_number = dict(
            model.objects.filter(tracking_number__in=[r.tracking_number for r in rows]).values_list(
                "tracking_number", "pk"
            )
        )
        for row in rows:
            row.pk = by_number[row.tracking_number]


def delete_consultation(consultation) -> None:
    """Remove a seeded consultation with its people and organisations (for ``--reseed``)."""
    from django.db import transaction

    from accounts.models import Organisation, User
    from comments.models import Comment, OfficialResponse, PositionPaper, Reaction

    tag = tag_of(consultation.slug)
    with transaction.atomic():
        OfficialResponse.objects.filter(consultation=consultation).delete()
        Reaction.objects.filter(comment__consultation=consultation).delete()
        Comment.objects.filter(consultation=consultation).update(parent=None)
        Comment.objects.filter(consultation=consultation).delete()
        PositionPaper.objects.filter(consultation=consultation).delete()
        consultation.participants.all().delete()
        consultation.delete()
        User.objects.filter(email__endswith=f"-{tag}@bench.invalid").delete()
        Organisation.objects.filter(slug__startswith=f"{tag}-cso-").delete()
        Organisation.objects.filter(slug=f"ministria-{tag}").delete()
