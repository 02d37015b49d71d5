"""The live events of public hearings, in ``realtime.schemas``' terms.

Each class subclasses ``realtime.schemas.Event`` with its own ``TYPE``; ``Event.__init_subclass__``
adds it to ``Event.REGISTRY``, which is what ``realtime.schemas.validate`` looks types up in, so
hearing events are validated like every other event (no change to ``realtime/schemas.py``).
They are sent through ``realtime.events.publish_on_commit`` to the consultation's group: numbered
in the consultation's sequence, after the commit. Importing this module registers the types;
``hearings.services`` (which publishes) and ``HearingsConfig`` import it.

Only public data: an item's text only while it is not hidden (``hearing.item_hidden`` carries the
reason category only), the author as they consented to be shown, and their participant number
only when they chose not to be shown (a number next to a name would link their named and unnamed
posts, as for comments). Never an email, never who upvoted.

| type | fields |
|---|---|
| ``hearing.scheduled`` | ``hearing`` (below) |
| ``hearing.updated`` | ``hearing`` |
| ``hearing.status_changed`` | ``hearing``, ``previous`` |
| ``hearing.item_posted`` | ``item`` (below) |
| ``hearing.item_upvoted`` | ``hearing_id``, ``id``, ``upvote_count`` (also on taking one back) |
| ``hearing.item_answered`` | ``hearing_id``, ``id``, ``answer_note`` |
| ``hearing.item_hidden`` | ``hearing_id``, ``id``, ``reason`` |
| ``hearing.item_restored`` | ``item`` |

``hearing``: ``id``, ``title``, ``status``, ``starts_at``, ``ends_at``, ``started_at``,
``ended_at``, ``place``. ``item``: ``id``, ``hearing_id``, ``kind``, ``body`` (plain text: the
browser inserts it as text), ``status`` (``visible`` or ``answered``), ``answer_note``,
``author``, ``participant_number``, ``upvote_count``, ``created_at``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.utils import translation

from realtime import events as live
from realtime.schemas import Event, Record


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="microseconds") if value is not None else None


@dataclass(kw_only=True)
class PublicHearing(Record):
    id: int
    title: str
    status: str
    starts_at: str
    ends_at: str
    started_at: str | None
    ended_at: str | None
    place: str


@dataclass(kw_only=True)
class PublicHearingItem(Record):
    id: int
    hearing_id: int
    kind: str  # "question" or "remark"
    body: str  # plain text
    status: str  # "visible" or "answered" (a hidden item is never sent with its text)
    answer_note: str
    # As the author consented to be shown, in the site's default language; the participant
    # number only when they chose not to be shown (each page then says "Participant #N" in its
    # own language).
    author: str
    participant_number: int | None
    upvote_count: int
    created_at: str


@dataclass(kw_only=True)
class HearingScheduled(Event):
    TYPE: ClassVar[str] = "hearing.scheduled"
    hearing: PublicHearing


@dataclass(kw_only=True)
class HearingUpdated(Event):
    """Its title, time, place or description changed."""

    TYPE: ClassVar[str] = "hearing.updated"
    hearing: PublicHearing


@dataclass(kw_only=True)
class HearingStatusChanged(Event):
    TYPE: ClassVar[str] = "hearing.status_changed"
    hearing: PublicHearing
    previous: str


@dataclass(kw_only=True)
class ItemPosted(Event):
    TYPE: ClassVar[str] = "hearing.item_posted"
    item: PublicHearingItem


@dataclass(kw_only=True)
class ItemUpvoted(Event):
    """The count only, never who upvoted; also when an upvote is taken back."""

    TYPE: ClassVar[str] = "hearing.item_upvoted"
    hearing_id: int
    id: int
    upvote_count: int


@dataclass(kw_only=True)
class ItemAnswered(Event):
    TYPE: ClassVar[str] = "hearing.item_answered"
    hearing_id: int
    id: int
    answer_note: str


@dataclass(kw_only=True)
class ItemHidden(Event):
    """The reason category the pages show with the moderation notice; never the text."""

    TYPE: ClassVar[str] = "hearing.item_hidden"
    hearing_id: int
    id: int
    reason: str


@dataclass(kw_only=True)
class ItemRestored(Event):
    TYPE: ClassVar[str] = "hearing.item_restored"
    item: PublicHearingItem


EVENT_TYPES = (
    HearingScheduled,
    HearingUpdated,
    HearingStatusChanged,
    ItemPosted,
    ItemUpvoted,
    ItemAnswered,
    ItemHidden,
    ItemRestored,
)


# --- builders ------------------------------------------------------------------------------------


def public_hearing(hearing) -> PublicHearing:
    return PublicHearing(
        id=hearing.pk,
        title=hearing.title,
        status=hearing.status,
        starts_at=_iso(hearing.starts_at),
        ends_at=_iso(hearing.ends_at),
        started_at=_iso(hearing.started_at),
        ended_at=_iso(hearing.ended_at),
        place=hearing.place,
    )


def public_item(item) -> PublicHearingItem:
    """A visible or answered item's public fields (never called for a hidden one)."""
    from .selectors import author_is_named, public_author

    if item.is_hidden:
        raise ValueError("a hidden item has no public form")
    with translation.override(settings.LANGUAGE_CODE):
        author = public_author(item)
    return PublicHearingItem(
        id=item.pk,
        hearing_id=item.hearing_id,
        kind=item.kind,
        body=item.body,
        status=item.status,
        answer_note=item.answer_note,
        author=author,
        participant_number=None if author_is_named(item) else item.participant.number,
        upvote_count=item.upvote_count,
        created_at=_iso(item.created_at),
    )


def publish(event: Event) -> Event:
    """``realtime.events.publish_on_commit``: numbered now, sent after the commit."""
    return live.publish_on_commit(event)
