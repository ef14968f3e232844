from django.utils.functional import SimpleLazyObject

from workflow.generations import remembered

from .selectors import unread_count


def unread(request):
    """``unread_notifications``: the bell's count in the header — only when a template shows it,
    and kept in the cache until a write to the notifications (a new one, one marked read) moves
    their table's generation (workflow/generations.py, issue 20): no query on most pages."""
    user = getattr(request, "user", None)

    def count():
        if user is None or not user.is_authenticated:
            return 0
        return remembered("unread", user.pk, lambda: unread_count(user))

    return {"unread_notifications": SimpleLazyObject(count)}
