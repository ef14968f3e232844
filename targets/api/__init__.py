"""The targets API under /api/v1/: thin viewsets over targets.selectors and targets.services.

Serializers here only parse and check types; every rule on a target's content, every permission
and every state check lives in the services, which answer with ApplicationError (rendered by
``workflow.api.exception_handler``). Querysets come from the selectors, so an object the user
may not read is a 404, exactly as on the pages.

By topic: ``reading`` (list row, detail, thread, revisions), ``writing`` (content and transition
bodies), ``filters`` (the list's query filters), ``targets`` (the target viewset), ``years``
(plan years and aspects).
"""

from .targets import TargetViewSet
from .years import AspectViewSet, PlanYearViewSet

__all__ = ["AspectViewSet", "PlanYearViewSet", "TargetViewSet"]
