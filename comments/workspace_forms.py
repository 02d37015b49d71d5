"""Forms of the officials' and moderators' pages about submissions (``/workspace/``).

They validate what a person chose or typed; the writes go through ``comments.services``, whose
``ValidationError`` is put back on the form's fields with ``consult.forms.apply_validation_error``
(the justification a rejection needs, say, is checked by ``response_set``, not here).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FlagReason, OfficialResponse, ParticipantType, Stance, Submission
from .selectors import KIND_COMMENT, KIND_PAPER

SELECT = {"class": "select"}


def _with_any(label, choices) -> list:
    return [("", label), *choices]


class SubmissionFilterForm(forms.Form):
    """The GET filters of the submissions page. ``article_options`` comes from
    ``selectors.workspace_article_options``; an article is chosen as ``<draft slug>:<key>``
    (``<draft slug>:`` for comments on the whole draft), since keys are unique in one draft."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_with_any(
            _("All kinds"),
            [(KIND_COMMENT, _("Comments")), (KIND_PAPER, _("Position papers"))],
        ),
        widget=forms.Select(attrs=SELECT),
    )
    article = forms.ChoiceField(
        label=_("Article"), required=False, widget=forms.Select(attrs=SELECT)
    )
    stance = forms.ChoiceField(
        label=_("Stance"),
        required=False,
        choices=_with_any(_("Any stance"), Stance.choices),
        widget=forms.Select(attrs=SELECT),
    )
    participant_type = forms.ChoiceField(
        label=_("Participant type"),
        required=False,
        choices=_with_any(_("Anyone"), ParticipantType.choices),
        widget=forms.Select(attrs=SELECT),
    )
    answered = forms.ChoiceField(
        label=_("Answer"),
        required=False,
        choices=_with_any(
            _("Answered or not"), [("no", _("Not answered yet")), ("yes", _("Answered"))]
        ),
        widget=forms.Select(attrs=SELECT),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_any(_("Any status"), Submission.Status.choices),
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, article_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._targets: dict[str, tuple] = {}
        choices: list = [("", _("All articles"))]
        for proposal, sections in article_options:
            group = []
            value = f"{proposal.slug}:"
            self._targets[value] = (None, proposal)
            group.append((value, _("The whole draft")))
            for section in sections:
                value = f"{proposal.slug}:{section.key}"
                self._targets[value] = (section, None)
                label = section.label
                if not section.is_current:
                    label = _("%(label)s (not in the current version)") % {"label": label}
                group.append((value, label))
            choices.append((proposal.title, group))
        self.fields["article"].choices = choices

    def selector_filters(self) -> dict:
        """Keyword arguments for ``selectors.workspace_submission_rows``: the valid filters
        (a value that is not one of the choices is left out and shown as an error)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {
            name: data.get(name, "")
            for name in ("kind", "stance", "participant_type", "answered", "status")
        }
        section, whole_draft = self._targets.get(data.get("article", ""), (None, None))
        filters["section"], filters["whole_draft"] = section, whole_draft
        return filters

    @property
    def active(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class AnswerForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=OfficialResponse.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome.")},
    )
    justification = forms.CharField(
        label=_("Justification"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "class": "textarea"}),
        help_text=_(
            "Required when the submission is rejected or only partially accepted: the law asks "
            "for the reason. The person who sent it reads it."
        ),
    )
    reflected_in = forms.ChoiceField(
        label=_("Reflected in article"),
        required=False,
        widget=forms.Select(attrs=SELECT),
        help_text=_("Where the draft takes the submission into account, if it does."),
    )

    def __init__(self, *args, sections=(), current=None, **kwargs):
        """``sections``: from ``selectors.reflectable_sections``; ``current``: the section the
        answer points at now, kept as a choice even when it is no longer in the text."""
        super().__init__(*args, **kwargs)
        self._sections = {str(s.pk): s for s in sections}
        parents = {s.pk: s for s in sections}
        groups: dict[int, tuple[str, list]] = {}
        for section in sections:
            label = section.label
            parent = parents.get(section.parent_id)
            if section.kind == "paragraph" and parent is not None:
                label = f"{parent.label} › {label}"
            groups.setdefault(section.proposal_id, (section.proposal.title, []))[1].append(
                (str(section.pk), label)
            )
        choices: list = [("", _("Not reflected in a particular article"))]
        if current is not None and str(current.pk) not in self._sections:
            self._sections[str(current.pk)] = current
            choices.append(
                (
                    str(current.pk),
                    _("%(label)s (not in the current version)") % {"label": current.label},
                )
            )
        choices.extend(groups.values())
        self.fields["reflected_in"].choices = choices

    def clean_reflected_in(self):
        value = self.cleaned_data.get("reflected_in") or ""
        return self._sections.get(value) if value else None


class HideForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=FlagReason.choices,
        widget=forms.Select(attrs=SELECT),
        error_messages={"required": _("Choose the reason category.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea"}),
        help_text=_("Kept in the moderation log with your name."),
    )


class RestoreForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea"}),
        help_text=_("Kept in the moderation log with your name."),
    )


class BlockForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the person blocked?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "textarea"}),
        error_messages={"required": _("Say why the person is blocked.")},
        help_text=_(
            "The person can no longer comment, react or submit anywhere on the site until "
            "unblocked. Kept in the moderation log with your name."
        ),
    )


class UnblockForm(RestoreForm):
    pass
