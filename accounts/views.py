"""A person's own pages: the profile (display name, preferred language, organisations), the
download of their data, and the deletion of their account (``accounts.personal_data``)."""

from __future__ import annotations

import json

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from . import personal_data, services
from .forms import ProfileForm
from .models import Membership


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            try:
                services.user_update_profile(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    preferred_language=form.cleaned_data["preferred_language"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                language = user.preferred_language
                translation.activate(language)
                messages.success(request, _("Your profile is saved."))
                response = redirect("accounts:profile")
                # The chosen language applies at once in this browser too.
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    path=settings.LANGUAGE_COOKIE_PATH,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                    httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                )
                return response
    else:
        form = ProfileForm(instance=user)
    for name, field in form.fields.items():
        field.widget.attrs.setdefault(
            "class", "select" if name == "preferred_language" else "input"
        )
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


# --- Personal data ---------------------------------------------------------------------------


@never_cache
@login_required
def data_export(request):
    """Everything the platform holds about the signed-in person, as a JSON file."""
    data = personal_data.personal_data_export(user=request.user)
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"konsulta-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class AccountDeleteForm(forms.Form):
    """The confirmation: the actor's password, or their email address when the account has no
    usable password (made by an administrator or an import, say)."""

    confirmation = forms.CharField(strip=False, max_length=256)

    def __init__(self, *args, actor, limited: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.limited = limited
        self.uses_password = actor.has_usable_password()
        field = self.fields["confirmation"]
        if self.uses_password:
            field.label = gettext_lazy("Your password")
            field.widget = forms.PasswordInput(attrs={"autocomplete": "current-password"})
        else:
            field.label = gettext_lazy("Your email address")
            field.widget = forms.EmailInput(attrs={"autocomplete": "email"})
        field.widget.attrs["class"] = "input"
        field.error_messages["required"] = (
            _("Type your password to confirm.")
            if self.uses_password
            else _("Type your email address to confirm.")
        )

    def clean_confirmation(self):
        value = self.cleaned_data["confirmation"]
        if self.limited:
            raise ValidationError(_("Too many attempts. Wait a minute and try again."))
        if self.uses_password:
            if not self.actor.check_password(value):
                raise ValidationError(_("The password is not correct. Nothing was deleted."))
        elif value.strip().lower() != (self.actor.email or "").lower():
            raise ValidationError(
                _("This is not the email address of your account. Nothing was deleted.")
            )
        return value


def _too_many_attempts(request) -> bool:
    """Wrong confirmations are limited like password changes (allauth's ``change_password``
    rate, per person)."""
    from allauth.core import ratelimit

    return not ratelimit.consume(request, action="change_password", user=request.user)


def _delete_page(request, target):
    actor = request.user
    if not personal_data.can_erase_account.test(actor, target):
        raise PermissionDenied(_("You can only delete your own account."))
    own = actor.pk == target.pk
    if request.method == "POST":
        form = AccountDeleteForm(request.POST, actor=actor, limited=_too_many_attempts(request))
        if form.is_valid():
            personal_data.account_erase(actor=actor, user=target)
            if own:
                logout(request)
            return redirect("accounts:deleted")
    else:
        form = AccountDeleteForm(actor=actor)
    memberships = Membership.objects.filter(user=target).select_related("organisation")
    return render(
        request,
        "accounts/delete_account.html",
        {"form": form, "target": target, "own": own, "memberships": memberships},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
def account_delete(request):
    """Delete one's own account: the rule first, then the confirmation."""
    return _delete_page(request, request.user)


@never_cache
@login_required
def account_delete_other(request, pk: int):
    """Staff delete another person's account (the same rule; they confirm with their own
    password). A citizen gets a 403, whatever the account."""
    if not request.user.is_staff:
        raise PermissionDenied(_("Only site staff can delete another person's account."))
    target = get_object_or_404(get_user_model(), pk=pk)
    if target.pk == request.user.pk:
        return redirect("accounts:delete")
    return _delete_page(request, target)


def account_deleted(request):
    """Shown after the deletion (the person is signed out)."""
    return render(request, "accounts/delete_account.html", {"done": True})
