"""Atom feeds (``django.contrib.syndication``) for people who follow with a feed reader.

* ``/feeds/open/``: the consultations open for comments;
* ``/feeds/institutions/<slug>/``: an institution's public consultations;
* ``/feeds/reports/``: the published consultation reports (each version, corrections too).

Links are absolute, built from ``settings.SITE_URL`` (as in the emails: the public address,
whatever host the request came to; ``django.contrib.sites`` is not used for them).

Titles and summaries are in the requested language: ``?lang=sq|sr-latn|en`` if given (feed
readers rarely send cookies), otherwise the language ``LocaleMiddleware`` chose from the
request. Pages point to them with ``<link rel="alternate" type="application/atom+xml">``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import Organisation
from consult.models import Consultation
from consult.selectors import consultation_list, public_consultations

LIMIT = 50


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


class LanguageFeed(Feed):
    feed_type = Atom1Feed
    feed_url_name = ""

    def feed_url(self, obj=None) -> str:
        kwargs = {"slug": obj.slug} if obj is not None else {}
        return _absolute(reverse(self.feed_url_name, kwargs=kwargs))

    def __call__(self, request, *args, **kwargs):
        wanted = request.GET.get("lang", "")
        language = wanted if wanted in dict(settings.LANGUAGES) else translation.get_language()
        # The instance serves every request (it is in the URLconf): the language lives in the
        # thread's active translation, never on ``self``.
        with translation.override(language):
            response = super().__call__(request, *args, **kwargs)
            response["Content-Language"] = translation.get_language()
            return response


class ConsultationFeed(LanguageFeed):
    def item_title(self, item: Consultation) -> str:
        return item.title

    def item_description(self, item: Consultation) -> str:
        parts = [
            _("%(kind)s of %(institution)s.")
            % {"kind": item.get_kind_display(), "institution": item.institution.name},
            _("Status: %(status)s.") % {"status": item.get_effective_status_display()},
        ]
        if item.opens_at and item.closes_at:
            parts.append(
                _("Open for comments from %(opens)s to %(closes)s.")
                % {
                    "opens": formats.date_format(timezone.localtime(item.opens_at), "DATE_FORMAT"),
                    "closes": formats.date_format(
                        timezone.localtime(item.closes_at), "DATE_FORMAT"
                    ),
                }
            )
        if item.summary:
            parts.append(item.summary)
        return " ".join(parts)

    def item_link(self, item: Consultation) -> str:
        return _absolute(item.get_absolute_url())

    def item_pubdate(self, item: Consultation):
        return item.opens_at or item.created_at

    def item_updateddate(self, item: Consultation):
        return item.updated_at

    def item_author_name(self, item: Consultation) -> str:
        return item.institution.name

    def item_categories(self, item: Consultation):
        return [item.get_kind_display()]


class OpenConsultationsFeed(ConsultationFeed):
    feed_url_name = "feeds:open"

    def title(self) -> str:
        return _("Open consultations · Konsulta")

    def subtitle(self) -> str:
        return _("Draft laws and policies open for public comments now.")

    def link(self) -> str:
        return _absolute(reverse("consult:list") + "?status=open")

    def items(self):
        return consultation_list(status=Consultation.Status.OPEN)[:LIMIT]


class InstitutionFeed(ConsultationFeed):
    feed_url_name = "feeds:institution"

    def get_object(self, request, slug: str):
        return get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.INSTITUTION)

    def title(self, obj: Organisation) -> str:
        return _("Consultations of %(institution)s · Konsulta") % {"institution": obj.name}

    def subtitle(self, obj: Organisation) -> str:
        return _("Every public consultation of %(institution)s, newest first.") % {
            "institution": obj.name
        }

    def link(self, obj: Organisation) -> str:
        return _absolute(reverse("plans:institution", kwargs={"slug": obj.slug}))

    def items(self, obj: Organisation):
        return (
            public_consultations()
            .filter(institution=obj)
            .order_by("-opens_at", "-created_at", "-pk")[:LIMIT]
        )


class ReportsFeed(LanguageFeed):
    feed_url_name = "feeds:reports"

    def title(self) -> str:
        return _("Consultation reports · Konsulta")

    def subtitle(self) -> str:
        return _(
            "Reports of the institutions on their consultations: every comment, the answer "
            "and the reason."
        )

    def link(self) -> str:
        return _absolute(reverse("consult:list") + "?status=report_published")

    def items(self):
        from reports.models import ReportVersion

        language = translation.get_language()
        return (
            ReportVersion.objects.filter(language=language)
            .select_related("consultation", "consultation__institution")
            .only(
                "number",
                "published_at",
                "note",
                "language",
                "consultation__title",
                "consultation__slug",
                "consultation__institution__name",
            )
            .order_by("-published_at", "-pk")[:LIMIT]
        )

    def item_title(self, item) -> str:
        if item.number > 1:
            return _("Report (correction %(number)d): %(title)s") % {
                "number": item.number,
                "title": item.consultation.title,
            }
        return _("Report: %(title)s") % {"title": item.consultation.title}

    def item_description(self, item) -> str:
        text = _("%(institution)s published the report of the consultation “%(title)s”.") % {
            "institution": item.consultation.institution.name,
            "title": item.consultation.title,
        }
        if item.note:
            text += " " + _("What changed: %(note)s") % {"note": item.note}
        return text

    def item_link(self, item) -> str:
        # One entry per version: the version in the link makes each entry's id unique.
        url = reverse("reports:detail", kwargs={"slug": item.consultation.slug})
        return _absolute(f"{url}?version={item.number}")

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.published_at  # a published version never changes

    def item_author_name(self, item) -> str:
        return item.consultation.institution.name
