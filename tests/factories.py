"""factory-boy factories. Build domain state through services where a service exists; these
factories create rows directly only for test set-up."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from consult.models import Consultation


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Qytetar Ë{n}")
    email_verified = True
    preferred_language = "sq"
    password = factory.PostGenerationMethodCall("set_password", "kalimi-sekret-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            # allauth's own record of the address, so that signing in works under mandatory
            # verification exactly as for a person who confirmed their email.
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=obj,
                email=obj.email,
                defaults={"verified": obj.email_verified, "primary": True},
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.CSO
    name = factory.Sequence(lambda n: f"Organizata Çelësi {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    verification_status = Organisation.Verification.VERIFIED


class InstitutionFactory(OrganisationFactory):
    kind = Organisation.Kind.INSTITUTION
    name = factory.Sequence(lambda n: f"Ministria {n}")
    slug = factory.Sequence(lambda n: f"ministria-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.OFFICIAL


def official_of(institution: Organisation, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=institution, role=Membership.Role.OFFICIAL)
    return user


def representative_of(organisation: Organisation, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.REPRESENTATIVE)
    return user


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    institution = factory.SubFactory(InstitutionFactory)
    title = factory.Sequence(lambda n: f"Projektligji për çështjet e shoqërisë {n}")
    slug = factory.Sequence(lambda n: f"konsultimi-{n}")
    summary = "Përmbledhje e shkurtër e dokumentit."
    kind = Consultation.Kind.LAW
    contact_name = "Arbër Krasniqi"
    contact_email = "kontakt@example.org"
    status = Consultation.Status.OPEN
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


SAMPLE_DRAFT_MD = """# Strategjia për bashkëpunim me shoqërinë civile

Qeveria e Republikës së Kosovës, në mbështetje të nenit 93 të Kushtetutës, miraton:

KAPITULLI I
DISPOZITAT E PËRGJITHSHME

Neni 1
Qëllimi

1. Kjo strategji përcakton parimet e bashkëpunimit ndërmjet institucioneve dhe shoqërisë civile.
2. Strategjia zbatohet për të gjitha ministritë.

Neni 2
Përkufizimet

1. Shprehjet e përdorura në këtë strategji kanë këtë kuptim:
1.1. Organizatë e shoqërisë civile: çdo organizatë joqeveritare e regjistruar.
1.2. Konsultim publik: procesi i përfshirjes së publikut në hartimin e politikave.

KAPITULLI II
ZBATIMI

Neni 3
Financimi publik

1. Institucionet ndajnë fonde për organizatat përmes thirrjeve të hapura.
2. Çdo thirrje publikohet së paku 15 ditë pune para afatit.

Neni 4
Hyrja në fuqi

Kjo strategji hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare.
"""


# --- Added for the accounts / consult / proposals tests ---------------------------------------


def member_of(organisation: Organisation, **kwargs) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organisation=organisation, role=Membership.Role.MEMBER)
    return user


def moderator(**kwargs) -> User:
    """A person in the ``moderators`` group (created by a data migration)."""
    from django.contrib.auth.models import Group

    from accounts.models import MODERATORS_GROUP

    user = UserFactory(**kwargs)
    group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
    user.groups.add(group)
    return user


class ProposalFactory(factory.django.DjangoModelFactory):
    """A draft document row with no text (for tests that only need one to exist, such as
    scheduling); use ``proposals.services.proposal_import`` for one with sections."""

    class Meta:
        model = "proposals.Proposal"

    consultation = factory.SubFactory(ConsultationFactory)
    title = factory.Sequence(lambda n: f"Projektrregullore {n}")
    slug = factory.Sequence(lambda n: f"dokumenti-{n}")


# Stored status and dates, relative to now, for each lifecycle state a test can ask for.
# ``scheduled_due`` and ``open_expired`` are stored states that time has already moved on:
# their effective status is open and closed respectively (the scheduler has not run yet).
CONSULTATION_STATES = {
    "draft": (Consultation.Status.DRAFT, dt.timedelta(days=10), dt.timedelta(days=60)),
    "scheduled": (Consultation.Status.SCHEDULED, dt.timedelta(days=10), dt.timedelta(days=60)),
    "open": (Consultation.Status.OPEN, -dt.timedelta(days=2), dt.timedelta(days=30)),
    "closed": (Consultation.Status.CLOSED, -dt.timedelta(days=60), -dt.timedelta(days=10)),
    "report_published": (
        Consultation.Status.REPORT_PUBLISHED,
        -dt.timedelta(days=60),
        -dt.timedelta(days=10),
    ),
    "withdrawn": (Consultation.Status.WITHDRAWN, -dt.timedelta(days=2), dt.timedelta(days=30)),
    "scheduled_due": (Consultation.Status.SCHEDULED, -dt.timedelta(days=1), dt.timedelta(days=30)),
    "open_expired": (Consultation.Status.OPEN, -dt.timedelta(days=40), -dt.timedelta(hours=1)),
}


def consultation_in_state(state: str, **kwargs) -> Consultation:
    """A consultation row stored directly in one of ``CONSULTATION_STATES``."""
    status, opens, closes = CONSULTATION_STATES[state]
    now = timezone.now()
    kwargs.setdefault("opens_at", now + opens)
    kwargs.setdefault("closes_at", now + closes)
    if status == Consultation.Status.WITHDRAWN:
        kwargs.setdefault("withdrawal_reason", "Dokumenti do të rishikohet.")
    return ConsultationFactory(status=status, **kwargs)


# The second version of SAMPLE_DRAFT_MD: paragraph 2 of Neni 1 is edited, point 1.3 is added to
# Neni 2, Neni 3 (Financimi publik) is removed and a new Neni 3 (Raportimi vjetor) takes its
# number, Neni 4 is unchanged.
SAMPLE_DRAFT_V2_MD = """# Strategjia për bashkëpunim me shoqërinë civile

Qeveria e Republikës së Kosovës, në mbështetje të nenit 93 të Kushtetutës, miraton:

KAPITULLI I
DISPOZITAT E PËRGJITHSHME

Neni 1
Qëllimi

1. Kjo strategji përcakton parimet e bashkëpunimit ndërmjet institucioneve dhe shoqërisë civile.
2. Strategjia zbatohet për të gjitha ministritë dhe agjencitë e pavarura.

Neni 2
Përkufizimet

1. Shprehjet e përdorura në këtë strategji kanë këtë kuptim:
1.1. Organizatë e shoqërisë civile: çdo organizatë joqeveritare e regjistruar.
1.2. Konsultim publik: procesi i përfshirjes së publikut në hartimin e politikave.
1.3. Grup punues: grupi i ngritur nga institucioni për hartimin e një akti.

KAPITULLI II
ZBATIMI

Neni 3
Raportimi vjetor

1. Zyra për Qeverisje të Mirë harton çdo vit raportin mbi zbatimin e kësaj strategjie.
2. Raporti publikohet në platformën e konsultimeve publike deri më 31 mars.

Neni 4
Hyrja në fuqi

Kjo strategji hyn në fuqi shtatë ditë pas publikimit në Gazetën Zyrtare.
"""


def clear_cache() -> None:
    """Empty this test process's cache.

    On Redis, ``cache.clear()`` is FLUSHDB: it would also wipe the keys (allauth's rate-limit
    counters, say) of the other test processes sharing the server. Delete only our own prefix.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*", count=500))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()
