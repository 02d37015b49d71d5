"""``python manage.py seed_demo``: realistic Albanian demo content, safe to run again.

What it creates (each thing looked up by its email or slug first, and created only when missing,
so a second run adds nothing):

* three verified institutions (a ministry, the Office for Good Governance within the Office of
  the Prime Minister, the Municipality of Prishtina), three verified CSOs and one pending;
* people: an administrator (staff and superuser), a moderator, one official per institution, a
  CSO representative and a CSO member, citizens (one in the diaspora, one who reads Serbian, one
  who has not confirmed their address). Everyone but the unconfirmed citizen has a verified
  primary allauth address, so they can sign in under mandatory email verification;
* four consultations, one in each stage a visitor meets: an open strategy with votes (its title,
  summary and text translated into Serbian, Latin script), a closed
  municipal regulation with a revised second version, comments, a position paper, the
  institution's answer to every submission and its published report, a scheduled draft law
  opening next week, and a draft administrative instruction only its officials see in their
  workspace;
* the 2026 consultation plans of the Office for Good Governance and the Ministry of Internal
  Affairs, with items consulted (linked to the open strategy), planned, late and dropped, and a
  few citizens who follow an institution, a kind of act, a consultation or a planned item.
* two public hearings on the open strategy (``hearings``): one held yesterday evening, whose record
  has questions and remarks, upvotes, the institution's answers and one post hidden by the
  moderator, and one scheduled for next week.

Everything goes through the services (``accounts.services``, ``consult.services``,
``proposals.services``, ``comments.services``, ``reports.services``) so permissions, validation
and history apply as in real use. The emails those services send (receipts, answers) go to the
dummy email backend while the demo is seeded: the demo addresses are not real. Two things
have no service and are written here directly: user rows (``User.objects.create_user``) with
their allauth ``EmailAddress`` rows, and the moderators group membership.

Demo-only back-dating: the closed consultation is run through its whole life now (opened,
voted on, closed, revised) and then its dates are moved into the past with
``Consultation.objects.filter(pk=...).update(...)``; the times of its history records, of its
versions, of its votes, of its comments and position paper and of their answers are moved to
match, the same way; then its report is published. No service lets anyone set past dates
on a real consultation; this is for the demo only.
The past hearing is run the same way: scheduled, started, posted in, answered, moderated and
ended now through ``hearings.services``, then its times, its items' and upvotes' times and their
history records are moved to yesterday evening.

All demo accounts share the password ``konsulta-demo-2026`` (``--password`` to choose another for
newly created accounts); the logins are printed as a table at the end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import rules
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import MODERATORS_GROUP, Membership, Organisation, User
from comments import services as comment_services
from consult import services as consult_services
from consult.models import Consultation
from consult.workdays import add_working_days
from hearings import services as hearing_services
from proposals import services as proposal_services
from proposals.models import Proposal, ProposalVersion, Section, Vote
from reports import services as report_services

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"

DEMO_PASSWORD = "konsulta-demo-2026"
DOMAIN = "konsulta.example"  # a reserved top-level domain: no mail ever leaves for it

K = Organisation.Kind
V = Organisation.Verification
R = Membership.Role


# --------------------------------------------------------------------------------------------
# Organisations


@dataclass(frozen=True)
class Org:
    slug: str
    kind: str
    name: str
    description: str
    website: str = ""
    registration_number: str = ""
    verified: bool = True


MPB = "ministria-e-puneve-te-brendshme"
ZQM = "zyra-per-qeverisje-te-mire"
PRISHTINA = "komuna-e-prishtines"
IPD = "instituti-per-politika-demokratike"
QZHK = "qendra-per-zhvillimin-e-komunitetit"
FRM = "forumi-rinor-i-mitrovices"
SHBD = "shoqata-e-bletareve-te-dukagjinit"

ORGANISATIONS = [
    Org(
        MPB,
        K.INSTITUTION,
        "Ministria e Punëve të Brendshme",
        "Ministria përgjegjëse për gjendjen civile, dokumentet e identifikimit dhe regjistrimin "
        "e organizatave joqeveritare.",
        "https://mpb.rks-gov.net",
    ),
    Org(
        ZQM,
        K.INSTITUTION,
        "Zyra për Qeverisje të Mirë",
        "Zyrë në kuadër të Zyrës së Kryeministrit, përgjegjëse për bashkëpunimin e Qeverisë me "
        "shoqërinë civile dhe për standardet e konsultimit publik.",
        "https://kryeministri.rks-gov.net",
    ),
    Org(
        PRISHTINA,
        K.INSTITUTION,
        "Komuna e Prishtinës",
        "Kryeqyteti i Republikës së Kosovës.",
        "https://kk.rks-gov.net/prishtine",
    ),
    Org(
        IPD,
        K.CSO,
        "Instituti për Politika Demokratike",
        "Organizatë kërkimore që monitoron transparencën e institucioneve dhe procesin e "
        "konsultimit publik.",
        registration_number="5112345-6",
    ),
    Org(
        QZHK,
        K.CSO,
        "Qendra për Zhvillimin e Komunitetit",
        "Mbështet iniciativat e komuniteteve lokale dhe pjesëmarrjen e grave në vendimmarrje.",
        registration_number="5114872-3",
    ),
    Org(
        FRM,
        K.CSO,
        "Forumi Rinor i Mitrovicës",
        "Rrjet i të rinjve nga të dy anët e lumit Ibër për dialog dhe vullnetarizëm.",
        registration_number="5118260-1",
    ),
    Org(
        SHBD,
        K.CSO,
        "Shoqata e Bletarëve të Dukagjinit",
        "Shoqatë e bletarëve nga rajoni i Pejës dhe i Gjakovës.",
        registration_number="5120417-9",
        verified=False,
    ),
]


# --------------------------------------------------------------------------------------------
# People


@dataclass(frozen=True)
class Person:
    local: str  # the part of the email before "@"
    display_name: str
    role: str  # shown in the printed table
    language: str = "sq"
    verified: bool = True
    organisation: str = ""  # slug
    membership: str = ""  # a Membership.Role value
    staff: bool = False
    superuser: bool = False
    moderator: bool = False

    @property
    def email(self) -> str:
        return f"{self.local}@{DOMAIN}"


ADMIN = Person(
    "admin",
    "Administratori i Konsultës",
    "administrator (staff, superuser)",
    staff=True,
    superuser=True,
)
PEOPLE = [
    ADMIN,
    Person("moderatore", "Vjosa Berisha", "moderator", moderator=True),
    Person(
        "zyrtar.zqm",
        "Arbër Gashi",
        "official, Zyra për Qeverisje të Mirë",
        organisation=ZQM,
        membership=R.OFFICIAL,
    ),
    Person(
        "zyrtare.mpb",
        "Fatmire Hoxha",
        "official, Ministria e Punëve të Brendshme",
        organisation=MPB,
        membership=R.OFFICIAL,
    ),
    Person(
        "zyrtar.prishtina",
        "Driton Çeku",
        "official, Komuna e Prishtinës",
        organisation=PRISHTINA,
        membership=R.OFFICIAL,
    ),
    Person(
        "perfaqesuese.ipd",
        "Teuta Krasniqi",
        "representative, Instituti për Politika Demokratike",
        organisation=IPD,
        membership=R.REPRESENTATIVE,
    ),
    Person(
        "anetar.qzhk",
        "Besnik Morina",
        "member, Qendra për Zhvillimin e Komunitetit",
        organisation=QZHK,
        membership=R.MEMBER,
    ),
    Person("drita", "Drita Kelmendi", "citizen"),
    Person("shpetim", "Shpëtim Rexhepi", "citizen"),
    Person("mirelinda", "Mirëlinda Çollaku", "citizen"),
    Person("ardita", "Ardita Bytyçi (Mynih)", "citizen in the diaspora (Germany)"),
    Person("milica", "Milica Jovanović", "citizen, reads Serbian", language="sr-latn"),
    Person("gezim", "Gëzim Hasani", "citizen, email not confirmed", verified=False),
]


# --------------------------------------------------------------------------------------------
# Draft texts (Markdown, read by proposals.importer)

STRATEGY_MD = """# Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030

Qeveria e Republikës së Kosovës, në mbështetje të nenit 93 paragrafi 4 të Kushtetutës dhe të \
Rregullores për standardet minimale për procesin e konsultimit publik, miraton:

KAPITULLI I
DISPOZITAT E PËRGJITHSHME

Neni 1
Qëllimi

1. Kjo strategji përcakton vizionin, objektivat strategjike dhe masat për bashkëpunimin ndërmjet \
institucioneve publike dhe organizatave të shoqërisë civile për periudhën 2026–2030.
2. Strategjia synon një mjedis mundësues në të cilin shoqëria civile merr pjesë në mënyrë \
kuptimplotë në hartimin, zbatimin dhe monitorimin e politikave publike.

Neni 2
Fushëveprimi

1. Strategjia zbatohet nga ministritë, agjencitë e pavarura dhe komunat.
2. Organizatat e shoqërisë civile marrin pjesë në zbatimin e saj në baza vullnetare.

Neni 3
Përkufizimet

1. Shprehjet e përdorura në këtë strategji kanë këtë kuptim:
1.1. Organizatë e shoqërisë civile (OShC): çdo organizatë joqeveritare e regjistruar sipas \
ligjit për lirinë e asociimit në organizata joqeveritare.
1.2. Konsultim publik: procesi përmes të cilit institucionet u japin palëve të interesuara dhe \
publikut mundësinë të komentojnë një dokument para miratimit.
1.3. Platforma e konsultimeve: platforma elektronike ku publikohen dokumentet për konsultim dhe \
komentet e pranuara.

KAPITULLI II
OBJEKTIVAT STRATEGJIKE

Neni 4
Pjesëmarrja në hartimin e politikave

1. Institucionet publike konsultojnë publikun për çdo projektligj, projektrregullore dhe \
dokument strategjik.
2. Konsultimi me shkrim zgjat së paku 15 ditë pune nga dita e publikimit.
3. Institucionet hartojnë raportin e konsultimit, ku paraqesin çdo koment të pranuar ose të \
refuzuar, me arsyetim.

Neni 5
Financimi publik i organizatave

1. Financimi publik për OShC-të ndahet vetëm përmes thirrjeve të hapura publike.
2. Çdo institucion publikon:
a) planin vjetor të thirrjeve deri më 31 janar;
b) listën e organizatave përfituese dhe shumat e ndara;
c) raportet e monitorimit të projekteve të financuara.

Neni 6
Vullnetarizmi

1. Qeveria nxit vullnetarizmin si vlerë shoqërore dhe e njeh përvojën vullnetare gjatë punësimit \
në sektorin publik.
2. Ministria përgjegjëse për rininë mban regjistrin e organizatave pritëse të vullnetarëve.

KAPITULLI III
ZBATIMI DHE MONITORIMI

Neni 7
Këshilli për Bashkëpunim

1. Këshilli për Bashkëpunim me Shoqërinë Civile përbëhet nga 15 anëtarë nga institucionet dhe 15 \
anëtarë nga OShC-të.
2. Këshilli mblidhet së paku katër herë në vit dhe publikon procesverbalet e mbledhjeve.
3. Zyra për Qeverisje të Mirë ushtron funksionin e sekretariatit të Këshillit.

Neni 8
Raportimi

1. Zyra për Qeverisje të Mirë harton raportin vjetor të zbatimit të strategjisë deri më 31 mars \
të vitit pasardhës.
2. Raporti publikohet në platformën e konsultimeve dhe diskutohet në Këshill.

KAPITULLI IV
DISPOZITAT PËRFUNDIMTARE

Neni 9
Hyrja në fuqi

Kjo strategji hyn në fuqi ditën e miratimit nga Qeveria.
"""

# The open strategy in Serbian (Latin): its title, summary and text, with the same structure as
# STRATEGY_MD (proposals.services.proposal_translation_import refuses anything else).
OPEN_TITLE_SR = "Strategija za saradnju sa civilnim društvom 2026–2030"
OPEN_SUMMARY_SR = (
    "Nova strategija utvrđuje kako institucije sarađuju sa organizacijama civilnog društva: "
    "javne konsultacije, pravično i transparentno finansiranje, volonterizam i Savet za "
    "saradnju. Komentarišite svaki član i glasajte."
)
STRATEGY_SR_MD = """# Strategija za saradnju sa civilnim društvom 2026–2030

Vlada Republike Kosovo, na osnovu člana 93 stav 4 Ustava i Uredbe o minimalnim standardima za \
proces javnih konsultacija, usvaja:

POGLAVLJE I
OPŠTE ODREDBE

Član 1
Svrha

1. Ovom strategijom utvrđuju se vizija, strateški ciljevi i mere za saradnju između javnih \
institucija i organizacija civilnog društva za period 2026–2030.
2. Strategija teži stvaranju podsticajnog okruženja u kome civilno društvo smisleno učestvuje u \
izradi, sprovođenju i praćenju javnih politika.

Član 2
Delokrug

1. Strategiju sprovode ministarstva, nezavisne agencije i opštine.
2. Organizacije civilnog društva učestvuju u njenom sprovođenju na dobrovoljnoj osnovi.

Član 3
Definicije

1. Izrazi upotrebljeni u ovoj strategiji imaju sledeće značenje:
1.1. Organizacija civilnog društva (OCD): svaka nevladina organizacija registrovana u skladu sa \
zakonom o slobodi udruživanja u nevladine organizacije.
1.2. Javna konsultacija: proces kojim institucije zainteresovanim stranama i javnosti daju \
mogućnost da komentarišu dokument pre njegovog usvajanja.
1.3. Platforma za konsultacije: elektronska platforma na kojoj se objavljuju dokumenti za \
konsultaciju i primljeni komentari.

POGLAVLJE II
STRATEŠKI CILJEVI

Član 4
Učešće u izradi politika

1. Javne institucije konsultuju javnost o svakom nacrtu zakona, nacrtu uredbe i strateškom \
dokumentu.
2. Pisana konsultacija traje najmanje 15 radnih dana od dana objavljivanja.
3. Institucije izrađuju izveštaj o konsultaciji, u kome navode svaki prihvaćeni ili odbijeni \
komentar, sa obrazloženjem.

Član 5
Javno finansiranje organizacija

1. Javna sredstva za OCD dodeljuju se isključivo putem otvorenih javnih poziva.
2. Svaka institucija objavljuje:
a) godišnji plan poziva do 31. januara;
b) spisak organizacija korisnika i dodeljene iznose;
c) izveštaje o praćenju finansiranih projekata.

Član 6
Volonterizam

1. Vlada podstiče volonterizam kao društvenu vrednost i priznaje volontersko iskustvo prilikom \
zapošljavanja u javnom sektoru.
2. Ministarstvo nadležno za omladinu vodi registar organizacija domaćina volontera.

POGLAVLJE III
SPROVOĐENJE I PRAĆENJE

Član 7
Savet za saradnju

1. Savet za saradnju sa civilnim društvom sastoji se od 15 članova iz institucija i 15 članova \
iz OCD.
2. Savet se sastaje najmanje četiri puta godišnje i objavljuje zapisnike sa svojih sastanaka.
3. Kancelarija za dobro upravljanje obavlja funkciju sekretarijata Saveta.

Član 8
Izveštavanje

1. Kancelarija za dobro upravljanje izrađuje godišnji izveštaj o sprovođenju strategije do 31. \
marta naredne godine.
2. Izveštaj se objavljuje na platformi za konsultacije i razmatra na Savetu.

POGLAVLJE IV
ZAVRŠNE ODREDBE

Član 9
Stupanje na snagu

Ova strategija stupa na snagu danom usvajanja od strane Vlade.
"""

TRANSPORT_V1_MD = """# Rregullorja për Transportin Publik Urban në Komunën e Prishtinës

Kuvendi i Komunës së Prishtinës, në mbështetje të nenit 12 të Ligjit për vetëqeverisjen lokale \
dhe të nenit 32 të Statutit të Komunës, miraton:

Neni 1
Qëllimi

Kjo rregullore përcakton kushtet e ofrimit të transportit publik urban, tarifat dhe të drejtat e \
udhëtarëve në territorin e Komunës së Prishtinës.

Neni 2
Linjat urbane

1. Linjat urbane dhe stacionet i përcakton Drejtoria për Shërbime Publike.
2. Çdo ndryshim i linjave publikohet së paku 15 ditë para se të hyjë në fuqi.

Neni 3
Tarifat

1. Çmimi i biletës së vetme është 0,50 euro.
2. Udhëtojnë me zbritje prej 50%:
a) nxënësit e shkollave fillore dhe të mesme;
b) pensionistët.

Neni 4
Orari i qarkullimit

1. Autobusët qarkullojnë çdo ditë nga ora 06:00 deri në orën 23:00.
2. Orari publikohet në çdo stacion dhe në faqen elektronike të Komunës.

Neni 5
Kontrolli i biletave

1. Kontrollin e biletave e kryejnë kontrollorët e autorizuar nga operatori.
2. Kontrollori identifikohet me kartelë zyrtare.

Neni 6
Gjobat

Udhëtari pa biletë të vlefshme gjobitet me 10 euro.

Neni 7
Hyrja në fuqi

Kjo rregullore hyn në fuqi pesëmbëdhjetë ditë pas publikimit në gjuhën shqipe dhe serbe.
"""

# Version 2, after the round: tariffs and timetable edited (Neni 3, Neni 4), ticket control
# removed (Neni 5), an article on adapted transport added, the rest renumbered.
TRANSPORT_V2_MD = """# Rregullorja për Transportin Publik Urban në Komunën e Prishtinës

Kuvendi i Komunës së Prishtinës, në mbështetje të nenit 12 të Ligjit për vetëqeverisjen lokale \
dhe të nenit 32 të Statutit të Komunës, miraton:

Neni 1
Qëllimi

Kjo rregullore përcakton kushtet e ofrimit të transportit publik urban, tarifat dhe të drejtat e \
udhëtarëve në territorin e Komunës së Prishtinës.

Neni 2
Linjat urbane

1. Linjat urbane dhe stacionet i përcakton Drejtoria për Shërbime Publike.
2. Çdo ndryshim i linjave publikohet së paku 15 ditë para se të hyjë në fuqi.

Neni 3
Tarifat

1. Çmimi i biletës së vetme është 0,40 euro.
2. Udhëtojnë me zbritje prej 50%:
a) nxënësit e shkollave fillore dhe të mesme;
b) studentët e rregullt;
c) pensionistët.

Neni 4
Orari i qarkullimit

1. Autobusët qarkullojnë çdo ditë nga ora 05:30 deri në mesnatë.
2. Orari publikohet në çdo stacion, në faqen elektronike të Komunës dhe në aplikacionin e \
operatorit.

Neni 5
Gjobat

Udhëtari pa biletë të vlefshme gjobitet me 10 euro.

Neni 6
Transporti i përshtatur

1. Të gjitha autobusët e rinj kanë platformë për karrige me rrota.
2. Personat me aftësi të kufizuara dhe shoqëruesit e tyre udhëtojnë pa pagesë.

Neni 7
Hyrja në fuqi

Kjo rregullore hyn në fuqi pesëmbëdhjetë ditë pas publikimit në gjuhën shqipe dhe serbe.
"""

CIVIL_STATUS_MD = """# Projektligji për Gjendjen Civile

Kuvendi i Republikës së Kosovës, në mbështetje të nenit 65 (1) të Kushtetutës, miraton:

KAPITULLI I
DISPOZITAT E PËRGJITHSHME

Neni 1
Qëllimi

Ky ligj rregullon regjistrimin e ngjarjeve të gjendjes civile: lindjen, martesën dhe vdekjen.

Neni 2
Regjistrat elektronikë

1. Regjistrat e gjendjes civile mbahen në formë elektronike.
2. Qytetarët marrin ekstraktet nga regjistrat në çdo zyrë komunale ose në portalin shtetëror.

KAPITULLI II
REGJISTRIMI NGA JASHTË VENDIT

Neni 3
Regjistrimi në përfaqësitë diplomatike

1. Shtetasit që jetojnë jashtë vendit i regjistrojnë ngjarjet e gjendjes civile në përfaqësitë \
diplomatike të Republikës së Kosovës.
2. Dokumentet e lëshuara nga autoritetet e huaja pranohen me vulë apostile.

Neni 4
Hyrja në fuqi

Ky ligj hyn në fuqi pesëmbëdhjetë ditë pas publikimit në Gazetën Zyrtare.
"""

TRAVEL_DOCS_MD = """# Udhëzimi Administrativ për Pajisjen e Mërgimtarëve me Dokumente Udhëtimi

Ministri i Punëve të Brendshme, në mbështetje të ligjit për dokumentet e udhëtimit, nxjerr:

Neni 1
Qëllimi

Ky udhëzim përcakton procedurën e aplikimit për pasaportë në përfaqësitë diplomatike.

Neni 2
Aplikimi

1. Aplikimi bëhet me termin të rezervuar në portalin shtetëror.
2. Aplikuesi paraqet letërnjoftimin ose pasaportën e mëparshme.

Neni 3
Hyrja në fuqi

Ky udhëzim hyn në fuqi shtatë ditë pas nënshkrimit.
"""


# --------------------------------------------------------------------------------------------
# Consultations

OPEN_SLUG = "strategjia-bashkepunim-shoqeria-civile-2026-2030"
CLOSED_SLUG = "rregullorja-transporti-publik-prishtine"
SCHEDULED_SLUG = "projektligji-gjendja-civile"
DRAFT_SLUG = "udhezimi-dokumentet-e-udhetimit-mergimtaret"

# Votes on the open strategy: person -> (vote on the whole draft, {article key: vote}).
OPEN_VOTES = {
    "drita": ("for", {"neni-4": "for", "neni-5": "for", "neni-7": "against"}),
    "shpetim": ("for", {"neni-4": "for", "neni-5": "against", "neni-6": "abstain"}),
    "mirelinda": ("against", {"neni-4": "for", "neni-7": "against", "neni-5-2": "for"}),
    "ardita": ("for", {"neni-4-2": "against", "neni-5": "for", "neni-8": "for"}),
    "milica": ("abstain", {"neni-4": "for", "neni-6": "for"}),
    "perfaqesuese.ipd": ("for", {"neni-4-2": "against", "neni-4-3": "for", "neni-7": "for"}),
    "anetar.qzhk": ("against", {"neni-5": "for", "neni-7-1": "against"}),
}
CLOSED_VOTES = {
    "drita": ("for", {"neni-3": "against", "neni-4": "for"}),
    "shpetim": ("against", {"neni-3": "against", "neni-5": "against"}),
    "milica": ("for", {"neni-4": "for"}),
    "perfaqesuese.ipd": ("abstain", {"neni-6": "for"}),
}


@dataclass(frozen=True)
class DemoComment:
    """A comment on the closed regulation and the institution's answer to it."""

    local: str  # who writes it
    key: str | None  # the section (None: the whole draft)
    stance: str
    consent: str
    participant_type: str
    body: str
    outcome: str
    justification: str = ""
    reflected_in: str = ""  # the title of the article of version 2 it is reflected in
    wording: str = ""
    organisation: str = ""  # slug
    municipality: str = ""
    country: str = ""
    reply_to: int | None = None  # index in CLOSED_COMMENTS
    day: int = 1  # days after the opening


CLOSED_COMMENTS = [
    DemoComment(
        "drita",
        "neni-3",
        "against",
        "name",
        "citizen",
        "Bileta prej 0,50 euro është e shtrenjtë për familjet me shumë fëmijë dhe për studentët. "
        "Në shumë qytete të rajonit studentët udhëtojnë me zbritje.",
        "partially",
        "Çmimi i biletës ulet në 0,40 euro dhe studentët e rregullt marrin zbritje prej 50%. "
        "Bileta falas për studentët nuk përballohet nga buxheti komunal.",
        reflected_in="Tarifat",
        wording=(
            "2. Udhëtojnë me zbritje prej 50%: nxënësit, studentët e rregullt dhe pensionistët."
        ),
        municipality="Prishtinë",
        day=1,
    ),
    DemoComment(
        "shpetim",
        "neni-4",
        "against",
        "hidden",
        "citizen",
        "Autobusi i fundit në orën 23:00 nuk u shërben punëtorëve të turnit të dytë, që "
        "mbarojnë punën në mesnatë.",
        "accepted",
        "Orari zgjatet nga ora 05:30 deri në mesnatë.",
        reflected_in="Orari i qarkullimit",
        wording="1. Autobusët qarkullojnë çdo ditë nga ora 05:30 deri në mesnatë.",
        municipality="Fushë Kosovë",
        day=2,
    ),
    DemoComment(
        "drita",
        "neni-4",
        "for",
        "name",
        "citizen",
        "Pajtohem. Edhe infermierët e Qendrës Klinike kthehen nga turni pas orës 23:00.",
        "noted",
        "Shih përgjigjen për komentin të cilit i përgjigjet ky koment.",
        municipality="Prishtinë",
        reply_to=1,
        day=3,
    ),
    DemoComment(
        "milica",
        None,
        "neutral",
        "name",
        "citizen",
        "Molim da red vožnje i obaveštenja na stanicama budu objavljeni i na srpskom jeziku.",
        "noted",
        "Sipas Ligjit për përdorimin e gjuhëve, orari publikohet në shqip dhe në serbisht; kjo "
        "nuk rregullohet me këtë rregullore.",
        municipality="Graçanicë",
        day=4,
    ),
    DemoComment(
        "perfaqesuese.ipd",
        "neni-5",
        "against",
        "organisation",
        "cso",
        "Kontrolli i biletave nga operatori privat, pa mbikëqyrje të Komunës dhe pa procedurë "
        "ankese, rrezikon abuzime me udhëtarët.",
        "accepted",
        "Neni për kontrollin e biletave hiqet; kontrolli do të rregullohet me akt të veçantë pas "
        "konsultimit me shoqatat e udhëtarëve.",
        organisation="instituti-per-politika-demokratike",
        day=5,
    ),
    DemoComment(
        "anetar.qzhk",
        None,
        "against",
        "organisation",
        "cso",
        "Rregullorja nuk thotë asgjë për personat me aftësi të kufizuara. Autobusët duhet të "
        "kenë platformë për karrige me rrota.",
        "accepted",
        "U shtua neni për transportin e përshtatur.",
        reflected_in="Transporti i përshtatur",
        wording="Të gjitha autobusët e rinj kanë platformë për karrige me rrota.",
        organisation="qendra-per-zhvillimin-e-komunitetit",
        day=8,
    ),
    DemoComment(
        "ardita",
        "neni-6",
        "against",
        "name",
        "citizen",
        "Gjoba prej 10 eurosh është e lartë për dikë që harron biletën një herë. Propozoj një "
        "paralajmërim për herën e parë.",
        "rejected",
        "Gjoba prej 10 eurosh është e njëjtë me atë të komunave të tjera dhe nuk ka ndryshuar që "
        "nga viti 2015; paralajmërimi do ta vështirësonte kontrollin.",
        country="DE",
        day=9,
    ),
    DemoComment(
        "mirelinda",
        "neni-2",
        "for",
        "name",
        "citizen",
        "Mirë që çdo ndryshim i linjave publikohet 15 ditë përpara.",
        "noted",
        municipality="Prishtinë",
        day=12,
    ),
]
CLOSED_PAPER = {
    "title": "Qëndrimi i IPD për Rregulloren e Transportit Publik Urban",
    "summary": (
        "Instituti për Politika Demokratike mbështet rregulloren, por kërkon tarifa më të ulëta "
        "për grupet në nevojë dhe heqjen e kontrollit të biletave nga operatori privat."
    ),
    "points": {
        "neni-3": "Studentët e rregullt duhet të përfshihen në zbritjen prej 50%.",
        "neni-5": "Kontrolli i biletave duhet të mbikëqyret nga inspektorati komunal.",
    },
    "outcome": "partially",
    "justification": (
        "Zbritja për studentët u pranua; kontrolli i biletave u hoq nga rregullorja dhe do të "
        "rregullohet veçmas."
    ),
    "reflected_in": "Tarifat",
    "day": 14,
}


# Public hearings on the open strategy: one held yesterday evening, with its record (questions
# and remarks, upvotes, the institution's answers, one post hidden by the moderator), and one
# next week.
PAST_HEARING_TITLE = "Dëgjimi publik për Strategjinë në Prishtinë"
NEXT_HEARING_TITLE = "Dëgjimi publik për Strategjinë në Mitrovicë"


@dataclass(frozen=True)
class DemoHearingItem:
    local: str  # who posts it
    kind: str
    body: str
    consent: str = "name"
    organisation: str = ""  # slug
    upvoted_by: tuple[str, ...] = ()
    answer: str | None = None  # None: not answered; "": answered without a note
    hidden: str = ""  # a FlagReason: hidden by the moderator
    minute: int = 5  # minutes after the start


PAST_HEARING_ITEMS = [
    DemoHearingItem(
        "drita",
        "question",
        "Si do të sigurohet që fondet publike për organizatat ndahen në mënyrë transparente "
        "edhe në komunat e vogla?",
        upvoted_by=("shpetim", "mirelinda", "ardita", "perfaqesuese.ipd"),
        answer="Neni 5 kërkon thirrje publike dhe publikimin e vendimeve; komunat raportojnë çdo "
        "vit te Zyra për Qeverisje të Mirë.",
        minute=8,
    ),
    DemoHearingItem(
        "perfaqesuese.ipd",
        "remark",
        "Këshilli për Bashkëpunim duhet të ketë përfaqësues edhe nga organizatat e komuniteteve "
        "joshumicë.",
        consent="organisation",
        organisation=IPD,
        upvoted_by=("drita", "milica", "anetar.qzhk"),
        answer="",
        minute=15,
    ),
    DemoHearingItem(
        "milica",
        "question",
        "A do të publikohet strategjia edhe në gjuhën serbe, që ta lexojnë komunitetet në veri?",
        upvoted_by=("ardita",),
        answer="Po: çdo dokument i konsultimit publikohet në shqip, serbisht dhe anglisht.",
        minute=22,
    ),
    DemoHearingItem(
        "shpetim",
        "question",
        "Pse afati për komente është vetëm pak javë, kur strategjia vlen për pesë vjet?",
        consent="hidden",
        upvoted_by=("drita", "anetar.qzhk"),
        minute=30,
    ),
    DemoHearingItem(
        "ardita",
        "remark",
        "Faleminderit që seanca transmetohet: bashkatdhetarët nga Gjermania mund të marrin pjesë "
        "pa udhëtuar.",
        upvoted_by=("milica",),
        minute=41,
    ),
    DemoHearingItem(
        "anetar.qzhk",
        "question",
        "Më telefononi në 044 000 000 për të më shpjeguar çdo nen veç e veç.",
        hidden="personal_data",
        minute=47,
    ),
]


def _demo_pdf() -> bytes:
    """A one-page PDF for the demo position paper (written with pypdf, no external tool)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# Consultation plans for 2026 (plans app): (institution, official, items). Each item: title,
# kind, planned quarter, and what becomes of it: the slug of the consultation that carries it
# out, "drop: <reason>", or "" (planned; late once its quarter has ended).
PLAN_YEAR = 2026
DEMO_PLANS = [
    (
        ZQM,
        "zyrtar.zqm",
        "Zyra për Qeverisje të Mirë konsulton publikun për çdo dokument strategjik që harton.",
        [
            ("Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030", "strategy", 4, OPEN_SLUG),
            (
                "Udhëzimi Administrativ për standardet minimale të konsultimit publik",
                "administrative_instruction",
                2,
                "",
            ),
            (
                "Koncept-dokumenti për vullnetarizmin",
                "concept_document",
                3,
                "drop: Çështjet e vullnetarizmit u përfshinë në nenin 6 të strategjisë.",
            ),
            ("Plani i veprimit për qeverisje të hapur 2027–2028", "action_plan", 4, ""),
        ],
    ),
    (
        MPB,
        "zyrtare.mpb",
        "",
        [
            ("Projektligji për Gjendjen Civile", "law", 4, SCHEDULED_SLUG),
            (
                "Udhëzimi Administrativ për Pajisjen e Mërgimtarëve me Dokumente Udhëtimi",
                "administrative_instruction",
                4,
                DRAFT_SLUG,
            ),
            ("Projektligji për të Huajt", "law", 1, ""),
            (
                "Rregullorja për armët e zjarrit",
                "regulation",
                2,
                "drop: Rregullorja do të hartohet pas miratimit të ligjit të ri për armët.",
            ),
        ],
    ),
]
# (person, what they follow, frequency): an institution slug, "kind:<kind>", a consultation
# slug ("consultation:<slug>") or a planned item's title ("item:<title>").
DEMO_SUBSCRIPTIONS = [
    ("drita", ZQM, "immediate"),
    ("mirelinda", MPB, "weekly"),
    ("shpetim", "kind:law", "weekly"),
    ("milica", f"consultation:{OPEN_SLUG}", "immediate"),
    ("ardita", "item:Projektligji për të Huajt", "immediate"),
]


class Command(BaseCommand):
    help = (
        "Create Albanian demo content (institutions, CSOs, people, consultations in every stage, "
        "votes) and print the demo logins. Safe to run again: only what is missing is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"Password for newly created demo accounts (default: {DEMO_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        self.password = password
        self._password_hash: str | None = None
        self.created: list[str] = []
        self.orgs: dict[str, Organisation] = {}
        self.people: dict[str, User] = {}

        with transaction.atomic():
            admin = self._person(ADMIN)
            for org in ORGANISATIONS:
                self.orgs[org.slug] = self._organisation(org, admin)
            for person in PEOPLE:
                self.people[person.local] = self._person(person)
        self._open_consultation()
        self._hearings()
        self._open_translation()
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):
            self._open_discussion()
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):
            self._closed_consultation()
        self._scheduled_consultation()
        self._draft_consultation()
        self._plans_and_subscriptions()

        if self.created:
            self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(self.created)}."))
        else:
            self.stdout.write("Nothing to create: the demo content is already there.")
        self._print_logins()

    # --- accounts ---------------------------------------------------------------------------

    def _organisation(self, spec: Org, admin: User) -> Organisation:
        org = Organisation.objects.filter(slug=spec.slug).first()
        if org is None:
            org = accounts_services.organisation_create(
                kind=spec.kind,
                name=spec.name,
                slug=spec.slug,
                registration_number=spec.registration_number,
                website=spec.website,
                description=spec.description,
            )
            self.created.append(f"organisation {spec.slug}")
        if spec.verified and not org.is_verified:
            org = accounts_services.organisation_set_verification(
                actor=admin, organisation=org, status=V.VERIFIED
            )
        return org

    def _person(self, spec: Person) -> User:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            create = User.objects.create_superuser if spec.superuser else User.objects.create_user
            user = create(
                spec.email,
                None,
                display_name=spec.display_name,
                preferred_language=spec.language,
                is_staff=spec.staff,
                email_verified=False,
            )
            # One hash for every demo account: they share a published password anyway, and
            # hashing it once keeps the command fast (PBKDF2 takes most of a second).
            if self._password_hash is None:
                self._password_hash = make_password(self.password)
            user.password = self._password_hash
            user.save(update_fields=["password"])
            self.created.append(f"person {spec.email}")
        if spec.verified:
            accounts_services.user_mark_email_verified(user=user)
        EmailAddress.objects.get_or_create(
            user=user,
            email=spec.email,
            defaults={"verified": spec.verified, "primary": True},
        )
        if spec.moderator:
            group, _created = Group.objects.get_or_create(name=MODERATORS_GROUP)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
        if spec.organisation:
            org = self.orgs[spec.organisation]
            if not Membership.objects.filter(user=user, organisation=org).exists():
                accounts_services.membership_add(user=user, organisation=org, role=spec.membership)
        return user

    # --- consultations ----------------------------------------------------------------------

    def _new_consultation(self, slug: str, official: str, institution: str, **fields):
        """Create a draft consultation as the institution's official (the callers check first
        that no consultation has the slug, and run in one transaction each)."""
        return consult_services.consultation_create(
            actor=self.people[official],
            institution=self.orgs[institution],
            slug=slug,
            **fields,
        )

    def _import(self, official: str, consultation: Consultation, text: str, name: str):
        return proposal_services.proposal_import(
            actor=self.people[official],
            consultation=consultation,
            data=text.encode(),
            filename=name,
            note="Teksti i parë i publikuar për konsultim.",
        )

    def _votes(self, proposal: Proposal, votes: dict) -> None:
        sections = {s.key: s for s in Section.objects.filter(proposal=proposal, is_current=True)}
        for local, (whole, by_key) in votes.items():
            person = self.people[local]
            proposal_services.vote_cast(actor=person, proposal=proposal, choice=whole)
            for key, choice in by_key.items():
                proposal_services.vote_cast(
                    actor=person, proposal=proposal, section=sections[key], choice=choice
                )

    @transaction.atomic
    def _open_consultation(self) -> None:
        if Consultation.objects.filter(slug=OPEN_SLUG).exists():
            return
        today = timezone.localdate()
        opens_at = _local(today - dt.timedelta(days=3), 9)
        closes_at = _local(add_working_days(opens_at, 22), 16)
        consultation = self._new_consultation(
            OPEN_SLUG,
            "zyrtar.zqm",
            ZQM,
            title="Strategjia për Bashkëpunim me Shoqërinë Civile 2026–2030",
            kind=Consultation.Kind.STRATEGY,
            summary=(
                "Strategjia e re përcakton si bashkëpunojnë institucionet me organizatat e "
                "shoqërisë civile: konsultimi publik, financimi i drejtë dhe transparent, "
                "vullnetarizmi dhe Këshilli për Bashkëpunim. Komentoni çdo nen dhe votoni."
            ),
            contact_name="Arbër Gashi",
            contact_email=f"zqm@{DOMAIN}",
            opens_at=opens_at,
            closes_at=closes_at,
        )
        proposal = self._import("zyrtar.zqm", consultation, STRATEGY_MD, "strategjia-2026.md")
        # The opening time has passed, so scheduling opens it at once.
        proposal.consultation = consult_services.consultation_schedule(
            actor=self.people["zyrtar.zqm"], consultation=consultation
        )
        self._votes(proposal, OPEN_VOTES)
        self.created.append(f"open consultation {OPEN_SLUG}")

    @transaction.atomic
    def _open_discussion(self) -> None:
        from ._demo_discussion import seed_open_discussion

        proposal = Proposal.objects.filter(consultation__slug=OPEN_SLUG).order_by("pk").first()
        if proposal is not None and seed_open_discussion(self, proposal, _demo_pdf()):
            self.created.append("discussion on the open consultation")

    @transaction.atomic
    def _open_translation(self) -> None:
        """The open strategy's title, summary and text in Serbian (Latin), through the services;
        added when missing (also to a demo database seeded before translations existed)."""
        consultation = Consultation.objects.filter(slug=OPEN_SLUG).first()
        official = self.people["zyrtar.zqm"]
        if consultation is None or not rules.has_perm(
            "consult.change_consultation", official, consultation
        ):
            return
        if "sr-latn" not in consultation.title_translations:
            consultation = consult_services.consultation_update(
                actor=official,
                consultation=consultation,
                title_translations={**consultation.title_translations, "sr-latn": OPEN_TITLE_SR},
                summary_translations={
                    **consultation.summary_translations,
                    "sr-latn": OPEN_SUMMARY_SR,
                },
            )
            self.created.append(f"Serbian title and summary of {OPEN_SLUG}")
        proposal = Proposal.objects.filter(consultation=consultation).first()
        version = proposal.current_version if proposal else None
        if version is not None and "sr-latn" not in version.title_translations:
            proposal_services.proposal_translation_import(
                actor=official,
                proposal=proposal,
                language="sr-latn",
                data=STRATEGY_SR_MD.encode(),
                filename="strategija-2026-sr.md",
            )
            self.created.append(f"Serbian text of {OPEN_SLUG}")

    @transaction.atomic
    def _hearings(self) -> None:
        """The open strategy's public hearings (each looked up by its title first). They happen
        while the round is open: on a database whose demo round has since closed, nothing is
        added."""
        from hearings.models import Hearing

        consultation = Consultation.objects.filter(slug=OPEN_SLUG).first()
        if consultation is None or consultation.effective_status != Consultation.Status.OPEN:
            return
        titles = set(
            Hearing.objects.filter(consultation=consultation).values_list("title", flat=True)
        )
        official = self.people["zyrtar.zqm"]
        today = timezone.localdate()
        if PAST_HEARING_TITLE not in titles:
            self._past_hearing(consultation, official, today - dt.timedelta(days=1))
            self.created.append("past hearing")
        if NEXT_HEARING_TITLE not in titles:
            starts_at = _local(today + dt.timedelta(days=7), 17)
            hearing_services.hearing_schedule(
                actor=official,
                consultation=consultation,
                title=NEXT_HEARING_TITLE,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                place="Salla e Kuvendit Komunal, Mitrovicë e Jugut",
                description=(
                    "Zyra për Qeverisje të Mirë prezanton objektivat e strategjisë për komunat e "
                    "rajonit të Mitrovicës. Pyetjet mund t'i bëni në sallë ose në këtë faqe."
                ),
            )
            self.created.append("scheduled hearing")

    def _past_hearing(self, consultation: Consultation, official: User, day: dt.date) -> None:
        """Run yesterday's hearing now through the services, then move its times to yesterday
        evening (demo-only back-dating, as for the closed consultation)."""
        from hearings.models import Hearing, HearingItem, HearingUpvote

        now = timezone.now()
        hearing = hearing_services.hearing_schedule(
            actor=official,
            consultation=consultation,
            title=PAST_HEARING_TITLE,
            starts_at=now,
            ends_at=now + dt.timedelta(hours=2),
            place="Salla e Kuvendit Komunal të Prishtinës",
            description=(
                "Zyra për Qeverisje të Mirë prezantoi draftin e strategjisë dhe u përgjigj "
                "pyetjeve të pjesëmarrësve në sallë dhe në internet."
            ),
        )
        hearing = hearing_services.hearing_start(actor=official, hearing=hearing)
        items = []
        for spec in PAST_HEARING_ITEMS:
            item = hearing_services.item_post(
                actor=self.people[spec.local],
                hearing=hearing,
                kind=spec.kind,
                body=spec.body,
                consent=spec.consent,
                organisation=self.orgs[spec.organisation] if spec.organisation else None,
            )
            for local in spec.upvoted_by:
                hearing_services.item_upvote(actor=self.people[local], item=item)
            if spec.answer is not None:
                hearing_services.item_mark_answered(actor=official, item=item, note=spec.answer)
            if spec.hidden:
                hearing_services.item_hide(
                    actor=self.people["moderatore"], item=item, reason=spec.hidden
                )
            items.append(item)
        hearing = hearing_services.hearing_end(actor=official, hearing=hearing)

        # Demo-only back-dating: the hearing took place yesterday from 17:00 to 19:00.
        starts_at = _local(day, 17)
        ends_at = starts_at + dt.timedelta(hours=2)
        started_at = starts_at + dt.timedelta(minutes=3)
        ended_at = ends_at - dt.timedelta(minutes=10)
        Hearing.objects.filter(pk=hearing.pk).update(
            starts_at=starts_at,
            ends_at=ends_at,
            started_at=started_at,
            ended_at=ended_at,
            created_at=starts_at - dt.timedelta(days=2),
        )
        history = Hearing.history.filter(id=hearing.pk)
        history.update(
            starts_at=starts_at,
            ends_at=ends_at,
        )
        for reason, when in (
            ("scheduled", starts_at - dt.timedelta(days=2)),
            ("started", started_at),
            ("ended", ended_at),
        ):
            history.filter(history_change_reason=reason).update(history_date=when)
        history.filter(history_change_reason="started").update(started_at=started_at)
        history.filter(history_change_reason="ended").update(
            started_at=started_at, ended_at=ended_at
        )
        for item, spec in zip(items, PAST_HEARING_ITEMS, strict=True):
            posted = started_at + dt.timedelta(minutes=spec.minute)
            later = min(posted + dt.timedelta(minutes=12), ended_at)
            HearingItem.objects.filter(pk=item.pk).update(
                created_at=posted, answered_at=later if spec.answer is not None else None
            )
            records = HearingItem.history.filter(id=item.pk)
            records.update(created_at=posted)
            records.filter(history_change_reason="posted").update(history_date=posted)
            records.exclude(history_change_reason="posted").update(history_date=later)
            HearingUpvote.objects.filter(item=item).update(created_at=posted)
            HearingUpvote.history.filter(item_id=item.pk).update(history_date=posted)

    @transaction.atomic
    def _closed_consultation(self) -> None:
        if Consultation.objects.filter(slug=CLOSED_SLUG).exists():
            return
        official = self.people["zyrtar.prishtina"]
        consultation = self._new_consultation(
            CLOSED_SLUG,
            "zyrtar.prishtina",
            PRISHTINA,
            title="Rregullorja për Transportin Publik Urban në Komunën e Prishtinës",
            kind=Consultation.Kind.REGULATION,
            summary=(
                "Tarifat, orari dhe të drejtat e udhëtarëve në autobusët urbanë. Pas konsultimit "
                "u publikua versioni i dytë: bileta më e lirë, orar më i gjatë dhe transport i "
                "përshtatur për personat me aftësi të kufizuara."
            ),
            contact_name="Driton Çeku",
            contact_email=f"transporti@{DOMAIN}",
            closes_at=timezone.now() + dt.timedelta(days=45),
            responses_visibility=Consultation.ResponsesVisibility.WITH_REPORT,
        )
        proposal = self._import(
            "zyrtar.prishtina", consultation, TRANSPORT_V1_MD, "rr-transporti.md"
        )
        proposal.consultation = consult_services.consultation_open(
            actor=official, consultation=consultation
        )
        self._votes(proposal, CLOSED_VOTES)
        comments, paper = self._closed_comments(proposal)
        proposal.consultation = consult_services.consultation_close(
            actor=official, consultation=consultation
        )
        v2 = proposal_services.proposal_version_publish(
            actor=official,
            proposal=proposal,
            data=TRANSPORT_V2_MD.encode(),
            filename="rr-transporti-v2.md",
            note=(
                "Versioni i rishikuar pas konsultimit: bileta 0,40 euro, zbritje për studentët, "
                "orar deri në mesnatë, hiqet neni për kontrollin e biletave, shtohet neni për "
                "transportin e përshtatur."
            ),
        )

        # Demo-only back-dating (see the module docstring): the round took place last month.
        today = timezone.localdate()
        opens_at = _local(today - dt.timedelta(days=60), 9)
        closes_at = _local(add_working_days(opens_at, 20), 16)
        created_at = opens_at - dt.timedelta(days=5)
        revised_at = min(closes_at + dt.timedelta(days=7), timezone.now())
        Consultation.objects.filter(pk=consultation.pk).update(
            opens_at=opens_at, closes_at=closes_at, created_at=created_at
        )
        history = Consultation.history.filter(id=consultation.pk)
        for reason, when in (
            ("created", created_at),
            ("opened", opens_at),
            ("closed", closes_at),
        ):
            history.filter(history_change_reason=reason).update(
                history_date=when, opens_at=opens_at, closes_at=closes_at
            )
        v1 = ProposalVersion.objects.get(proposal=proposal, number=1)
        for version, when in ((v1, created_at), (v2, revised_at)):
            ProposalVersion.objects.filter(pk=version.pk).update(created_at=when)
            ProposalVersion.history.filter(id=version.pk).update(history_date=when)
        voted_at = opens_at + dt.timedelta(days=3)
        Vote.objects.filter(proposal=proposal).update(created_at=voted_at, updated_at=voted_at)
        self._closed_answers(proposal, comments, paper, opens_at, closes_at)
        # The report, published now (after the answers it lists).
        report_services.report_publish(actor=official, consultation=consultation)
        self.created.append(f"closed consultation {CLOSED_SLUG}")

    def _closed_comments(self, proposal: Proposal) -> tuple[list, object]:
        """The comments (a reply among them) and a position paper, while the round is open."""
        sections = {s.key: s for s in Section.objects.filter(proposal=proposal, is_current=True)}
        comments = []
        for spec in CLOSED_COMMENTS:
            comments.append(
                comment_services.comment_create(
                    actor=self.people[spec.local],
                    proposal=proposal,
                    section=sections[spec.key] if spec.key else None,
                    parent=comments[spec.reply_to] if spec.reply_to is not None else None,
                    body=spec.body,
                    stance=spec.stance,
                    consent=spec.consent,
                    participant_type=spec.participant_type,
                    proposed_wording=spec.wording,
                    organisation=self.orgs[spec.organisation] if spec.organisation else None,
                    municipality=spec.municipality,
                    country=spec.country,
                )
            )
        paper = comment_services.position_paper_submit(
            actor=self.people["perfaqesuese.ipd"],
            consultation=proposal.consultation,
            organisation=self.orgs[IPD],
            title=CLOSED_PAPER["title"],
            summary=CLOSED_PAPER["summary"],
            pdf=_demo_pdf(),
            points=CLOSED_PAPER["points"],
        )
        return comments, paper

    def _closed_answers(self, proposal, comments, paper, opens_at, closes_at) -> None:
        """Back-date the submissions into the round (demo only, see the module docstring), then
        answer every one of them, as the official, a few days after the round closed."""
        from comments.models import Comment, OfficialResponse, PositionPaper

        for comment, spec in zip(comments, CLOSED_COMMENTS, strict=True):
            when = opens_at + dt.timedelta(days=spec.day, hours=2)
            Comment.objects.filter(pk=comment.pk).update(created_at=when)
            Comment.history.filter(id=comment.pk).update(history_date=when)
        when = opens_at + dt.timedelta(days=CLOSED_PAPER["day"], hours=3)
        PositionPaper.objects.filter(pk=paper.pk).update(created_at=when)
        PositionPaper.history.filter(id=paper.pk).update(history_date=when)

        official = self.people["zyrtar.prishtina"]
        by_title = {s.title: s for s in Section.objects.filter(proposal=proposal, is_current=True)}
        answers = [
            comment_services.response_set(
                actor=official,
                comment=comment,
                outcome=spec.outcome,
                justification=spec.justification,
                reflected_in=by_title.get(spec.reflected_in) if spec.reflected_in else None,
            )
            for comment, spec in zip(comments, CLOSED_COMMENTS, strict=True)
        ]
        answers.append(
            comment_services.response_set(
                actor=official,
                position_paper=paper,
                outcome=CLOSED_PAPER["outcome"],
                justification=CLOSED_PAPER["justification"],
                reflected_in=by_title.get(CLOSED_PAPER["reflected_in"]),
            )
        )
        answered_at = min(closes_at + dt.timedelta(days=3), timezone.now())
        ids = [answer.pk for answer in answers]
        OfficialResponse.objects.filter(pk__in=ids).update(
            created_at=answered_at, updated_at=answered_at
        )
        OfficialResponse.history.filter(id__in=ids).update(history_date=answered_at)

    @transaction.atomic
    def _scheduled_consultation(self) -> None:
        if Consultation.objects.filter(slug=SCHEDULED_SLUG).exists():
            return
        today = timezone.localdate()
        next_monday = today + dt.timedelta(days=7 - today.weekday())
        opens_at = _local(next_monday, 9)
        closes_at = _local(add_working_days(opens_at, 15), 16)
        consultation = self._new_consultation(
            SCHEDULED_SLUG,
            "zyrtare.mpb",
            MPB,
            title="Projektligji për Gjendjen Civile",
            kind=Consultation.Kind.LAW,
            summary=(
                "Regjistrat elektronikë të gjendjes civile dhe regjistrimi i lindjeve, "
                "martesave e vdekjeve për bashkatdhetarët jashtë vendit."
            ),
            contact_name="Fatmire Hoxha",
            contact_email=f"gjendjacivile@{DOMAIN}",
            opens_at=opens_at,
            closes_at=closes_at,
        )
        self._import("zyrtare.mpb", consultation, CIVIL_STATUS_MD, "projektligji.md")
        consult_services.consultation_schedule(
            actor=self.people["zyrtare.mpb"], consultation=consultation
        )
        self.created.append(f"scheduled consultation {SCHEDULED_SLUG}")

    @transaction.atomic
    def _draft_consultation(self) -> None:
        if Consultation.objects.filter(slug=DRAFT_SLUG).exists():
            return
        consultation = self._new_consultation(
            DRAFT_SLUG,
            "zyrtare.mpb",
            MPB,
            title="Udhëzimi Administrativ për Pajisjen e Mërgimtarëve me Dokumente Udhëtimi",
            kind=Consultation.Kind.ADMINISTRATIVE_INSTRUCTION,
            summary="Aplikimi për pasaportë në ambasada dhe konsullata me termin të rezervuar.",
            contact_name="Fatmire Hoxha",
            contact_email=f"pasaportat@{DOMAIN}",
        )
        self._import("zyrtare.mpb", consultation, TRAVEL_DOCS_MD, "udhezimi.md")
        self.created.append(f"draft consultation {DRAFT_SLUG}")

    # --- plans and subscriptions ---------------------------------------------------------

    @transaction.atomic
    def _plans_and_subscriptions(self) -> None:
        """The 2026 consultation plans of two institutions, with an item in every status, and
        a few citizens following things (``plans.services``, ``subscriptions.services``)."""
        from plans import services as plan_services
        from plans.models import ConsultationPlan, PlannedItem
        from subscriptions import services as subscription_services
        from subscriptions.models import Subscription

        for slug, official_local, note, items in DEMO_PLANS:
            official = self.people[official_local]
            plan = ConsultationPlan.objects.filter(institution__slug=slug, year=PLAN_YEAR).first()
            if plan is None:
                plan = plan_services.plan_create(
                    actor=official, institution=self.orgs[slug], year=PLAN_YEAR, note=note
                )
                self.created.append(f"plan {slug} {PLAN_YEAR}")
            for title, kind, quarter, fate in items:
                if PlannedItem.objects.filter(plan=plan, title=title).exists():
                    continue
                item = plan_services.planned_item_create(
                    actor=official, plan=plan, title=title, kind=kind, planned_quarter=quarter
                )
                if fate.startswith("drop: "):
                    plan_services.planned_item_drop(
                        actor=official, item=item, reason=fate.removeprefix("drop: ")
                    )
                elif fate:
                    plan_services.planned_item_link(
                        actor=official,
                        item=item,
                        consultation=Consultation.objects.get(slug=fate),
                    )
            if plan.published_at is None:
                plan_services.plan_publish(actor=official, plan=plan)

        for local, target, frequency in DEMO_SUBSCRIPTIONS:
            person = self.people[local]
            if target.startswith("kind:"):
                followed = target.removeprefix("kind:")
            elif target.startswith("consultation:"):
                followed = Consultation.objects.get(slug=target.removeprefix("consultation:"))
            elif target.startswith("item:"):
                followed = PlannedItem.objects.get(
                    plan__year=PLAN_YEAR, title=target.removeprefix("item:")
                )
            else:
                followed = self.orgs[target]
            lookup = subscription_services.target_lookup(followed)
            if Subscription.objects.filter(user=person, **lookup).exists():
                continue
            subscription_services.subscription_follow(
                actor=person, target=followed, frequency=frequency
            )
            self.created.append(f"subscription of {person.email}")

    # --- output -----------------------------------------------------------------------------

    def _print_logins(self) -> None:
        rows = [("Email", "Name", "Role")] + [(p.email, p.display_name, p.role) for p in PEOPLE]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        line = "+".join("-" * (w + 2) for w in widths)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every account: {self.password})")
        self.stdout.write(f"+{line}+")
        for n, row in enumerate(rows):
            cells = " | ".join(value.ljust(widths[i]) for i, value in enumerate(row))
            self.stdout.write(f"| {cells} |")
            if n == 0:
                self.stdout.write(f"+{line}+")
        self.stdout.write(f"+{line}+")
