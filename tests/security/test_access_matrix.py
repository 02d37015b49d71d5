"""The access-control matrix: every route x role x consultation state.

The routes are not listed by hand: ``all_routes()`` walks the URL configuration (every included
pattern) and ``schema_operations()`` reads the OpenAPI schema; ``ROUTES`` below classifies each
of them. A new URL without an entry fails ``test_every_route_is_classified`` with a message that
says where to add it.

The rule the matrix applies, for each role and state:

* a request the table refuses must get **403 or 404**, or (API) 401, or 405 when the route does
  not serve that method at all; for a person who is not signed in (and for the admin site, anyone
  who is not staff) a redirect to the sign-in page counts as a refusal too: that is how the HTML
  pages ask for an account. A 400 is *not* a refusal (it means the request was read), so writes
  are sent with a plausible body. The small buttons (agree, flag, vote, hearing items) answer a
  refused click without JavaScript with a redirect and an error message; their script asks for
  JSON and gets the status code, and so does the matrix;
* a refused write changes nothing (``fingerprint``);
* a read the table allows must succeed (2xx, or a redirect that is not to the sign-in page): the
  positive control that keeps a wrong URL from passing as a refusal;
* no response to anyone, allowed or refused, contains a private marker (``Secrets``) that this
  role may not see in this state: a comment hidden by moderation, the name and email of an author
  who chose to stay anonymous, other people's email addresses, a draft consultation's title, an
  answer whose justification waits for the report.

Writes the table allows are not sent (they would change the world the other roles are tested
against); the tests of each app cover them. Covered elsewhere and not repeated here: WebSocket
events never carry a hidden comment's text or a hidden author's name
(``tests/realtime/test_privacy.py``), and who may download which report export, draft and private
variants and background jobs included (``tests/reports/test_export_access.py``).
"""

from __future__ import annotations

import fnmatch
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from reports.models import ReportVersion
from subscriptions.models import Subscription
from tests import factories as f
from tests.comments.conftest import make_pdf
from tests.factories import clear_cache
from tests.security.world import ROLES, STATES, Secrets, World, build_world

Who = Callable[[str, str], bool]  # (role, state) -> allowed


# --- who may ------------------------------------------------------------------------------


def everyone(role, state):
    return True


def nobody(role, state):
    return False


def signed_in(role, state):
    return role != "anonymous"


def visible(role, state):
    """``consult.view_consultation``: public past the draft stage; officials of the institution,
    staff and moderators see drafts too."""
    return state != "draft" or role in ("official", "staff", "moderator")


def manager(role, state):
    """``consult.manage_consultation``: the institution's officials and staff."""
    return role in ("official", "staff")


def workspace_user(role, state):
    """Any official of any institution, or staff (the workspace's own pages)."""
    return role in ("official", "other_official", "staff")


def queue_user(role, state):
    """Officials of any institution, moderators and staff (the submissions workspace)."""
    return role in ("official", "other_official", "moderator", "staff")


def staff_only(role, state):
    return role == "staff"


def moderator_only(role, state):
    return role == "moderator"


def in_states(*states: str, who: Who = everyone) -> Who:
    return lambda role, state: state in states and who(role, state)


def both(a: Who, b: Who) -> Who:
    return lambda role, state: a(role, state) and b(role, state)


def either(a: Who, b: Who) -> Who:
    return lambda role, state: a(role, state) or b(role, state)


take_part_open = in_states("open", who=signed_in)  # verified, not blocked, consultation open
answerable = in_states("open", "closed", "report_published", who=manager)
moderate_comment = in_states(
    "open", "closed", "report_published", who=lambda r, s: r in ("official", "moderator")
)


# --- how to reach a route -------------------------------------------------------------------

Kwargs = Callable[[World], "dict | None"]


def none(w):
    return {}


def slug(w):
    return {"slug": w.consultation.slug}


def draft(w):
    return {"slug": w.consultation.slug, "proposal": w.proposal.slug}


def api_draft(w):
    return {"slug": w.consultation.slug, "proposal_slug": w.proposal.slug}


def comment_pk(w):
    return {"pk": w.comment.pk} if w.comment else None


def api_comment(w):
    return {"id": w.comment.pk} if w.comment else None


def moderated_pk(w):
    return {"pk": w.moderated.pk} if w.moderated else None


def paper(w):
    return {"tracking_number": w.paper.tracking_number} if w.paper else None


def slug_paper(w):
    return {"slug": w.consultation.slug, **paper(w)} if w.paper else None


def comment_tracking(w):
    return {"tracking_number": w.comment.tracking_number} if w.comment else None


def hearing(w):
    return {"slug": w.consultation.slug, "pk": w.hearing.pk}


def hearing_item(w):
    return {**hearing(w), "item_id": w.item.pk} if w.item else None


def plan(w):
    return {"pk": w.plan.pk}


def planned_item(w):
    return {"pk": w.planned_item.pk}


def subscription(w):
    return {"pk": w.subscription.pk}


def random_token(w):
    return {"token": uuid.uuid4()}


@dataclass(frozen=True)
class Route:
    """``get``: who may read it (``None``: the route serves no GET). ``write``: who may change
    something through it, with ``methods`` (``None``: read-only). ``kwargs`` fills the URL from
    the world (``None`` when the object does not exist in that state). ``access`` is the class
    the route belongs to, for the reader."""

    access: str
    get: Who | None
    write: Who | None = None
    kwargs: Kwargs = none
    methods: tuple[str, ...] = ("post",)
    data: Callable[[World], dict] | None = None
    query: str = ""
    token: bool = False  # reached with a secret from an email: no positive control
    multipart: bool = False  # the API route takes a file (multipart), not JSON
    once: bool = False  # shows nothing of a consultation: checked in one state only
    ajax: bool = False  # a button without JavaScript redirects; asked in JSON, as its script does


def public(**kw):
    return Route("public", everyone, **kw)


def static(**kw):
    """Public and the same whatever the consultations' states (checked once)."""
    return Route("public", everyone, once=True, **kw)


def consultation_page(kwargs: Kwargs, **kw):
    return Route("consultation-visible", visible, kwargs=kwargs, **kw)


def post_only(access: str, who: Who, kwargs: Kwargs = none, **kw):
    return Route(access, None, who, kwargs=kwargs, **kw)


def draft_file(w):
    return {"file": SimpleUploadedFile("draft.md", f.SAMPLE_DRAFT_MD.encode())}


def version_file(w):
    return {**draft_file(w), "note": "Neni 1 u ndryshua."}


def paper_data(w):
    return {
        "organisation": w.people["cso_rep"].memberships.first().organisation.slug,
        "title": "Qëndrimi ynë",
        "summary": "Përmbledhje.",
        "attachment": SimpleUploadedFile("q.pdf", make_pdf(), content_type="application/pdf"),
    }


def answer_data(w):
    return {"outcome": "noted", "justification": "Merret parasysh."}


def comment_data(w):
    return {
        "body": "Një koment i ri për nenin.",
        "stance": "for",
        "consent": "name",
        "participant_type": "citizen",
        "section": "neni-1",
    }


def new_consultation(w):
    return {
        "institution": w.consultation.institution.slug,
        "title": "Projektligji i ri për arkivat",
        "kind": "law",
        "contact_name": "Arbër Krasniqi",
        "contact_email": "kontakt@example.org",
    }


editable_by_manager = in_states("draft", "open", who=manager)
cso_rep_open = in_states("open", who=lambda r, s: r == "cso_rep")
hearing_moderator = lambda r, s: r in ("official", "moderator")  # noqa: E731
# consult.publish_version: a revised text at any time once the draft exists (closed included)
publish_version = manager


ROUTES: dict[str, Route] = {
    # site
    "healthz": static(),
    "set_language": Route("public", everyone, everyone, data=lambda w: {"language": "en"}),
    "javascript-catalog": static(),
    "admin:login": static(),
    "admin:logout": static(),
    "admin:*": Route("staff (Django admin)", staff_only, once=True),
    # allauth: forms for everyone; a signed-in person is sent on (a redirect, not a refusal)
    "account_login": static(),
    "account_logout": static(),
    "account_inactive": static(),
    "account_signup": static(),
    "account_email_verification_sent": static(),
    "account_reset_password": static(),
    "account_reset_password_done": static(),
    "account_reset_password_from_key_done": static(),
    "account_confirm_login_code": Route("token", everyone, token=True),
    "account_reauthenticate": Route("signed-in", signed_in, once=True),
    "account_email": Route("signed-in", signed_in, once=True),
    "account_change_password": Route("signed-in", signed_in, once=True),
    "account_set_password": Route("signed-in", signed_in, once=True),
    "account_confirm_email": Route(
        "token", everyone, kwargs=lambda w: {"key": "kjo-nuk-eshte-celes"}, token=True
    ),
    "account_reset_password_from_key": Route(
        "token", everyone, kwargs=lambda w: {"uidb36": "zz", "key": "x-y"}, token=True
    ),
    # accounts
    "accounts:profile": Route("signed-in", signed_in),
    "accounts:data_export": Route("signed-in", signed_in),
    "accounts:delete": Route("signed-in (own account)", signed_in),
    "accounts:deleted": static(),
    "accounts:delete_other": Route(
        "staff", staff_only, staff_only, kwargs=lambda w: {"pk": w.outsider.pk}
    ),
    # REST API (reads of public objects need no account; writes need one)
    "api-root": public(),
    "organisation-list": public(),
    "organisation-detail": public(kwargs=lambda w: {"slug": w.consultation.institution.slug}),
    "consultation-list": Route("public", everyone, manager, data=new_consultation),
    "consultation-detail": consultation_page(
        slug, write=editable_by_manager, methods=("patch",), data=lambda w: {"summary": "Tjetër."}
    ),
    "consultation-close-now": post_only("official", in_states("open", who=manager), slug),
    "consultation-open-now": post_only("official", in_states("draft", who=manager), slug),
    "consultation-schedule": post_only("official", in_states("draft", who=manager), slug),
    "consultation-withdraw": post_only(
        "official", editable_by_manager, slug, data=lambda w: {"reason": "Do të rishikohet."}
    ),
    "proposal-list": consultation_page(
        slug, write=editable_by_manager, multipart=True, data=draft_file
    ),
    "proposal-detail": consultation_page(api_draft),
    "proposal-versions": consultation_page(
        api_draft, write=publish_version, multipart=True, data=version_file
    ),
    "proposal-version-detail": consultation_page(lambda w: {**api_draft(w), "number": 1}),
    "proposal-diff": consultation_page(api_draft, query="?from=1&to=1"),
    "proposal-section-detail": consultation_page(lambda w: {**api_draft(w), "key": "neni-1"}),
    "proposal-votes": post_only(
        "verified, consultation open",
        take_part_open,
        api_draft,
        methods=("post", "delete"),
        data=lambda w: {"choice": "for"},
    ),
    "proposal-my-votes": Route("signed-in", both(signed_in, visible), kwargs=api_draft),
    "comment-list": consultation_page(api_draft, write=take_part_open, data=comment_data),
    "comment-detail": consultation_page(
        api_comment, write=nobody, methods=("patch",), data=lambda w: {"body": "Ndryshuar."}
    ),
    "comment-withdraw": post_only("author", nobody, api_comment),
    "comment-history": consultation_page(api_comment),
    "comment-reaction": post_only(
        "verified, open, not the author",
        take_part_open,
        api_comment,
        methods=("put", "delete"),
        data=lambda w: {"value": "agree"},
    ),
    "comment-flag": post_only(
        "verified, open, not the author",
        take_part_open,
        api_comment,
        data=lambda w: {"reason": "spam"},
    ),
    "comment-hide": post_only(
        "moderator", moderate_comment, api_comment, data=lambda w: {"reason": "spam"}
    ),
    "comment-restore": post_only("moderator", moderate_comment, api_comment),
    "comment-response": post_only(
        "official", answerable, api_comment, methods=("put",), data=answer_data
    ),
    "position-paper-list": consultation_page(
        slug, write=cso_rep_open, multipart=True, data=paper_data
    ),
    "position-paper-attachment": consultation_page(paper),
    "position-paper-response": post_only(
        "official", answerable, paper, methods=("put",), data=answer_data
    ),
    "submission-status": consultation_page(comment_tracking),
    "user-block": post_only(
        "moderator", moderator_only, lambda w: {"id": w.named.pk}, data=lambda w: {"reason": "x"}
    ),
    "api-schema": static(),
    "api-docs": static(),
    # officials' plans
    "workspace_plans:home": Route("official (any institution)", workspace_user),
    "workspace_plans:create": Route("official (any institution)", workspace_user, workspace_user),
    "workspace_plans:manage": Route("official", manager, kwargs=plan),
    "workspace_plans:edit": Route("official", manager, manager, kwargs=plan),
    "workspace_plans:publish": post_only("official", manager, plan),
    "workspace_plans:item_create": Route("official", manager, manager, kwargs=plan),
    "workspace_plans:item_edit": Route("official", manager, manager, kwargs=planned_item),
    "workspace_plans:item_link": post_only("official", manager, planned_item),
    "workspace_plans:item_drop": post_only(
        "official", manager, planned_item, data=lambda w: {"reason": "Nuk nevojitet."}
    ),
    "workspace_plans:item_restore": post_only("official", manager, planned_item),
    "workspace_plans:item_start": Route("official", manager, manager, kwargs=planned_item),
    # submissions and moderation workspace
    "submissions:moderation": Route("official, moderator or staff", queue_user),
    "submissions:hide": Route(
        "moderator", moderate_comment, moderate_comment, kwargs=comment_tracking
    ),
    "submissions:restore": Route(
        "moderator",
        moderate_comment,
        moderate_comment,
        kwargs=lambda w: {"tracking_number": w.moderated.tracking_number} if w.moderated else None,
    ),
    "submissions:block": Route(
        "site moderator", moderator_only, moderator_only, kwargs=comment_tracking
    ),
    "submissions:unblock": Route(
        "site moderator", moderator_only, moderator_only, kwargs=lambda w: {"user_id": w.named.pk}
    ),
    "submissions:list": Route("official", manager, kwargs=slug),
    "submissions:answer": Route("official", manager, answerable, kwargs=slug_paper),
    "submissions:paper_pdf": Route("official", manager, kwargs=slug_paper),
    # consultation workspace
    "workspace:home": Route("official (any institution)", workspace_user),
    "workspace:create": Route("official (any institution)", workspace_user, workspace_user),
    "workspace:round_hint": Route(
        "official (any institution)", workspace_user, query="?opens_at=2026-05-04"
    ),
    "workspace:manage": Route("official", manager, kwargs=slug),
    "workspace:edit": Route("official", editable_by_manager, editable_by_manager, kwargs=slug),
    "workspace:schedule": post_only("official", in_states("draft", who=manager), slug),
    "workspace:open": post_only("official", in_states("draft", who=manager), slug),
    "workspace:close": post_only("official", in_states("open", who=manager), slug),
    "workspace:withdraw": post_only(
        "official",
        editable_by_manager,
        slug,
        data=lambda w: {"withdrawal_reason": "Do të rishikohet."},
    ),
    "workspace:draft_upload": Route(
        "official", editable_by_manager, editable_by_manager, kwargs=slug
    ),
    "workspace:version_upload": Route("official", publish_version, publish_version, kwargs=draft),
    "workspace:translation_upload": Route(
        "official", publish_version, publish_version, kwargs=draft
    ),
    # plans and institutions, public
    "plans:index": public(),
    "plans:detail": Route(
        "published plan, or official",
        manager,
        kwargs=lambda w: {"institution": w.plan.institution.slug, "year": w.plan.year},
    ),
    "plans:institution": public(kwargs=lambda w: {"slug": w.consultation.institution.slug}),
    # subscriptions: one's own
    "subscriptions:mine": Route("signed-in", signed_in),
    "subscriptions:settings": post_only("signed-in", signed_in),
    "subscriptions:follow": post_only(
        "verified",
        signed_in,
        data=lambda w: {"target": f"organisation:{w.consultation.institution.slug}"},
    ),
    "subscriptions:unfollow": post_only("signed-in", signed_in),
    "subscriptions:frequency": post_only(
        "owner", nobody, subscription, data=lambda w: {"frequency": "daily"}
    ),
    "subscriptions:delete": post_only("owner", nobody, subscription),
    "subscriptions:unsubscribe": Route(
        "token", everyone, kwargs=lambda w: {"token": "jo-nje-shenje"}, token=True
    ),
    "feeds:open": public(),
    "feeds:institution": public(kwargs=lambda w: {"slug": w.consultation.institution.slug}),
    "feeds:reports": public(),
    # public figures and search (search finds only what the searcher may read: the markers
    # are looked for in every answer)
    "dashboard:index": public(),
    "dashboard:json": public(),
    "dashboard:csv": public(),
    "search": public(query="?q=arkivat"),
    "search:search": public(query="?q=arkivat"),
    # comments and position papers, public pages
    "comments:track_lookup": public(),
    "comments:track": consultation_page(
        lambda w: {"number": w.comment.tracking_number} if w.comment else None
    ),
    "comments:draft_comments": consultation_page(draft),
    "comments:paper_list": consultation_page(slug),
    "comments:comment_new": Route(
        "verified, consultation open",
        in_states("open", who=signed_in),
        take_part_open,
        kwargs=draft,
        data=comment_data,
    ),
    "comments:comment_edit": Route("author", nobody, nobody, kwargs=comment_pk, data=comment_data),
    "comments:comment_withdraw": Route("author", nobody, nobody, kwargs=comment_pk),
    "comments:comment_versions": consultation_page(comment_pk),
    "comments:comment_react": post_only(
        "verified, open, not the author",
        take_part_open,
        comment_pk,
        data=lambda w: {"value": "agree"},
        ajax=True,
    ),
    "comments:comment_flag": post_only(
        "verified, open, not the author",
        take_part_open,
        comment_pk,
        data=lambda w: {"reason": "spam"},
        ajax=True,
    ),
    "comments:paper_new": Route(
        "CSO representative, consultation open", cso_rep_open, cso_rep_open, kwargs=slug
    ),
    "comments:paper_download": consultation_page(paper),
    # the report
    "reports:detail": Route(
        "published report, or official", either(in_states("report_published"), manager), kwargs=slug
    ),
    "reports:versions": Route(
        "published report, or official", either(in_states("report_published"), manager), kwargs=slug
    ),
    "reports:publish": post_only(
        "official", in_states("closed", "report_published", who=manager), slug
    ),
    "reports:meeting_add": post_only("official", manager, slug),
    "reports:meeting_delete": post_only(
        "official", manager, lambda w: {**slug(w), "pk": w.meeting.pk} if w.meeting else None
    ),
    "report_exports:download": Route(
        "published report",
        in_states("report_published"),
        kwargs=lambda w: {**slug(w), "fmt": "csv"},
    ),
    "report_exports:status": Route("whoever started the job", nobody, kwargs=random_token),
    "report_exports:status_json": Route("whoever started the job", nobody, kwargs=random_token),
    "report_exports:job_download": Route("whoever started the job", nobody, kwargs=random_token),
    "report_exports:schema": static(),
    "report_exports:api_json": Route(
        "published report", in_states("report_published"), kwargs=slug
    ),
    # hearings
    "hearings:detail": consultation_page(hearing),
    "hearings:item_post": post_only(
        "verified, hearing live",
        take_part_open,
        hearing,
        data=lambda w: {"kind": "question", "body": "Një pyetje tjetër?", "consent": "name"},
        ajax=True,
    ),
    "hearings:item_upvote": post_only(
        "verified, hearing live", take_part_open, hearing_item, ajax=True
    ),
    "hearings:item_answer": post_only("moderator", hearing_moderator, hearing_item, ajax=True),
    "hearings:item_hide": post_only(
        "moderator",
        hearing_moderator,
        hearing_item,
        data=lambda w: {"reason": "spam"},
        ajax=True,
    ),
    "hearings:item_restore": post_only("moderator", hearing_moderator, hearing_item, ajax=True),
    "hearings:schedule": Route("official", editable_by_manager, editable_by_manager, kwargs=slug),
    "hearings:manage": Route("official", manager, kwargs=hearing),
    "hearings:edit": Route("official", manager, manager, kwargs=hearing),
    "hearings:start": post_only("official", manager, hearing),
    "hearings:end": post_only("official", manager, hearing),
    "hearings:cancel": post_only("official", manager, hearing),
    # consultations and drafts, public pages
    "consult:home": public(),
    "consult:list": public(),
    "consult:detail": consultation_page(slug),
    "proposals:detail": consultation_page(draft),
    "proposals:section": consultation_page(lambda w: {**draft(w), "key": "neni-1"}),
    "proposals:versions": consultation_page(draft),
    "proposals:diff": consultation_page(draft),
    "proposals:history": consultation_page(draft),
    "proposals:vote": post_only(
        "verified, consultation open",
        take_part_open,
        draft,
        data=lambda w: {"choice": "for"},
        ajax=True,
    ),
}

# Patterns without a name: matched on the route's text.
UNNAMED = {"admin/*": "admin:*"}


# --- enumeration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    name: str | None
    route: str
    pattern: URLPattern


def all_routes() -> list[Found]:
    def walk(resolver, prefix="", ns=None):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ns
                if p.namespace:
                    inner = f"{ns}:{p.namespace}" if ns else p.namespace
                yield from walk(p, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                name = p.name and (f"{ns}:{p.name}" if ns else p.name)
                yield Found(name, prefix + str(p.pattern), p)

    return list(walk(get_resolver()))


def entry_for(found: Found) -> str | None:
    keys = [found.name] if found.name else []
    if not found.name:
        keys += [v for k, v in UNNAMED.items() if fnmatch.fnmatch(found.route, k)]
    for key in keys:
        if key in ROUTES:
            return key
        for pattern in ROUTES:
            if "*" in pattern and fnmatch.fnmatch(key, pattern):
                return pattern
    return None


def schema_operations() -> list[tuple[str, str]]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_route_is_classified():
    missing = sorted(
        {f"{x.name or '(no name)'}  ->  /{x.route}" for x in all_routes() if entry_for(x) is None}
    )
    assert not missing, (
        "These URLs are not in the access-control matrix. Add each to ROUTES in "
        "tests/security/test_access_matrix.py with who may read and write it and how to fill "
        "its URL:\n  " + "\n  ".join(missing)
    )
    names = {x.name for x in all_routes() if x.name}
    stale = sorted(k for k in ROUTES if "*" not in k and k not in names)
    assert not stale, f"ROUTES lists routes that no longer exist: {stale}"


def test_every_api_operation_is_classified():
    problems = []
    for path, method in schema_operations():
        sample = re.sub(r"\{(id|number)\}", "1", path)
        sample = re.sub(r"\{[^}]+\}", "x", sample)
        match = resolve(sample)
        name = ":".join([*match.namespaces, match.url_name]) if match.namespaces else match.url_name
        route = ROUTES.get(name)
        if route is None:
            problems.append(f"{method.upper()} {path}: route {name!r} is not in ROUTES")
        elif method == "get" and route.get is None:
            problems.append(f"GET {path}: ROUTES[{name!r}] says it serves no GET")
        elif method != "get" and (route.write is None or method not in route.methods):
            problems.append(f"{method.upper()} {path}: ROUTES[{name!r}] lacks this write")
    assert not problems, "\n".join(problems)


# --- the matrix -----------------------------------------------------------------------------

LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
PRIVATE_SEEN_BY = {
    # marker -> (role, state) -> may appear
    Secrets.MODERATED_BODY: lambda r, s: r in ("official", "moderator", "staff"),
    Secrets.HIDDEN_NAME: lambda r, s: r in ("official", "moderator", "staff"),
    Secrets.HIDDEN_EMAIL: lambda r, s: r in ("official", "moderator", "staff"),
    Secrets.NAMED_EMAIL: lambda r, s: r in ("official", "moderator", "staff"),
    Secrets.PAPER_AUTHOR_EMAIL: lambda r, s: r in ("official", "moderator", "staff"),
    Secrets.DRAFT_TITLE: lambda r, s: s != "draft" or r in ("official", "moderator", "staff"),
    # moderators are privileged readers of submissions (``comments.see_identities``)
    Secrets.JUSTIFICATION: lambda r, s: (
        s == "report_published" or r in ("official", "moderator", "staff")
    ),
}


def _fingerprint_sql() -> str:
    from django.apps import apps

    tables = []
    for app in (
        "accounts",
        "consult",
        "proposals",
        "comments",
        "hearings",
        "plans",
        "reports",
        "subscriptions",
        "auth",
    ):
        for model in apps.get_app_config(app).get_models():
            tables.append(model._meta.db_table)
    # Every model whose changes matter keeps its history (django-simple-history): a write that
    # changes a row adds a history row, so counting rows catches changes too.
    return "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {t})" for t in sorted(set(tables)))


def fingerprint() -> tuple:
    """What a refused write must leave as it was: the number of rows of every table of the
    domain apps (history tables included), and the rows of the few tables without history."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        counts = cursor.fetchone()
    return (
        counts,
        tuple(Subscription.objects.order_by("pk").values_list("frequency", "user_id")),
        tuple(ReportVersion.objects.order_by("pk").values_list("pk", flat=True)),
    )


def is_login_redirect(response) -> bool:
    return response.status_code in (301, 302) and any(
        p in response.get("Location", "") for p in LOGIN_PATHS
    )


def is_refusal(response, role: str) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    return is_login_redirect(response) and (
        role == "anonymous" or "/admin/login/" in response["Location"]
    )


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


def url_of(found: Found, route: Route, world: World) -> str | None:
    kwargs = route.kwargs(world)
    if kwargs is None:
        return None
    if found.name and found.name.startswith("admin:"):
        regex = found.pattern.pattern.regex
        if regex.groups > len(regex.groupindex):
            return reverse(found.name, args=["1"] * regex.groups)
        kwargs = {k: {"app_label": "consult"}.get(k, "1") for k in regex.groupindex}
    if not found.name:
        return "/admin/consult/consultation/"
    if "format" in found.pattern.pattern.regex.groupindex:
        kwargs = {**kwargs, "format": "json"}
    if "drf_format_suffix" in found.route:
        return None  # the same view as its sibling without the suffix
    return reverse(found.name, kwargs=kwargs) + route.query


def clients_for(world: World) -> dict[str, Client]:
    made = {}
    for role in ROLES:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.cookies["konsulta_language"] = "en"
        if world.people[role] is not None:
            client.force_login(world.people[role])
        made[role] = client
    return made


@pytest.fixture(autouse=True)
def _generous_limits(settings):
    settings.COMMENT_RATE_LIMIT = "1000/60"
    settings.FLAG_RATE_LIMIT = "1000/60"
    settings.HEARING_ITEM_RATE_LIMIT = "1000/60"
    clear_cache()  # the API's throttles count in the cache (far above what one state sends)


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_access_matrix(state):
    world = build_world(state)
    clients = clients_for(world)
    failures: list[str] = []
    checked = 0
    for found in all_routes():
        key = entry_for(found)
        assert key is not None, f"unclassified route {found.route}: see the test above"
        route = ROUTES[key]
        if route.once and state != "open":
            continue
        if key == "admin:*" and set(found.pattern.pattern.regex.groupindex) - {"app_label"}:
            continue  # one object's pages: the same guard as the lists, which are checked
        if key == "admin:*" and found.pattern.pattern.regex.groups > len(
            found.pattern.pattern.regex.groupindex
        ):
            continue
        url = url_of(found, route, world)
        if url is None:
            continue
        for role in ROLES:
            client = clients[role]
            label = f"[{state}] {role:15} GET {url} ({key}: {route.access})"
            response = client.get(url)
            checked += 1
            status = response.status_code
            text = body_of(response)
            if status >= 500:
                failures.append(f"{label}: {status}")
                continue
            for marker, may_see in PRIVATE_SEEN_BY.items():
                if marker in text and not may_see(role, state):
                    failures.append(f"{label}: shows private {marker!r}")
            allowed = route.get is not None and route.get(role, state)
            if key.startswith("admin:") and role == "staff":
                pass  # staff without a model permission get 403 from the admin: not ours to pin
            elif allowed and not route.token:
                if status >= 400 or is_login_redirect(response):
                    failures.append(f"{label}: allowed but got {status}")
            elif not allowed and not is_refusal(response, role):
                failures.append(f"{label}: must be refused but got {status}")
        if route.write is None or key.startswith("admin:"):
            continue
        for role in ROLES:
            if route.write(role, state):
                continue
            for method in route.methods:
                before = fingerprint()
                data = route.data(world) if route.data else {}
                extra = {}
                if method != "post" or (url.startswith("/api/") and not route.multipart):
                    extra["content_type"] = "application/json"
                if route.ajax:
                    extra["HTTP_ACCEPT"] = "application/json"
                response = getattr(clients[role], method)(url, data, **extra)
                checked += 1
                label = f"[{state}] {role:15} {method.upper()} {url} ({key}: {route.access})"
                if not is_refusal(response, role):
                    failures.append(f"{label}: must be refused but got {response.status_code}")
                if fingerprint() != before:
                    failures.append(f"{label}: a refused write changed something")
    assert checked > 500
    assert not failures, f"{len(failures)} of {checked} checks failed:\n" + "\n".join(failures)
