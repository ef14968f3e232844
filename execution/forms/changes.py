"""Forms for adjustment requests, coordination items and completion reports. They only parse
what a page posts; every rule is in ``execution.services``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from accounts.widgets import DepartmentMultiPicker
from targets.models import TargetDepartment

from ..models import AdjustmentRequest, CoordinationItem

MILESTONE_QUARTERS = (1, 2, 3, 4)
DEPARTMENT_ROWS = 4


class AdjustmentForm(forms.Form):
    """The request as a head writes it: the reason, and the target's adjustable content
    prefilled with its current values; what differs from them is the proposal (Art. 12)."""

    kind = forms.ChoiceField(
        label=_("申请类型"),
        choices=AdjustmentRequest.Kind.choices,
        widget=forms.RadioSelect,
        initial=AdjustmentRequest.Kind.CHANGE,
        required=False,
    )
    reason = forms.ChoiceField(
        label=_("调整原因"),
        choices=[("", _("请选择"))] + list(AdjustmentRequest.Reason.choices),
        required=False,
    )
    explanation = forms.CharField(
        label=_("调整说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attachment = forms.FileField(
        label=_("申请附件"),
        required=False,
        help_text=_("书面申请或依据文件：PDF、图片或 Office 文档"),
    )
    target_value = forms.CharField(label=_("目标值"), required=False, max_length=40)
    # Adjusted with the target value when they state it (issue 16 item 4).
    title = forms.CharField(label=_("目标名称"), required=False, max_length=200)
    content = forms.CharField(
        label=_("目标内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measures = forms.CharField(
        label=_("工作措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.quantitative = target.kind == "quantitative"
        if not self.quantitative:
            del self.fields["target_value"]
        departments = [("", "—")] + [
            (d.pk, str(d))
            for d in Department.objects.filter(is_active=True).order_by("sort_order", "id")
        ]
        milestones = {m.quarter: m for m in target.milestones.all()}
        for q in MILESTONE_QUARTERS:
            m = milestones.get(q)
            self.fields[f"q{q}_description"] = forms.CharField(
                label=_("第%(q)s季度节点目标") % {"q": q},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=m.description if m else "",
            )
            self.fields[f"q{q}_due_date"] = forms.DateField(
                label=_("完成时限"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=m.due_date if m else None,
            )
            if self.quantitative:
                self.fields[f"q{q}_expected_value"] = forms.CharField(
                    label=_("预期值"),
                    required=False,
                    max_length=40,
                    initial=_plain(m.expected_value) if m else "",
                )
        rows = list(target.departments.all())
        for i in range(max(DEPARTMENT_ROWS, len(rows) + 1)):
            row = rows[i] if i < len(rows) else None
            self.fields[f"d{i}_department"] = forms.TypedChoiceField(
                label=_("部门"),
                choices=departments,
                coerce=int,
                required=False,
                empty_value=None,
                initial=row.department_id if row else "",
            )
            self.fields[f"d{i}_role"] = forms.ChoiceField(
                label=_("职责"),
                choices=TargetDepartment.Role.choices,
                required=False,
                initial=row.role if row else TargetDepartment.Role.COOPERATING,
            )
            self.fields[f"d{i}_task"] = forms.CharField(
                label=_("承担任务"), required=False, initial=row.task if row else ""
            )
        self.department_rows = i + 1
        if self.quantitative:
            self.fields["target_value"].initial = _plain(target.target_value)
        self.fields["measures"].initial = target.measures
        self.fields["title"].initial = target.title
        self.fields["content"].initial = target.content

    def milestone_rows(self):
        return [
            [
                self[f"q{q}_{name}"]
                for name in ("description", "due_date", "expected_value")
                if f"q{q}_{name}" in self.fields
            ]
            for q in MILESTONE_QUARTERS
        ]

    def department_fields(self):
        return [
            [self[f"d{i}_{name}"] for name in ("department", "role", "task")]
            for i in range(self.department_rows)
        ]

    def proposed(self) -> dict:
        """Every adjustable field as posted; the service keeps only what differs."""
        data = self.cleaned_data
        proposed = {
            "measures": data.get("measures") or "",
            "title": data.get("title") or "",
            "content": data.get("content") or "",
        }
        if self.quantitative:
            proposed["target_value"] = data.get("target_value") or None
        milestones = []
        self._sent_rows = {"milestones": [], "departments": []}
        for q in MILESTONE_QUARTERS:
            description = (data.get(f"q{q}_description") or "").strip()
            if not description:
                continue
            self._sent_rows["milestones"].append(f"q{q}")
            due = data.get(f"q{q}_due_date")
            milestones.append(
                {
                    "quarter": q,
                    "description": description,
                    "due_date": due.isoformat() if due else None,
                    "expected_value": data.get(f"q{q}_expected_value") or None,
                }
            )
        proposed["milestones"] = milestones
        departments = []
        for i in range(self.department_rows):
            dept = data.get(f"d{i}_department")
            if dept is None:
                continue
            self._sent_rows["departments"].append(f"d{i}")
            departments.append(
                {
                    "department": dept,
                    "role": data.get(f"d{i}_role") or "",
                    "task": data.get(f"d{i}_task") or "",
                    "acceptance": "",
                }
            )
        proposed["departments"] = departments
        return proposed

    def add_service_errors(self, field_errors) -> list[str]:
        """Puts the service's messages next to their fields (a proposed milestone or department
        row next to the row it was posted in); those that have none become the form's own
        errors, and are returned."""
        rest = []
        sent = getattr(self, "_sent_rows", {})
        for key, messages in field_errors.items():
            name = key
            parts = key.split(".")
            if (
                len(parts) == 3
                and parts[1].isdigit()
                and int(parts[1]) < len(sent.get(parts[0], []))
            ):
                name = f"{sent[parts[0]][int(parts[1])]}_{parts[2]}"
            for message in messages:
                if name in self.fields:
                    self.add_error(name, message)
                else:
                    self.add_error(None, message)
                    rest.append(message)
        return rest


def _plain(value):
    if value is None:
        return ""
    return format(value.normalize(), "f")


class DecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CoordinationForm(forms.Form):
    subject = forms.CharField(label=_("需协调事项"), max_length=200, required=False)
    description = forms.CharField(
        label=_("具体情况和诉求"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("需协调部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=DepartmentMultiPicker,
    )
    due_date = forms.DateField(
        label=_("协调时限"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = (
            Department.objects.filter(is_active=True)
            .exclude(pk=target.lead_department_id)
            .exclude(kind="government")
            .order_by("sort_order", "id")
        )


class CoordinationSheetForm(forms.Form):
    """One duty per department concerned (工作协调单)."""

    def __init__(self, *args, item, departments, **kwargs):
        super().__init__(*args, **kwargs)
        current = {d.department_id: d for d in item.duties.all()}
        self.departments = departments
        for d in departments:
            duty = current.get(d.pk)
            self.fields[f"duty_{d.pk}"] = forms.CharField(
                label=str(d), required=False, initial=duty.duty if duty else ""
            )
            self.fields[f"due_{d.pk}"] = forms.DateField(
                label=_("完成时限"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=duty.due_date if duty else None,
            )

    def rows(self):
        return [(d, self[f"duty_{d.pk}"], self[f"due_{d.pk}"]) for d in self.departments]

    def duties(self):
        data = self.cleaned_data
        return [
            (d, data.get(f"duty_{d.pk}"), data.get(f"due_{d.pk}"))
            for d in self.departments
            if (data.get(f"duty_{d.pk}") or "").strip()
        ]


class TextForm(forms.Form):
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CompletionForm(forms.Form):
    summary = forms.CharField(
        label=_("完成情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    actual_value = forms.CharField(label=_("实际完成值"), required=False, max_length=40)
    evidence = forms.FileField(label=_("佐证材料"), required=False)


COORDINATION_STATES = CoordinationItem.State
