"""``/dashboard/``: the public accountability dashboard, with CSV and JSON downloads."""

from __future__ import annotations

import csv
import json

from django import forms
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.charts import bar_chart

from . import selectors


class YearForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", gettext_lazy("All years"))] + [
            (y, str(y)) for y in years
        ]
        self.fields["year"].widget.attrs["class"] = "select"


def _year(request, board) -> tuple[YearForm, int | None]:
    form = YearForm(request.GET or None, years=board.years)
    year = None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data.get("year")
    return form, year


def index(request):
    board = selectors.dashboard()
    form, year = _year(request, board)
    rows = board.by_institution(year=year)
    overall = board.figures(year=year)
    by_year = board.by_year()
    charts = {
        "held": bar_chart(
            [(org.name, f.held) for org, f in rows],
            title=_("Consultations held"),
            chart_id="held",
            empty_text=_("No consultation yet."),
        ),
        "answered": bar_chart(
            [(org.name, f.answered_percent or 0) for org, f in rows],
            title=_("Share of submissions answered (%)"),
            chart_id="answered",
            kind="secondary",
            empty_text=_("No answer yet."),
        ),
        "participation": bar_chart(
            [(str(y), f.submissions) for y, f in sorted(by_year)],
            title=_("Submissions per year"),
            chart_id="per-year",
            empty_text=_("No submission yet."),
        ),
    }
    return render(
        request,
        "dashboard/index.html",
        {
            "form": form,
            "year": year,
            "rows": rows,
            "overall": overall,
            "by_year": by_year,
            "charts": charts,
            "minimum_days": settings.CONSULTATION_MIN_WORKING_DAYS,
            "query": f"?year={year}" if year else "",
        },
    )


COLUMNS = [
    "consultations",
    "held",
    "short_rounds",
    "reports_published",
    "average_days_to_report",
    "submissions",
    "comments",
    "position_papers",
    "answered",
    "answered_percent",
    "accepted",
    "partially_accepted",
    "rejected",
    "noted",
    "accepted_percent",
    "average_days_to_answer",
    "participants",
    "average_participation",
]


def _data(board, year) -> dict:
    return {
        "year": year,
        "generated_at": timezone.now(),
        "overall": board.figures(year=year).as_dict(),
        "institutions": [
            {"institution": {"slug": org.slug, "name": org.name}, **figures.as_dict()}
            for org, figures in board.by_institution(year=year)
        ],
        "years": [{"year": y, **f.as_dict()} for y, f in board.by_year()],
    }


def data_json(request):
    board = selectors.dashboard()
    _form, year = _year(request, board)
    response = HttpResponse(
        json.dumps(_data(board, year), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="konsulta-dashboard.json"'
    return response


def data_csv(request):
    board = selectors.dashboard()
    _form, year = _year(request, board)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="konsulta-dashboard.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        ["institution", "year", *[f"status_{s.value}" for s in selectors.STATUSES], *COLUMNS]
    )

    def line(name, y, figures):
        data = figures.as_dict()
        writer.writerow(
            [
                name,
                y or "",
                *[data["by_status"][s.value] for s in selectors.STATUSES],
                *["" if data[c] is None else data[c] for c in COLUMNS],
            ]
        )

    for org, figures in board.by_institution(year=year):
        # Names come from the record: a leading =, +, - or @ must not become a formula.
        name = "'" + org.name if org.name[:1] in {"=", "+", "-", "@"} else org.name
        line(name, year, figures)
    line(_("All institutions"), year, board.figures(year=year))
    return response
