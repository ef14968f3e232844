from django.utils.functional import SimpleLazyObject

from workflow.generations import remembered

from .access import access_for
from .models import Membership


def _memberships(user):
    if user is None or not user.is_authenticated:
        return []
    # Kept until a write to a table it read (a membership or department changed;
    # workflow/generations.py, issue 20): no query for the header on most pages.
    return remembered(
        "header_memberships",
        user.pk,
        lambda: list(
            Membership.objects.filter(user=user, department__is_active=True)
            .select_related("department")
            .order_by("department__sort_order", "id")
        ),
    )


def access(request):
    """``access`` (roles) and ``header_memberships`` (department · role lines in the page header)
    in every template, each computed only if a template asks for it."""
    user = getattr(request, "user", None)
    return {
        "access": SimpleLazyObject(lambda: access_for(user)),
        "header_memberships": SimpleLazyObject(lambda: _memberships(user)),
    }
