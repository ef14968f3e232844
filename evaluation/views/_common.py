"""What every evaluation page shares."""

from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import EvaluationScheme


def visible_scheme(request, pk) -> EvaluationScheme:
    """The scheme ``pk`` if the user may read it, else 404."""
    return get_object_or_404(selectors.visible_schemes(request.user), pk=pk)
