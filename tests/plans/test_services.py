"""Consultation plans: who may manage them, and how an item's status is computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from consult.models import Consultation
from plans import services
from plans.models import ConsultationPlan, PlannedItem, quarter_end
from tests import factories as f

pytestmark = pytest.mark.django_db
St = PlannedItem.Status
THIS_YEAR = timezone.localdate().year


def local(year, month, day, hour=12):
    return timezone.make_aware(dt.datetime(year, month, day, hour))


@pytest.fixture
def plan(institution, official):
    return services.plan_create(actor=official, institution=institution, year=THIS_YEAR)


def add_item(plan, official, **kw):
    data = {"title": "Projektligji për gjendjen civile", "kind": "law", "planned_quarter": 2}
    data.update(kw)
    return services.planned_item_create(actor=official, plan=plan, **data)


# --- Permissions -------------------------------------------------------------------------------


def test_an_official_creates_the_plan_of_their_institution(institution, official):
    plan = services.plan_create(
        actor=official, institution=institution, year=THIS_YEAR, note="Plani vjetor i çështjeve."
    )
    assert (plan.institution, plan.year, plan.published_at) == (institution, THIS_YEAR, None)
    assert plan.history.get().history_user == official


def test_another_institutions_official_and_a_citizen_cannot(
    institution, other_institution, citizen
):
    outsider = f.official_of(other_institution)
    for actor in (outsider, citizen):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=actor, institution=institution, year=THIS_YEAR)
    assert not ConsultationPlan.objects.exists()


def test_staff_may_create_any_institutions_plan(institution, staff):
    assert services.plan_create(actor=staff, institution=institution, year=THIS_YEAR).pk


def test_a_cso_has_no_consultation_plan(db):
    cso = f.OrganisationFactory()
    member = f.official_of(cso)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=member, institution=cso, year=THIS_YEAR)


def test_one_plan_per_institution_and_year(institution, official, plan):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=official, institution=institution, year=THIS_YEAR)
    assert "year" in exc.value.message_dict


@pytest.mark.parametrize("year", [1999, THIS_YEAR + 6, "dymijë", None])
def test_a_bad_year_is_refused(institution, official, year):
    with pytest.raises(ValidationError) as exc:
        services.plan_create(actor=official, institution=institution, year=year)
    assert "year" in exc.value.message_dict
    assert not ConsultationPlan.objects.exists()


def test_only_the_institutions_officials_change_its_plan(plan, official, other_institution):
    item = add_item(plan, official)
    outsider = f.official_of(other_institution)
    citizen = f.UserFactory()
    for actor in (outsider, citizen):
        with pytest.raises(PermissionDenied):
            add_item(plan, actor)
        with pytest.raises(PermissionDenied):
            services.planned_item_drop(actor=actor, item=item, reason="S'ka buxhet.")
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=actor, plan=plan)
        with pytest.raises(PermissionDenied):
            services.planned_item_update(
                actor=actor, item=item, title="X", kind="law", planned_quarter=1
            )
    item.refresh_from_db()
    assert item.status != St.DROPPED and item.title.startswith("Projektligji")


@pytest.mark.parametrize(
    "field,value",
    [("title", "  "), ("kind", "dekret"), ("planned_quarter", 5), ("planned_quarter", "q1")],
)
def test_bad_item_input_gets_field_errors(plan, official, field, value):
    with pytest.raises(ValidationError) as exc:
        add_item(plan, official, **{field: value})
    assert field in exc.value.message_dict
    assert not PlannedItem.objects.exists()


def test_publishing_needs_an_item_and_makes_it_public(plan, official):
    with pytest.raises(ValidationError):
        services.plan_publish(actor=official, plan=plan)
    add_item(plan, official)
    published = services.plan_publish(actor=official, plan=plan)
    assert published.published_at is not None
    again = services.plan_publish(actor=official, plan=plan)
    assert again.published_at == published.published_at


# --- Status ------------------------------------------------------------------------------------


def test_quarter_ends_at_local_midnight_of_the_next_quarter():
    assert timezone.localtime(quarter_end(2026, 1)) == local(2026, 4, 1, 0)
    assert timezone.localtime(quarter_end(2026, 4)) == local(2027, 1, 1, 0)


def test_status_planned_then_late_when_the_quarter_ends(institution, official):
    plan = services.plan_create(actor=official, institution=institution, year=THIS_YEAR + 1)
    item = add_item(plan, official, planned_quarter=2)
    year = THIS_YEAR + 1
    assert item.effective_status_at(local(year, 6, 30, 23)) == St.PLANNED
    assert item.effective_status_at(local(year, 7, 1, 0)) == St.LATE


def test_status_consulted_once_the_linked_consultation_opens(institution, official, plan):
    item = add_item(plan, official, planned_quarter=1)
    consultation = f.consultation_in_state("scheduled", institution=institution)
    item = services.planned_item_link(actor=official, item=item, consultation=consultation)
    now = timezone.now()
    # Scheduled, not open yet: still planned (or late, once its quarter ended).
    expected = St.LATE if now >= item.quarter_ends_at else St.PLANNED
    assert item.effective_status_at(now) == expected
    Consultation.objects.filter(pk=consultation.pk).update(status="open", opens_at=now)
    item.consultation.refresh_from_db()
    assert item.effective_status_at(timezone.now()) == St.CONSULTED
    # Closed and reported stay consulted.
    for status in ("closed", "report_published"):
        Consultation.objects.filter(pk=consultation.pk).update(status=status)
        item.consultation.refresh_from_db()
        assert item.effective_status == St.CONSULTED


def test_a_late_consultation_counts_as_consulted_after_the_quarter(institution, official):
    plan = services.plan_create(actor=official, institution=institution, year=THIS_YEAR - 1)
    item = add_item(plan, official, planned_quarter=1)
    assert item.effective_status == St.LATE
    services.planned_item_link(
        actor=official,
        item=item,
        consultation=f.consultation_in_state("open", institution=institution),
    )
    item.refresh_from_db()
    assert item.status == item.effective_status == St.CONSULTED
    assert item.consulted_after_quarter


def test_dropped_needs_a_reason_and_can_be_restored(plan, official):
    item = add_item(plan, official)
    with pytest.raises(ValidationError) as exc:
        services.planned_item_drop(actor=official, item=item, reason="  ")
    assert "drop_reason" in exc.value.message_dict
    item = services.planned_item_drop(actor=official, item=item, reason="Nuk ka buxhet këtë vit.")
    assert item.effective_status == St.DROPPED and item.drop_reason == "Nuk ka buxhet këtë vit."
    item = services.planned_item_restore(actor=official, item=item)
    assert item.effective_status in (St.PLANNED, St.LATE) and item.drop_reason == ""
    reasons = list(
        item.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["created", "dropped", "restored"]


def test_a_consulted_item_cannot_be_dropped(plan, official, institution):
    item = add_item(plan, official)
    consultation = f.consultation_in_state("open", institution=institution)
    services.planned_item_link(actor=official, item=item, consultation=consultation)
    with pytest.raises(ValidationError):
        services.planned_item_drop(actor=official, item=item, reason="Ndryshim planesh.")


def test_link_only_to_the_institutions_own_free_consultation(
    plan, official, institution, other_institution
):
    item = add_item(plan, official)
    other_item = add_item(plan, official, title="Rregullore për transportin", kind="regulation")
    theirs = f.consultation_in_state("open", institution=other_institution)
    with pytest.raises(ValidationError):
        services.planned_item_link(actor=official, item=item, consultation=theirs)
    ours = f.consultation_in_state("open", institution=institution)
    services.planned_item_link(actor=official, item=item, consultation=ours)
    with pytest.raises(ValidationError):
        services.planned_item_link(actor=official, item=other_item, consultation=ours)
    withdrawn = f.consultation_in_state("withdrawn", institution=institution)
    with pytest.raises(ValidationError):
        services.planned_item_link(actor=official, item=other_item, consultation=withdrawn)
    # Unlinking.
    item = services.planned_item_link(actor=official, item=item, consultation=None)
    assert item.consultation is None


def test_start_consultation_creates_a_linked_draft(plan, official):
    item = add_item(plan, official, description="Regjistrat elektronikë të gjendjes civile.")
    consultation = services.planned_item_start_consultation(
        actor=official,
        item=item,
        title=item.title,
        contact_name="Fatmire Hoxha",
        contact_email="fatmire@example.org",
    )
    item.refresh_from_db()
    assert item.consultation == consultation
    assert consultation.status == "draft" and consultation.kind == "law"
    assert consultation.summary == "Regjistrat elektronikë të gjendjes civile."
    with pytest.raises(ValidationError):
        services.planned_item_start_consultation(
            actor=official, item=item, title="X", contact_name="Y", contact_email="y@example.org"
        )


def test_the_periodic_refresh_records_what_time_changed(institution, official):
    plan = services.plan_create(actor=official, institution=institution, year=THIS_YEAR)
    item = add_item(plan, official, planned_quarter=1)
    PlannedItem.objects.filter(pk=item.pk).update(status=St.PLANNED)
    after_q1 = local(THIS_YEAR, 4, 2)
    assert services.planned_items_refresh_status(now=after_q1) == 1
    item.refresh_from_db()
    assert item.status == St.LATE
    assert item.history.latest().history_change_reason == "late by time"
    assert item.history.latest().history_user is None
    assert services.planned_items_refresh_status(now=after_q1) == 0
    dropped = add_item(plan, official, title="Strategjia e ujërave")
    services.planned_item_drop(actor=official, item=dropped, reason="U bashkua me një tjetër.")
    services.planned_items_refresh_status(now=local(THIS_YEAR, 12, 31))
    dropped.refresh_from_db()
    assert dropped.status == St.DROPPED
