"""The shape of every live event: one dataclass per type, and a validator.

An event is what every subscriber of a consultation's page receives, whoever they are, so it
carries only what the public may see: no text of hidden or withdrawn comments, no proposed
wording of hidden comments, no name of a person who chose not to be shown (not even their
participant number when they did choose to be named: numbers would link their named and unnamed
comments), no email address, no identity of people who react, flag or vote.

Common fields (``Event``): ``type``, ``consultation`` (slug), ``seq`` (the consultation's event
number, gap-free: see ``realtime.events``), ``at`` (ISO 8601 UTC with microseconds, taken just
after the transaction committed). ``consultation_id`` routes the event to its group and is never
sent.

``presence`` is the one event without a number (``seq`` is ``null``): it is ephemeral, sent by the
consumers rather than by a service, and missing one is harmless, so it must not look like a gap.

``to_dict()`` gives the JSON-ready payload; ``validate(payload)`` checks a payload against its
type's schema (exact keys, value types) and is what the tests use on everything that reaches a
group.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar

INTERNAL = {"internal": True}  # field metadata: routing only, never sent


class SchemaError(ValueError):
    pass


def _key(f: dataclasses.Field) -> str:
    return f.metadata.get("key", f.name)


def _public_fields(cls) -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {_key(f): _dump(getattr(value, f.name)) for f in _public_fields(value)}
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


@dataclass(kw_only=True)
class Record:
    """A nested value of an event (a comment, a tally)."""

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)


@dataclass(kw_only=True)
class PublicComment(Record):
    """A published comment as anyone may see it."""

    id: int
    tracking_number: str
    proposal: str  # the draft's slug
    section: str | None  # the section's key; None for the whole draft
    parent: int | None
    depth: int
    status: str  # "published"
    stance: str
    body_html: str  # rendered and sanitised (nh3) by comments.rendering
    proposed_wording: str
    # The author as they consented to be shown (comments.selectors.public_author), in the
    # site's default language; participant_number is set only when they chose not to be shown,
    # so that each page can say "Participant #N" in its own language.
    author: str
    participant_number: int | None
    participant_type: str
    created_at: str
    edited_at: str | None
    agree_count: int
    disagree_count: int


@dataclass(kw_only=True)
class Tally(Record):
    votes_for: int = field(metadata={"key": "for"})
    against: int
    abstain: int
    total: int
    for_pct: int
    against_pct: int
    abstain_pct: int


@dataclass(kw_only=True)
class SectionRef(Record):
    proposal: str
    key: str


@dataclass(kw_only=True)
class Event(Record):
    TYPE: ClassVar[str] = ""
    REGISTRY: ClassVar[dict[str, type[Event]]] = {}

    consultation_id: int = field(metadata=INTERNAL)
    consultation: str = ""
    seq: int | None = None
    at: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.TYPE:
            Event.REGISTRY[cls.TYPE] = cls

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.TYPE, **_dump(self)}


@dataclass(kw_only=True)
class CommentCreated(Event):
    TYPE: ClassVar[str] = "comment.created"
    comment: PublicComment


@dataclass(kw_only=True)
class CommentUpdated(Event):
    """Its author edited it (only a published comment can be edited)."""

    TYPE: ClassVar[str] = "comment.updated"
    comment: PublicComment


@dataclass(kw_only=True)
class CommentWithdrawn(Event):
    TYPE: ClassVar[str] = "comment.withdrawn"
    id: int
    proposal: str
    section: str | None


@dataclass(kw_only=True)
class CommentHidden(Event):
    """Hidden by a moderator, an official, or automatically after flags. ``reason`` is the
    category the pages show with the moderation notice; never the text or the author."""

    TYPE: ClassVar[str] = "comment.hidden"
    id: int
    proposal: str
    section: str | None
    reason: str


@dataclass(kw_only=True)
class CommentRestored(Event):
    TYPE: ClassVar[str] = "comment.restored"
    comment: PublicComment


@dataclass(kw_only=True)
class ReactionChanged(Event):
    """The counts only, never who reacted."""

    TYPE: ClassVar[str] = "reaction.changed"
    id: int  # the comment
    proposal: str
    section: str | None
    agree_count: int
    disagree_count: int


@dataclass(kw_only=True)
class VoteChanged(Event):
    """The tally of one target: the whole draft (``section`` None) or one section."""

    TYPE: ClassVar[str] = "vote.changed"
    proposal: str
    section: str | None
    tally: Tally


@dataclass(kw_only=True)
class ResponsePublished(Event):
    """The institution's answer to a submission, sent only when answers are public
    (``comments.services.responses_are_public``) and the submission itself is published."""

    TYPE: ClassVar[str] = "response.published"
    submission: str  # "comment" or "paper"
    id: int | None  # the comment's id; None for a position paper
    tracking_number: str
    proposal: str | None
    section: str | None
    outcome: str
    justification: str
    reflected_in: SectionRef | None


@dataclass(kw_only=True)
class ConsultationStatusChanged(Event):
    TYPE: ClassVar[str] = "consultation.status_changed"
    status: str
    previous: str


@dataclass(kw_only=True)
class Presence(Event):
    """How many connections follow the consultation now (not numbered: see the module doc)."""

    TYPE: ClassVar[str] = "presence"
    count: int


# --- validation ------------------------------------------------------------------------------


def _check(value: Any, hint: Any, where: str) -> None:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in typing.get_args(hint):
            try:
                _check(value, option, where)
                return
            except SchemaError as exc:
                errors.append(str(exc))
        raise SchemaError(f"{where}: {value!r} matches none of {hint}")
    if hint is type(None):
        if value is not None:
            raise SchemaError(f"{where}: expected null, got {value!r}")
        return
    if isinstance(hint, type) and issubclass(hint, Record):
        _check_record(value, hint, where)
        return
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise SchemaError(f"{where}: expected an integer, got {value!r}")
        return
    if hint in (str, bool):
        if not isinstance(value, hint):
            raise SchemaError(f"{where}: expected {hint.__name__}, got {value!r}")
        return
    raise SchemaError(f"{where}: unsupported type {hint!r}")


def _check_record(value: Any, cls: type[Record], where: str) -> None:
    if not isinstance(value, dict):
        raise SchemaError(f"{where}: expected an object, got {value!r}")
    hints = typing.get_type_hints(cls)
    fields = {_key(f): f for f in _public_fields(cls)}
    expected = set(fields) | ({"type"} if issubclass(cls, Event) else set())
    if set(value) != expected:
        raise SchemaError(
            f"{where}: keys differ: missing {sorted(expected - set(value))}, "
            f"unexpected {sorted(set(value) - expected)}"
        )
    for key, f in fields.items():
        _check(value[key], hints[f.name], f"{where}.{key}")


def validate(payload: dict[str, Any]) -> type[Event]:
    """Check ``payload`` (a decoded event) against its type's schema; return the type's class.
    Raises ``SchemaError``."""
    if not isinstance(payload, dict):
        raise SchemaError("an event is a JSON object")
    cls = Event.REGISTRY.get(payload.get("type"))
    if cls is None:
        raise SchemaError(f"unknown event type {payload.get('type')!r}")
    _check_record(payload, cls, cls.TYPE)
    if not payload["consultation"]:
        raise SchemaError(f"{cls.TYPE}: no consultation")
    if not payload["at"]:
        raise SchemaError(f"{cls.TYPE}: no time")
    if cls is Presence:
        if payload["seq"] is not None:
            raise SchemaError("presence events are not numbered")
    elif not isinstance(payload["seq"], int) or payload["seq"] < 1:
        raise SchemaError(f"{cls.TYPE}: seq must be a positive integer")
    return cls


EVENT_TYPES = tuple(sorted(Event.REGISTRY))
