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
    E107 = "{fmt} row {row} is not valid: {why}"
    E108 = "row {row} has no text (columns: {columns})"
    E109 = "input format of {name!r} is not supported (use .txt, .html, .jsonl, .json, .csv, a folder or a URL)"
    E110 = "no article text could be extracted from the HTML"
    E111 = "text does not look like English (detected {language}); not extracted"
    E112 = "feed item {item} has neither a link nor any text"
    E113 = "feed has {count} items; only the first {limit} were read"
    E114 = "file could not be read: {why}"
    E115 = "{fmt} file is not valid: {why}"
    E116 = "text has {chars} characters; the limit for one article is {limit} (split it into articles)"
    E117 = "document declares language {language!r}; only English is extracted"
    E118 = "HTML is nested {depth} levels deep; the parser stops at {limit}, so no article text was found"
    E120 = "URL {url!r} refused: {why}"
    E121 = "fetching {url!r} failed: {why}"
    E122 = "response from {url!r} is larger than {limit} bytes"
    E123 = "feed {url!r} could not be parsed: {why}"
    E201 = "published date {value!r} is not an ISO date (YYYY-MM-DD)"
    E230 = "{option} works only with --engine ray"
    E301 = "gold file {path} is not valid: {why}"
    E302 = "gold file {path} names an article that does not exist: {article}"
    E501 = "database {url!r} could not be opened: {why}"
    E502 = "database schema is version {found}, newer than this Khabar knows ({known}); upgrade Khabar"
    E503 = "no event with id {id!r}"
    E504 = "no entity named {name!r}"
    E505 = "export format {fmt!r} is not supported (choose from {choices})"
    E506 = "no document with id {id!r}"
    E520 = "review action {action!r} is not known (choose from {choices})"
    E521 = "field {field!r} cannot be edited (editable: {choices})"
    E522 = "value {value!r} is not valid for {field}: {why}"
    E523 = "entities {a!r} and {b!r} cannot be merged: {why}"
    E524 = "entity {entity!r} cannot be split: {why}"
    E525 = "write refused: {why}"
    E510 = "storing the document failed: {why}"
    E511 = "extraction failed unexpectedly: {why}"
    E512 = "the worker process extracting this document died (a crash in native code or out of memory)"
    E530 = "--engine ray needs Ray, which could not be imported: {why} (pip install 'khabar[ray]')"
    E531 = "the Ray cluster {address!r} could not be started or joined: {why}"
    E532 = "shard {shard} did not come back from the Ray cluster: {why}; run the ingest again to retry it"
    E533 = "shards folder {path} cannot be used: {why}"
    E601 = "ECB+ data not found at {path}: {why}"
    E602 = "{dataset} data not found at {path}: {why}"
    E603 = "{dataset} file {path} is not valid: {why}"
    E604 = "dataset {name!r} is not known (choose from {choices})"
    E605 = "the trained model is missing at {path}: {why}"
    E401 = "knowledge-base file {path} is not valid: {why}"


class KhabarError(Exception):
    """An expected failure with a code: shown to users as a single line."""

    def __init__(self, code: str, message: str, *, path: str | None = None,
                 path_in_message: bool = False) -> None:
        self.code = code
        self.message = message
        self.path = path
        self.path_in_message = path_in_message
        super().__init__(self.line())

    @classmethod
    def make(cls, code: str, *, path: str | None = None, **values: object) -> KhabarError:
        template = getattr(Errors, code)
        if "{path}" in template:  # the message names the path itself: don't repeat it
            return cls(code, template.format(path=path, **values), path=path, path_in_message=True)
        return cls(code, template.format(**values), path=path)

    def line(self) -> str:
        where = f" ({self.path})" if self.path and not self.path_in_message else ""
        return f"{self.code}: {self.message}{where}"
