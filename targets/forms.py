"""Page forms: they only parse what a person typed into ``targets.services`` inputs.

Every rule about a target's content lives in ``targets.services.target_input_errors``; the forms
here check only that the input can be read (a number is a number, a choice is one of the
choices) and then map the service's ``field_errors`` back next to the right field or row.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.access import Role, access_for
from accounts.ids import IdModelChoiceField, IdModelMultipleChoiceField
from accounts.models import Department, User
from accounts.widgets import DepartmentPicker

from . import selectors, services
from .extensions import apply_target_filters, target_filters
from .models import (
    VALUE_DECIMAL_PLACES,
    VALUE_MAX_DIGITS,
    Aspect,
    PlanYear,
    Target,
    TargetDepartment,
)

QUARTERS = (1, 2, 3, 4)


class IsoDateInput(forms.DateInput):
    """``<input type="date">`` only accepts ISO dates (2027-02-15); rendered in the active
    language's format (2027/02/15 in zh-hans) the browser shows it empty, and saving the form
    would then silently replace the date (issue 11). Always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LeaderChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.title}）" if obj.title else str(obj)


class LeaderMultipleChoiceField(IdModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj}（{obj.title}）" if obj.title else str(obj)


def leaders_queryset():
    return (
        User.objects.filter(is_active=True, memberships__role=Role.LEADER).distinct().order_by("id")
    )


class TargetForm(forms.Form):
    """The target's own fields. Most are optional here: the service says what is missing."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label=_("目标类型"), choices=Target.Kind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("目标名称"), required=False, max_length=300)
    content = forms.CharField(
        label=_("目标内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = forms.CharField(
        label=_("工作措施"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    indicator = forms.CharField(label=_("指标名称"), required=False, max_length=100)
    unit = forms.CharField(label=_("计量单位"), required=False, max_length=20)
    baseline = forms.DecimalField(
        label=_("基期值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
    )
    target_value = forms.DecimalField(
        label=_("目标值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
    )
    direction = forms.ChoiceField(
        label=_("指标方向"),
        required=False,
        choices=[("", _("请选择")), *Target.Direction.choices],
    )
    aspect = IdModelChoiceField(
        label=_("方面"), queryset=Aspect.objects.none(), required=False, empty_label=_("请选择")
    )
    parent = IdModelChoiceField(
        label=_("上级目标（市政府总体目标）"),
        queryset=Target.objects.none(),
        required=False,
        empty_label=_("无"),
    )
    is_key_work = forms.BooleanField(label=_("市政府重点工作"), required=False)
    weight = forms.DecimalField(
        label=_("权重"), required=False, max_digits=6, decimal_places=2, initial=1
    )
    is_public = forms.BooleanField(label=_("向社会公开"), required=False)
    lead_department = IdModelChoiceField(
        label=_("牵头部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("请选择"),
        widget=DepartmentPicker,
    )
    lead_leader = LeaderChoiceField(
        label=_("牵头市领导"), queryset=User.objects.none(), required=False, empty_label=_("无")
    )
    cooperating_leaders = LeaderMultipleChoiceField(
        label=_("配合市领导"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assisting_secretary = LeaderChoiceField(
        label=_("协助分管秘书长"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("无"),
    )
    dept_head_name = forms.CharField(label=_("第一责任人"), required=False, max_length=50)
    dept_leader_in_charge = forms.CharField(label=_("分管领导"), required=False, max_length=50)
    dept_responsible_person = forms.CharField(label=_("责任人"), required=False, max_length=50)

    def __init__(self, *args, user, plan_year: PlanYear, level: str, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level
        self.fields["aspect"].queryset = Aspect.objects.filter(plan_year=plan_year)
        self.fields["parent"].queryset = Target.objects.filter(
            plan_year=plan_year, level=Target.Level.CITY
        ).exclude(pk=getattr(target, "pk", None))
        leaders = leaders_queryset()
        for name in ("lead_leader", "cooperating_leaders", "assisting_secretary"):
            self.fields[name].queryset = leaders
        access = access_for(user)
        if level == Target.Level.CITY:
            # The general office assembles the city's overall targets, each led by the
            # department that owns the subject (Art. 9), so any active department may lead.
            departments = Q(is_active=True)
        else:
            departments = Q(pk__in=access.member_departments)
        if target is not None:
            departments |= Q(pk=target.lead_department_id)
        self.fields["lead_department"].queryset = Department.objects.filter(departments)
        if level == Target.Level.CITY:
            del self.fields["parent"]

    def clean_title(self):
        # The service has the 200-character rule; the field's own limit only stops absurd input.
        return self.cleaned_data["title"]


class MilestoneForm(forms.Form):
    """One quarter's node target (节点目标). A row left empty is not saved."""

    description = forms.CharField(
        label=_("节点目标"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=IsoDateInput())
    expected_value = forms.DecimalField(
        label=_("预期值"),
        required=False,
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
    )

    def __init__(self, *args, quarter: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter = quarter

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            not (data.get("description") or "").strip()
            and data.get("due_date") is None
            and data.get("expected_value") is None
        )


class DepartmentRowForm(forms.Form):
    """A responsible or cooperating department with its own task (Art. 7, 16)."""

    department = IdModelChoiceField(
        label=_("部门"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("请选择"),
        widget=DepartmentPicker,
    )
    role = forms.ChoiceField(label=_("职责"), choices=TargetDepartment.Role.choices, required=False)
    task = forms.CharField(
        label=_("承担任务"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    acceptance = forms.CharField(
        label=_("完成标准"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return (
            data.get("department") is None
            and not (data.get("task") or "").strip()
            and not (data.get("acceptance") or "").strip()
        )

    def clean(self):
        data = super().clean()
        if data.get("department") is None and not self.is_blank():
            self.add_error("department", _("请选择部门，或清空该行。"))
        return data


DepartmentFormSet = forms.formset_factory(DepartmentRowForm, extra=3)


class TargetEditor:
    """The whole page: the target form, four milestone rows and the departments formset.

    ``to_input()`` builds the service input and remembers which form row each milestone and
    department became, so ``add_service_errors()`` can put ``milestones.2.due_date`` next to the
    right row even when earlier rows were left empty.
    """

    def __init__(self, *, user, plan_year, level, target=None, data=None):
        self.plan_year = plan_year
        self.level = level
        self.target = target
        initial, ms_initial, dept_initial = self._initial(target)
        self.form = TargetForm(
            data, user=user, plan_year=plan_year, level=level, target=target, initial=initial
        )
        self.milestones = [
            MilestoneForm(data, quarter=q, prefix=f"q{q}", initial=ms_initial.get(q))
            for q in QUARTERS
        ]
        self.departments = DepartmentFormSet(data, prefix="departments", initial=dept_initial)
        self.non_field_errors: list[str] = []
        self._milestone_rows: list[MilestoneForm] = []
        self._department_rows: list[DepartmentRowForm] = []

    @staticmethod
    def _initial(target):
        if target is None:
            return {"kind": Target.Kind.QUANTITATIVE, "weight": 1}, {}, []
        initial = selectors.target_editable_values(target)
        # The page offers one node target per quarter (the service allows no more).
        milestones = {m.pop("quarter"): m for m in initial.pop("milestones")}
        departments = initial.pop("departments")
        initial["expected_version"] = target.version
        return initial, milestones, departments

    def is_valid(self) -> bool:
        # Validate every part (no short-circuit) so all errors show at once.
        results = [self.form.is_valid(), self.departments.is_valid()]
        results += [m.is_valid() for m in self.milestones]
        return all(results)

    @property
    def expected_version(self) -> int | None:
        return self.form.cleaned_data.get("expected_version")

    def to_input(self) -> services.TargetInput:
        data = self.form.cleaned_data
        quantitative = data["kind"] == Target.Kind.QUANTITATIVE
        self._milestone_rows = [m for m in self.milestones if not m.is_blank()]
        self._department_rows = [
            f for f in self.departments.forms if f.cleaned_data and not f.is_blank()
        ]
        return services.TargetInput(
            level=self.level,
            kind=data["kind"],
            title=data.get("title") or "",
            content=data.get("content") or "",
            measures=data.get("measures") or "",
            aspect=data.get("aspect"),
            parent=data.get("parent") if self.level == Target.Level.DEPARTMENT else None,
            is_key_work=bool(data.get("is_key_work")),
            indicator=data.get("indicator") or "",
            unit=data.get("unit") or "",
            baseline=data.get("baseline"),
            target_value=data.get("target_value"),
            direction=data.get("direction") or "",
            weight=data.get("weight"),
            is_public=bool(data.get("is_public")),
            lead_department=data["lead_department"],
            lead_leader=data.get("lead_leader"),
            cooperating_leaders=list(data.get("cooperating_leaders") or []),
            assisting_secretary=data.get("assisting_secretary"),
            dept_head_name=data.get("dept_head_name") or "",
            dept_leader_in_charge=data.get("dept_leader_in_charge") or "",
            dept_responsible_person=data.get("dept_responsible_person") or "",
            milestones=[
                services.MilestoneInput(
                    quarter=m.quarter,
                    description=m.cleaned_data.get("description") or "",
                    due_date=m.cleaned_data.get("due_date"),
                    expected_value=m.cleaned_data.get("expected_value") if quantitative else None,
                )
                for m in self._milestone_rows
            ],
            departments=[
                services.DepartmentInput(
                    department=f.cleaned_data["department"],
                    role=f.cleaned_data.get("role") or "",
                    task=f.cleaned_data.get("task") or "",
                    acceptance=f.cleaned_data.get("acceptance") or "",
                )
                for f in self._department_rows
            ],
        )

    def add_service_errors(self, field_errors: dict[str, list[str]]) -> None:
        for key, messages in field_errors.items():
            form, name = self._locate(key)
            for message in messages:
                if form is not None and name in form.fields:
                    form.add_error(name, message)
                else:
                    self.non_field_errors.append(message)

    def _locate(self, key: str):
        parts = key.split(".")
        if len(parts) == 3 and parts[1].isdigit():
            rows = {"milestones": self._milestone_rows, "departments": self._department_rows}
            row_list = rows.get(parts[0])
            index = int(parts[1])
            if row_list is not None and index < len(row_list):
                return row_list[index], parts[2]
            return None, None
        return self.form, key

    @property
    def has_errors(self) -> bool:
        return bool(
            self.non_field_errors
            or self.form.errors
            or any(m.errors for m in self.milestones)
            or any(f.errors for f in self.departments.forms)
            or self.departments.non_form_errors()
        )


class TargetFilterForm(forms.Form):
    """The list's filters, read from the query string (so a filtered list can be bookmarked)."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    state = forms.ChoiceField(label=_("状态"), required=False)
    aspect = forms.TypedChoiceField(label=_("方面"), coerce=int, required=False)
    level = forms.ChoiceField(label=_("层级"), required=False)
    lead_department = forms.TypedChoiceField(
        label=_("牵头部门"), coerce=int, required=False, widget=DepartmentPicker
    )
    q = forms.CharField(label=_("关键词"), required=False, max_length=100)

    def __init__(self, *args, years, aspects, departments, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("全部"))]
        self.fields["year"].choices = [(y.year, str(y)) for y in years]
        self.fields["state"].choices = everything + list(Target.State.choices)
        self.fields["aspect"].choices = everything + [(a.pk, str(a)) for a in aspects]
        self.fields["level"].choices = everything + list(Target.Level.choices)
        self.fields["lead_department"].choices = everything + [(d.pk, str(d)) for d in departments]
        # Filters of later stages (early-warning level, report due / late), see extensions.py.
        for item in target_filters():
            self.fields[item.key] = forms.ChoiceField(
                label=item.label, required=False, choices=everything + list(item.choices)
            )

    def filter(self, qs):
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data.get("state"):
            qs = qs.filter(state=data["state"])
        if data.get("aspect"):
            qs = qs.filter(aspect_id=data["aspect"])
        if data.get("level"):
            qs = qs.filter(level=data["level"])
        if data.get("lead_department"):
            qs = qs.filter(lead_department_id=data["lead_department"])
        qs = apply_target_filters(qs, data)
        if data.get("q"):
            words = data["q"].strip()
            qs = qs.filter(
                Q(code__icontains=words)
                | Q(title__icontains=words)
                | Q(content__icontains=words)
                | Q(indicator__icontains=words)
            )
        return qs


class TransitionForm(forms.Form):
    """The comment (and for 确认 the approval reference) sent with a transition."""

    comment = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    approval_reference = forms.CharField(label=_("审定会议或文号"), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("协商意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
