"""Page forms: they only parse what a person typed into the services' arguments. Every rule
(required fields, deadlines, who may) lives in ``supervision.services``; service errors are put
back next to the right field with ``add_service_errors``."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.widgets import DepartmentMultiPicker, DepartmentPicker
from execution.models import CoordinationItem
from targets.models import PlanYear, Target

from .models import AccountabilityRecord, ExternalInput, Finding, Inspection, SupervisionOrder

CODES = re.compile(r"[、,，;；\s]+")


def active_departments():
    return (
        Department.objects.filter(is_active=True)
        .exclude(kind="division")
        .order_by("sort_order", "id")
    )


class ServiceForm(forms.Form):
    def add_service_errors(self, field_errors: dict) -> None:
        for name, messages in field_errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


class TargetCodesField(forms.CharField):
    """Targets by their codes (2027-0012、2027-0013): a list of hundreds does not fit a form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("目标编号，多个用顿号或逗号分隔，如 2027-0012、2027-0013"))
        super().__init__(**kwargs)


class CoordinationItemsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.target.code} {obj.subject}（{obj.get_state_display()}）"


class YearScopedForm(ServiceForm):
    plan_year = forms.ModelChoiceField(
        label=_("年度"), queryset=PlanYear.objects.all(), empty_label=None
    )

    def __init__(self, *args, readable_targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.readable_targets = readable_targets

    def clean_targets(self):
        codes = [c for c in CODES.split(self.cleaned_data.get("targets") or "") if c]
        year = self.cleaned_data.get("plan_year")
        if not codes or year is None:
            return []
        qs = (
            self.readable_targets if self.readable_targets is not None else Target.objects
        ).filter(plan_year=year, code__in=codes)
        found = {t.code: t for t in qs}
        missing = [c for c in codes if c not in found]
        if missing:
            raise forms.ValidationError(
                _("%(year)s年度没有编号为%(codes)s的目标。")
                % {"year": year.year, "codes": "、".join(missing)}
            )
        return [found[c] for c in dict.fromkeys(codes)]


class DeadlineMixin(forms.Form):
    days = forms.IntegerField(
        label=_("办理时限（工作日）"), required=False, min_value=1, max_value=366
    )
    deadline = forms.DateField(
        label=_("或指定截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OrderForm(YearScopedForm, DeadlineMixin):
    kind = forms.ChoiceField(
        label=_("督办类别"), choices=SupervisionOrder.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("督办事项"), required=False, max_length=300)
    targets = TargetCodesField(label=_("涉及目标"))
    coordination_items = CoordinationItemsField(
        label=_("涉及协调事项"),
        queryset=CoordinationItem.objects.none(),
        required=False,
        help_text=_("未解决的需协调事项（可多选）"),
    )
    matter = forms.CharField(
        label=_("事项说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    requirement = forms.CharField(
        label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("承办部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=DepartmentMultiPicker,
    )
    responsible_leader = forms.CharField(label=_("责任领导"), required=False, max_length=50)

    field_order = [
        "plan_year",
        "kind",
        "title",
        "targets",
        "coordination_items",
        "matter",
        "requirement",
        "departments",
        "days",
        "deadline",
        "responsible_leader",
    ]

    def __init__(self, *args, item_targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = active_departments()
        # Open and escalated items (a resolved one needs no order), of every year: the service
        # refuses one of another year with a message. An order about given targets offers only
        # their items: the city's whole list is no choice to make.
        items = CoordinationItem.objects.exclude(state=CoordinationItem.State.RESOLVED)
        if item_targets is not None:
            items = items.filter(target__in=item_targets)
        self.fields["coordination_items"].queryset = items.select_related("target").order_by("-id")
        self.order_fields(self.field_order)


class BulkOrderForm(DeadlineMixin, ServiceForm):
    kind = forms.ChoiceField(
        label=_("督办类别"), choices=SupervisionOrder.Kind.choices, initial="key"
    )
    requirement = forms.CharField(
        label=_("督办要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_leader = forms.CharField(label=_("责任领导"), required=False, max_length=50)


class ReplyForm(ServiceForm):
    body = forms.CharField(
        label=_("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    department = forms.ModelChoiceField(
        label=_("答复部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=DepartmentPicker,
    )


class CommentForm(ServiceForm):
    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ExtendForm(DeadlineMixin, ServiceForm):
    reason = forms.CharField(
        label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InspectionForm(YearScopedForm):
    kind = forms.ChoiceField(label=_("检查类别"), choices=Inspection.Kind.choices)
    title = forms.CharField(label=_("检查名称"), required=False, max_length=300)
    departments = forms.ModelMultipleChoiceField(
        label=_("被检查部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=DepartmentMultiPicker,
    )
    targets = TargetCodesField(label=_("检查的目标"))
    started_on = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    inspectors = forms.CharField(label=_("检查人员"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = active_departments()


class InspectionReportForm(ServiceForm):
    report = forms.CharField(
        label=_("检查报告"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    ended_on = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FindingForm(YearScopedForm, DeadlineMixin):
    source = forms.ChoiceField(label=_("问题来源"), choices=Finding.Source.choices)
    inspection = forms.ModelChoiceField(
        label=_("来源检查"), queryset=Inspection.objects.none(), required=False
    )
    order = forms.ModelChoiceField(
        label=_("来源督办单"), queryset=SupervisionOrder.objects.none(), required=False
    )
    external_input = forms.ModelChoiceField(
        label=_("来源外部监督事项"), queryset=ExternalInput.objects.none(), required=False
    )
    title = forms.CharField(label=_("问题"), required=False, max_length=300)
    description = forms.CharField(
        label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_department = forms.ModelChoiceField(
        label=_("责任单位"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("请选择"),
        widget=DepartmentPicker,
    )
    responsible_leader = forms.CharField(label=_("牵头领导"), required=False, max_length=50)
    targets = TargetCodesField(label=_("涉及目标"))

    field_order = [
        "plan_year",
        "source",
        "inspection",
        "order",
        "external_input",
        "title",
        "description",
        "responsible_department",
        "responsible_leader",
        "days",
        "deadline",
        "targets",
    ]

    def __init__(self, *args, inspections=None, orders=None, inputs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_department"].queryset = active_departments()
        if inspections is not None:
            self.fields["inspection"].queryset = inspections
        if orders is not None:
            self.fields["order"].queryset = orders
        if inputs is not None:
            self.fields["external_input"].queryset = inputs
        self.order_fields(self.field_order)


class RectificationForm(ServiceForm):
    body = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label=_("佐证材料"), required=False)


class ExternalInputForm(YearScopedForm):
    source = forms.ChoiceField(label=_("来源"), choices=ExternalInput.Source.choices)
    reference = forms.CharField(label=_("编号"), required=False, max_length=100)
    received_on = forms.DateField(
        label=_("收到日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("内容摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("涉及部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=DepartmentMultiPicker,
    )
    targets = TargetCodesField(label=_("涉及目标"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = active_departments()


class HotlineImportForm(ServiceForm):
    plan_year = forms.ModelChoiceField(
        label=_("年度"), queryset=PlanYear.objects.all(), empty_label=None
    )
    file = forms.FileField(label=_("Excel文件（.xlsx）"), required=False)


class AccountabilityForm(ServiceForm):
    plan_year = forms.ModelChoiceField(
        label=_("考评年度"), queryset=PlanYear.objects.all(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("被问责部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("请选择"),
        widget=DepartmentPicker,
    )
    category = forms.ChoiceField(
        label=_("问责类别"),
        choices=[("", _("请选择")), *AccountabilityRecord.Category.choices],
        required=False,
    )
    occurred_on = forms.DateField(
        label=_("问责日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reference = forms.CharField(label=_("文号"), required=False, max_length=300)
    description = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label=_("更正理由"), required=False, max_length=500)

    def __init__(self, *args, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = active_departments()
        if not correcting:
            del self.fields["reason"]


class ListFilterForm(forms.Form):
    """The lists' filters, from the query string (bookmarkable)."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    kind = forms.ChoiceField(label=_("类别"), required=False)
    department = forms.TypedChoiceField(
        label=_("部门"), coerce=int, required=False, widget=DepartmentPicker
    )
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)

    def __init__(self, *args, states=(), kinds=(), kind_label=None, with_overdue=True, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["year"].choices = everything + [
            (y.year, str(y)) for y in PlanYear.objects.all()
        ]
        self.fields["department"].choices = everything + [
            (d.pk, str(d)) for d in active_departments()
        ]
        if states:
            self.fields["state"].choices = everything + list(states)
        else:
            del self.fields["state"]
        if kinds:
            self.fields["kind"].choices = everything + list(kinds)
            if kind_label:
                self.fields["kind"].label = kind_label
        else:
            del self.fields["kind"]
        if not with_overdue:
            del self.fields["overdue"]

    @property
    def active(self) -> bool:
        return self.is_valid() and any(
            v not in (None, "", False) for v in self.cleaned_data.values()
        )
