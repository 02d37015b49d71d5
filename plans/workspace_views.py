"""The officials' pages for consultation plans, under ``/workspace/plans/``.

Same rules as the rest of the workspace (``consult.workspace_views.workspace_view``): signed
in, official of an institution or staff, a ``PermissionDenied`` becomes the explained 403 page.
Each view checks the plan permission (``plans.rules``) and calls ``plans.services``, which check
again.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Organisation
from accounts.rules import is_staff
from accounts.selectors import institutions_for_official
from consult.forms import apply_validation_error
from consult.models import Consultation
from consult.workspace_views import workspace_view

from . import selectors, services
from .forms import DropForm, LinkForm, PlanForm, PlannedItemForm, PlanNoteForm, StartForm
from .models import ConsultationPlan, PlannedItem

HISTORY_LIMIT = 50
REASON_LABELS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "published": _("Published"),
    "linked": _("Linked to a consultation"),
    "unlinked": _("Link to the consultation removed"),
    "dropped": _("Dropped"),
    "restored": _("Restored"),
    "late by time": _("Became late: its quarter ended"),
    "consulted by time": _("Consulted: its consultation opened"),
    "planned by time": _("Planned again"),
}


def _institutions(user):
    if is_staff(user):
        return Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).order_by("name")
    return institutions_for_official(user).order_by("name")


def _managed_plan(request, pk: int) -> ConsultationPlan:
    try:
        plan = selectors.plan_get_by_pk(pk)
    except ConsultationPlan.DoesNotExist as exc:
        raise Http404(_("No plan found at this address.")) from exc
    if not rules.has_perm("plans.manage_plan", request.user, plan):
        raise PermissionDenied(_("Only officials of the institution can manage its plan."))
    return plan


def _managed_item(request, pk: int) -> PlannedItem:
    try:
        item = selectors.planned_item_get(pk)
    except PlannedItem.DoesNotExist as exc:
        raise Http404(_("No planned item found at this address.")) from exc
    if not rules.has_perm("plans.manage_plan", request.user, item.plan):
        raise PermissionDenied(_("Only officials of the institution can manage its plan."))
    return item


def _manage_url(plan_or_pk) -> str:
    pk = getattr(plan_or_pk, "pk", plan_or_pk)
    return reverse("workspace_plans:manage", kwargs={"pk": pk})


@require_GET
@workspace_view
def home(request):
    return render(
        request,
        "workspace/plans/home.html",
        {
            "summaries": selectors.workspace_plans(request.user),
            "can_create": _institutions(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def plan_create(request):
    institutions = _institutions(request.user)
    form = PlanForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(
                actor=request.user,
                institution=form.cleaned_data["institution"],
                year=form.cleaned_data["year"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The plan for %(year)d was created. Add its items, then publish it.")
                % {"year": plan.year},
            )
            return redirect(_manage_url(plan))
    return render(request, "workspace/plans/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
@workspace_view
def plan_edit(request, pk: int):
    plan = _managed_plan(request, pk)
    form = PlanNoteForm(request.POST or None, initial={"note": plan.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=request.user, plan=plan, note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_manage_url(plan))
    return render(request, "workspace/plans/plan_form.html", {"form": form, "plan": plan})


def _history(plan: ConsultationPlan) -> list:
    """The plan's and its items' latest changes, newest first (two queries)."""
    records = list(
        plan.history.select_related("history_user").order_by("-history_date")[:HISTORY_LIMIT]
    )
    records += list(
        PlannedItem.history.filter(plan_id=plan.pk)
        .select_related("history_user")
        .order_by("-history_date")[:HISTORY_LIMIT]
    )
    records.sort(key=lambda r: r.history_date, reverse=True)
    for record in records:
        reason = record.history_change_reason or ""
        record.label = str(REASON_LABELS.get(reason, reason))
        record.subject = getattr(record, "title", None) or _("The plan")
    return records[:HISTORY_LIMIT]


def _manage_context(plan: ConsultationPlan, *, drop_form=None, drop_item=None) -> dict:
    """The plan page; ``drop_form`` with errors, for the item ``drop_item``, after a refused
    drop."""
    now = timezone.now()
    items = list(plan.items.all())
    for item in items:
        item.plan = plan
        item.status_now = item.effective_status_at(now)
        item.status_label = PlannedItem.Status(item.status_now).label
        item.drop_form = (
            drop_form if item.pk == drop_item else DropForm(auto_id=f"drop-{item.pk}-%s")
        )
    return {
        "plan": plan,
        "items": items,
        "summary": selectors.plan_summary(plan, now),
        "link_consultations": list(selectors.linkable_consultations(plan)),
        "history": _history(plan),
        "public_url": plan.get_absolute_url() if plan.is_published else None,
    }


@require_GET
@workspace_view
def plan_manage(request, pk: int):
    plan = _managed_plan(request, pk)
    return render(request, "workspace/plans/manage.html", _manage_context(plan))


@require_POST
@workspace_view
def plan_publish(request, pk: int):
    plan = _managed_plan(request, pk)
    try:
        services.plan_publish(actor=request.user, plan=plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The plan is published: everyone can read it now."))
    return redirect(_manage_url(plan))


@require_http_methods(["GET", "POST"])
@workspace_view
def item_create(request, pk: int):
    plan = _managed_plan(request, pk)
    form = PlannedItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.planned_item_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("“%(title)s” was added to the plan.") % {"title": item.title}
            )
            return redirect(_manage_url(plan))
    return render(
        request, "workspace/plans/item_form.html", {"form": form, "plan": plan, "item": None}
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def item_edit(request, pk: int):
    item = _managed_item(request, pk)
    initial = {
        "title": item.title,
        "kind": item.kind,
        "planned_quarter": item.planned_quarter,
        "description": item.description,
    }
    form = PlannedItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_manage_url(item.plan_id))
    return render(
        request, "workspace/plans/item_form.html", {"form": form, "plan": item.plan, "item": item}
    )


@require_POST
@workspace_view
def item_link(request, pk: int):
    item = _managed_item(request, pk)
    # Any of the institution's consultations; the service refuses one linked to another item.
    consultations = Consultation.objects.filter(institution_id=item.plan.institution_id)
    form = LinkForm(request.POST, consultations=consultations)
    if form.is_valid():
        try:
            services.planned_item_link(
                actor=request.user, item=item, consultation=form.cleaned_data["consultation"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if form.cleaned_data["consultation"] is None:
                messages.success(request, _("The link to the consultation was removed."))
            else:
                messages.success(request, _("The planned item is linked to its consultation."))
    else:
        messages.error(request, _("Choose one of the institution's consultations."))
    return redirect(_manage_url(item.plan_id))


@require_POST
@workspace_view
def item_drop(request, pk: int):
    item = _managed_item(request, pk)
    form = DropForm(request.POST)
    if form.is_valid():
        try:
            services.planned_item_drop(
                actor=request.user, item=item, reason=form.cleaned_data["drop_reason"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The item is marked as dropped, with your reason."))
            return redirect(_manage_url(item.plan_id))
    plan = selectors.plan_get_by_pk(item.plan_id)
    form.auto_id = f"drop-{item.pk}-%s"
    context = _manage_context(plan, drop_form=form, drop_item=item.pk)
    return render(request, "workspace/plans/manage.html", context, status=400)


@require_POST
@workspace_view
def item_restore(request, pk: int):
    item = _managed_item(request, pk)
    services.planned_item_restore(actor=request.user, item=item)
    messages.success(request, _("The item is in the plan again."))
    return redirect(_manage_url(item.plan_id))


@require_http_methods(["GET", "POST"])
@workspace_view
def item_start(request, pk: int):
    """Create the draft consultation for a planned item (already linked to it)."""
    item = _managed_item(request, pk)
    if item.consultation_id:
        messages.info(request, _("This item is already linked to a consultation."))
        return redirect(_manage_url(item.plan_id))
    initial = {
        "title": item.title,
        "summary": item.description,
        "contact_name": str(request.user),
        "contact_email": request.user.email,
    }
    form = StartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.planned_item_start_consultation(
                actor=request.user, item=item, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "The consultation “%(title)s” was created as a draft and linked to the "
                    "plan. Next, add its draft documents, then schedule it."
                )
                % {"title": consultation.title},
            )
            return redirect(reverse("workspace:manage", kwargs={"slug": consultation.slug}))
    return render(request, "workspace/plans/item_start.html", {"form": form, "item": item})
