"""Writes for consultation plans: the plan, its items, linking an item to its consultation.

Each service checks its permission (``accounts.rules.require`` with ``plans.rules``), validates
(``ValidationError`` with field messages in the person's language), runs in one transaction and
records the acting user in the history.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.rules import require
from consult import services as consult_services
from consult.models import Consultation
from subscriptions import notify as subscription_notify

from .models import ConsultationPlan, PlannedItem

log = logging.getLogger(__name__)
St = PlannedItem.Status

TITLE_MAX = 250
TEXT_MAX = 5000
FIRST_YEAR = 2000
YEARS_AHEAD = 5


def _save(obj, actor: User | None, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.full_clean()
    obj.save()


def _text(value: str, field: str, limit: int, *, required_message: str = "") -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise ValidationError({field: required_message})
    if len(value) > limit:
        raise ValidationError(
            {field: _("This text is too long (at most %(n)d characters).") % {"n": limit}}
        )
    return value


def _require_plan(actor: User, plan: ConsultationPlan) -> None:
    require(
        actor,
        "plans.manage_plan",
        plan,
        _("Only officials of the institution can change its consultation plan."),
    )


# --- Plans -----------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, actor: User, institution: Organisation, year: int, note: str = ""
) -> ConsultationPlan:
    require(
        actor,
        "plans.create_plan",
        institution,
        _("Only officials of a public institution can create its consultation plan."),
    )
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter a year, for example 2026.")}) from None
    if not FIRST_YEAR <= year <= this_year + YEARS_AHEAD:
        raise ValidationError(
            {
                "year": _("Choose a year between %(first)d and %(last)d.")
                % {"first": FIRST_YEAR, "last": this_year + YEARS_AHEAD}
            }
        )
    if ConsultationPlan.objects.filter(institution=institution, year=year).exists():
        raise ValidationError(
            {
                "year": _("%(institution)s already has a plan for %(year)d: open it to add items.")
                % {"institution": institution.name, "year": year}
            }
        )
    plan = ConsultationPlan(
        institution=institution,
        year=year,
        note=_text(note, "note", TEXT_MAX),
        created_by=actor,
    )
    _save(plan, actor, "created")
    return plan


@transaction.atomic
def plan_update(*, actor: User, plan: ConsultationPlan, note: str) -> ConsultationPlan:
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_plan(actor, plan)
    plan.note = _text(note, "note", TEXT_MAX)
    _save(plan, actor, "edited")
    return plan


@transaction.atomic
def plan_publish(*, actor: User, plan: ConsultationPlan) -> ConsultationPlan:
    """Make the plan public. Items can still be added, changed or dropped afterwards; every
    change is kept in the history."""
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_plan(actor, plan)
    if plan.published_at is not None:
        return plan
    if not plan.items.exists():
        raise ValidationError(_("Add at least one planned item before publishing the plan."))
    plan.published_at = timezone.now()
    _save(plan, actor, "published")
    return plan


# --- Items -----------------------------------------------------------------------------------


def _item_fields(title: str, kind: str, planned_quarter, description: str) -> dict:
    errors = {}
    try:
        title = _text(title, "title", TITLE_MAX, required_message=_("Give the title of the draft."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if kind not in Consultation.Kind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    try:
        planned_quarter = int(planned_quarter)
    except (TypeError, ValueError):
        planned_quarter = 0
    if planned_quarter not in PlannedItem.Quarter.values:
        errors["planned_quarter"] = [_("Choose a quarter from 1 to 4.")]
    try:
        description = _text(description, "description", TEXT_MAX)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "kind": kind,
        "planned_quarter": planned_quarter,
        "description": description,
    }


@transaction.atomic
def planned_item_create(
    *,
    actor: User,
    plan: ConsultationPlan,
    title: str,
    kind: str,
    planned_quarter: int,
    description: str = "",
) -> PlannedItem:
    plan = ConsultationPlan.objects.select_for_update().get(pk=plan.pk)
    _require_plan(actor, plan)
    item = PlannedItem(plan=plan, **_item_fields(title, kind, planned_quarter, description))
    item.status = item.effective_status
    _save(item, actor, "created")
    return item


def _locked_item(item: PlannedItem) -> PlannedItem:
    return (
        PlannedItem.objects.select_for_update(of=("self",))
        .select_related("plan", "plan__institution", "consultation")
        .get(pk=item.pk)
    )


@transaction.atomic
def planned_item_update(
    *,
    actor: User,
    item: PlannedItem,
    title: str,
    kind: str,
    planned_quarter: int,
    description: str = "",
) -> PlannedItem:
    item = _locked_item(item)
    _require_plan(actor, item.plan)
    for name, value in _item_fields(title, kind, planned_quarter, description).items():
        setattr(item, name, value)
    if item.status != St.DROPPED:
        item.status = item.effective_status
    _save(item, actor, "edited")
    return item


@transaction.atomic
def planned_item_link(
    *, actor: User, item: PlannedItem, consultation: Consultation | None
) -> PlannedItem:
    """Link the item to the consultation that carries it out (``None`` removes the link).

    When the consultation is already open, the people who follow the planned item are told
    (``subscriptions.notify.consultation_opened``; those already told are not told twice)."""
    item = _locked_item(item)
    _require_plan(actor, item.plan)
    if consultation is not None:
        consultation = Consultation.objects.get(pk=consultation.pk)  # its current state
        if consultation.institution_id != item.plan.institution_id:
            raise ValidationError(
                {
                    "consultation": _("Choose a consultation of %(name)s.")
                    % {"name": item.plan.institution.name}
                }
            )
        if consultation.status == Consultation.Status.WITHDRAWN:
            raise ValidationError(
                {"consultation": _("This consultation was withdrawn; choose another one.")}
            )
        other = PlannedItem.objects.filter(consultation=consultation).exclude(pk=item.pk).first()
        if other is not None:
            raise ValidationError(
                {
                    "consultation": _(
                        "This consultation is already linked to the planned item “%(title)s”."
                    )
                    % {"title": other.title}
                }
            )
        if item.status == St.DROPPED:
            raise ValidationError(
                {"consultation": _("This item was dropped: restore it before linking it.")}
            )
    item.consultation = consultation
    if item.status != St.DROPPED:
        item.status = item.effective_status
    _save(item, actor, "linked" if consultation is not None else "unlinked")
    if consultation is not None and consultation.effective_status == Consultation.Status.OPEN:
        subscription_notify.consultation_opened(consultation)
    return item


@transaction.atomic
def planned_item_drop(*, actor: User, item: PlannedItem, reason: str) -> PlannedItem:
    """The institution will not consult on this item; the reason is published."""
    item = _locked_item(item)
    _require_plan(actor, item.plan)
    reason = _text(
        reason,
        "drop_reason",
        TEXT_MAX,
        required_message=_("Say why the item is dropped; the reason is published."),
    )
    if item.effective_status == St.CONSULTED:
        raise ValidationError(
            {"drop_reason": _("This item has been consulted on; it cannot be dropped.")}
        )
    item.status = St.DROPPED
    item.drop_reason = reason
    _save(item, actor, "dropped")
    return item


@transaction.atomic
def planned_item_restore(*, actor: User, item: PlannedItem) -> PlannedItem:
    """Undo a drop: the item is planned (or late) again; the earlier reason stays in history."""
    item = _locked_item(item)
    _require_plan(actor, item.plan)
    if item.status != St.DROPPED:
        return item
    item.status = St.PLANNED
    item.drop_reason = ""
    item.status = item.effective_status
    _save(item, actor, "restored")
    return item


@transaction.atomic
def planned_item_start_consultation(
    *,
    actor: User,
    item: PlannedItem,
    title: str,
    contact_name: str,
    contact_email: str,
    summary: str = "",
) -> Consultation:
    """Create the draft consultation for a planned item and link them, in one step."""
    item = _locked_item(item)
    _require_plan(actor, item.plan)
    if item.consultation_id is not None:
        raise ValidationError(_("This item is already linked to a consultation."))
    if item.status == St.DROPPED:
        raise ValidationError(_("This item was dropped: restore it before starting it."))
    consultation = consult_services.consultation_create(
        actor=actor,
        institution=item.plan.institution,
        title=title,
        kind=item.kind,
        summary=summary or item.description,
        contact_name=contact_name,
        contact_email=contact_email,
    )
    planned_item_link(actor=actor, item=item, consultation=consultation)
    return consultation


def planned_items_refresh_status(*, now: dt.datetime | None = None) -> int:
    """Periodic job: record the statuses time has changed (planned -> late, -> consulted) in
    the items' history. Pages compute the status themselves; this keeps the record. Only the
    plans of last year, this year and next year are looked at."""
    now = now or timezone.now()
    year = timezone.localtime(now).year
    candidates = (
        PlannedItem.objects.exclude(status=St.DROPPED)
        .filter(plan__year__gte=year - 1, plan__year__lte=year + 1)
        .select_related("plan", "consultation")
    )
    changed = 0
    for item in candidates:
        target = item.effective_status_at(now)
        if target == item.status:
            continue
        with transaction.atomic():
            locked = _locked_item(item)
            target = locked.effective_status_at(now)
            if target in (locked.status, St.DROPPED) or locked.status == St.DROPPED:
                continue
            locked.status = target
            _save(locked, None, f"{target} by time")
            changed += 1
    if changed:
        log.info("planned items whose status changed by time: %d", changed)
    return changed
