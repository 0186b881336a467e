"""Turn every kind of input ``khabar ingest`` accepts into documents, or into recorded failures.

A batch of thousands of articles always holds a few bad ones (an empty row, a page with no
article, a dead link). Stopping on the first would lose the rest, and skipping silently would
hide them, so ``iter_documents`` yields a ``Document`` for each article and a ``Failure`` (code,
one-line message, where it came from) for each bad file, row, item or URL, and carries on.

Inputs: ``.txt``; ``.html``/``.htm`` (trafilatura finds the article text and metadata);
``.jsonl`` and ``.csv`` (streamed row by row, so size does not matter); ``.json``; folders
(recursive, sorted, hidden entries skipped); ``http(s)://`` URLs (a page, or an RSS/Atom feed
whose items are fetched in turn, through ``fetch.Fetcher``'s SSRF checks); ``-`` for stdin.
See ``docs/ingest.md`` for the columns and their synonyms.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin, urlsplit

from khabar.errors import KhabarError
from khabar.ingest.fetch import Fetcher, FetchResult
from khabar.ingest.language import detect_language, is_english_code
from khabar.ingest.read import MAX_BYTES, check_file, decode_text, read_bytes, read_stream, read_text
from khabar.model import Document

__all__ = ["Failure", "iter_documents", "screen", "normalize_date", "COLUMNS", "domain_of", "MAX_CHARS"]

# Column name -> the names accepted for it, in order of preference (matched case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date", "publish_date", "published_at", "pub_date"),
    "source": ("source", "site", "publisher"),
    "author": ("author", "byline"),
    "language": ("language", "lang"),
}
LIST_KEYS = ("articles", "items", "documents")
MAX_JSON_BYTES = 200_000_000
# Extraction time grows faster than the text (measured: 100k characters 13 s, 300k 73 s and
# 1.7 GB); news articles stay far below 100k. A longer "article" would hold a worker for many
# minutes, so it is refused with a clear error instead.
MAX_CHARS = 200_000
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_FEED_START = re.compile(rb"<(rss|feed|rdf:rdf)[\s>]", re.IGNORECASE)
_BLOCK_END = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/blockquote|/tr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_TAG = re.compile(rb"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
_VOID = frozenset(b"area base br col embed hr img input link meta source track wbr p li".split())
MAX_HTML_DEPTH = 255  # libxml2's HTML parser gives up below this depth (lxml, trafilatura)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass
class Failure:
    """One input that gave no document: where it was, its error code and one-line message."""

    origin: str
    code: str
    message: str


def iter_documents(
    inputs: Iterable[str],
    *,
    fetcher: Fetcher | None = None,
    published_default: str | None = None,
    max_feed_items: int = 1000,
    max_chars: int = MAX_CHARS,
    stdin: BinaryIO | None = None,
) -> Iterator[Document | Failure]:
    """Yield a ``Document`` (id left "") or a ``Failure`` for everything in ``inputs``, in order.

    ``fetcher`` fetches URLs (one with default limits is made, and closed, when a URL needs it);
    ``published_default`` (a date) fills ``published`` where the input gives none;
    ``stdin`` replaces ``sys.stdin.buffer`` for ``-``. Every document is screened last
    (``screen``): too long (E116) or not English (E111) makes it a Failure.
    """
    default = normalize_date(published_default) if published_default else None
    if published_default and default is None:
        raise KhabarError.make("E201", value=published_default)
    reader = _Reader(fetcher=fetcher, published_default=default, max_feed_items=max_feed_items,
                     stdin=stdin)
    try:
        for item in inputs:
            for out in reader.guarded(item, reader.one(item)):
                if isinstance(out, Document) and (err := screen(out, max_chars=max_chars)):
                    yield Failure(out.origin or item, err.code, err.line())
                else:
                    yield out
    finally:
        if fetcher is None and reader.fetcher is not None:  # made here, so closed here
            reader.fetcher.close()


def screen(doc: Document, *, max_chars: int = MAX_CHARS) -> KhabarError | None:
    """Why ``doc`` must not be extracted, or None: longer than ``max_chars`` (E116), declared
    in another language (E117) or detected as not English (E111). A document that passes is
    marked ``language="en"``."""
    if len(doc.text) > max_chars:
        return KhabarError.make("E116", path=doc.origin, chars=len(doc.text), limit=max_chars)
    if not is_english_code(doc.language):
        return KhabarError.make("E117", path=doc.origin, language=doc.language)
    found = detect_language(doc.text)
    if found not in (None, "en"):
        return KhabarError.make("E111", path=doc.origin, language=found)
    doc.language = "en"
    return None


def normalize_date(value: object) -> str | None:
    """``YYYY-MM-DD`` from an ISO date or datetime, an RFC 822 date (feeds), a few spelled-out
    forms ("12 April 2024") or a ``time.struct_time``; None when unreadable (dropped, no error).

    A datetime keeps the calendar date of its own time zone: the date the outlet printed.
    """
    try:
        if isinstance(value, time.struct_time):
            return date(value.tm_year, value.tm_mon, value.tm_mday).isoformat()
        if not isinstance(value, str) or not value.strip():
            return None
        text = value.strip()
        try:
            return datetime.fromisoformat(text.replace(" UTC", "+00:00")).date().isoformat()
        except ValueError:
            pass
        for fmt in ("%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y"):
            try:
                return datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return parsedate_to_datetime(text).date().isoformat()
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


@dataclass
class _Reader:
    """The per-input readers, sharing the options and a lazily made ``Fetcher``."""

    fetcher: Fetcher | None
    published_default: str | None
    max_feed_items: int
    stdin: BinaryIO | None

    @staticmethod
    def guarded(origin: str, items: Iterator[Document | Failure]) -> Iterator[Document | Failure]:
        """Run one reader; an error it raises becomes one Failure and iteration goes on."""
        try:
            yield from items
        except KhabarError as err:
            yield Failure(origin, err.code, err.line())
        except OSError as err:
            yield _failure(origin, "E114", path=origin, why=err.strerror or str(err))
        except UnicodeError:  # only from UTF-16 jsonl/csv; UTF-8 ones fail row by row instead
            yield _failure(origin, "E103", path=origin)

    def one(self, item: str) -> Iterator[Document | Failure]:
        if item == "-":
            data = read_stream(self.stdin or sys.stdin.buffer, limit=MAX_BYTES, path="<stdin>")
            yield self.doc(decode_text(data, path="<stdin>"), origin="<stdin>")
        elif item.lower().startswith(("http://", "https://")):
            yield from self.url(item)
        else:
            path = Path(item)
            if path.is_dir():
                yield from self.folder(path)
            elif not path.exists():
                raise KhabarError.make("E104", path=item)
            else:
                yield from self.file(path)

    def folder(self, root: Path) -> Iterator[Document | Failure]:
        """Every file under ``root`` not hidden (nor under a hidden folder), sorted by path."""
        paths: list[tuple[str, ...]] = []
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            base = Path(dirpath).relative_to(root).parts
            paths.extend((*base, f) for f in filenames if not f.startswith("."))
        for parts in sorted(paths):
            path = root.joinpath(*parts)
            yield from self.guarded(str(path), self.file(path))

    def file(self, path: Path) -> Iterator[Document | Failure]:
        suffix = path.suffix.lower()
        if suffix not in (".txt", ".html", ".htm", ".jsonl", ".json", ".csv"):
            raise KhabarError.make("E109", path=str(path), name=path.name)
        check_file(path)  # before opening: a FIFO named a.jsonl would block forever
        if suffix == ".txt":
            yield self.doc(read_text(path), origin=str(path))
        elif suffix in (".html", ".htm"):
            yield self.page(_html_text(read_bytes(path, limit=MAX_BYTES), None), origin=str(path))
        else:
            yield from getattr(self, suffix[1:])(path)

    # -- records: jsonl, json, csv --------------------------------------------------------

    def jsonl(self, path: Path) -> Iterator[Document | Failure]:
        lines = _Lines(path)
        for row, line in enumerate(lines, 1):
            if lines.take_cut():
                yield _failure(f"{path}:row {row}", "E106", path=str(path), size=f"over {MAX_BYTES}",
                               limit=MAX_BYTES)
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (ValueError, RecursionError) as err:
                why = f"{err.msg} at column {err.colno}" if isinstance(err, json.JSONDecodeError) \
                    else str(err) or "nested too deeply"
                yield _failure(f"{path}:row {row}", "E107", path=str(path), fmt="JSONL", row=row, why=why)
                continue
            yield self.record(record, path, row, "JSONL")

    def json(self, path: Path) -> Iterator[Document | Failure]:
        try:
            value = json.loads(read_bytes(path, limit=MAX_JSON_BYTES))
        except (ValueError, RecursionError) as err:
            raise KhabarError.make("E115", path=str(path), fmt="JSON", why=str(err) or "nested too deeply") from None
        if isinstance(value, dict) and not _first(_fields(value), "text"):
            value = next((value[k] for k in LIST_KEYS if isinstance(value.get(k), list)), value)
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            raise KhabarError.make("E115", path=str(path), fmt="JSON",
                                   why='expected a list of objects, one object or {"articles": [...]}')
        for row, record in enumerate(value, 1):
            yield self.record(record, path, row, "JSON")

    def csv(self, path: Path) -> Iterator[Document | Failure]:
        csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
        lines = _Lines(path)
        reader = csv.reader(lines)
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            raise KhabarError.make("E101", path=str(path)) from None
        except csv.Error as err:
            raise KhabarError.make("E115", path=str(path), fmt="CSV", why=str(err)) from None
        if not set(header) & set(COLUMNS["text"]):
            raise KhabarError.make("E115", path=str(path), fmt="CSV", why=(
                f"the header has no text column (one of {', '.join(COLUMNS['text'])}); "
                f"columns: {', '.join(header)}"))
        while True:
            row = reader.line_num + 1  # the line where the record starts; the header is row 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                lines.take_cut()
                yield _failure(f"{path}:row {row}", "E107", path=str(path), fmt="CSV", row=row, why=str(err))
                continue
            if lines.take_cut():  # a line of this record was longer than MAX_BYTES: dropped
                yield _failure(f"{path}:row {row}", "E106", path=str(path), size=f"over {MAX_BYTES}",
                               limit=MAX_BYTES)
                continue
            if any(v.strip() for v in values):
                yield self.record(dict(zip(header, values, strict=False)), path, row, "CSV")

    def record(self, record: Any, path: Path, row: int, fmt: str) -> Document | Failure:
        """One row of a jsonl/json/csv file, or the Failure that says what is wrong with it."""
        origin, where = f"{path}:row {row}", str(path)
        if not isinstance(record, dict):
            return _failure(origin, "E107", path=where, fmt=fmt, row=row,
                            why=f"expected an object, found {type(record).__name__}")
        fields = _fields(record)
        text = _first(fields, "text")
        if text is not None and not isinstance(text, str):
            return _failure(origin, "E107", path=where, fmt=fmt, row=row,
                            why=f"the text is a {type(text).__name__}, not a string")
        if not text:
            return _failure(origin, "E108", path=where, row=row, columns=", ".join(fields) or "none")
        if any(isinstance(v, str) and _SURROGATE.search(v) for v in fields.values()):
            return _failure(origin, "E107", path=where, fmt=fmt, row=row,
                            why="it holds bytes that are not UTF-8 (or lone surrogates)")
        try:
            text = decode_text(text.encode("utf-8"), path=where)
        except KhabarError as err:
            return Failure(origin, err.code, err.line())
        url, language = _string(_first(fields, "url")), _string(_first(fields, "language"))
        return self.doc(
            text, origin=origin, title=_string(_first(fields, "title")), url=url,
            published=normalize_date(_first(fields, "published")),
            source=_string(_first(fields, "source")) or domain_of(url),
            author=_string(_first(fields, "author")), language=language.lower() if language else "en")

    # -- pages, URLs and feeds -----------------------------------------------------------

    def page(self, data: bytes | str, *, origin: str, url: str | None = None,
             title: str | None = None, published: str | None = None) -> Document:
        """An HTML page: trafilatura's main text plus title, date, author and site name."""
        import trafilatura
        from trafilatura.settings import set_date_params

        try:
            found = trafilatura.bare_extraction(
                data, url=url, with_metadata=True, include_comments=False,
                date_extraction_params=set_date_params(extensive=False))
        except Exception:  # any parser crash on odd HTML is this page's failure, not the batch's
            found = None
        text = getattr(found, "text", None) if found is not None else None
        if not text or not text.strip():
            depth = _nesting_depth(data)
            if depth > MAX_HTML_DEPTH:
                raise KhabarError.make("E118", path=origin, depth=depth, limit=MAX_HTML_DEPTH)
            raise KhabarError.make("E110", path=origin)
        page_url = url or _string(getattr(found, "url", None))
        return self.doc(
            decode_text(text.encode("utf-8", "replace"), path=origin), origin=origin,
            title=_string(getattr(found, "title", None)) or title, url=page_url,
            published=normalize_date(getattr(found, "date", None)) or published,
            source=_string(getattr(found, "sitename", None)) or domain_of(page_url),
            author=_string(getattr(found, "author", None)),
        )

    def url(self, url: str) -> Iterator[Document | Failure]:
        result = self.get_fetcher().fetch(url)
        if _is_feed(result):
            yield from self.feed(result, origin=url)
        else:
            yield self.response(result, origin=url)

    def response(self, result: FetchResult, *, origin: str, title: str | None = None,
                 published: str | None = None) -> Document:
        media, charset = _media_type(result.content_type)
        if media == "text/plain":
            return self.doc(decode_text(result.content, path=origin), origin=origin, title=title,
                            url=result.url, published=published, source=domain_of(result.url))
        return self.page(_html_text(result.content, charset), origin=origin, url=result.url, title=title,
                         published=published)

    def feed(self, result: FetchResult, *, origin: str) -> Iterator[Document | Failure]:
        import feedparser

        if _ENTITY_DECL.search(result.content[:65536]):  # news feeds never need them; bombs do
            raise KhabarError.make("E123", url=origin, why="it declares XML entities (an entity-expansion bomb?)")
        parsed = feedparser.parse(io.BytesIO(result.content))  # a stream: never a path or URL
        entries = list(parsed.entries)
        if not entries:
            why = str(parsed.get("bozo_exception") or "it has no items")
            raise KhabarError.make("E123", url=origin, why=why)
        for number, entry in enumerate(entries[: self.max_feed_items], 1):
            item_origin = f"{origin}:item {number}"
            title = _string(entry.get("title"))
            published = (normalize_date(entry.get("published_parsed"))
                         or normalize_date(entry.get("updated_parsed"))
                         or normalize_date(entry.get("published")))
            link = _string(entry.get("link"))
            if link:
                link = urljoin(result.url, link)
            if link and link.lower().startswith(("http://", "https://")):
                yield from self.guarded(link, self.item_page(link, title, published))
                continue
            contents = [c.get("value", "") for c in entry.get("content", []) or []]
            text = _strip_tags(" ".join(contents) or entry.get("summary") or "")
            if not text.strip():
                yield _failure(item_origin, "E112", path=None, item=number)
                continue
            feed_title = _string(parsed.feed.get("title"))
            yield self.doc(decode_text(text.encode("utf-8"), path=item_origin), origin=item_origin,
                           title=title, published=published, source=feed_title or domain_of(result.url))
        if len(entries) > self.max_feed_items:
            yield _failure(origin, "E113", path=origin, count=len(entries), limit=self.max_feed_items)

    def item_page(self, link: str, title: str | None, published: str | None) -> Iterator[Document]:
        """A feed item's page; the feed's own date (structured, explicit) beats the page's."""
        doc = self.response(self.get_fetcher().fetch(link), origin=link, title=title,
                            published=published)
        if published:
            doc.published = published
        yield doc

    def get_fetcher(self) -> Fetcher:
        self.fetcher = self.fetcher or Fetcher()
        return self.fetcher

    def doc(self, text: str, *, origin: str, title: str | None = None, url: str | None = None,
            published: str | None = None, source: str | None = None, author: str | None = None,
            language: str = "en") -> Document:
        return Document(id="", text=text, title=title, published=published or self.published_default,
                        language=language, source=source, url=url, author=author, origin=origin)


# -- helpers ---------------------------------------------------------------------------------


def _failure(origin: str, code: str, *, path: str | None, **values: object) -> Failure:
    err = KhabarError.make(code, path=path, **values)
    return Failure(origin, err.code, err.line())


def _nesting_depth(data: bytes | str) -> int:
    """How deep a page's elements nest, roughly (tags counted, void and optional-end ones
    left out): only asked after extraction failed, to say why."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    depth = deepest = 0
    for match in _HTML_TAG.finditer(raw):
        closing, name, selfclosing = match.groups()
        if selfclosing or name.lower() in _VOID:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _html_text(data: bytes, declared: str | None) -> bytes | str:
    """What to hand trafilatura for a page's bytes. Valid UTF-8 wins over any declared charset
    (pages that say ``iso-8859-1`` but are UTF-8 are common, and bytes of another encoding are
    almost never valid UTF-8 by chance); then the charset the server declared; else the bytes,
    for trafilatura's own detection."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return data


class _Lines:
    """A file's lines, streamed: UTF-8 (a BOM is skipped; bytes that are not UTF-8 become lone
    surrogates, which make that row a Failure), or UTF-16 when the file starts with its BOM.

    No line is held whole if it is longer than ``limit`` bytes (characters for UTF-16): it is
    skipped in chunks, an empty line stands in its place, and ``take_cut()`` says so, so a
    1 GB file without a newline costs ``limit`` of memory and one row's failure (E106).
    """

    CHUNK = 1 << 20

    def __init__(self, path: Path, *, limit: int = MAX_BYTES) -> None:
        self.path, self.limit, self.cut = path, limit, False

    def take_cut(self) -> bool:
        """Whether a line was cut since the last call."""
        cut, self.cut = self.cut, False
        return cut

    def __iter__(self) -> Iterator[str]:
        with self.path.open("rb") as raw:
            if raw.peek(2)[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                text = io.TextIOWrapper(raw, encoding="utf-16", newline="")  # strict: E103 if bad
                yield from self._bounded(text.readline, "\n", "")
                return
            for number, line in enumerate(self._bounded(raw.readline, b"\n", b"")):
                decoded = line.decode("utf-8", "surrogateescape")
                yield decoded.removeprefix("\ufeff") if number == 0 else decoded

    def _bounded(self, readline: Any, newline: Any, empty: Any) -> Iterator[Any]:
        while True:
            line = readline(self.limit + 1)
            if not line:
                return
            if len(line) > self.limit and not line.endswith(newline):
                while (rest := readline(self.CHUNK)) and not rest.endswith(newline):
                    pass
                self.cut = True
                line = newline
            yield line


def _fields(record: dict[Any, Any]) -> dict[str, Any]:
    return {str(k).strip().lower(): v for k, v in record.items()}


def _first(fields: dict[str, Any], column: str) -> Any:
    """The first non-empty value among the names accepted for ``column`` (``COLUMNS``)."""
    for key in COLUMNS[column]:
        value = fields.get(key)
        if value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip()):
            return value
    return None


def _string(value: Any) -> str | None:
    if isinstance(value, list):
        value = ", ".join(str(v).strip() for v in value if isinstance(v, str | int | float))
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = " ".join(str(value).split())
    return text or None


def domain_of(url: str | None) -> str | None:
    """The site of a URL, without ``www.`` (an outlet's name when nothing better is given)."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _media_type(content_type: str) -> tuple[str, str | None]:
    media, _, params = content_type.partition(";")
    match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.IGNORECASE)
    return media.strip().lower(), match.group(1) if match else None


def _is_feed(result: FetchResult) -> bool:
    """A feed by its content type, or by its first tag (servers often say text/xml or worse)."""
    head = result.content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    return _media_type(result.content_type)[0] in FEED_TYPES or (
        bool(_FEED_START.search(head)) and b"<html" not in head.lower())


def _strip_tags(fragment: str) -> str:
    """Plain text of a feed's (already sanitised) HTML summary, one line per block."""
    text = _TAG.sub("", _BLOCK_END.sub("\n", fragment))
    lines = (" ".join(line.split()) for line in html.unescape(text).split("\n"))
    return "\n".join(line for line in lines if line)
