from django.utils.functional import SimpleLazyObject

from workflow.generations import partitioned, remembered

from .models import Notification
from .selectors import unread_count


def unread(request):
    """``unread_notifications``: the bell's count in the header — only when a template shows it,
    and kept in the cache until a write to the reader's own notifications (a new one, one marked
    read) moves their partition's generation (workflow/generations.py, issue 20): no query on
    most pages."""
    user = getattr(request, "user", None)

    def count():
        if user is None or not user.is_authenticated:
            return 0
        return remembered("unread", user.pk, lambda: own_unread(user))

    return {"unread_notifications": SimpleLazyObject(count)}


def own_unread(user) -> int:
    # The reader's own rows only: another person's new notification keeps this count cached.
    with partitioned(Notification._meta.db_table, {user.pk}):
        return unread_count(user)
