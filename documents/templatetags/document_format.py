"""How the PDF documents number their sections, in the document's language."""

from django import template

from documents.sections import section_number

register = template.Library()


@register.filter
def section(n) -> str:
    """``{{ 2|section }}`` → 二、 in Chinese, "2. " in other languages."""
    return section_number(int(n))
