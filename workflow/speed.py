"""Two costs every page paid per value, measured under load (issue 20, README "Throughput"):

- ``get_<field>_display()``: Django rebuilds a dict of the field's choices on every call, hashing
  each lazy label (a gettext call per choice); a list of 50 targets called it 100 times, about a
  tenth of the page. ``install_fast_displays`` gives every model field with fixed choices a
  display method reading a dict built once per field and language.
- form widgets: Django renders each ``<option>`` of a ``<select>`` through two template
  includes; the list's filter form with every department was a quarter of the page's template
  time. ``FastFormRenderer`` writes the plain widgets (select, input, textarea) in Python, with
  byte-for-byte the markup of Django's templates, and leaves every other widget to them.
"""

from functools import partialmethod

from django.db.models import Model
from django.forms.renderers import DjangoTemplates
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape
from django.utils.translation import get_language

_labels: dict = {}


def _fast_display(self, field):
    value = getattr(self, field.attname)
    key = (field, get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = {make_hashable(k): force_str(v) for k, v in field.flatchoices}
        _labels[key] = labels
    return force_str(labels.get(make_hashable(value), value), strings_only=True)


def install_fast_displays(models) -> None:
    """Replace Django's generated ``get_<field>_display`` (never one a model wrote itself) on
    fields whose choices are a fixed list: callable choices may change and keep Django's."""
    for model in models:
        for field in model._meta.fields:
            if not field.choices or callable(getattr(field, "_choices", None)):
                continue
            name = f"get_{field.name}_display"
            current = model.__dict__.get(name)
            if isinstance(current, partialmethod) and current.func is Model._get_FIELD_display:
                setattr(model, name, partialmethod(_fast_display, field=field))


def _attrs(attrs) -> str:
    # django/forms/widgets/attrs.html
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget) -> str:
    # django/forms/widgets/input.html
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _select(widget) -> str:
    # django/forms/widgets/select.html and select_option.html (an included file's final newline
    # included)
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            out.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(widget) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{conditional_escape(value) if value else ''}</textarea>"
    )


_INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "number", "email", "url", "password", "hidden", "date")
    + ("datetime", "time", "search", "tel", "color")
}
_FAST = {
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/textarea.html": _textarea,
    **dict.fromkeys(_INPUTS, _input),
}


class FastFormRenderer(DjangoTemplates):
    """Django's form renderer, with the plain widgets written in Python (same markup)."""

    def render(self, template_name, context, request=None):
        fast = _FAST.get(template_name)
        if fast is not None and "widget" in context:
            return fast(context["widget"]).strip()
        return super().render(template_name, context, request=request)


_PK_MARK = 918273645


def url_for_each(name: str):
    """``pk → the escaped address of the view`` ``name`` (one ``<int:…>`` argument): one
    ``reverse`` for a whole table of rows, not one per row (issue 20: the lists written in
    Python, ``targets/rows.py``, ``dashboards/rows.py``)."""
    from django.urls import reverse
    from django.utils.html import escape

    parts = reverse(name, args=[_PK_MARK]).split(str(_PK_MARK))
    if len(parts) != 2:
        return lambda pk: escape(reverse(name, args=[pk]))
    head, tail = escape(parts[0]), escape(parts[1])
    return lambda pk: f"{head}{int(pk)}{tail}"
