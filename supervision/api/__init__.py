"""The supervision API under /api/v1/: thin viewsets over supervision.selectors and
supervision.services, with the same permissions as the pages (unreadable → 404, forbidden →
403, bad input → 400 with Chinese messages, someone else first → 409)."""

from .findings import FindingViewSet
from .orders import OrderViewSet
from .records import AccountabilityViewSet, ExternalInputViewSet, InspectionViewSet

__all__ = [
    "AccountabilityViewSet",
    "ExternalInputViewSet",
    "FindingViewSet",
    "InspectionViewSet",
    "OrderViewSet",
]
