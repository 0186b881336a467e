"""Khabar: sourced, structured event data from news about conflict, terrorism and security.

>>> from khabar import extract
>>> report = extract(text, published="2024-04-10")
>>> report.to_dict()["events"]
"""

__version__ = "0.1.0"

from khabar.core import extract, extract_many  # noqa: E402
from khabar.errors import KhabarError  # noqa: E402
from khabar.model import Report  # noqa: E402

__all__ = ["extract", "extract_many", "Report", "KhabarError", "__version__"]
