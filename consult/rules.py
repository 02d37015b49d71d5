"""Who may do what with a consultation, as ``rules`` predicates.

Object predicates receive the consultation. States are read through ``effective_status`` so a
consultation whose closing time has passed is treated as closed even before the scheduler runs.
"""

from __future__ import annotations

import rules

from accounts.rules import is_moderator, is_official_of, is_staff, is_verified

from .models import Consultation

S = Consultation.Status


@rules.predicate
def is_consultation_official(user, consultation) -> bool:
    return consultation is not None and is_official_of(user, consultation.institution_id)


@rules.predicate
def consultation_is_public(user, consultation) -> bool:
    return consultation is not None and consultation.is_public


@rules.predicate
def consultation_is_open(user, consultation) -> bool:
    return consultation is not None and consultation.effective_status == S.OPEN


@rules.predicate
def consultation_is_editable(user, consultation) -> bool:
    return consultation is not None and consultation.effective_status in (
        S.DRAFT,
        S.SCHEDULED,
        S.OPEN,
    )


@rules.predicate
def consultation_is_draft(user, consultation) -> bool:
    return consultation is not None and consultation.effective_status == S.DRAFT


@rules.predicate
def consultation_can_open(user, consultation) -> bool:
    return consultation is not None and consultation.effective_status in (S.DRAFT, S.SCHEDULED)


@rules.predicate
def consultation_is_closed(user, consultation) -> bool:
    return consultation is not None and consultation.effective_status in (
        S.CLOSED,
        S.REPORT_PUBLISHED,
    )


can_manage = is_consultation_official | is_staff

rules.add_perm("consult.view_consultation", consultation_is_public | can_manage | is_moderator)
rules.add_perm("consult.change_consultation", can_manage & consultation_is_editable)
rules.add_perm("consult.schedule_consultation", can_manage & consultation_is_draft)
rules.add_perm("consult.open_consultation", can_manage & consultation_can_open)
rules.add_perm("consult.close_consultation", can_manage & consultation_is_open)
rules.add_perm("consult.withdraw_consultation", can_manage & consultation_is_editable)
rules.add_perm("consult.manage_consultation", can_manage)
# Drafts and their versions: the officials edit text while the consultation has not closed and
# publish a revised version at any time before the report is published.
rules.add_perm("consult.edit_drafts", can_manage & consultation_is_editable)
rules.add_perm(
    "consult.publish_version", can_manage & (consultation_is_editable | consultation_is_closed)
)
# The report: published once the round has closed (a correction keeps the state).
rules.add_perm("consult.mark_report_published", can_manage & consultation_is_closed)
# Taking part: a verified person, while the consultation is open.
rules.add_perm("consult.take_part", is_verified & consultation_is_open)


@rules.predicate
def can_create_for(user, institution) -> bool:
    return (
        institution is not None and institution.is_institution and is_official_of(user, institution)
    ) or is_staff(user)


rules.add_perm("consult.create_consultation", can_create_for)
