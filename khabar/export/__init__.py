"""Export stage: turning reports into what people and other tools read."""

from khabar.export.table import eval_table, report_tables

__all__ = ["report_tables", "eval_table"]
