"""``manage.py seed_demo``: the demo consultation plans and subscriptions."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from consult.management.commands import seed_demo
from plans.models import ConsultationPlan, PlannedItem
from subscriptions.models import Subscription

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_demo_plans_and_subscriptions_once():
    run()
    plans = ConsultationPlan.objects.filter(year=2026).select_related("institution")
    assert {p.institution.slug for p in plans} == {seed_demo.ZQM, seed_demo.MPB}
    assert all(p.published_at for p in plans)
    statuses = {i.title: i.effective_status for i in PlannedItem.objects.select_related("plan")}
    assert statuses["Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030"] == "consulted"
    assert statuses["Koncept-dokumenti për vullnetarizmin"] == "dropped"
    if timezone.localdate() >= timezone.datetime(2026, 4, 1).date():
        assert statuses["Projektligji për të Huajt"] == "late"
    if timezone.localdate().year == 2026:
        assert {"planned", "consulted", "late", "dropped"} <= set(statuses.values())
    linked = PlannedItem.objects.get(consultation__slug=seed_demo.OPEN_SLUG)
    assert linked.plan.institution.slug == seed_demo.ZQM
    assert Subscription.objects.count() == len(seed_demo.DEMO_SUBSCRIPTIONS)
    assert set(Subscription.objects.values_list("target_type", flat=True)) == {
        "institution",
        "kind",
        "consultation",
        "planned_item",
    }
    counts = (PlannedItem.objects.count(), Subscription.objects.count())
    history = PlannedItem.history.count()
    run()
    assert (PlannedItem.objects.count(), Subscription.objects.count()) == counts
    assert PlannedItem.history.count() == history
