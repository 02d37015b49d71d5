"""Public pages of a draft document: the text article by article with votes, one article alone,
its versions, the differences between two versions, its history, and the vote action."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consult.languages import TextLanguages, text_languages
from consult.models import Consultation
from consult.views import get_visible_consultation

from . import selectors, services
from .diff import UNCHANGED, SectionChange, diff_stats, version_diff, word_diff_html
from .forms import CompareVersionsForm, VoteForm
from .labels import section_label
from .models import Proposal, Section, Vote

# Why a person cannot vote, as codes the templates turn into sentences with a link.
CAN_VOTE = ""
SIGN_IN = "sign_in"
VERIFY_EMAIL = "verify_email"
NOT_OPEN_YET = "not_open_yet"
WITHDRAWN = "withdrawn"
CLOSED = "closed"


def _proposal_or_404(consultation: Consultation, slug: str) -> Proposal:
    try:
        proposal = selectors.proposal_get(consultation, slug)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc
    proposal.consultation = consultation  # the instance the permission checks already loaded
    return proposal


def _load(request, slug: str, proposal_slug: str) -> tuple[Consultation, Proposal]:
    consultation = get_visible_consultation(request, slug)
    return consultation, _proposal_or_404(consultation, proposal_slug)


def vote_block_reason(user, consultation: Consultation) -> str:
    """``""`` when the person may vote now, else why not (no query: the rules read fields)."""
    if user.has_perm("consult.take_part", consultation):
        return CAN_VOTE
    if not user.is_authenticated:
        return SIGN_IN
    if not user.email_verified:
        return VERIFY_EMAIL
    if consultation.effective_status in (Consultation.Status.DRAFT, Consultation.Status.SCHEDULED):
        return NOT_OPEN_YET
    if consultation.status == Consultation.Status.WITHDRAWN:
        return WITHDRAWN
    return CLOSED


def _vote_context(request, consultation: Consultation) -> dict:
    reason = vote_block_reason(request.user, consultation)
    return {"can_vote": reason == CAN_VOTE, "vote_block_reason": reason}


def _outline(roots: list[selectors.SectionNode]) -> list[dict]:
    """Chapters with their articles, and loose articles, for the table of contents (no query)."""
    items = []
    for node in roots:
        kind = node.section.kind
        if kind == "chapter":
            articles = [c.section for c in node.children if c.section.kind == "article"]
            items.append({"section": node.section, "articles": articles})
        elif kind in ("article", "preamble"):
            items.append({"section": node.section, "articles": []})
    return items


def _texts(request, consultation: Consultation, proposal: Proposal) -> TextLanguages:
    """The language the draft's text is shown in (``?text=``, else the interface language, when
    the current version has it; else its original), with the titles in it (no query)."""
    version = proposal.current_version
    texts = text_languages(
        request,
        original=version.language if version else consultation.language,
        available=selectors.version_languages(version),
    )
    translated = (version.title_translations or {}).get(texts.shown) if version else None
    proposal.display_title = translated or proposal.title
    consultation.display_title = consultation.title_in(texts.shown)
    return texts


def proposal_detail(request, slug: str, proposal: str):
    consultation, proposal = _load(request, slug, proposal)
    texts = _texts(request, consultation, proposal)
    roots, whole_tally, my_whole_vote = selectors.section_tree(
        proposal, user=request.user, language=texts.shown
    )
    comment_counts = _comment_counts(proposal, roots)
    context = {
        "consultation": consultation,
        "proposal": proposal,
        "roots": roots,
        "outline": _outline(roots),
        "whole_tally": whole_tally,
        "my_whole_vote": my_whole_vote,
        "choices": Vote.Choice.choices,
        "whole_draft_comments": comment_counts.get(None, 0),
        "texts": texts,
        **_vote_context(request, consultation),
    }
    return render(request, "proposals/detail.html", context)


def _comment_counts(proposal: Proposal, roots: list[selectors.SectionNode]) -> dict:
    """Comments per section (one query), also set on each node as ``comment_count``.

    The comments app sits above this one (``proposals <- comments``); the draft pages are the
    one place that reads it back, through its selectors, imported here only."""
    from comments.selectors import comment_counts_by_section

    counts = comment_counts_by_section(proposal)
    stack = list(roots)
    while stack:
        node = stack.pop()
        node.comment_count = counts.get(node.section.pk, 0)
        stack.extend(node.children)
    return counts


def section_detail(request, slug: str, proposal: str, key: str):
    consultation, proposal = _load(request, slug, proposal)
    try:
        section = selectors.section_get(proposal, key)
    except Section.DoesNotExist as exc:
        raise Http404 from exc
    texts = _texts(request, consultation, proposal)
    subtree = (
        selectors.section_subtree(section, version=proposal.current_version, language=texts.shown)
        if section.is_current
        else [section]
    )
    selectors.attach_display(subtree)
    tallies = selectors.vote_tallies(proposal, section_ids=[s.pk for s in subtree])
    mine = selectors.user_votes(request.user, proposal)
    nodes = {
        s.pk: selectors.SectionNode(
            s, tally=tallies.get(s.pk, selectors.Tally()), my_vote=mine.get(s.pk)
        )
        for s in subtree
    }
    for s in subtree:
        if s.pk != section.pk and s.parent_id in nodes:
            nodes[s.parent_id].children.append(nodes[s.pk])
    node = nodes[section.pk]
    section.display_title = node.section.display_title
    section.display_body = node.section.display_body

    outline = [
        s
        for s in selectors.article_outline(proposal, language=texts.shown)
        if s.kind in ("article", "preamble")
    ]
    keys = [s.key for s in outline]
    previous_section = next_section = None
    if section.key in keys:
        index = keys.index(section.key)
        previous_section = outline[index - 1] if index > 0 else None
        next_section = outline[index + 1] if index + 1 < len(outline) else None
    context = {
        "consultation": consultation,
        "proposal": proposal,
        "node": node,
        "section": section,
        "previous_section": previous_section,
        "next_section": next_section,
        "choices": Vote.Choice.choices,
        "texts": texts,
        **_vote_context(request, consultation),
        **_comment_thread(request, consultation, proposal, section, subtree),
    }
    return render(request, "proposals/section.html", context)


def _comment_thread(
    request, consultation: Consultation, proposal: Proposal, section, subtree
) -> dict:
    """The article's comments and the comment form (see ``comments.views.thread_context``)."""
    from comments.views import thread_context

    return thread_context(request, consultation, proposal, section=section, subtree=subtree)


def version_list(request, slug: str, proposal: str):
    consultation, proposal = _load(request, slug, proposal)
    versions = list(selectors.version_list(proposal))
    form = CompareVersionsForm(versions=versions)
    return render(
        request,
        "proposals/versions.html",
        {"consultation": consultation, "proposal": proposal, "versions": versions, "form": form},
    )


@dataclass
class ArticleChanges:
    """One article (or chapter, or preamble) and the changes of the parts inside it."""

    head: SectionChange
    parts: list[SectionChange] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.head.status != UNCHANGED:
            return self.head.status
        return "changed" if any(p.status != UNCHANGED for p in self.parts) else UNCHANGED

    @property
    def label(self) -> str:
        s = self.head.section
        return section_label(s.kind, s.number, s.title)

    @property
    def old_label(self) -> str:
        s = self.head.old
        return section_label(s.kind, s.number, s.title) if s else ""


def group_by_article(changes: list[SectionChange]) -> list[ArticleChanges]:
    """Paragraphs and points go with their article; chapters and preambles stand alone."""
    parent_of = {c.key: c.section.parent_key for c in changes}
    groups: list[ArticleChanges] = []
    by_key: dict[str, ArticleChanges] = {}
    for change in changes:
        s = change.section
        owner = None
        if s.kind not in ("article", "chapter", "preamble") and s.depth > 0:
            parent, seen = s.parent_key, set()
            while parent and owner is None and parent not in seen:
                seen.add(parent)
                owner = by_key.get(parent)
                parent = parent_of.get(parent, "")
        if owner is None:
            owner = ArticleChanges(head=change)
            groups.append(owner)
        else:
            owner.parts.append(change)
        by_key[change.key] = owner
    return groups


def version_diff_view(request, slug: str, proposal: str):
    consultation, proposal = _load(request, slug, proposal)
    versions = list(selectors.version_list(proposal))
    form = CompareVersionsForm(request.GET or None, versions=versions)
    context = {
        "consultation": consultation,
        "proposal": proposal,
        "versions": versions,
        "form": form,
    }
    if len(versions) < 2:
        context["error"] = _("This draft has only one version, so there is nothing to compare.")
        return render(request, "proposals/diff.html", context, status=400 if request.GET else 200)
    if not form.is_valid():
        details = sorted({str(m) for errors in form.errors.values() for m in errors})
        context["error"] = _("Choose two different versions of this draft to compare.")
        context["error_details"] = details
        context["form"] = CompareVersionsForm(versions=versions)  # a fresh form, with defaults
        return render(request, "proposals/diff.html", context, status=400)
    by_number = {v.number: v for v in versions}
    old, new = by_number[form.cleaned_data["from"]], by_number[form.cleaned_data["to"]]
    # Per language (``?text=``, else the interface language): the two versions' translations
    # when both have one, else their original text, saying which version lacks it.
    texts = text_languages(
        request,
        original=new.language,
        available=[code for code in old.languages if code in new.languages],
    )
    missing = [v for v in (old, new) if texts.wanted not in v.languages] if texts.fallback else []
    translated = (new.title_translations or {}).get(texts.shown)
    proposal.display_title = translated or proposal.title
    consultation.display_title = consultation.title_in(texts.shown)
    changes = version_diff(
        selectors.version_flat_sections(old, language=texts.shown),
        selectors.version_flat_sections(new, language=texts.shown),
    )
    groups = group_by_article(changes)
    stats = {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    for group in groups:
        stats[group.status] += 1
    context.update(
        {
            "old": old,
            "new": new,
            "groups": groups,
            "stats": stats,
            "part_stats": diff_stats(changes),
            "texts": texts,
            "missing_translation": _missing_translation_message(texts, missing, (old, new)),
            "hide_text_note": bool(missing),
        }
    )
    return render(request, "proposals/diff.html", context)


def _missing_translation_message(texts: TextLanguages, missing: list, versions) -> str:
    """Why the comparison is in the original language, naming the version(s) not translated."""
    if not missing:
        return ""
    from consult.languages import autonym, language_name

    values = {"language": language_name(texts.wanted), "original": autonym(texts.shown)}
    if len(missing) == len(versions):
        return (
            _(
                "Neither version has a translation into %(language)s, so they are compared in "
                "their original language (%(original)s)."
            )
            % values
        )
    return _(
        "Version %(number)d has no translation into %(language)s, so the two versions are "
        "compared in their original language (%(original)s)."
    ) % {**values, "number": missing[0].number}


HISTORY_FIELDS = ("kind", "number", "title", "body", "is_current")
HISTORY_PAGE_SIZE = 50


def history(request, slug: str, proposal: str):
    """Every recorded change of the draft's sections: who, when, and what changed."""
    consultation, proposal = _load(request, slug, proposal)
    records = list(
        Section.history.filter(proposal_id=proposal.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    latest = {record.id: record for record in records}  # records are in time order per id
    entries = []
    previous = {}
    for record in records:
        before = previous.get(record.id)
        entry = {
            "record": record,
            "label": section_label(record.kind, record.number, record.title),
            "context": _article_context(record, latest),
            "key": record.key,
            "type": record.history_type,
            "changes": [],
        }
        if before is not None:
            for name in HISTORY_FIELDS:
                old_value, new_value = getattr(before, name), getattr(record, name)
                if old_value != new_value:
                    entry["changes"].append(_history_change(name, old_value, new_value))
        if before is None or entry["changes"] or record.history_type == "-":
            entries.append(entry)
        previous[record.id] = record
    entries.sort(key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True)
    page = Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "proposals/history.html",
        {"consultation": consultation, "proposal": proposal, "page": page},
    )


def _article_context(record, latest: dict) -> str:
    """For a paragraph or a point, the article it belongs to ("Article 3: Title")."""
    if record.kind not in ("paragraph", "point"):
        return ""
    parent, seen = latest.get(record.parent_id), set()
    while parent is not None and parent.kind != "article" and parent.id not in seen:
        seen.add(parent.id)
        parent = latest.get(parent.parent_id)
    return section_label(parent.kind, parent.number, parent.title) if parent else ""


def _history_change(name: str, old, new) -> dict:
    labels = {
        "kind": _("Kind"),
        "number": _("Number"),
        "title": _("Title"),
        "body": _("Text"),
        "is_current": _("In the current version"),
    }
    if name == "is_current":
        text = _("Yes") if new else _("No (not in the current version)")
        return {"field": labels[name], "html": None, "text": text}
    if name in ("title", "body"):
        return {"field": labels[name], "html": word_diff_html(str(old or ""), str(new or ""))}
    return {"field": labels[name], "html": None, "text": f"{old or '—'} → {new or '—'}"}


@require_POST
def vote(request, slug: str, proposal: str):
    """Cast or change a vote on the whole draft or on one of its articles.

    Every refusal is a message in the person's language and a redirect back (or a JSON error for
    the script), with nothing stored.
    """
    consultation, proposal = _load(request, slug, proposal)
    wants_json = "application/json" in request.headers.get("Accept", "")
    form = VoteForm(request.POST)
    key = (request.POST.get("section") or "").strip()
    back = _back_url(request, consultation, proposal, key)

    def refuse(message: str, status: int = 400):
        if wants_json:
            return JsonResponse({"ok": False, "error": message}, status=status)
        messages.error(request, message)
        return HttpResponseRedirect(back)

    reason = vote_block_reason(request.user, consultation)
    if reason:
        return refuse(str(BLOCK_MESSAGES[reason]()), status=403)
    if not form.is_valid():
        return refuse(_("Choose in favour, against or abstain."))
    section = None
    if form.cleaned_data["section"]:
        try:
            section = selectors.section_get(proposal, form.cleaned_data["section"])
        except Section.DoesNotExist:
            return refuse(_("This article is not part of the current text of this draft."))
    try:
        cast = services.vote_cast(
            actor=request.user,
            proposal=proposal,
            choice=form.cleaned_data["choice"],
            section=section,
        )
    except PermissionDenied as exc:
        return refuse(str(exc) or _("You cannot vote on this draft."), status=403)
    except ValidationError as exc:
        return refuse(" ".join(exc.messages))

    target = section.label if section else _("the whole draft")
    done = _("Your vote on %(target)s is recorded: %(choice)s.") % {
        "target": target,
        "choice": cast.get_choice_display(),
    }
    if wants_json:
        if section is None:
            tally = selectors.whole_draft_tally(proposal)
        else:
            tally = selectors.vote_tallies(proposal, section_ids=[section.pk]).get(section.pk)
        tally = tally or selectors.Tally()
        return JsonResponse(
            {
                "ok": True,
                "choice": cast.choice,
                "section": section.key if section else "",
                "message": done,
                "tally": {
                    **tally.as_dict(),
                    "for_pct": tally.for_pct,
                    "against_pct": tally.against_pct,
                    "abstain_pct": tally.abstain_pct,
                },
            }
        )
    messages.success(request, done)
    return HttpResponseRedirect(back)


BLOCK_MESSAGES = {
    SIGN_IN: lambda: _("Sign in to vote."),
    VERIFY_EMAIL: lambda: _(
        "Confirm your email address before you vote: open the link we sent you."
    ),
    NOT_OPEN_YET: lambda: _("This consultation is not open yet: voting starts when it opens."),
    WITHDRAWN: lambda: _("This consultation was withdrawn: votes can no longer be cast."),
    CLOSED: lambda: _("This consultation is closed: votes can no longer be cast or changed."),
}


def _back_url(request, consultation: Consultation, proposal: Proposal, key: str) -> str:
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    url = reverse("proposals:detail", kwargs={"slug": consultation.slug, "proposal": proposal.slug})
    anchor = key if key and key.replace("-", "").isalnum() else "whole-draft"
    return f"{url}#{anchor}"
