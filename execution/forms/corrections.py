"""The late-correction form (更正申请): it only parses what the page posts; every rule is in
``execution.services.corrections``."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CorrectionForm(forms.Form):
    new_value = forms.DecimalField(label=_("更正后的累计完成值"), required=False)
    new_percent = forms.DecimalField(label=_("更正后的完成进度（%）"), required=False)
    reason = forms.CharField(
        label=_("更正理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    evidence = forms.FileField(
        label=_("更正依据"),
        required=False,
        help_text=_("统计部门更正数据、复核报告等：PDF、图片或 Office 文档"),
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        if report.target.kind != "quantitative":
            del self.fields["new_value"]
