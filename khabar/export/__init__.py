"""Export stage: turning reports and the store into what people and other tools read."""

from khabar.export.formats import FORMATS, write_export
from khabar.export.table import eval_table, report_tables

__all__ = ["report_tables", "eval_table", "write_export", "FORMATS"]
