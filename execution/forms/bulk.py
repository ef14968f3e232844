"""The bulk progress-entry grid (issue 19 item 4): a Django formset, one row form per target.
Row forms only parse what was typed; every rule is the one-by-one service's, and what it refuses
comes back on that row alone."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS

from ..services.progress import ReportInput
from .progress import MultipleFileField

TEXT = {"rows": 2, "cols": 24}


class GridRowForm(forms.Form):
    target = forms.IntegerField(widget=forms.HiddenInput)
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    actual_value = forms.DecimalField(
        label=_("累计完成值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        widget=forms.NumberInput(attrs={"step": "any", "class": "input--narrow"}),
    )
    percent_complete = forms.DecimalField(
        label=_("完成进度（%）"),
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "class": "input--narrow"}),
    )
    narrative = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    next_steps = forms.CharField(
        label=_("下一步工作"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    files = MultipleFileField(label=_("佐证材料"), required=False)

    CONTENT = ("actual_value", "percent_complete", "narrative", "problems", "next_steps")

    def is_blank(self) -> bool:
        """Nothing typed and nothing attached: the row is left as it is."""
        data = self.cleaned_data
        return not any(data.get(k) not in (None, "") for k in self.CONTENT) and not data.get(
            "files"
        )

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            actual_value=data.get("actual_value"),
            percent_complete=data.get("percent_complete"),
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
            next_steps=data.get("next_steps", ""),
        )


GridFormSet = forms.formset_factory(GridRowForm, extra=0, max_num=1000, absolute_max=1000)
