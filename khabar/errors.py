"""Every error Khabar reports, in one place, each with a stable code.

A user sees one line (``E101: ... (path)``); a batch records the code and goes on.
"""

from __future__ import annotations

__all__ = ["KhabarError", "Errors"]


class Errors:
    E101 = "text is empty or holds only whitespace"
    E102 = "file looks binary (NUL bytes or mostly control characters), not text"
    E103 = "text could not be decoded as UTF-8, UTF-16 or Latin-1"
    E104 = "file not found"
    E105 = "path is a directory, not a file"
    E106 = "text is too large ({size} bytes; the limit is {limit})"
    E201 = "published date {value!r} is not an ISO date (YYYY-MM-DD)"
    E301 = "gold file {path} is not valid: {why}"
    E302 = "gold file {path} names an article that does not exist: {article}"
    E401 = "knowledge-base file {path} is not valid: {why}"


class KhabarError(Exception):
    """An expected failure with a code: shown to users as a single line."""

    def __init__(self, code: str, message: str, *, path: str | None = None) -> None:
        self.code = code
        self.message = message
        self.path = path
        super().__init__(self.line())

    @classmethod
    def make(cls, code: str, *, path: str | None = None, **values: object) -> KhabarError:
        template = getattr(Errors, code)
        return cls(code, template.format(**values), path=path)

    def line(self) -> str:
        where = f" ({self.path})" if self.path else ""
        return f"{self.code}: {self.message}{where}"
