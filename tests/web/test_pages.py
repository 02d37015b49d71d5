"""The public pages render with data, show the right things, and hide drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.models import Consultation
from tests import factories as f

from .conftest import assert_no_inline_script

S = Consultation.Status
pytestmark = pytest.mark.django_db


def _now():
    return timezone.now()


@pytest.fixture
def variety(institution):
    """One consultation in each public state."""
    now = _now()
    return {
        "open": f.ConsultationFactory(institution=institution, title="Ligji për ujërat e hapura"),
        "scheduled": f.ConsultationFactory(
            institution=institution,
            title="Rregullorja për parkimin e ardhshëm",
            status=S.SCHEDULED,
            opens_at=now + dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=40),
        ),
        "closed": f.ConsultationFactory(
            institution=institution,
            title="Udhëzimi për tatimet e mbyllura",
            status=S.CLOSED,
            opens_at=now - dt.timedelta(days=40),
            closes_at=now - dt.timedelta(days=2),
        ),
        "reported": f.ConsultationFactory(
            institution=institution,
            title="Plani për ajrin me raport",
            status=S.REPORT_PUBLISHED,
            opens_at=now - dt.timedelta(days=80),
            closes_at=now - dt.timedelta(days=50),
        ),
        "withdrawn": f.ConsultationFactory(
            institution=institution,
            title="Koncepti i tërhequr",
            status=S.WITHDRAWN,
            withdrawal_reason="Dokumenti rishikohet pas takimeve me komunat.",
        ),
        "draft": f.ConsultationFactory(
            institution=institution, title="Drafti i fshehtë i ministrisë", status=S.DRAFT
        ),
    }


def test_home_shows_each_section(client, variety):
    response = client.get(reverse("consult:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("open", "scheduled", "closed", "reported"):
        assert variety[key].title in html
    assert variety["draft"].title not in html
    assert 'class="badge badge--open"' in html
    assert 'class="badge badge--scheduled"' in html
    assert variety["open"].institution.name in html
    assert "working days left" in html
    assert_no_inline_script(html)


def test_home_empty(client, db):
    response = client.get(reverse("consult:home"))
    assert response.status_code == 200
    assert "There are no public consultations yet" in response.content.decode()


def test_list_shows_public_consultations_only(client, variety):
    response = client.get(reverse("consult:list"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("open", "scheduled", "closed", "reported", "withdrawn"):
        assert variety[key].title in html
    assert variety["draft"].title not in html


@pytest.mark.parametrize(
    ("params", "expected", "absent"),
    [
        ({"status": "open"}, "open", "closed"),
        ({"status": "closed"}, "closed", "open"),
        ({"status": "scheduled"}, "scheduled", "open"),
        ({"q": "ujërat"}, "open", "closed"),
        ({"kind": "regulation", "status": ""}, None, None),
    ],
)
def test_list_filters(client, variety, params, expected, absent):
    response = client.get(reverse("consult:list"), params)
    assert response.status_code == 200
    html = response.content.decode()
    if expected:
        assert variety[expected].title in html
    if absent:
        assert variety[absent].title not in html


def test_list_filter_by_institution(client, variety, other_institution):
    other = f.ConsultationFactory(institution=other_institution, title="Ligji i ministrisë tjetër")
    response = client.get(reverse("consult:list"), {"institution": other_institution.slug})
    html = response.content.decode()
    assert other.title in html
    assert variety["open"].title not in html


@pytest.mark.parametrize(
    "params",
    [
        {"status": "nonsense"},
        {"status": "draft"},
        {"kind": "<b>"},
        {"institution": "no-such"},
        {"page": "abc"},
        {"page": "999"},
        {"q": "x" * 500},
    ],
)
def test_list_bad_filters_are_not_errors(client, variety, params):
    response = client.get(reverse("consult:list"), params)
    assert response.status_code == 200
    assert variety["draft"].title not in response.content.decode()


def test_list_paginates_by_20(client, institution):
    f.ConsultationFactory.create_batch(25, institution=institution)
    first = client.get(reverse("consult:list"))
    assert len(first.context["page"].object_list) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get(reverse("consult:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 5


def test_detail_renders(client, proposal):
    consultation = proposal.consultation
    response = client.get(consultation.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert consultation.title in html
    assert consultation.institution.name in html
    assert consultation.contact_name in html
    assert proposal.title in html
    assert proposal.get_absolute_url() in html
    # One draft document: its table of contents and whole-draft tally are on the page.
    assert f"{proposal.get_absolute_url()}#neni-1" in html
    assert "Votes on the whole draft" in html
    assert "working days" in html
    assert_no_inline_script(html)


def test_detail_shows_short_round_justification(client, institution):
    now = _now()
    consultation = f.ConsultationFactory(
        institution=institution,
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=3),
        short_round_justification="Afat i shkurtër për shkak të detyrimeve ndaj BE-së.",
    )
    assert consultation.is_short_round
    html = client.get(consultation.get_absolute_url()).content.decode()
    assert "Shorter round than the minimum" in html
    assert "Afat i shkurtër për shkak të detyrimeve ndaj BE-së." in html


def test_detail_hides_justification_for_a_full_round(client, open_consultation):
    assert not open_consultation.is_short_round
    html = client.get(open_consultation.get_absolute_url()).content.decode()
    assert "Shorter round than the minimum" not in html


def test_detail_of_withdrawn_shows_reason(client, variety):
    html = client.get(variety["withdrawn"].get_absolute_url()).content.decode()
    assert "This consultation was withdrawn" in html
    assert "Dokumenti rishikohet pas takimeve me komunat." in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("citizen", 404),
        ("other_official", 404),
        ("official", 200),
        ("staff", 200),
    ],
)
def test_draft_consultation_visibility(
    client_for, variety, citizen, official, staff, other_institution, who, status
):
    users = {
        "anonymous": None,
        "citizen": citizen,
        "official": official,
        "staff": staff,
        "other_official": f.official_of(other_institution),
    }
    response = client_for(users[who]).get(variety["draft"].get_absolute_url())
    assert response.status_code == status


def test_draft_proposal_pages_404_for_the_public(client_for, make_proposal, institution, citizen):
    consultation = f.ConsultationFactory(institution=institution, status=S.DRAFT)
    proposal = make_proposal(consultation, 2)
    kwargs = {"slug": consultation.slug, "proposal": proposal.slug}
    for name in ("detail", "versions", "history"):
        assert (
            client_for(citizen).get(reverse(f"proposals:{name}", kwargs=kwargs)).status_code == 404
        )
    section_url = reverse("proposals:section", kwargs={**kwargs, "key": "neni-1"})
    assert client_for(None).get(section_url).status_code == 404


def test_unknown_consultation_is_404_in_site_look(client, db):
    client.cookies["konsulta_language"] = "en"
    response = client.get("/consultations/nuk-ekziston/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Konsulta" in html
    assert 'action="/i18n/setlang/"' in html


def test_proposal_page_renders_articles(client, proposal):
    response = client.get(proposal.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for key in ("neni-1", "neni-2", "neni-3", "neni-4"):
        assert f'id="{key}"' in html
    assert "Qëllimi" in html
    assert "Organizatë e shoqërisë civile" in html  # a point inside a paragraph
    assert 'class="toc"' in html
    assert_no_inline_script(html)


def test_proposal_page_tells_anonymous_to_sign_in(client, proposal):
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "data-vote-form" not in html
    assert reverse("account_login") in html
    assert "to vote on this draft" in html


def test_proposal_page_tells_unverified_to_confirm_email(client_for, proposal, unverified):
    html = client_for(unverified).get(proposal.get_absolute_url()).content.decode()
    assert "data-vote-form" not in html
    assert "Confirm your email address to vote" in html


def test_proposal_page_of_closed_consultation_has_no_vote_forms(client_for, proposal, citizen):
    Consultation.objects.filter(pk=proposal.consultation_id).update(
        status=S.CLOSED, closes_at=_now() - dt.timedelta(hours=1)
    )
    html = client_for(citizen).get(proposal.get_absolute_url()).content.decode()
    assert "data-vote-form" not in html
    assert "This consultation is closed" in html


def test_proposal_page_marks_the_current_vote(client_for, proposal, citizen):
    from proposals.models import Section
    from proposals.services import vote_cast

    article = Section.objects.get(proposal=proposal, key="neni-2")
    vote_cast(actor=citizen, proposal=proposal, section=article, choice="against")
    html = client_for(citizen).get(proposal.get_absolute_url()).content.decode()
    assert html.count("data-vote-form") == 1 + 4  # the whole draft and four articles
    start = html.index('id="neni-2"')
    block = html[start : html.index("</article>", start)]
    assert 'value="against" class="vote-button vote-button--against" aria-pressed="true"' in block
    assert 'value="for" class="vote-button vote-button--for" aria-pressed="false"' in block


def test_section_page_with_previous_and_next(client, proposal):
    url = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": "neni-2"},
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Përkufizimet" in html
    assert response.context["previous_section"].key == "neni-1"
    assert response.context["next_section"].key == "neni-3"
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_section_page_unknown_key_is_404(client, proposal):
    url = reverse(
        "proposals:section",
        kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug, "key": "neni-99"},
    )
    assert client.get(url).status_code == 404


def test_unknown_proposal_is_404(client, open_consultation):
    url = reverse("proposals:detail", kwargs={"slug": open_consultation.slug, "proposal": "asgje"})
    assert client.get(url).status_code == 404


def _publish_v2(proposal, official):
    from proposals.services import proposal_version_publish
    from tests.factories import SAMPLE_DRAFT_MD

    text = SAMPLE_DRAFT_MD.replace(
        "Strategjia zbatohet për të gjitha ministritë.",
        "Strategjia zbatohet për të gjitha ministritë dhe agjencitë.",
    ).replace("2. Çdo thirrje publikohet së paku 15 ditë pune para afatit.\n", "")
    return proposal_version_publish(
        actor=official, proposal=proposal, data=text.encode(), filename="v2.md", note="Ndryshime"
    )


def test_versions_page(client, proposal, official):
    _publish_v2(proposal, official)
    url = reverse(
        "proposals:versions", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ndryshime" in html
    assert str(official) in html
    assert 'name="from"' in html and 'name="to"' in html


def _diff_url(proposal):
    return reverse(
        "proposals:diff", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )


def test_diff_page_shows_word_changes(client, proposal, official):
    _publish_v2(proposal, official)
    response = client.get(_diff_url(proposal), {"from": 1, "to": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ins>" in html and "agjencitë" in html
    assert "<del>" in html
    stats = response.context["stats"]
    assert stats["changed"] == 2  # article 1 (a paragraph changed) and article 3 (one removed)
    assert stats["added"] == 0 and stats["removed"] == 0
    assert 'class="diff-legend"' in html
    assert "diff-unchanged" in html  # unchanged articles are collapsed


def test_diff_escapes_text(client, institution, official):
    from proposals.services import proposal_import, proposal_version_publish

    consultation = f.ConsultationFactory(institution=institution)
    proposal = proposal_import(
        actor=official,
        consultation=consultation,
        data="# Titulli\n\nNeni 1\nQëllimi\n\nTeksti i parë.\n".encode(),
        filename="a.md",
    )
    proposal_version_publish(
        actor=official,
        proposal=proposal,
        data="# Titulli\n\nNeni 1\nQëllimi\n\nTeksti <script>alert(1)</script> i ri.\n".encode(),
        filename="b.md",
        note="v2",
    )
    html = client.get(_diff_url(proposal), {"from": 1, "to": 2}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"from": "abc", "to": "2"},
        {"from": "1", "to": "1"},
        {"from": "1", "to": "9"},
        {"from": "-1", "to": "2"},
        {"from": "1"},
        {"from": "1" * 40, "to": "2"},
    ],
)
def test_diff_page_bad_params(client, proposal, official, params):
    _publish_v2(proposal, official)
    response = client.get(_diff_url(proposal), params)
    assert response.status_code in (200, 400)
    if params:
        assert response.status_code == 400
        assert "Choose two different versions" in response.content.decode()


def test_diff_page_with_a_single_version(client, proposal):
    response = client.get(_diff_url(proposal), {"from": 1, "to": 2})
    assert response.status_code == 400
    assert "only one version" in response.content.decode()


def test_history_page(client, proposal, official):
    _publish_v2(proposal, official)
    url = reverse(
        "proposals:history", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "agjencitë" in html
    assert str(official) in html


def test_script_in_title_is_escaped(client, institution):
    consultation = f.ConsultationFactory(
        institution=institution, title="Ligji <script>alert('x')</script> për të gjithë"
    )
    for url in (reverse("consult:home"), reverse("consult:list"), consultation.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert('x')</script>" not in html
        assert "&lt;script&gt;" in html
        assert_no_inline_script(html)


def test_language_switcher_on_every_page(client_for, proposal, citizen, official):
    kwargs = {"slug": proposal.consultation.slug, "proposal": proposal.slug}
    _publish_v2(proposal, official)
    urls = [
        reverse("consult:home"),
        reverse("consult:list"),
        proposal.consultation.get_absolute_url(),
        proposal.get_absolute_url(),
        reverse("proposals:section", kwargs={**kwargs, "key": "neni-1"}),
        reverse("proposals:versions", kwargs=kwargs),
        reverse("proposals:diff", kwargs=kwargs) + "?from=1&to=2",
        reverse("proposals:history", kwargs=kwargs),
    ]
    entrance = [reverse("account_login"), reverse("account_signup")]
    for user in (None, citizen):
        client = client_for(user)
        for url in urls + (entrance if user is None else []):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert 'action="/i18n/setlang/"' in html, url
            for name in ("Shqip", "Srpski", "English"):
                assert name in html, url
            assert '<a class="skip-link" href="#main">' in html
            assert_no_inline_script(html)
    html = client_for(citizen).get(reverse("accounts:profile")).content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert_no_inline_script(html)


def test_html_lang_follows_the_language(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "sr-latn", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="sr-latn">' in html
    assert 'value="sr-latn" lang="sr-Latn" class="lang-switch__button" aria-pressed="true"' in html


def test_official_sees_workspace_link(client_for, official, citizen):
    assert 'href="/workspace/"' in client_for(official).get("/").content.decode()
    assert 'href="/workspace/"' not in client_for(citizen).get("/").content.decode()
    assert 'href="/workspace/"' not in client_for(None).get("/").content.decode()


def test_signed_in_header_has_name_and_post_sign_out(client_for, citizen):
    html = client_for(citizen).get("/").content.decode()
    assert citizen.display_name in html
    assert f'method="post" action="{reverse("account_logout")}"' in html


def test_nav_marks_current_page(client, db):
    html = client.get(reverse("consult:list")).content.decode()
    assert f'href="{reverse("consult:list")}" aria-current="page"' in html


def test_signed_in_person_opening_sign_in_is_sent_home(client_for, citizen):
    response = client_for(citizen).get(reverse("account_login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("consult:home")


def test_home_shows_a_consultation_closing_soon_once(client, institution):
    soon = f.ConsultationFactory(
        institution=institution,
        title="Ligji që mbyllet së shpejti",
        closes_at=_now() + dt.timedelta(days=3),
    )
    html = client.get(reverse("consult:home")).content.decode()
    assert html.count(soon.get_absolute_url()) == 1
    assert "Closes in 3 days" in html


def test_history_names_the_article_of_a_paragraph(client, proposal, official):
    _publish_v2(proposal, official)
    url = reverse(
        "proposals:history", kwargs={"slug": proposal.consultation.slug, "proposal": proposal.slug}
    )
    page = client.get(url).context["page"]
    changed = [e for e in page.object_list if e["key"] == "neni-1-2" and e["changes"]]
    assert changed, "the changed paragraph is in the history"
    assert changed[0]["context"].endswith("Qëllimi")
