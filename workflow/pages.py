"""The one error path of the pages, as ``workflow.api.exception_handler`` is the API's (issue 15).

Views keep only the happy path: they call a service and render or redirect. What a service
refuses is rendered here:

- ``NotPermitted`` → the 403 page with the service's message;
- ``NotFoundForUser`` → the 404 page;
- ``ValidationFailed`` / ``Conflict`` raised inside ``with form_errors(form) as outcome:`` →
  the messages bound to the form's fields (non-field errors for the rest), and the view renders
  the form again with ``outcome.status`` (400, or 409 for a concurrent change);
- ``ValidationFailed`` / ``Conflict`` anywhere else (a button that posts an action) → an error
  message and a redirect to the page the view names with ``@redirect_on_error``, else back to
  a safe ``next`` or the referring page; with nowhere to go, an error page with the status.

The public site (``portal``: no one signed in, its own layout) has its variant, ``public_errors``:
a refused public action is answered on that site's message page with the service's message and
status.

Also the one paginator of the list pages, and the one reading of a list's ``?state=``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import ApplicationError, Conflict, NotFoundForUser, NotPermitted, ValidationFailed

PAGE_SIZE = 50


def forbidden(request, message: str):
    """The 403 page, saying why."""
    return render(request, "forbidden.html", {"message": message}, status=403)


def error_text(exc: ApplicationError) -> str:
    """The message and each field's problem, as one line (for a message above the page)."""
    details = [m for ms in exc.field_errors.values() for m in ms if m not in exc.message]
    return " ".join(dict.fromkeys([exc.message, *details]))


def bind_errors(form, exc: ApplicationError) -> None:
    """Put a service's field errors next to the form's fields (a form with
    ``add_service_errors`` places nested keys itself); the rest and the message go on top."""
    place = getattr(form, "add_service_errors", None)
    if place is not None:
        place(exc.field_errors)
    else:
        for key, problems in exc.field_errors.items():
            for problem in problems:
                form.add_error(key if key in form.fields else None, problem)
    if not exc.field_errors:
        non_field = getattr(form, "non_field_errors", None)
        if isinstance(non_field, list):  # an editor of several forms keeps its own list
            non_field.append(exc.message)
        else:
            form.add_error(None, exc.message)


@dataclass
class Outcome:
    """What ``form_errors`` caught: the status to render the form with, and the error."""

    status: int = 200
    error: ApplicationError | None = None
    forms: tuple = field(default_factory=tuple)

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


@contextmanager
def form_errors(*forms) -> Iterator[Outcome]:
    """Run a service call; a ``ValidationFailed`` or ``Conflict`` it raises is bound to
    ``forms`` (the first that has the field) and recorded in the yielded ``Outcome``."""
    outcome = Outcome(forms=forms)
    try:
        yield outcome
    except (ValidationFailed, Conflict) as exc:
        outcome.status = exc.status_code
        outcome.error = exc
        if forms:
            bind_errors(forms[0], exc)


def redirect_on_error(to: str | Callable) -> Callable:
    """Where a page action goes back to when the service refuses it: a URL name reversed with
    the view's keyword arguments, or ``to(request, **kwargs)`` returning a URL."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            request.error_redirect = (
                to(request, *args, **kwargs) if callable(to) else resolve_url(to, **kwargs)
            )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def public_errors(
    page: Callable, *, title, status: int | None = None, details: bool = True
) -> Callable:
    """The public site's variant of this path: an ``ApplicationError`` the decorated view lets
    through is answered by ``page(request, title, message, status=…)``, that site's own message
    page (its layout, the reader's language; no one is signed in, so there is no page to carry a
    message back to). The message is the service's, with each field's problem unless
    ``details`` is false; the status the error's, unless the site answers ``status`` (404 for a
    link that is no longer valid). ``title`` is a lazy string, translated by ``page``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ApplicationError as exc:
                message = error_text(exc) if details else exc.message
                return page(request, title, message, status=status or exc.status_code)

        return wrapped

    return decorator


def _back(request) -> str | None:
    named = getattr(request, "error_redirect", None)
    if named:
        return named
    for candidate in (request.POST.get("next"), request.META.get("HTTP_REFERER")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return None


class ApplicationErrorMiddleware:
    """Renders an ``ApplicationError`` that a page view let through (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotPermitted):
            return forbidden(request, exception.message)
        if isinstance(exception, NotFoundForUser):
            return render(request, "404.html", status=404)
        if getattr(request, "htmx", False):
            return render(
                request,
                "partials/error_message.html",
                {"message": error_text(exception)},
                status=exception.status_code,
            )
        back = _back(request) if request.method == "POST" else None
        if back:
            messages.error(request, error_text(exception))
            return redirect(back)
        return render(
            request,
            "error.html",
            {"message": error_text(exception), "status": exception.status_code},
            status=exception.status_code,
        )


def paginate(request, items, *, per_page: int = PAGE_SIZE):
    """The requested page of ``items`` and the query string without ``page`` (for the links)."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def requested_state(request, states, *, default: str, unknown: str | None = None) -> str:
    """The state a list filtered by state asks for (``?state=``), ``default`` when it asks none.
    A value not among ``states`` (a ``TextChoices``) comes back as asked, for a list that then
    shows every state (its "all" tab), or as ``unknown`` for a list that has no such tab."""
    state = request.GET.get("state", default)
    if unknown is not None and state not in states.values:
        return unknown
    return state
