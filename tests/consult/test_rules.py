"""Permission matrix: role x effective lifecycle state x permission.

The expected table is written out by hand (it is the specification), not recomputed from the
rules. Each cell string has one character per state, in ``STATES`` order:
``X`` = allowed, ``.`` = refused.

``scheduled_due`` (stored ``scheduled``, opening time passed) must behave like ``open``, and
``open_expired`` (stored ``open``, closing time passed) like ``closed``: time is authoritative even
before the scheduler has stored the transition.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import factories as f

STATES = ["draft", "scheduled", "open", "closed", "report_published", "withdrawn"]
ROLES = [
    "anonymous",
    "unverified",
    "citizen",
    "official",
    "other_official",
    "cso_representative",
    "moderator",
    "staff",
]

# fmt: off
#                                 draft, scheduled, open, closed, report_published, withdrawn
EXPECTED = {
    "view_consultation": {
        "anonymous":           ".XXXXX",
        "unverified":          ".XXXXX",
        "citizen":             ".XXXXX",
        "official":            "XXXXXX",
        "other_official":      ".XXXXX",
        "cso_representative":  ".XXXXX",
        "moderator":           "XXXXXX",
        "staff":               "XXXXXX",
    },
    "change_consultation": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXX...",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXX...",
    },
    "schedule_consultation": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "X.....",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "X.....",
    },
    "open_consultation": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XX....",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XX....",
    },
    "close_consultation": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "..X...",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "..X...",
    },
    "withdraw_consultation": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXX...",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXX...",
    },
    "edit_drafts": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXX...",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXX...",
    },
    "publish_version": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "......",
        "official":            "XXXXX.",
        "other_official":      "......",
        "cso_representative":  "......",
        "moderator":           "......",
        "staff":               "XXXXX.",
    },
    "take_part": {
        "anonymous":           "......",
        "unverified":          "......",
        "citizen":             "..X...",
        "official":            "..X...",
        "other_official":      "..X...",
        "cso_representative":  "..X...",
        "moderator":           "..X...",
        "staff":               "..X...",
    },
}
# fmt: on

# Stored states whose effective state is another one.
EFFECTIVE = {"scheduled_due": "open", "open_expired": "closed"}


def test_table_is_complete():
    for perm, by_role in EXPECTED.items():
        assert set(by_role) == set(ROLES), perm
        assert all(len(cells) == len(STATES) for cells in by_role.values()), perm


@pytest.fixture
def people(institution, other_institution, official, citizen, unverified, staff):
    return {
        "anonymous": AnonymousUser(),
        "unverified": unverified,
        "citizen": citizen,
        "official": official,
        "other_official": f.official_of(other_institution),
        "cso_representative": f.representative_of(f.OrganisationFactory()),
        "moderator": f.moderator(),
        "staff": staff,
    }


@pytest.mark.parametrize("state", STATES + list(EFFECTIVE))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, state, people, institution):
    consultation = f.consultation_in_state(state, institution=institution)
    user = people[role]
    column = STATES.index(EFFECTIVE.get(state, state))
    actual = {perm: user.has_perm(f"consult.{perm}", consultation) for perm in EXPECTED}
    expected = {perm: EXPECTED[perm][role][column] == "X" for perm in EXPECTED}
    assert actual == expected


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("unverified", False),
        ("citizen", False),
        ("official", True),
        ("other_official", False),
        ("cso_representative", False),
        ("moderator", False),
        ("staff", True),
    ],
)
def test_create_consultation_for_an_institution(role, allowed, people, institution):
    assert people[role].has_perm("consult.create_consultation", institution) is allowed


def test_official_cannot_create_for_a_cso_even_as_its_member(db):
    cso = f.OrganisationFactory()
    user = f.UserFactory()
    f.MembershipFactory(user=user, organisation=cso, role="official")  # not a valid role there
    assert not user.has_perm("consult.create_consultation", cso)


def test_inactive_official_has_no_rights(institution):
    user = f.official_of(institution, is_active=False)
    consultation = f.consultation_in_state("open", institution=institution)
    assert not user.has_perm("consult.change_consultation", consultation)
    assert not user.has_perm("consult.take_part", consultation)
