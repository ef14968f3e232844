from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def unread(request):
    """``unread_notifications``: the bell's count in the header — one query, and only when a
    template shows it."""
    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
