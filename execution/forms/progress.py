"""Page forms for progress reports: they only parse what a person typed; every rule lives in
``execution.progress_services`` and comes back as ``field_errors``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import VALUE_DECIMAL_PLACES, VALUE_MAX_DIGITS, Milestone

from ..files import ALLOWED_EXTENSIONS
from ..services.progress import ReportInput


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    period = forms.ChoiceField(label=_("报告期"), required=False)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    actual_value = forms.DecimalField(
        label=_("累计完成值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
    )
    percent_complete = forms.DecimalField(
        label=_("完成进度（%）"), required=False, max_digits=5, decimal_places=2
    )
    narrative = forms.CharField(
        label=_("进展情况"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    problems = forms.CharField(
        label=_("存在问题"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("下一步工作"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、图片或 Office 文件，可多选；单个文件不超过 20 MB。"),
    )

    def __init__(self, *args, periods=None, quantitative=True, **kwargs):
        super().__init__(*args, **kwargs)
        if periods is None:
            del self.fields["period"]
        else:
            self.fields["period"].choices = [(p.start.isoformat(), p.label) for p in periods]
        if not quantitative:
            del self.fields["actual_value"]

    def to_input(self) -> ReportInput:
        data = self.cleaned_data
        return ReportInput(
            actual_value=data.get("actual_value"),
            percent_complete=data.get("percent_complete"),
            narrative=data.get("narrative", ""),
            problems=data.get("problems", ""),
            next_steps=data.get("next_steps", ""),
        )

    def add_service_errors(self, field_errors):
        for key, messages in field_errors.items():
            field = key if key in self.fields else None
            for message in messages:
                self.add_error(field, message)


class VerifyForm(forms.Form):
    verified_value = forms.DecimalField(
        label=_("审核值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
    )
    verified_percent = forms.DecimalField(
        label=_("审核进度（%）"), required=False, max_digits=5, decimal_places=2
    )
    reason = forms.CharField(
        label=_("调整理由（审核值与填报值不同时必填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.CharField(
        label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    milestone_status = forms.ChoiceField(
        label=_("本季度节点目标"),
        required=False,
        choices=[("", _("按审核值认定或暂不认定")), *Milestone.Status.choices],
    )

    def flag_errors(self) -> None:
        """Mark each field in error for assistive technology, pointing at its message."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见（必填）"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=_("原因说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remedy = forms.CharField(
        label=_("整改措施"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("完成情况"), choices=Milestone.Status.choices)
    reason = forms.CharField(label=_("认定理由"), required=False)
