"""Who may read the object a notification is about — asked before anyone is told about it.

Nobody is notified about an object they cannot read. The app that owns a model registers a check
from its ``AppConfig.ready()`` that filters candidate recipients through its own selector
(``targets`` registers one for ``Target``); ``notify(obj=...)`` refuses a model with no
registered check, so a new kind of object cannot slip through unchecked.
"""

from collections.abc import Callable, Iterable

# check(obj, users) -> the users among ``users`` who may read ``obj``
ReadCheck = Callable[[object, list], Iterable]

_checks: dict[str, ReadCheck] = {}


def register_read_check(model, check: ReadCheck) -> None:
    _checks[model._meta.label_lower] = check


def readers_among(obj, users: list) -> list:
    try:
        check = _checks[type(obj)._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"no read check registered for {type(obj)._meta.label}: call "
            "notifications.readers.register_read_check() from the owning app's ready()"
        ) from None
    allowed = {u.pk for u in check(obj, users)}
    return [u for u in users if u.pk in allowed]
