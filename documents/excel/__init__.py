"""Excel (openpyxl) in and out, in the columns of Huangpu's target list (001: 8 aspects, 178
targets, each with quarterly node targets, measures, lead, responsible and cooperating
departments): one row per target, node targets Q1–Q4 in columns.

The export and the import use the same columns, so an exported list can be edited and loaded
again (rows whose code already exists are skipped, never duplicated).
"""

from .columns import COLUMNS, LABELS, STATE_COLUMN, Column
from .export import RowWriter, import_template, write_target_list
from .imports import (
    BadFile,
    CellError,
    ImportCheck,
    ImportRow,
    check_upload,
    max_bytes,
    max_rows,
    read_target_list,
)
from .progress import PROGRESS_COLUMNS, write_progress

__all__ = [
    "COLUMNS",
    "PROGRESS_COLUMNS",
    "LABELS",
    "STATE_COLUMN",
    "BadFile",
    "CellError",
    "Column",
    "ImportCheck",
    "ImportRow",
    "RowWriter",
    "check_upload",
    "import_template",
    "max_bytes",
    "max_rows",
    "read_target_list",
    "write_progress",
    "write_target_list",
]
