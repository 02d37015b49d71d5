"""Follow and unfollow, "My subscriptions", and the signed unsubscribe page.

* ``POST /subscriptions/follow/`` and ``/subscriptions/unfollow/`` with ``target_type``
  (institution, kind, planned_item, consultation), ``target`` (an id, or the kind's value) and
  ``next`` (where to go back; only a path on this site);
* ``/accounts/profile/subscriptions/``: what the person follows, how often, the settings for
  replies and answers;
* ``/unsubscribe/<token>/``: GET shows what the link stops and a button; POST stops it. It needs
  no session: the signed token is the permission. It is the one view without CSRF protection,
  so that mail clients' one-click unsubscribe (RFC 8058: a POST with
  ``List-Unsubscribe=One-Click``) works; a forged request can only do what the token says.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Organisation
from consult.models import Consultation
from plans.models import PlannedItem

from . import selectors, services
from .models import Frequency, Subscription
from .tokens import BadToken

T = Subscription.Target


def _back(request, fallback: str):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _bad_request(request, message: str):
    return render(request, "subscriptions/bad_request.html", {"message": message}, status=400)


def _resolve(target_type: str, raw: str):
    """The object named by a follow form, or ``None``."""
    raw = (raw or "").strip()
    if target_type == T.KIND:
        return raw if raw in Consultation.Kind.values else None
    if not raw.isdigit():
        return None
    pk = int(raw)
    if target_type == T.INSTITUTION:
        return Organisation.objects.filter(pk=pk, kind=Organisation.Kind.INSTITUTION).first()
    if target_type == T.CONSULTATION:
        return (
            Consultation.objects.filter(pk=pk)
            .exclude(status=Consultation.Status.DRAFT)
            .select_related("institution")
            .first()
        )
    if target_type == T.PLANNED_ITEM:
        return (
            PlannedItem.objects.filter(pk=pk, plan__published_at__isnull=False)
            .select_related("plan__institution")
            .first()
        )
    return None


def _target_page(target) -> str:
    if isinstance(target, Organisation):
        return reverse("plans:institution", kwargs={"slug": target.slug})
    if isinstance(target, Consultation):
        return target.get_absolute_url()
    if isinstance(target, PlannedItem):
        return target.plan.get_absolute_url()
    return reverse("subscriptions:mine")


def _label(target) -> str:
    if isinstance(target, str):
        return str(Consultation.Kind(target).label)
    return getattr(target, "title", None) or str(target)


@require_POST
@login_required
def follow(request):
    target = _resolve(request.POST.get("target_type", ""), request.POST.get("target", ""))
    if target is None:
        return _bad_request(request, _("There is nothing to follow at this address."))
    try:
        services.subscription_follow(actor=request.user, target=target)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "You follow “%(name)s”: we will email you when something happens. Change it "
                "in your subscriptions."
            )
            % {"name": _label(target)},
        )
    return _back(request, _target_page(target))


@require_POST
@login_required
def unfollow(request):
    target = _resolve(request.POST.get("target_type", ""), request.POST.get("target", ""))
    if target is None:
        return _bad_request(request, _("There is nothing to follow at this address."))
    if services.subscription_unfollow_target(actor=request.user, target=target):
        messages.success(request, _("You no longer follow “%(name)s”.") % {"name": _label(target)})
    return _back(request, _target_page(target))


class SettingsForm(forms.Form):
    replies = forms.BooleanField(
        label=gettext_lazy("Email me when someone replies to my comments"), required=False
    )
    answers = forms.BooleanField(
        label=gettext_lazy("Email me when the institution answers my comments and papers"),
        required=False,
    )


GROUP_TITLES = {
    T.INSTITUTION: gettext_lazy("Institutions"),
    T.KIND: gettext_lazy("Kinds of act"),
    T.PLANNED_ITEM: gettext_lazy("Planned items"),
    T.CONSULTATION: gettext_lazy("Consultations"),
}


@require_http_methods(["GET"])
@login_required
@never_cache
def mine(request):
    subscriptions = selectors.subscriptions_of(request.user)
    groups = []
    for target_type in (T.INSTITUTION, T.CONSULTATION, T.PLANNED_ITEM, T.KIND):
        rows = [s for s in subscriptions if s.target_type == target_type]
        if rows:
            groups.append((target_type, GROUP_TITLES[target_type], rows))
    found = selectors.settings_of(request.user)
    form = SettingsForm(initial={"replies": found.replies, "answers": found.answers})
    return render(
        request,
        "subscriptions/mine.html",
        {
            "groups": groups,
            "total": len(subscriptions),
            "form": form,
            "frequencies": Frequency.choices,
            "kinds": Consultation.Kind.choices,
        },
    )


@require_POST
@login_required
def settings_update(request):
    form = SettingsForm(request.POST)
    form.is_valid()  # two checkboxes: always valid
    services.notification_settings_update(
        actor=request.user,
        replies=form.cleaned_data.get("replies", False),
        answers=form.cleaned_data.get("answers", False),
    )
    messages.success(request, _("Your email settings are saved."))
    return redirect("subscriptions:mine")


def _own_subscription(request, pk: int) -> Subscription:
    subscription = Subscription.objects.filter(pk=pk, user=request.user).first()
    if subscription is None:
        raise Http404
    return subscription


@require_POST
@login_required
def frequency(request, pk: int):
    subscription = _own_subscription(request, pk)
    try:
        services.subscription_set_frequency(
            actor=request.user, subscription=subscription, frequency=request.POST.get("frequency")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("subscriptions:mine")


@require_POST
@login_required
def delete(request, pk: int):
    subscription = _own_subscription(request, pk)
    label = subscription.target_label
    services.subscription_unfollow(actor=request.user, subscription=subscription)
    messages.success(request, _("You no longer follow “%(name)s”.") % {"name": label})
    return redirect("subscriptions:mine")


@csrf_exempt
@require_http_methods(["GET", "POST"])
@never_cache
def unsubscribe(request, token: str):
    try:
        if request.method == "POST":
            result = services.unsubscribe_with_token(token=token)
            done_now = True
        else:
            result = services.unsubscribe_describe(token)
            done_now = False
    except BadToken:
        return _bad_request(
            request,
            _(
                "This unsubscribe link is not valid: it may have been cut or changed. Nothing "
                "was changed. Copy the whole link from the email, or manage your "
                "subscriptions after signing in."
            ),
        )
    return render(
        request,
        "subscriptions/unsubscribe.html",
        {"result": result, "token": token, "done_now": done_now},
    )
