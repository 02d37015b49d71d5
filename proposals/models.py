"""Draft policy documents, their versions, their sections and the votes on them.

Identity model (why it is shaped like this):

* ``Section`` is the *stable anchor* of one part of a draft (an article, a paragraph, a point),
  identified by ``(proposal, key)``: ``neni-5``, ``neni-5-2``, ``neni-5-2-1``. Comments and votes
  point at a ``Section``, so they stay attached when a new version of the draft is published. Its
  text fields hold the *current* text, and simple-history records every change with the acting
  user.
* ``ProposalVersion`` is one published text of the draft (1, 2, ...). ``SectionText`` is the
  immutable snapshot of one section in one version; comparing two versions joins their snapshots
  by section. A section absent from the current version keeps its row (``is_current=False``) so
  what was said about it is never orphaned.

Languages (Kosovo's institutions publish their drafts in Albanian and Serbian; English is used
with partners and the diaspora):

* every version has its original language, ``ProposalVersion.language`` (the consultation's
  language when it is published, ``"sq"`` by default). ``Section`` and ``SectionText`` hold the
  text in that language, and nothing else changes: keys, comments and votes belong to the
  sections whatever the language a person reads them in.
* a version may be *translated*: ``SectionTextTranslation`` is one section of one version in
  another language (title and body), unique per ``(version, section, language)``. A translation
  is imported from a file like the original (``services.proposal_translation_import``) and
  aligned with the version's sections *by structure*, never by text: the same sections in the
  same document order, of the same kind, with the same numbers (chapters compared as numbers,
  ``II`` = ``2``; a lettered point ``a)`` may be lettered in the other alphabet's order). A file
  whose structure differs is refused, naming the first article where it differs, and nothing is
  stored. Importing the same language again corrects the translation in place (its history
  keeps the earlier text).
* ``ProposalVersion.title_translations`` maps each language the version is translated into to
  the document's title in that language (``""`` when the file had none). Its keys are *the*
  list of a version's translations, written in the same transaction as the rows: a page knows
  which languages it can offer from the version it has already loaded, without a query.
* reading: the selectors take ``language=`` and attach ``display_title`` / ``display_body`` to
  each section (the translation when there is one, else the original), joining the translation
  rows into the query that loads the sections, so a page's query count does not change;
  templates read ``display_*`` with the original as the fallback. ``version_flat_sections(v,
  language=...)`` gives the translated text for the per-language comparison of versions.
  A new version starts untranslated: translations belong to the text they translate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.models import Consultation


class Proposal(models.Model):
    class Kind(models.TextChoices):
        DRAFT_ACT = "draft_act", _("Draft act")
        EXPLANATORY_MEMORANDUM = "explanatory_memorandum", _("Explanatory memorandum")
        ALTERNATIVE = "alternative", _("Alternative option")
        OTHER = "other", _("Other document")

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=250)
    slug = models.SlugField(_("slug"), max_length=90)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.DRAFT_ACT)
    position = models.PositiveIntegerField(_("position"), default=0)
    current_version = models.ForeignKey(
        "ProposalVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("current version"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("draft document")
        verbose_name_plural = _("draft documents")
        ordering = ["consultation", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "slug"], name="proposal_slug_unique_in_consultation"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "proposals:detail", kwargs={"slug": self.consultation.slug, "proposal": self.slug}
        )


class ProposalVersion(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    note = models.TextField(_("note"), blank=True)
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    language = models.CharField(
        _("original language"), max_length=10, choices=settings.LANGUAGES, default="sq"
    )
    # Language code -> the document's title in that language, for every language the version
    # is translated into (see the module docstring; written by the translation service only).
    title_translations = models.JSONField(_("translations"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="proposal_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.number}"

    @property
    def languages(self) -> list[str]:
        """The original language first, then the translations, in the site's order."""
        from consult.languages import language_codes

        translated = set(self.title_translations or {})
        return [self.language] + [
            code for code in language_codes() if code in translated and code != self.language
        ]


class SectionKind(models.TextChoices):
    PREAMBLE = "preamble", _("Preamble")
    CHAPTER = "chapter", _("Chapter")
    ARTICLE = "article", _("Article")
    PARAGRAPH = "paragraph", _("Paragraph")
    POINT = "point", _("Point")


class Section(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(_("key"), max_length=80)
    kind = models.CharField(_("kind"), max_length=12, choices=SectionKind.choices)
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    depth = models.PositiveSmallIntegerField(default=0)
    is_current = models.BooleanField(_("in the current version"), default=True)
    introduced_in = models.ForeignKey(
        ProposalVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["proposal", "position"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "key"], name="section_key_unique")
        ]
        indexes = [models.Index(fields=["proposal", "is_current", "position"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from .labels import section_label

        return section_label(self.kind, self.number, self.title)

    @property
    def display_label(self) -> str:
        """The label with the title in the language the page shows (``display_title``, set by
        the selectors), else the original title."""
        from .labels import section_label

        return section_label(
            self.kind, self.number, getattr(self, "display_title", None) or self.title
        )


class SectionText(models.Model):
    """One section as it stood in one version (immutable once the version is published)."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="texts")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="texts")
    kind = models.CharField(max_length=12, choices=SectionKind.choices)
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    parent_key = models.CharField(max_length=80, blank=True)
    position = models.PositiveIntegerField(default=0)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "section"], name="section_text_unique")
        ]

    def __str__(self) -> str:
        return f"{self.section.key} @ v{self.version.number}"


class SectionTextTranslation(models.Model):
    """One section of one version in another language than the version's own (see the module
    docstring). Written only by ``services.proposal_translation_import``."""

    version = models.ForeignKey(
        ProposalVersion, on_delete=models.CASCADE, related_name="translations"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=300, blank=True)
    body = models.TextField(_("text"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("translated section")
        verbose_name_plural = _("translated sections")
        ordering = ["version", "language", "section"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "section", "language"], name="section_translation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.section.key} @ v{self.version.number} [{self.language}]"


class Vote(models.Model):
    """One person's vote on a whole draft (``section`` empty) or on one of its sections.

    One vote per person per target is a database constraint (two partial unique constraints),
    so concurrent double submissions cannot create two rows.
    """

    class Choice(models.TextChoices):
        IN_FAVOUR = "for", _("In favour")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "proposal"],
                condition=models.Q(section__isnull=True),
                name="vote_one_per_person_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["user", "section"],
                condition=models.Q(section__isnull=False),
                name="vote_one_per_person_per_section",
            ),
            models.CheckConstraint(
                condition=models.Q(choice__in=["for", "against", "abstain"]),
                name="vote_choice_valid",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "section", "choice"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.choice} {self.section_id or self.proposal_id}"
