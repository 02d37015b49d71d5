"""The public accountability dashboard: the indicators of the Government's annual report on
public consultations, computed from the record.

Every figure is grouped by (institution, year the consultation opened, in local time) by the
database, in five aggregate queries whatever the amount of data; totals per institution, per
year and overall are sums of those groups (averages are recomputed from summed totals, never
averaged twice). Only the round's working days are counted in Python, once per consultation
(one row each), because they depend on Kosovo's holiday calendar (``consult.workdays``).

Definitions (the same as the consultation report, ``reports.selectors``):

* *held*: a public consultation whose written round has started (effective status open, closed
  or report published); *by status* counts every public consultation by effective status;
* *short round*: a held consultation with fewer working days than the minimum;
* *report published*: at least one published report version; *days to report*: from the
  closing time to the first publication;
* *submissions*: comments (replies included) and position papers, not withdrawn, in public
  consultations; *answered*: with an official answer **that the public can see** (answers kept
  until the report is published are not counted before it is); *accepted*: accepted or
  partially accepted, as a share of the answered ones;
* *participants*: people with at least one comment that is not withdrawn, counted once per
  consultation; *average participation*: participants per consultation held.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, fields

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accounts.models import Organisation
from comments.models import Comment, OfficialResponse, Participant, PositionPaper
from consult.models import Consultation
from consult.workdays import working_days_between
from reports.models import ReportVersion

S = Consultation.Status
HELD = [S.OPEN, S.CLOSED, S.REPORT_PUBLISHED]
STATUSES = [S.SCHEDULED, S.OPEN, S.CLOSED, S.REPORT_PUBLISHED, S.WITHDRAWN]
Outcome = OfficialResponse.Outcome
DAY = 86400


@dataclass
class Figures:
    """Counts for one group; every field adds up across groups."""

    scheduled: int = 0
    open: int = 0
    closed: int = 0
    report_published: int = 0
    withdrawn: int = 0
    held: int = 0
    short_rounds: int = 0
    reports: int = 0
    report_seconds: float = 0.0
    comments: int = 0
    papers: int = 0
    answered: int = 0
    accepted: int = 0
    partially: int = 0
    rejected: int = 0
    noted: int = 0
    answer_seconds: float = 0.0
    participants: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def consultations(self) -> int:
        return self.scheduled + self.open + self.closed + self.report_published + self.withdrawn

    @property
    def submissions(self) -> int:
        return self.comments + self.papers

    @property
    def answered_percent(self) -> float | None:
        return _percent(self.answered, self.submissions)

    @property
    def accepted_percent(self) -> float | None:
        return _percent(self.accepted + self.partially, self.answered)

    @property
    def rejected_percent(self) -> float | None:
        return _percent(self.rejected, self.answered)

    @property
    def short_rounds_percent(self) -> float | None:
        return _percent(self.short_rounds, self.held)

    @property
    def report_days(self) -> float | None:
        return round(self.report_seconds / DAY / self.reports, 1) if self.reports else None

    @property
    def answer_days(self) -> float | None:
        return round(self.answer_seconds / DAY / self.answered, 1) if self.answered else None

    @property
    def participation(self) -> float | None:
        return round(self.participants / self.held, 1) if self.held else None

    def as_dict(self) -> dict:
        return {
            "consultations": self.consultations,
            "by_status": {s.value: getattr(self, s.value) for s in STATUSES},
            "held": self.held,
            "short_rounds": self.short_rounds,
            "reports_published": self.reports,
            "average_days_to_report": self.report_days,
            "submissions": self.submissions,
            "comments": self.comments,
            "position_papers": self.papers,
            "answered": self.answered,
            "answered_percent": self.answered_percent,
            "accepted": self.accepted,
            "partially_accepted": self.partially,
            "rejected": self.rejected,
            "noted": self.noted,
            "accepted_percent": self.accepted_percent,
            "average_days_to_answer": self.answer_days,
            "participants": self.participants,
            "average_participation": self.participation,
        }


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _seconds(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000  # microseconds (SQLite)


def _effective_status(now: dt.datetime, prefix: str = "") -> Case:
    p = prefix
    return Case(
        When(
            Q(**{f"{p}status__in": [S.SCHEDULED, S.OPEN], f"{p}closes_at__lte": now}),
            then=Value(S.CLOSED),
        ),
        When(Q(**{f"{p}status": S.SCHEDULED, f"{p}opens_at__lte": now}), then=Value(S.OPEN)),
        default=F(f"{p}status"),
        output_field=CharField(),
    )


Key = tuple[int, int | None]


@dataclass
class Dashboard:
    groups: dict[Key, Figures]
    institutions: dict[int, Organisation]

    @property
    def years(self) -> list[int]:
        return sorted({year for _inst, year in self.groups if year is not None}, reverse=True)

    def figures(self, *, institution: int | None = None, year: int | None = None) -> Figures:
        total = Figures()
        for (inst, y), figures in self.groups.items():
            if (institution is None or inst == institution) and (year is None or y == year):
                total.add(figures)
        return total

    def by_institution(self, *, year: int | None = None) -> list[tuple[Organisation, Figures]]:
        rows = []
        for inst_id, org in self.institutions.items():
            figures = self.figures(institution=inst_id, year=year)
            if figures.consultations:
                rows.append((org, figures))
        return sorted(rows, key=lambda row: row[0].name)

    def by_year(self, *, institution: int | None = None) -> list[tuple[int, Figures]]:
        return [(y, self.figures(institution=institution, year=y)) for y in self.years]


def _compute(now: dt.datetime) -> dict[Key, Figures]:
    groups: dict[Key, Figures] = defaultdict(Figures)

    # 1. Consultations by effective status, held, reports and days to report.
    first_report = Subquery(
        ReportVersion.objects.filter(consultation=OuterRef("pk"))
        .order_by("published_at")
        .values("published_at")[:1]
    )
    report_delay = ExpressionWrapper(
        F("first_report") - F("closes_at"), output_field=DurationField()
    )
    rows = (
        Consultation.objects.exclude(status=S.DRAFT)
        .annotate(
            eff=_effective_status(now), year=ExtractYear("opens_at"), first_report=first_report
        )
        .values("institution_id", "year")
        .annotate(
            **{s.value: Count("pk", filter=Q(eff=s)) for s in STATUSES},
            held=Count("pk", filter=Q(eff__in=HELD)),
            reports=Count("pk", filter=Q(first_report__isnull=False)),
            report_seconds=Sum(report_delay, filter=Q(first_report__isnull=False)),
        )
        .order_by()
    )
    for row in rows:
        g = groups[(row["institution_id"], row["year"])]
        for s in STATUSES:
            setattr(g, s.value, row[s.value])
        g.held, g.reports = row["held"], row["reports"]
        g.report_seconds = _seconds(row["report_seconds"])

    # 2. Short rounds: working days per held consultation (holidays are a Python calendar).
    held = (
        Consultation.objects.exclude(status=S.DRAFT)
        .annotate(eff=_effective_status(now), year=ExtractYear("opens_at"))
        .filter(eff__in=HELD, opens_at__isnull=False, closes_at__isnull=False)
        .values_list("institution_id", "year", "opens_at", "closes_at")
    )
    minimum = settings.CONSULTATION_MIN_WORKING_DAYS
    for inst, year, opens_at, closes_at in held:
        if working_days_between(opens_at, closes_at) < minimum:
            groups[(inst, year)].short_rounds += 1

    # 3. and 4. Submissions and their public answers.
    public_answer = Q(response__isnull=False) & (
        Q(consultation__responses_visibility=Consultation.ResponsesVisibility.IMMEDIATE)
        | Q(consultation__status=S.REPORT_PUBLISHED)
    )
    answer_delay = ExpressionWrapper(
        F("response__created_at") - F("created_at"), output_field=DurationField()
    )
    for model, attr in ((Comment, "comments"), (PositionPaper, "papers")):
        rows = (
            model.objects.exclude(status=model.Status.WITHDRAWN)
            .exclude(consultation__status=S.DRAFT)
            .annotate(year=ExtractYear("consultation__opens_at"))
            .values("consultation__institution_id", "year")
            .annotate(
                n=Count("pk"),
                answered=Count("pk", filter=public_answer),
                **{
                    o.value: Count("pk", filter=public_answer & Q(response__outcome=o))
                    for o in Outcome
                },
                answer_seconds=Sum(answer_delay, filter=public_answer),
            )
            .order_by()
        )
        for row in rows:
            g = groups[(row["consultation__institution_id"], row["year"])]
            setattr(g, attr, row["n"])
            g.answered += row["answered"]
            g.accepted += row[Outcome.ACCEPTED]
            g.partially += row[Outcome.PARTIALLY]
            g.rejected += row[Outcome.REJECTED]
            g.noted += row[Outcome.NOTED]
            g.answer_seconds += _seconds(row["answer_seconds"])

    # 5. Participants: people with a comment that is not withdrawn, once per consultation.
    live = Comment.objects.filter(participant=OuterRef("pk")).exclude(
        status=Comment.Status.WITHDRAWN
    )
    rows = (
        Participant.objects.filter(Exists(live))
        .exclude(consultation__status=S.DRAFT)
        .annotate(year=ExtractYear("consultation__opens_at"))
        .values("consultation__institution_id", "year")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        groups[(row["consultation__institution_id"], row["year"])].participants = row["n"]
    return dict(groups)


CACHE_KEY = "dashboard:groups:v1"


def dashboard(*, now: dt.datetime | None = None) -> Dashboard:
    """The dashboard's figures, kept in the cache for ``DASHBOARD_CACHE_SECONDS`` (60 by
    default; 0 computes them every time)."""
    timeout = getattr(settings, "DASHBOARD_CACHE_SECONDS", 60)
    groups = cache.get(CACHE_KEY) if timeout and now is None else None
    if groups is None:
        groups = _compute(now or timezone.now())
        if timeout and now is None:
            cache.set(CACHE_KEY, groups, timeout)
    ids = {inst for inst, _year in groups}
    institutions = {
        o.pk: o for o in Organisation.objects.filter(pk__in=ids).only("pk", "name", "slug")
    }
    return Dashboard(groups=groups, institutions=institutions)
