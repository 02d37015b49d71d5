"""Who may do what with consultation plans (``rules`` predicates).

Officials of an institution (and site staff) manage its plans; everyone reads a published plan.
Object predicates receive the plan, the planned item or, for creating a plan, the institution.
"""

from __future__ import annotations

import rules

from accounts.rules import is_official_of, is_staff

from .models import ConsultationPlan, PlannedItem


def _institution_id(obj):
    """The institution a plan, a planned item or an institution belongs to."""
    if isinstance(obj, PlannedItem):
        return obj.plan.institution_id
    if isinstance(obj, ConsultationPlan):
        return obj.institution_id
    return getattr(obj, "pk", None)  # an institution


@rules.predicate
def is_official_of_owner(user, obj) -> bool:
    return obj is not None and is_official_of(user, _institution_id(obj))


@rules.predicate
def is_institution(user, obj) -> bool:
    return obj is not None and getattr(obj, "is_institution", False)


@rules.predicate
def plan_is_published(user, plan) -> bool:
    return plan is not None and plan.published_at is not None


can_manage = is_official_of_owner | is_staff

rules.add_perm("plans.create_plan", is_institution & can_manage)
rules.add_perm("plans.manage_plan", can_manage)
rules.add_perm("plans.view_plan", plan_is_published | can_manage)
