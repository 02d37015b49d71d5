"""The hearing's pages: what each person sees, posting and upvoting without JavaScript (POST and
redirect) and with it (JSON), moderation, the officials' pages, the sections on the
consultation's pages, and query counts that do not grow with the number of items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearings import services
from hearings.models import Hearing, HearingItem, HearingUpvote
from tests import factories as f
from tests.web.conftest import assert_no_inline_script

from .conftest import make_hearing, post

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def client_for():
    def make(user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return make


def url(hearing, name="detail", item=None, **query):
    kwargs = {"slug": hearing.consultation.slug, "pk": hearing.pk}
    if item is not None:
        kwargs["item_id"] = item.pk
    result = reverse(f"hearings:{name}", kwargs=kwargs)
    if query:
        result += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return result


def ws_url(hearing, name):
    return reverse(f"hearings:{name}", kwargs={"slug": hearing.consultation.slug, "pk": hearing.pk})


def fill(hearing, n: int):
    """``n`` items by ``n`` people, some upvoted, answered, hidden (set-up through services)."""
    official = f.official_of(hearing.consultation.institution)
    people = f.UserFactory.create_batch(n)
    items = []
    for i, person in enumerate(people):
        consent = ["name", "hidden"][i % 2]
        items.append(post(person, hearing, body=f"Pyetja numër {i} për çështjen", consent=consent))
    for i, item in enumerate(items):
        if i % 3 == 0:
            services.item_upvote(actor=people[(i + 1) % n], item=item)
        if i % 4 == 1:
            services.item_mark_answered(actor=official, item=item, note="Po.")
        if i % 5 == 2:
            services.item_hide(actor=official, item=item, reason="spam")
    return items


# --- the public page -----------------------------------------------------------------------------


def test_live_page_for_a_citizen(client_for, live_hearing, citizen, second_citizen):
    item = post(second_citizen, live_hearing, body="A ka fonde për të rinjtë?")
    response = client_for(citizen).get(url(live_hearing))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dëgjimi publik për strategjinë" in html
    assert "Salla e Kuvendit Komunal" in html
    assert "A ka fonde për të rinjtë?" in html
    assert "Blerta Çollaku" in html
    assert "data-hearing-post" in html  # the post form
    assert url(live_hearing, "item_upvote", item) in html
    assert url(live_hearing, "item_hide", item) not in html  # no moderation for citizens
    assert second_citizen.email not in html
    assert 'data-hearing-ws="/ws/consultations/' in html
    assert "js/hearing.js" in html
    assert_no_inline_script(html)


def test_anonymous_sees_the_record_and_a_sign_in_link(client_for, live_hearing, citizen):
    post(citizen, live_hearing, consent="hidden", body="Pyetje pa emër")
    html = client_for(None).get(url(live_hearing)).content.decode()
    assert "Pyetje pa emër" in html
    assert citizen.display_name not in html
    assert "Participant #1" in html
    assert "Sign in to post a question or a remark." in html
    assert "data-hearing-post" not in html


def test_hidden_items_show_their_reason_not_their_text(
    client_for, live_hearing, citizen, second_citizen, official
):
    item = post(citizen, live_hearing, body="Tekst fyes që fshihet")
    services.item_hide(actor=official, item=item, reason="abuse")
    html = client_for(second_citizen).get(url(live_hearing)).content.decode()
    assert "Tekst fyes që fshihet" not in html
    assert "Hidden by moderation (reason: Abusive or hateful)." in html
    # The author sees their own hidden text; the officials see it with the identity.
    assert "Tekst fyes që fshihet" in client_for(citizen).get(url(live_hearing)).content.decode()
    html = client_for(official).get(url(live_hearing)).content.decode()
    assert "Tekst fyes që fshihet" in html and citizen.email in html
    assert url(live_hearing, "item_restore", item) in html


def test_ended_hearing_is_a_read_only_record(client_for, live_hearing, citizen, official):
    item = post(citizen, live_hearing, body="Pyetja e mbetur në regjistër")
    services.hearing_end(actor=official, hearing=live_hearing)
    html = client_for(f.UserFactory()).get(url(live_hearing)).content.decode()
    assert "Pyetja e mbetur në regjistër" in html
    assert "The hearing has ended" in html
    assert "data-hearing-post" not in html
    assert url(live_hearing, "item_upvote", item) not in html
    # The officials can still answer.
    assert (
        url(live_hearing, "item_answer", item)
        in client_for(official).get(url(live_hearing)).content.decode()
    )


def test_sorting(client_for, live_hearing, citizen, second_citizen):
    first = post(citizen, live_hearing, body="E para")
    second = post(second_citizen, live_hearing, body="E dyta")
    services.item_upvote(actor=second_citizen, item=first)
    client = client_for(None)
    top = client.get(url(live_hearing, sort="top")).content.decode()
    newest = client.get(url(live_hearing, sort="newest")).content.decode()
    assert top.index(f'id="item-{first.pk}"') < top.index(f'id="item-{second.pk}"')
    assert newest.index(f'id="item-{second.pk}"') < newest.index(f'id="item-{first.pk}"')
    assert client.get(url(live_hearing, sort="<script>")).status_code == 200


def test_unknown_or_invisible_hearings_are_404(client_for, live_hearing, institution, citizen):
    other = f.ConsultationFactory(institution=institution)
    client = client_for(citizen)
    wrong_slug = reverse("hearings:detail", kwargs={"slug": other.slug, "pk": live_hearing.pk})
    assert client.get(wrong_slug).status_code == 404
    draft = f.consultation_in_state("draft", institution=institution)
    hidden = make_hearing(draft, "scheduled")
    assert client.get(url(hidden)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "citizen", "moderator"])
def test_page_queries_do_not_grow_with_items(client_for, consultation, who, moderator):
    small = make_hearing(consultation, "live", title="E vogël")
    big = make_hearing(consultation, "live", title="E madhe")
    fill(small, 3)
    fill(big, 30)
    user = {"anonymous": None, "citizen": f.UserFactory(), "moderator": moderator}[who]
    client = client_for(user)
    client.get(url(small))  # warm the session

    def count(hearing):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(hearing)).status_code == 200
        return len(ctx.captured_queries)

    assert count(small) == count(big) <= 9


def test_page_pinned_query_count(client_for, consultation, django_assert_max_num_queries):
    hearing = make_hearing(consultation, "live")
    fill(hearing, 12)
    client = client_for(f.UserFactory())
    # session, user, hearing with consultation, items, own upvotes, roles, block, moderator
    with django_assert_max_num_queries(9):
        assert client.get(url(hearing)).status_code == 200


# --- posting -------------------------------------------------------------------------------------


def test_post_without_javascript(client_for, live_hearing, citizen):
    client = client_for(citizen)
    response = client.post(
        url(live_hearing, "item_post"),
        {"kind": "remark", "body": "Vërejtje: afati është i shkurtër.", "consent": "name"},
    )
    item = HearingItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url(live_hearing) + f"#item-{item.pk}"
    assert item.kind == "remark" and item.author == citizen
    html = client.get(url(live_hearing)).content.decode()
    assert "Vërejtje: afati është i shkurtër." in html
    assert "Your question or remark is posted." in html


def test_post_without_javascript_keeps_the_text_on_an_error(client_for, live_hearing, citizen):
    client = client_for(citizen)
    text = "x" * 1001
    response = client.post(
        url(live_hearing, "item_post"), {"kind": "question", "body": text, "consent": "name"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The text is too long" in html
    assert text in html  # what they typed is still in the box
    assert not HearingItem.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "question", "body": "", "consent": "name"},
        {"kind": "lecture", "body": "Tekst", "consent": "name"},
        {"kind": "question", "body": "Tekst", "consent": "all"},
        {"kind": "question", "body": "Tekst", "consent": "organisation"},
        {},
    ],
)
def test_post_bad_values_as_json(client_for, live_hearing, citizen, data):
    response = client_for(citizen).post(url(live_hearing, "item_post"), data, **JSON)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False and body["error"] and body["errors"]
    assert not HearingItem.objects.exists()


def test_post_as_json(client_for, live_hearing, citizen):
    response = client_for(citizen).post(
        url(live_hearing, "item_post"),
        {"kind": "question", "body": "Pyetje me skript", "consent": "hidden"},
        **JSON,
    )
    assert response.status_code == 200
    item = HearingItem.objects.get()
    assert response.json() == {
        "ok": True,
        "message": "Your question or remark is posted.",
        "item": item.pk,
    }


def test_post_refused(client_for, live_hearing, hearing, unverified, citizen):
    response = client_for(unverified).post(
        url(live_hearing, "item_post"), {"kind": "question", "body": "Tekst", "consent": "name"}
    )
    assert response.status_code == 302  # back to the page, with the reason as a message
    response = client_for(citizen).post(
        url(hearing, "item_post"),
        {"kind": "question", "body": "Tekst", "consent": "name"},
        **JSON,
    )
    assert response.status_code == 403 and response.json()["ok"] is False
    anonymous = client_for(None).post(url(live_hearing, "item_post"), {"body": "Tekst"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(citizen).get(url(live_hearing, "item_post")).status_code == 405
    assert not HearingItem.objects.exists()


# --- upvotes and moderation ----------------------------------------------------------------------


def test_upvote_toggle_without_javascript(client_for, live_hearing, citizen, second_citizen):
    item = post(citizen, live_hearing)
    client = client_for(second_citizen)
    response = client.post(url(live_hearing, "item_upvote", item), {"action": "upvote"})
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{item.pk}")
    assert HearingUpvote.objects.filter(item=item, user=second_citizen).count() == 1
    client.post(url(live_hearing, "item_upvote", item), {"action": "upvote"})
    assert HearingUpvote.objects.filter(item=item).count() == 1
    response = client.post(url(live_hearing, "item_upvote", item), {}, **JSON)  # toggle
    assert response.json()["upvoted"] is False and response.json()["count"] == 0
    response = client.post(url(live_hearing, "item_upvote", item), {}, **JSON)
    assert response.json()["upvoted"] is True and response.json()["count"] == 1


def test_upvote_own_item_refused(client_for, live_hearing, citizen):
    item = post(citizen, live_hearing)
    response = client_for(citizen).post(url(live_hearing, "item_upvote", item), {}, **JSON)
    assert response.status_code == 403
    assert not HearingUpvote.objects.exists()


def test_item_of_another_hearing_is_404(client_for, live_hearing, consultation, citizen):
    other = make_hearing(consultation, "live")
    item = post(citizen, other)
    response = client_for(f.UserFactory()).post(url(live_hearing, "item_upvote", item))
    assert response.status_code == 404


def test_moderation_through_the_page(client_for, live_hearing, citizen, moderator):
    item = post(citizen, live_hearing)
    client = client_for(moderator)
    response = client.post(url(live_hearing, "item_answer", item), {"note": "Po, në nenin 3."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.answer_note) == ("answered", "Po, në nenin 3.")
    response = client.post(url(live_hearing, "item_hide", item), {"reason": "nonsense"}, **JSON)
    assert response.status_code == 400
    response = client.post(url(live_hearing, "item_hide", item), {"reason": "spam"}, **JSON)
    assert response.json() == {
        "ok": True,
        "message": response.json()["message"],
        "status": "hidden",
    }
    response = client.post(url(live_hearing, "item_restore", item), **JSON)
    assert response.json()["status"] == "answered"
    refused = client_for(citizen).post(url(live_hearing, "item_hide", item), {"reason": "spam"})
    assert refused.status_code == 302
    item.refresh_from_db()
    assert item.status == "answered"


# --- the officials' pages ------------------------------------------------------------------------


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_schedule_edit_start_end_through_the_workspace(client_for, consultation, official):
    client = client_for(official)
    new = reverse("hearings:schedule", kwargs={"slug": consultation.slug})
    assert client.get(new).status_code == 200
    start = timezone.now() + dt.timedelta(days=1)
    response = client.post(
        new,
        {
            "title": "Dëgjimi publik në Gjakovë",
            "starts_at": local(start),
            "ends_at": local(start + dt.timedelta(hours=2)),
            "place": "Salla e Kuvendit Komunal",
            "description": "",
        },
    )
    hearing = Hearing.objects.get()
    assert response.status_code == 302 and response["Location"] == ws_url(hearing, "manage")
    page = client.get(ws_url(hearing, "manage")).content.decode()
    assert "Dëgjimi publik në Gjakovë" in page and ws_url(hearing, "start") in page
    edit = ws_url(hearing, "edit")
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "title": "Dëgjimi publik në Gjakovë (ndryshuar)",
            "starts_at": local(start),
            "ends_at": local(start - dt.timedelta(hours=1)),
        },
    )
    assert response.status_code == 200 and b"must end after it starts" in response.content
    response = client.post(ws_url(hearing, "start"))
    assert response.status_code == 302 and response["Location"] == hearing.get_absolute_url()
    response = client.post(ws_url(hearing, "end"))
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert hearing.status == "ended"
    assert client.get(edit).status_code == 403


def test_cancel_through_the_workspace(client_for, hearing, official):
    response = client_for(official).post(ws_url(hearing, "cancel"), {"reason": "Shtyhet."})
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.status, hearing.cancellation_reason) == ("cancelled", "Shtyhet.")


def test_workspace_pages_refused_to_others(client_for, hearing, citizen, other_official):
    new = reverse("hearings:schedule", kwargs={"slug": hearing.consultation.slug})
    assert client_for(None).get(new).status_code == 302
    assert client_for(citizen).get(new).status_code == 403
    assert client_for(other_official).get(new).status_code == 403
    assert client_for(other_official).get(ws_url(hearing, "manage")).status_code == 403
    assert client_for(other_official).post(ws_url(hearing, "start")).status_code == 403
    hearing.refresh_from_db()
    assert hearing.status == "scheduled"


def test_schedule_refused_for_a_closed_consultation(client_for, institution, official):
    closed = f.consultation_in_state("closed", institution=institution)
    response = client_for(official).get(reverse("hearings:schedule", kwargs={"slug": closed.slug}))
    assert response.status_code == 403


# --- the sections on the consultation's pages ----------------------------------------------------


def test_consultation_page_lists_hearings(client_for, consultation, live_hearing, official):
    upcoming = make_hearing(consultation, "scheduled", title="Dëgjimi i ardhshëm")
    html = client_for(None).get(consultation.get_absolute_url()).content.decode()
    assert "Public hearings" in html
    assert url(live_hearing) in html and url(upcoming) in html
    assert "Follow it live" in html
    assert reverse("hearings:schedule", kwargs={"slug": consultation.slug}) not in html
    html = client_for(official).get(consultation.get_absolute_url()).content.decode()
    assert reverse("hearings:schedule", kwargs={"slug": consultation.slug}) in html


def test_consultation_page_without_hearings_has_no_section(client_for, consultation):
    html = client_for(None).get(consultation.get_absolute_url()).content.decode()
    assert 'id="hearings"' not in html


def test_consultation_page_queries_do_not_grow_with_hearings(client_for, institution):
    few = f.ConsultationFactory(institution=institution)
    many = f.ConsultationFactory(institution=institution)
    make_hearing(few, "live")
    for status in ("live", "ended", "ended"):
        hearing = make_hearing(many, "live")
        fill(hearing, 2)
        Hearing.objects.filter(pk=hearing.pk).update(status=status)
    make_hearing(many, "scheduled")
    make_hearing(many, "cancelled")
    client = client_for(None)

    def count(c):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(c.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    assert count(few) == count(many)


def test_workspace_manage_page_links_to_schedule(client_for, consultation, hearing, official):
    html = (
        client_for(official)
        .get(reverse("workspace:manage", kwargs={"slug": consultation.slug}))
        .content.decode()
    )
    assert reverse("hearings:schedule", kwargs={"slug": consultation.slug}) in html
    assert ws_url(hearing, "manage") in html


# --- languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "language, expected",
    [
        ("sq", ["Pyetjet dhe vërejtjet", "Bëni një pyetje ose një vërejtje", "Mbështes"]),
        ("sr-latn", ["Pitanja i primedbe", "Postavite pitanje ili iznesite primedbu", "Podržavam"]),
        ("en", ["Questions and remarks", "Ask a question or make a remark", "Upvote"]),
    ],
)
def test_the_page_in_each_language(live_hearing, citizen, second_citizen, language, expected):
    post(second_citizen, live_hearing)
    client = Client()
    client.force_login(citizen)
    client.cookies["konsulta_language"] = language
    html = client.get(url(live_hearing)).content.decode()
    for text in expected:
        assert text in html, (language, text)


def test_the_catalogues_are_complete():
    """Every message of the app has its Albanian and Serbian translation."""
    from pathlib import Path

    import hearings

    root = Path(hearings.__file__).parent / "locale"
    for language in ("sq", "sr_Latn"):
        text = (root / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
        entries = text.split("\n\n")[1:]  # after the header
        assert len(entries) > 150
        for entry in entries:
            assert '"\nmsgstr ""' not in entry and not entry.rstrip().endswith('msgstr ""'), entry
            assert "#, fuzzy" not in entry, entry


def test_no_inline_code_on_the_hearing_pages(client_for, live_hearing, citizen, official):
    from tests.security.test_inline_code import inline_code

    item = post(citizen, live_hearing)
    services.item_hide(actor=official, item=item, reason="spam")
    post(f.UserFactory(), live_hearing)
    client = client_for(official)
    for page in (
        url(live_hearing),
        ws_url(live_hearing, "manage"),
        ws_url(live_hearing, "edit"),
        reverse("hearings:schedule", kwargs={"slug": live_hearing.consultation.slug}),
    ):
        response = client.get(page)
        assert response.status_code == 200, page
        assert inline_code(response) == [], page
