"""``manage.py import_draft``: add a draft document to a consultation from a file, or publish a
new version of one, through the same services as the workspace's upload forms.

    manage.py import_draft ligji.docx --consultation SLUG [--title T] [--kind K] [--as EMAIL]
    manage.py import_draft ligji-v2.md --consultation SLUG --new-version PROPOSAL_SLUG \\
        --note "Neni 3 u ndryshua pas takimit me komunat" [--as EMAIL]
    manage.py import_draft zakon-sr.md --consultation SLUG --translation sr-latn \
        [--document PROPOSAL_SLUG] [--as EMAIL]

``--translation LANG`` publishes the file as the translation of a document's current version
into LANG (``proposals.services.proposal_translation_import``: the same structure as the
original, or it is refused); ``--document`` names the document when the consultation has more
than one.

The acting person (recorded in the history, and whose permissions are checked) is ``--as``, or
else the first official of the consultation's institution, or else the first superuser. A file
that cannot be read is refused with every problem printed on its own line; the command then
exits non-zero and stores nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User
from consult.languages import language_codes
from consult.models import Consultation
from proposals import services
from proposals.models import Proposal, SectionKind


def _megabytes(size: int) -> str:
    return formats.number_format(round(size / (1024 * 1024), 1), decimal_pos=1)


class Command(BaseCommand):
    help = (
        "Import a draft document (.docx, .md, .txt) into a consultation, or publish a new "
        "version of one of its documents (--new-version)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to import: .docx, .md, .markdown or .txt.")
        parser.add_argument(
            "--consultation", required=True, metavar="SLUG", help="The consultation's slug."
        )
        parser.add_argument(
            "--title", default="", help="The document's title (default: its first heading)."
        )
        parser.add_argument(
            "--kind",
            choices=Proposal.Kind.values,
            default=None,
            help=f"The kind of document (default: {Proposal.Kind.DRAFT_ACT}).",
        )
        parser.add_argument(
            "--as",
            dest="as_email",
            metavar="EMAIL",
            help="Act as this person (default: the first official of the institution).",
        )
        parser.add_argument(
            "--new-version",
            dest="new_version",
            metavar="PROPOSAL_SLUG",
            help="Publish the file as a new version of this document of the consultation.",
        )
        parser.add_argument(
            "--note", default="", help="With --new-version: what changed (required)."
        )
        parser.add_argument(
            "--translation",
            metavar="LANG",
            choices=language_codes(),
            default=None,
            help="Publish the file as the translation of a document's current text into LANG.",
        )
        parser.add_argument(
            "--document",
            metavar="PROPOSAL_SLUG",
            default=None,
            help="With --translation: the document (needed when there are several).",
        )

    def handle(self, *args, path, consultation, title, kind, as_email, new_version, note, **opts):
        consultation = self._consultation(consultation)
        actor = self._actor(consultation, as_email)
        if opts.get("translation"):
            if title or kind or new_version or note:
                raise CommandError(
                    _("--translation goes alone: not with --title, --kind, --new-version, --note.")
                )
            return self._translation(
                consultation, actor, Path(path), opts["translation"], opts.get("document")
            )
        if opts.get("document"):
            raise CommandError(_("--document goes with --translation."))
        if new_version:
            if title or kind:
                raise CommandError(_("--title and --kind are for a new document, not a version."))
            if not note.strip():
                raise CommandError(_("Say briefly what changed in this version (--note)."))
            try:
                proposal = Proposal.objects.get(consultation=consultation, slug=new_version)
            except Proposal.DoesNotExist as exc:
                raise CommandError(
                    _("The consultation has no document “%(slug)s”.") % {"slug": new_version}
                ) from exc
        elif note:
            raise CommandError(_("--note goes with --new-version."))
        data, filename = self._read(Path(path))

        try:
            if new_version:
                version = services.proposal_version_publish(
                    actor=actor, proposal=proposal, data=data, filename=filename, note=note
                )
            else:
                proposal = services.proposal_import(
                    actor=actor,
                    consultation=consultation,
                    data=data,
                    filename=filename,
                    title=title,
                    kind=kind or Proposal.Kind.DRAFT_ACT,
                )
        except PermissionDenied as exc:
            raise CommandError(
                _("%(person)s may not do this: %(reason)s")
                % {"person": actor.email, "reason": str(exc)}
            ) from exc
        except ValidationError as exc:
            self._print_errors(exc)
            raise CommandError(
                ngettext(
                    "The file was refused (%(count)d problem). Nothing was stored.",
                    "The file was refused (%(count)d problems). Nothing was stored.",
                    len(exc.messages),
                )
                % {"count": len(exc.messages)}
            ) from exc

        articles = proposal.sections.filter(kind=SectionKind.ARTICLE, is_current=True).count()
        if new_version:
            message = _("Published version %(number)d of “%(title)s” (%(count)d articles).") % {
                "number": version.number,
                "title": proposal.title,
                "count": articles,
            }
        else:
            message = _("Imported “%(title)s” (%(slug)s) with %(count)d articles.") % {
                "title": proposal.title,
                "slug": proposal.slug,
                "count": articles,
            }
        self.stdout.write(self.style.SUCCESS(message))

    # ----------------------------------------------------------------------------------------

    def _translation(self, consultation, actor, path: Path, language: str, document) -> None:
        proposals = list(Proposal.objects.filter(consultation=consultation).order_by("position"))
        if document:
            proposal = next((p for p in proposals if p.slug == document), None)
            if proposal is None:
                raise CommandError(
                    _("The consultation has no document “%(slug)s”.") % {"slug": document}
                )
        elif len(proposals) == 1:
            proposal = proposals[0]
        else:
            raise CommandError(
                _("Say which document the translation is of (--document): %(slugs)s.")
                % {"slugs": ", ".join(p.slug for p in proposals) or "—"}
            )
        data, filename = self._read(path)
        try:
            version = services.proposal_translation_import(
                actor=actor, proposal=proposal, language=language, data=data, filename=filename
            )
        except PermissionDenied as exc:
            raise CommandError(
                _("%(person)s may not do this: %(reason)s")
                % {"person": actor.email, "reason": str(exc)}
            ) from exc
        except ValidationError as exc:
            self._print_errors(exc)
            raise CommandError(_("The translation was refused. Nothing was stored.")) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Published the translation into %(language)s of version %(number)d of "
                    "“%(title)s”."
                )
                % {"language": language, "number": version.number, "title": proposal.title}
            )
        )

    def _consultation(self, slug: str) -> Consultation:
        try:
            return Consultation.objects.select_related("institution").get(slug=slug)
        except Consultation.DoesNotExist as exc:
            raise CommandError(_("No consultation “%(slug)s”.") % {"slug": slug}) from exc

    def _actor(self, consultation: Consultation, email: str | None) -> User:
        if email:
            user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
            if user is None:
                raise CommandError(
                    _("No active person with the email %(email)s.") % {"email": email}
                )
            return user
        membership = (
            Membership.objects.filter(
                organisation_id=consultation.institution_id,
                role=Membership.Role.OFFICIAL,
                user__is_active=True,
            )
            .select_related("user")
            .order_by("created_at", "pk")
            .first()
        )
        if membership is not None:
            return membership.user
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError(
                _(
                    "Nobody can act for %(institution)s: it has no official and there is no "
                    "superuser. Give one with --as EMAIL."
                )
                % {"institution": consultation.institution.name}
            )
        return user

    def _read(self, path: Path) -> tuple[bytes, str]:
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path})
        limit = settings.DRAFT_UPLOAD_MAX_BYTES
        size = path.stat().st_size
        if size > limit:
            raise CommandError(
                _("The file is %(size)s MB, larger than the limit of %(limit)s MB.")
                % {"size": _megabytes(size), "limit": _megabytes(limit)}
            )
        with path.open("rb") as handle:
            return handle.read(limit + 1), path.name

    def _print_errors(self, exc: ValidationError) -> None:
        for message in exc.messages:
            self.stderr.write(message)
