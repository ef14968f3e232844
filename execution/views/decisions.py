"""Page helpers shared by the records the general office decides (调整申请 Art. 12, 更正申请 and
办结审核 Art. 14): the list filtered by state, the decision a form posts, the evidence download.
Each view keeps its own URL, access (the selector it reads through) and where it returns to;
these helpers hold what is the same."""

from django.contrib import messages
from django.shortcuts import redirect, render

from workflow.pages import form_errors, paginate, requested_state

from ..files import attachment_response
from ..forms.changes import DecisionForm


def state_list(request, queryset, *, states, template, default="pending"):
    """The records of ``queryset`` in the state the page asks for (``default`` first: the
    office's queue); any other value of ``state`` shows them all."""
    state = requested_state(request, states, default=default)
    if state in states.values:
        queryset = queryset.filter(state=state)
    page, querystring = paginate(request, queryset)
    return render(
        request,
        template,
        {"page_obj": page, "querystring": querystring, "state": state, "states": states.choices},
    )


def request_form(request, form, create, *, done, detail, template, context, errors=()):
    """The page that files a request: shown (200) with ``errors`` (a refusal known up front); on
    a valid POST, ``create(cleaned_data)`` through the service, then ``done`` and the request's
    page ``detail``; what the form or the service refuses is shown on the form (400, or the
    service's status)."""
    errors = list(errors)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            with form_errors(form) as outcome:
                record = create(form.cleaned_data)
            if not outcome.failed:
                messages.success(request, done)
                return redirect(detail, pk=record.pk)
            status = outcome.status
            # The service's message on top, with what has no field of its own.
            errors = list(dict.fromkeys([outcome.message, *form.non_field_errors()]))
    return render(request, template, {**context, "form": form, "errors": errors}, status=status)


def decide(request, record, decision, *, services, record_argument, done):
    """Take ``decision`` on ``record`` through ``services[decision]`` (which checks who may and
    raises what the page's ``redirect_on_error`` shows) with the form's comment, and say
    ``done[decision]``."""
    form = DecisionForm(request.POST)
    form.is_valid()
    services[decision](
        **{record_argument: record},
        by=request.user,
        comment=form.cleaned_data.get("comment", ""),
    )
    messages.success(request, done[decision])


def evidence_response(record):
    """A decided request's evidence file, under the name it was uploaded with."""
    file, name = record.evidence_file()
    return attachment_response(file, display_name=name)
