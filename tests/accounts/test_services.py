"""Services about people and organisations: verification, memberships, profile."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import Membership, Organisation
from accounts.rules import is_official_of, is_representative_of
from accounts.selectors import institutions_for_official, user_roles
from tests import factories as f

V = Organisation.Verification
K = Organisation.Kind
R = Membership.Role


@pytest.fixture
def pending_cso(db):
    return services.organisation_create(
        kind=K.CSO,
        name="Qendra për Zhvillimin e Komunitetit",
        registration_number=" 5112345-6 ",
    )


# --- organisation_create --------------------------------------------------------------------


def test_create_organisation_is_pending_with_an_ascii_slug(pending_cso):
    assert pending_cso.verification_status == V.PENDING
    assert not pending_cso.is_verified
    assert pending_cso.slug == "qendra-per-zhvillimin-e-komunitetit"
    assert pending_cso.registration_number == "5112345-6"


def test_create_organisation_makes_slugs_unique(pending_cso):
    again = services.organisation_create(kind=K.CSO, name="Qendra për Zhvillimin e Komunitetit")
    assert again.slug == "qendra-per-zhvillimin-e-komunitetit-2"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "party", "name": "Partia"}, "kind"),
        ({"kind": K.CSO, "name": "   "}, "name"),
        ({"kind": K.CSO, "name": "Forumi", "website": "jo-adrese"}, "website"),
    ],
)
def test_create_organisation_refuses_bad_values(db, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        services.organisation_create(**kwargs)
    assert field in exc.value.message_dict
    assert not Organisation.objects.exists()


# --- organisation_set_verification ----------------------------------------------------------


def test_staff_verifies_and_history_keeps_who_did_it(pending_cso, staff):
    org = services.organisation_set_verification(
        actor=staff, organisation=pending_cso, status=V.VERIFIED
    )
    assert org.is_verified
    pending_cso.refresh_from_db()
    assert pending_cso.verification_status == V.VERIFIED
    records = list(pending_cso.history.order_by("history_date", "history_id"))
    assert [(r.verification_status, r.history_user) for r in records] == [
        (V.PENDING, None),
        (V.VERIFIED, staff),
    ]


def test_history_keeps_each_decision(pending_cso, staff):
    other_staff = f.UserFactory(is_staff=True)
    services.organisation_set_verification(actor=staff, organisation=pending_cso, status=V.VERIFIED)
    services.organisation_set_verification(
        actor=other_staff, organisation=pending_cso, status=V.REJECTED
    )
    latest = pending_cso.history.order_by("-history_date", "-history_id")
    assert [(r.verification_status, r.history_user) for r in latest[:2]] == [
        (V.REJECTED, other_staff),
        (V.VERIFIED, staff),
    ]


@pytest.mark.parametrize("who", ["citizen", "official", "representative", "moderator", "inactive"])
def test_only_staff_can_verify(pending_cso, who, institution):
    actor = {
        "citizen": lambda: f.UserFactory(),
        "official": lambda: f.official_of(institution),
        "representative": lambda: f.representative_of(pending_cso),
        "moderator": lambda: f.moderator(),
        "inactive": lambda: f.UserFactory(is_staff=True, is_active=False),
    }[who]()
    before = pending_cso.history.count()
    with pytest.raises(PermissionDenied):
        services.organisation_set_verification(
            actor=actor, organisation=pending_cso, status=V.VERIFIED
        )
    pending_cso.refresh_from_db()
    assert pending_cso.verification_status == V.PENDING
    assert pending_cso.history.count() == before


def test_verification_refuses_an_unknown_status(pending_cso, staff):
    with pytest.raises(ValidationError) as exc:
        services.organisation_set_verification(
            actor=staff, organisation=pending_cso, status="approved"
        )
    assert "verification_status" in exc.value.message_dict
    pending_cso.refresh_from_db()
    assert pending_cso.verification_status == V.PENDING


def test_verify_permission(pending_cso, staff, citizen):
    assert staff.has_perm("accounts.verify_organisation")
    assert not citizen.has_perm("accounts.verify_organisation")


# --- memberships ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "role", "valid"),
    [
        (K.INSTITUTION, R.OFFICIAL, True),
        (K.INSTITUTION, R.REPRESENTATIVE, False),
        (K.INSTITUTION, R.MEMBER, False),
        (K.CSO, R.OFFICIAL, False),
        (K.CSO, R.REPRESENTATIVE, True),
        (K.CSO, R.MEMBER, True),
        (K.BUSINESS, R.OFFICIAL, False),
        (K.BUSINESS, R.REPRESENTATIVE, True),
        (K.ACADEMIC, R.MEMBER, True),
        (K.OTHER, R.OFFICIAL, False),
        (K.CSO, "president", False),
    ],
)
def test_membership_roles_by_kind_of_organisation(citizen, kind, role, valid):
    org = f.OrganisationFactory(kind=kind)
    if valid:
        membership = services.membership_add(user=citizen, organisation=org, role=role)
        assert membership.role == role
        assert Membership.objects.get(user=citizen, organisation=org).role == role
    else:
        with pytest.raises(ValidationError) as exc:
            services.membership_add(user=citizen, organisation=org, role=role)
        assert "role" in exc.value.message_dict
        assert not Membership.objects.filter(user=citizen).exists()


def test_membership_add_changes_the_role_in_place_and_refreshes_the_cache(citizen):
    cso = f.OrganisationFactory()
    services.membership_add(user=citizen, organisation=cso, role=R.MEMBER)
    assert user_roles(citizen) == {cso.pk: R.MEMBER}  # cached on the user object now
    assert not is_representative_of(citizen, cso)
    services.membership_add(user=citizen, organisation=cso, role=R.REPRESENTATIVE)
    assert Membership.objects.filter(user=citizen).count() == 1
    assert is_representative_of(citizen, cso)


def test_official_of_an_institution(citizen, institution, other_institution):
    services.membership_add(user=citizen, organisation=institution, role=R.OFFICIAL)
    assert is_official_of(citizen, institution)
    assert not is_official_of(citizen, other_institution)
    assert list(institutions_for_official(citizen)) == [institution]


def test_membership_history_is_kept(citizen):
    cso = f.OrganisationFactory()
    m = services.membership_add(user=citizen, organisation=cso, role=R.MEMBER)
    services.membership_add(user=citizen, organisation=cso, role=R.REPRESENTATIVE)
    assert [h.role for h in m.history.order_by("history_date", "history_id")] == [
        R.MEMBER,
        R.REPRESENTATIVE,
    ]


# --- people ---------------------------------------------------------------------------------


def test_mark_email_verified_is_idempotent(unverified):
    services.user_mark_email_verified(user=unverified)
    services.user_mark_email_verified(user=unverified)
    unverified.refresh_from_db()
    assert unverified.email_verified


def test_update_profile(citizen):
    services.user_update_profile(
        user=citizen, display_name="  Blerta Gashi-Çeku ", preferred_language="sr-latn"
    )
    citizen.refresh_from_db()
    assert citizen.display_name == "Blerta Gashi-Çeku"
    assert citizen.preferred_language == "sr-latn"


def test_update_profile_refuses_an_unknown_language(citizen):
    with pytest.raises(ValidationError) as exc:
        services.user_update_profile(user=citizen, display_name="X", preferred_language="de")
    assert "preferred_language" in exc.value.message_dict
    citizen.refresh_from_db()
    assert citizen.preferred_language == "sq"
