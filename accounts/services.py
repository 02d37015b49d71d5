"""Writes about people and organisations. Views, the admin, the API and commands call these."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Membership, Organisation, User
from .rules import is_staff

ROLES_BY_KIND = {
    Organisation.Kind.INSTITUTION: {Membership.Role.OFFICIAL},
    Organisation.Kind.CSO: {Membership.Role.REPRESENTATIVE, Membership.Role.MEMBER},
    Organisation.Kind.BUSINESS: {Membership.Role.REPRESENTATIVE, Membership.Role.MEMBER},
    Organisation.Kind.ACADEMIC: {Membership.Role.REPRESENTATIVE, Membership.Role.MEMBER},
    Organisation.Kind.OTHER: {Membership.Role.REPRESENTATIVE, Membership.Role.MEMBER},
}


def _unique_slug(name: str) -> str:
    base = slugify(name.replace("ë", "e").replace("ç", "c"))[:70] or "org"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def organisation_create(
    *,
    kind: str,
    name: str,
    registration_number: str = "",
    website: str = "",
    description: str = "",
    slug: str | None = None,
    verification_status: str = Organisation.Verification.PENDING,
) -> Organisation:
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": _("Choose a valid kind of organisation.")})
    if not name.strip():
        raise ValidationError({"name": _("The name cannot be empty.")})
    org = Organisation(
        kind=kind,
        name=name.strip(),
        slug=slug or _unique_slug(name),
        registration_number=registration_number.strip(),
        website=website,
        description=description,
        verification_status=verification_status,
    )
    org.full_clean()
    org.save()
    return org


@transaction.atomic
def organisation_set_verification(
    *, actor: User, organisation: Organisation, status: str
) -> Organisation:
    if not is_staff(actor):
        raise PermissionDenied(_("Only site staff can verify organisations."))
    if status not in Organisation.Verification.values:
        raise ValidationError({"verification_status": _("Choose a valid verification status.")})
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.verification_status = status
    organisation._history_user = actor
    organisation.save(update_fields=["verification_status"])
    return organisation


@transaction.atomic
def membership_add(*, user: User, organisation: Organisation, role: str) -> Membership:
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ValidationError(
            {"role": _("This role does not exist for this kind of organisation.")}
        )
    membership, _created = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if hasattr(user, "_konsulta_roles"):
        del user._konsulta_roles
    return membership


@transaction.atomic
def user_mark_email_verified(*, user: User) -> User:
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, display_name: str, preferred_language: str) -> User:
    user.display_name = display_name.strip()
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "preferred_language"])
    return user
