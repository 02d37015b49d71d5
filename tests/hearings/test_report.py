"""``hearings.selectors.hearings_for_report``: the hearings that took place, with every item,
for the consultation report; and the report including them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from hearings import services
from hearings.selectors import hearings_for_report
from tests import factories as f

from .conftest import make_hearing, post

pytestmark = pytest.mark.django_db


def test_hearings_for_report(consultation, official, citizen, second_citizen):
    live = make_hearing(consultation, "live", title="Dëgjimi në Prishtinë")
    make_hearing(consultation, "scheduled", title="Ende pa ndodhur")
    make_hearing(consultation, "cancelled", title="I anuluar")
    named = post(citizen, live, body="Pyetje me emër")
    anonymous = post(second_citizen, live, kind="remark", body="Vërejtje pa emër", consent="hidden")
    hidden = post(second_citizen, live, body="Të dhëna personale: 044 123 456", consent="hidden")
    services.item_upvote(actor=second_citizen, item=named)
    services.item_mark_answered(actor=official, item=named, note="Po, në nenin 5.")
    services.item_hide(actor=official, item=hidden, reason="personal_data")
    services.hearing_end(actor=official, hearing=live)
    live.refresh_from_db()

    with translation.override("en"):
        result = hearings_for_report(consultation)
    assert [h["title"] for h in result] == ["Dëgjimi në Prishtinë"]
    h = result[0]
    assert h["place"] == "Salla e Kuvendit Komunal" and h["status"] == "ended"
    assert h["status_label"] == "Ended"
    assert h["starts_at"] == live.starts_at and h["ended_at"] == live.ended_at
    assert isinstance(h["started_at"], dt.datetime)
    assert h["counts"] == {
        "items": 3,
        "questions": 2,
        "remarks": 1,
        "answered": 1,
        "hidden": 1,
        "upvotes": 1,
        "participants": 2,
    }
    items = {i["id"]: i for i in h["items"]}
    assert [i["id"] for i in h["items"]] == [named.pk, anonymous.pk, hidden.pk]
    assert items[named.pk] | {"posted_at": None} == {
        "id": named.pk,
        "posted_at": None,
        "author": citizen.display_name,
        "author_email": "",
        "kind": "question",
        "kind_label": "Question",
        "body": "Pyetje me emër",
        "status": "answered",
        "status_label": "Answered",
        "hidden_reason": "",
        "hidden_reason_label": "",
        "upvotes": 1,
        "answer_note": "Po, në nenin 5.",
    }
    number = anonymous.participant.number
    assert items[anonymous.pk]["author"] == f"Participant #{number}"
    assert items[hidden.pk]["body"] == ""  # never the text of a hidden item
    assert items[hidden.pk]["hidden_reason_label"] == "Reveals personal data"
    text = repr(result)
    assert second_citizen.display_name not in text and "044 123 456" not in text
    assert citizen.email not in text


def test_private_version_for_officials(consultation, citizen):
    live = make_hearing(consultation, "live")
    post(citizen, live, consent="hidden")
    item = hearings_for_report(consultation, include_private=True)[0]["items"][0]
    assert (item["author"], item["author_email"]) == (citizen.display_name, citizen.email)


def test_queries_do_not_grow(consultation):
    assert hearings_for_report(consultation) == []
    for _ in range(2):
        hearing = make_hearing(consultation, "live")
        for person in f.UserFactory.create_batch(4):
            post(person, hearing)

    with CaptureQueriesContext(connection) as ctx:
        assert len(hearings_for_report(consultation)) == 2
    assert len(ctx.captured_queries) == 2


def test_the_report_lists_the_hearings(consultation, citizen):
    from reports.selectors import build_report, report_from_dict, report_to_dict

    live = make_hearing(consultation, "live")
    post(citizen, live)
    report = build_report(consultation)
    assert [h["id"] for h in report.methods.hearings] == [live.pk]
    again = report_from_dict(report_to_dict(report))
    assert (
        again.methods.hearings[0]["items"][0]["body"]
        == report.methods.hearings[0]["items"][0]["body"]
    )
