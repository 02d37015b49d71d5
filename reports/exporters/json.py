"""JSON: the report as open data.

Field names are stable English ``snake_case`` whatever the export's language (only the values
ending in ``_label``, and the texts people wrote, are in a language); codes are the platform's
own (``stance``: ``for`` / ``against`` / ``neutral``, ``outcome``: ``accepted`` / ``partially``
/ ``rejected`` / ``noted``); dates and times are ISO 8601 with their UTC offset; drafts and
articles are named by their slugs and stable section keys; the report by its version number.
The document follows ``docs/report-json-schema.json`` (JSON Schema 2020-12; served at
``/api/report-schema.json``), ``schema_version`` says which one.

The file is written piece by piece: the summary first, then the submissions one at a time, so
the memory used does not grow with their number; ``submission_count`` comes last.
"""

from __future__ import annotations

import json

from django.conf import settings

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = settings.BASE_DIR / "docs" / "report-json-schema.json"

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _iso(value):
    return value.isoformat() if value is not None else None


def _count_rows(rows) -> list[dict]:
    return [{"key": r.key, "label": r.label, "count": r.count} for r in rows]


def _article(row) -> dict:
    return {
        "draft": row.proposal_slug,
        "key": row.key,
        "label": row.label,
        "is_current": row.is_current,
        "submissions": row.submissions,
        "comments": row.comments,
        "position_paper_points": row.paper_points,
        "stances": {
            "for": row.stance_for,
            "against": row.stance_against,
            "neutral": row.stance_neutral,
        },
        "votes": {
            "for": row.votes_for,
            "against": row.votes_against,
            "abstain": row.votes_abstain,
        },
    }


def _change_items(items) -> list[dict]:
    return [{"key": i.key, "label": i.label} for i in items]


def head(source, report) -> dict:
    """Everything but the submissions."""
    c = report.consultation
    version = source.version
    stats = report.statistics
    part = report.participation
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": _iso(_now()),
        "language": report.language,
        "variant": "private" if source.include_private else "public",
        "report": {
            "status": "published" if version is not None else "draft",
            "version": version.number if version is not None else None,
            "published_at": _iso(version.published_at) if version is not None else None,
            "note": version.note if version is not None else "",
            "built_at": _iso(report.generated_at),
        },
        "consultation": {
            "slug": c.slug,
            "title": c.title,
            "summary": c.summary,
            "kind": c.kind,
            "kind_label": c.kind_label,
            "institution": {"name": c.institution, "slug": c.institution_slug},
            "contact_name": c.contact_name,
            "contact_email": c.contact_email,
            "status": c.status,
            "status_label": c.status_label,
            "url": c.url,
            "answers_with_report": c.answers_with_report,
        },
        "period": {
            "opens_at": _iso(report.period.opens_at),
            "closes_at": _iso(report.period.closes_at),
            "working_days": report.period.working_days,
            "minimum_working_days": report.period.minimum_working_days,
            "is_short_round": report.period.is_short_round,
            "short_round_justification": report.period.justification,
        },
        "drafts": [
            {
                "slug": p.slug,
                "title": p.title,
                "kind": p.kind,
                "kind_label": p.kind_label,
                "url": p.url,
                "current_version": p.current_version,
                "versions": [
                    {"number": v.number, "published_at": _iso(v.published_at), "note": v.note}
                    for v in p.versions
                ],
            }
            for p in report.proposals
        ],
        "methods": {
            "online_written": report.methods.online_written,
            "meetings": [
                {
                    "id": m.id,
                    "held_at": _iso(m.held_at),
                    "place": m.place,
                    "participants_description": m.participants_description,
                    "participants_count": m.participants_count,
                    "notes": m.notes,
                }
                for m in report.methods.meetings
            ],
        },
        "participation": {
            "total": part.total,
            "in_kosovo": part.in_kosovo,
            "abroad": part.abroad,
            "location_not_given": part.location_not_given,
            "by_type": _count_rows(part.by_type),
            "by_municipality": _count_rows(part.by_municipality),
            "by_country": _count_rows(part.by_country),
        },
        "statistics": {
            "submissions": stats.submissions,
            "comments": stats.comments,
            "replies": stats.replies,
            "position_papers": stats.papers,
            "hidden": stats.hidden,
            "withdrawn": stats.withdrawn,
            "answered": stats.answered,
            "accepted": stats.accepted,
            "partially_accepted": stats.partially_accepted,
            "rejected": stats.rejected,
            "noted": stats.noted,
            "answered_percent": stats.answered_percent,
            "accepted_percent": stats.accepted_percent,
            "votes": stats.votes_total,
            "outcomes": _count_rows(stats.outcomes),
            "stances": _count_rows(stats.stances),
            "per_day": [
                {"date": d.day.isoformat(), "comments": d.comments, "position_papers": d.papers}
                for d in stats.per_day
            ],
        },
        "articles": [_article(r) for r in [*stats.whole_draft, *stats.per_article]],
        "changes": [
            {
                "draft": ch.proposal_slug,
                "from_version": ch.from_version,
                "to_version": ch.to_version,
                "stats": dict(ch.stats),
                "changed": _change_items(ch.changed),
                "added": _change_items(ch.added),
                "removed": _change_items(ch.removed),
            }
            for ch in report.summary.changes
        ],
    }


def submission(entry, include_private: bool) -> dict:
    answer = entry.answer
    is_paper = entry.kind == "paper"
    data = {
        "tracking_number": entry.tracking_number,
        "type": "position_paper" if is_paper else ("reply" if entry.is_reply else "comment"),
        "type_label": entry.kind_label,
        "submitted_at": _iso(entry.submitted_at),
        "status": entry.status,
        "status_label": entry.status_label,
        "status_note": entry.status_note,
        "author": entry.author,
        "organisation": entry.organisation,
        "participant_type": entry.participant_type,
        "participant_type_label": entry.participant_type_label,
        "draft": entry.proposal_slug or None,
        "section_key": entry.section_key or None,
        "section_label": entry.section_label,
        "article_key": entry.article_key or None,
        "article_label": entry.article_label,
        "stance": entry.stance or None,
        "stance_label": entry.stance_label,
        "text": entry.text,
        "proposed_wording": entry.proposed_wording,
        "reply_to": entry.parent_tracking_number or None,
        "position_paper": {
            "title": entry.title,
            "summary": entry.summary,
            "pages": entry.pages,
            "document_url": entry.attachment_url or None,
            "points": [{"key": p.key, "label": p.label, "text": p.text} for p in entry.points],
        }
        if is_paper
        else None,
        "answer": {
            "outcome": answer.outcome,
            "outcome_label": answer.outcome_label,
            "justification": answer.justification,
            "reflected_in_key": answer.reflected_in_key or None,
            "reflected_in_label": answer.reflected_in_label,
            "answered_at": _iso(answer.answered_at),
        }
        if answer is not None
        else None,
    }
    if include_private:
        data["private"] = {"email": entry.author_email, "location": entry.location}
    return data


def _now():
    from django.utils import timezone

    return timezone.now()


def iter_chunks(source, progress=None):
    report = source.summary()
    data = head(source, report)
    text = _dumps(data)
    yield (text[:-1] + ',"submissions":[').encode()
    n = 0
    parts = []
    private = source.include_private
    for entry in source.entries():
        parts.append(("," if n else "") + _dumps(submission(entry, private)))
        n += 1
        if n % 500 == 0:
            yield "".join(parts).encode()
            parts = []
            if progress is not None:
                progress.tick(500)
    if progress is not None and n % 500:
        progress.tick(n % 500)
    parts.append(f'],"submission_count":{n}}}')
    yield "".join(parts).encode()


def write(source, out, *, progress=None) -> None:
    for chunk in iter_chunks(source, progress):
        out.write(chunk)
