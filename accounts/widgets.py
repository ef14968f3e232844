"""Department pickers (issue 19 item 7): a city has dozens of departments, too many for a wall
of checkboxes or an unsearchable menu. These are plain ``<select>`` elements marked
``data-picker``; static/js/picker.js turns them into a searchable Tom Select (type to filter,
keyboard and screen-reader usable). Without JavaScript the native select still works."""

from django import forms
from django.utils.translation import gettext_lazy as _

PICKER_ATTRS = {
    "data-picker": "departments",
    "data-picker-empty": _("没有匹配的部门"),
}


class DepartmentPicker(forms.Select):
    """One department, searchable."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({**PICKER_ATTRS, **(attrs or {})}, choices)


class DepartmentMultiPicker(forms.SelectMultiple):
    """Several departments, searchable, the chosen ones shown as removable tags."""

    def __init__(self, attrs=None, choices=()):
        attrs = {**PICKER_ATTRS, "data-picker-placeholder": _("输入名称筛选部门"), **(attrs or {})}
        super().__init__(attrs, choices)
