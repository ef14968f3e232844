"""Supervision records (Shanghai Art. 18–22; efficiency opinions 六.1, 七.5, 保障措施 三), one module
per topic: orders (督办单), inspections (检查), findings and rectification (问题与整改), external
inputs (外部监督) and accountability (问责, Zhongshan Art. 20)."""

from .accountability import AccountabilityRecord
from .findings import Finding, Rectification
from .inputs import ExternalInput
from .inspections import Inspection
from .orders import OrderAddressee, OrderReply, SupervisionOrder

__all__ = [
    "AccountabilityRecord",
    "ExternalInput",
    "Finding",
    "Inspection",
    "OrderAddressee",
    "OrderReply",
    "Rectification",
    "SupervisionOrder",
]
