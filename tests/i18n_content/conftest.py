"""Fixtures for content in several languages: the sample draft in Serbian (Latin) and English,
with exactly the structure of ``tests.factories.SAMPLE_DRAFT_MD``, and a draft translated
through the service."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories as f

SAMPLE_DRAFT_SR_MD = """# Strategija za saradnju sa civilnim društvom

Vlada Republike Kosovo, na osnovu člana 93 Ustava, usvaja:

POGLAVLJE I
OPŠTE ODREDBE

Član 1
Svrha

1. Ova strategija utvrđuje principe saradnje između institucija i civilnog društva.
2. Strategija se primenjuje na sva ministarstva.

Član 2
Definicije

1. Izrazi upotrebljeni u ovoj strategiji imaju sledeće značenje:
1.1. Organizacija civilnog društva: svaka registrovana nevladina organizacija.
1.2. Javna konsultacija: proces uključivanja javnosti u izradu politika.

POGLAVLJE II
SPROVOĐENJE

Član 3
Javno finansiranje

1. Institucije izdvajaju sredstva za organizacije putem otvorenih poziva.
2. Svaki poziv se objavljuje najmanje 15 radnih dana pre roka.

Član 4
Stupanje na snagu

Ova strategija stupa na snagu sedam dana od objavljivanja u Službenom listu.
"""

SAMPLE_DRAFT_EN_MD = """# Strategy for cooperation with civil society

The Government of the Republic of Kosovo, based on Article 93 of the Constitution, adopts:

CHAPTER I
GENERAL PROVISIONS

Article 1
Purpose

1. This strategy sets the principles of cooperation between institutions and civil society.
2. The strategy applies to all ministries.

Article 2
Definitions

1. The terms used in this strategy have the following meaning:
1.1. Civil society organisation: any registered non-governmental organisation.
1.2. Public consultation: the process of involving the public in drafting policies.

CHAPTER II
IMPLEMENTATION

Article 3
Public funding

1. Institutions allocate funds to organisations through open calls.
2. Every call is published at least 15 working days before the deadline.

Article 4
Entry into force

This strategy enters into force seven days after its publication in the Official Gazette.
"""

# The Serbian text of tests.factories.SAMPLE_DRAFT_V2_MD (version 2 of the sample draft).
SAMPLE_DRAFT_V2_SR_MD = """# Strategija za saradnju sa civilnim društvom

Vlada Republike Kosovo, na osnovu člana 93 Ustava, usvaja:

POGLAVLJE I
OPŠTE ODREDBE

Član 1
Svrha

1. Ova strategija utvrđuje principe saradnje između institucija i civilnog društva.
2. Strategija se primenjuje na sva ministarstva i nezavisne agencije.

Član 2
Definicije

1. Izrazi upotrebljeni u ovoj strategiji imaju sledeće značenje:
1.1. Organizacija civilnog društva: svaka registrovana nevladina organizacija.
1.2. Javna konsultacija: proces uključivanja javnosti u izradu politika.
1.3. Radna grupa: grupa koju institucija osniva za izradu akta.

POGLAVLJE II
SPROVOĐENJE

Član 3
Godišnje izveštavanje

1. Kancelarija za dobro upravljanje svake godine izrađuje izveštaj o sprovođenju ove strategije.
2. Izveštaj se objavljuje na platformi za javne konsultacije do 31. marta.

Član 4
Stupanje na snagu

Ova strategija stupa na snagu sedam dana od objavljivanja u Službenom listu.
"""


@pytest.fixture
def translate(official):
    """Import a translation of a draft's current version through the service."""
    from proposals.services import proposal_translation_import

    def run(proposal, text: str = SAMPLE_DRAFT_SR_MD, language: str = "sr-latn", **kwargs):
        return proposal_translation_import(
            actor=official,
            proposal=proposal,
            language=language,
            data=text.encode(),
            filename=f"draft-{language}.md",
            **kwargs,
        )

    return run


@pytest.fixture
def translated(proposal, translate):
    """The sample draft (Albanian) with its Serbian (Latin) translation."""
    translate(proposal)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def reader():
    """A test client reading the interface in ``language`` (cookie and Accept-Language)."""

    def make(language: str = "en", user=None) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.cookies["konsulta_language"] = language
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def second_official(institution):
    return f.official_of(institution)


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Messages raised outside a request (services) in English, the language of the asserts;
    pages activate their own language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield
