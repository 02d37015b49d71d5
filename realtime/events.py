"""The one path from the domain to the channel layer: ``publish_on_commit(event)``.

A service that changes something a consultation page shows builds a typed event
(``realtime.schemas``) and calls ``publish_on_commit(event)`` inside its transaction:

1. the consultation's next event number is allocated at once, with an atomic
   ``UPDATE consult_consultation SET event_seq = event_seq + 1 ... RETURNING`` in the service's
   transaction. The UPDATE holds the consultation row's lock until the commit, so numbers are
   gap-free (a rolled-back transaction gives its number back) and follow the commit order;
2. after the commit, the event gets its time (``at``, microseconds) and is sent to the group
   ``consultation.<id>.<database tag>`` (``group_name``) as one pre-serialised JSON text (every
   consumer forwards the same string);
3. if the channel layer fails (Redis down, a timeout), the failure is logged and swallowed: the
   write has committed, and clients notice the gap in the numbers and reload over HTTP.

Nothing is announced that might still roll back. The consumers' own ``presence`` events are sent
with ``send_to_group`` (the same function, without a number).

This module imports no domain app: the builders below read the public attributes of the objects
they are given, and the services pass what only they know (the author's public label).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from . import schemas
from .schemas import Event, PublicComment, SectionRef, Tally

log = logging.getLogger(__name__)

MESSAGE_TYPE = "konsulta.event"  # the consumers' handler: ConsultationConsumer.konsulta_event


def database_tag() -> str:
    """A short tag of the database in use. Two databases that share one Redis (parallel test
    processes, each with its own test database; staging next to production) number their
    consultations alike; the tag keeps their groups and presence apart."""
    name = str(settings.DATABASES["default"].get("NAME") or "")
    tag = _tags.get(name)
    if tag is None:
        tag = _tags[name] = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return tag


_tags: dict[str, str] = {}


def group_name(consultation_id: int) -> str:
    return f"consultation.{consultation_id}.{database_tag()}"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _iso(value) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


# --- numbers -----------------------------------------------------------------------------------


def _returning_supported() -> bool:
    if connection.vendor == "postgresql":
        return True
    if connection.vendor == "sqlite":
        import sqlite3

        return sqlite3.sqlite_version_info >= (3, 35)
    return False


def allocate_seq(consultation_id: int) -> tuple[int, str]:
    """The consultation's next event number and its slug, in the current transaction."""
    model = apps.get_model("consult", "Consultation")
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        if _returning_supported():
            cursor.execute(
                f"UPDATE {table} SET event_seq = event_seq + 1 WHERE {pk} = %s "  # noqa: S608
                "RETURNING event_seq, slug",
                [consultation_id],
            )
            row = cursor.fetchone()
        else:
            cursor.execute(
                f"UPDATE {table} SET event_seq = event_seq + 1 WHERE {pk} = %s",  # noqa: S608
                [consultation_id],
            )
            cursor.execute(
                f"SELECT event_seq, slug FROM {table} WHERE {pk} = %s",  # noqa: S608
                [consultation_id],
            )
            row = cursor.fetchone()
    if row is None:
        raise LookupError(f"no consultation {consultation_id}")
    return int(row[0]), row[1]


def lock_sequence(consultation_id: int) -> None:
    """Take the consultation's sequence lock now, before reading what the event will carry.

    For events that carry a count (vote tallies): the count read after the lock sees every
    earlier-numbered transaction committed, so a later number never carries an older count.
    (SQLite serialises writing transactions anyway.)"""
    if connection.vendor != "postgresql":
        return
    model = apps.get_model("consult", "Consultation")
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk} FROM {table} WHERE {pk} = %s FOR UPDATE",  # noqa: S608
            [consultation_id],
        )


def current_seq(consultation_id: int) -> int:
    """The number of the last event allocated for the consultation (committed)."""
    model = apps.get_model("consult", "Consultation")
    value = (
        model.objects.filter(pk=consultation_id).values_list("event_seq", flat=True).first() or 0
    )
    return int(value)


# --- sending -----------------------------------------------------------------------------------


def encode(payload: dict[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


async def send_to_group(consultation_id: int, text: str) -> None:
    """Send one JSON text to the consultation's subscribers. Raises on failure; callers log."""
    layer = get_channel_layer()
    if layer is None:
        return
    timeout = getattr(settings, "WS_PUBLISH_TIMEOUT", 2.0)
    await asyncio.wait_for(
        layer.group_send(group_name(consultation_id), {"type": MESSAGE_TYPE, "text": text}),
        timeout=timeout,
    )


_server_loop: asyncio.AbstractEventLoop | None = None


def remember_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """The consumers' event loop (the ASGI server's), where events committed in other threads
    are sent: the in-memory layer's queues belong to it, and Redis connections are reused."""
    global _server_loop
    _server_loop = loop


def _send(event: Event) -> None:
    event.at = now_iso()
    try:
        text = encode(event.to_dict())
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        server = _server_loop
        if server is not None and (server.is_closed() or not server.is_running()):
            server = None
        if server is not None and server is not loop:  # a worker thread of the server
            future = asyncio.run_coroutine_threadsafe(
                send_to_group(event.consultation_id, text), server
            )
            future.result(timeout=getattr(settings, "WS_PUBLISH_TIMEOUT", 2.0) + 1)
        elif loop is not None:  # committed from async code: do not block the loop
            task = loop.create_task(send_to_group(event.consultation_id, text))
            task.add_done_callback(_log_task_failure)
        else:
            async_to_sync(send_to_group)(event.consultation_id, text)
    except Exception:
        log.warning(
            "could not publish %s #%s of consultation %s",
            event.TYPE,
            event.seq,
            event.consultation_id,
            exc_info=True,
        )


def _log_task_failure(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.warning("could not publish a live event", exc_info=task.exception())


def publish_on_commit(event: Event) -> Event:
    """Number ``event`` now, in the caller's transaction, and send it after the commit."""
    if isinstance(event, schemas.Presence):
        raise TypeError("presence events are not numbered; see realtime.presence")
    event.seq, event.consultation = allocate_seq(event.consultation_id)
    transaction.on_commit(lambda: _send(event), robust=True)
    return event


# --- builders used by the services ---------------------------------------------------------------


def public_comment(comment, *, author: str, participant_number: int | None) -> PublicComment:
    """A published comment's public fields. ``author`` is the label the public sees
    (``comments.selectors.public_author``); ``participant_number`` only when the author chose
    not to be shown."""
    return PublicComment(
        id=comment.pk,
        tracking_number=comment.tracking_number,
        proposal=comment.proposal.slug,
        section=comment.section.key if comment.section_id else None,
        parent=comment.parent_id,
        depth=comment.depth,
        status=comment.status,
        stance=comment.stance,
        body_html=comment.body_html,
        proposed_wording=comment.proposed_wording,
        author=author,
        participant_number=participant_number,
        participant_type=comment.participant_type,
        created_at=_iso(comment.created_at),
        edited_at=_iso(comment.edited_at),
        agree_count=comment.agree_count,
        disagree_count=comment.disagree_count,
    )


def comment_ref(comment) -> dict[str, Any]:
    """Where a comment is: the fields of the events that carry no comment text."""
    return {
        "consultation_id": comment.consultation_id,
        "id": comment.pk,
        "proposal": comment.proposal.slug,
        "section": comment.section.key if comment.section_id else None,
    }


def tally(votes_for: int, against: int, abstain: int) -> Tally:
    total = votes_for + against + abstain

    def pct(n: int) -> int:
        return round(100 * n / total) if total else 0

    return Tally(
        votes_for=votes_for,
        against=against,
        abstain=abstain,
        total=total,
        for_pct=pct(votes_for),
        against_pct=pct(against),
        abstain_pct=pct(abstain),
    )


def section_ref(section) -> SectionRef | None:
    if section is None:
        return None
    return SectionRef(proposal=section.proposal.slug, key=section.key)
