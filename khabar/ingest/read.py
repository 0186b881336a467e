"""Turn bytes into text, refusing what is not text with one clear error.

News arrives in every encoding and sometimes is not text at all; guessing wrong silently
would put garbage into the store, so each refusal is a ``KhabarError`` with a code.

Files are read with a bound: a file larger than the limit is refused from its size before a
byte is read (a 200 MB "article" never reaches memory), and only regular files are opened
(a FIFO or a device named ``x.txt`` in a folder would block or never end).
"""

from __future__ import annotations

import codecs
import functools
import re
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

from khabar.errors import KhabarError

__all__ = ["decode_text", "read_text", "read_bytes", "read_stream", "check_file", "MAX_BYTES"]

MAX_BYTES = 20_000_000


def decode_text(data: bytes, *, path: str | None = None) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then UTF-16 sniffing, then Windows-1252,
    then Latin-1 (Windows-1252 is what "Latin-1" news files usually are: its curly quotes
    would otherwise become invisible control characters)."""
    if len(data) > MAX_BYTES:
        raise KhabarError.make("E106", path=path, size=len(data), limit=MAX_BYTES)
    text: str | None = None
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                raise KhabarError.make("E103", path=path) from None
            break
    if text is None:
        if _looks_utf16(data):
            try:
                text = data.decode("utf-16-le" if data[1:2] == b"\x00" else "utf-16-be")
            except UnicodeDecodeError:
                text = None
        if text is None:
            if b"\x00" in data:
                raise KhabarError.make("E102", path=path)
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                if _mostly_control(data):
                    raise KhabarError.make("E102", path=path) from None
                try:
                    text = data.decode("cp1252")
                except UnicodeDecodeError:
                    text = data.decode("latin-1")
    if _mostly_control_text(text):
        raise KhabarError.make("E102", path=path)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise KhabarError.make("E101", path=path)
    return text


def read_text(path: str | Path) -> str:
    """Read one article file as text (see ``decode_text`` for what is refused)."""
    return decode_text(read_bytes(path, limit=MAX_BYTES), path=str(path))


def read_bytes(path: str | Path, *, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit`` of them (see ``check_file``)."""
    p = Path(path)
    check_file(p, limit=limit)
    try:
        with p.open("rb") as f:
            return read_stream(f, limit=limit, path=str(p))
    except OSError as err:  # permissions, I/O errors
        raise KhabarError.make("E114", path=str(p), why=err.strerror or str(err)) from None


def check_file(path: Path, *, limit: int | None = None) -> None:
    """Refuse what should not be opened as an article file: E104 missing, E105 a directory,
    E114 not a regular file (a FIFO would block the batch forever) or unreachable (a symlink
    loop), E106 larger than ``limit`` (judged from its size, before reading a byte)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise KhabarError.make("E104", path=str(path)) from None
    except OSError as err:  # a symlink loop, a path through a file, ...
        raise KhabarError.make("E114", path=str(path), why=err.strerror or str(err)) from None
    if stat.S_ISDIR(info.st_mode):
        raise KhabarError.make("E105", path=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise KhabarError.make("E114", path=str(path), why=f"it is {_kind(info.st_mode)}, not a regular file")
    if limit is not None and info.st_size > limit:
        raise KhabarError.make("E106", path=str(path), size=info.st_size, limit=limit)


def read_stream(stream: BinaryIO, *, limit: int, path: str) -> bytes:
    """At most ``limit`` bytes of a stream (stdin, a file that grows while read): E106 beyond."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise KhabarError.make("E106", path=path, size=f"over {limit}", limit=limit)
    return data


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a file"


def _looks_utf16(data: bytes) -> bool:
    sample = data[:400]
    if len(sample) < 4:
        return False
    even_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    odd_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    return even_zero > 0.6 or odd_zero > 0.6


def _mostly_control(data: bytes) -> bool:
    sample = data[:4096]
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    return bad > 0.05 * max(1, len(sample))


def _mostly_control_text(text: str) -> bool:
    sample = text[:4096]
    bad = len(_not_text_bmp().findall(sample))
    bad += sum(1 for c in _ASTRAL.findall(sample) if unicodedata.category(c) in _NOT_TEXT)
    return bad > 0.05 * max(1, len(sample))


_NOT_TEXT = ("Cc", "Cs", "Co", "Cn")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # rare in news: checked one by one


@functools.lru_cache(maxsize=1)
def _not_text_bmp() -> re.Pattern[str]:
    """Control, surrogate, private-use and unassigned characters of the Basic Multilingual Plane
    (but not \\n \\t \\r \\f) as one character class, built once, so a sample is scanned in C
    rather than asking ``unicodedata`` about each character."""
    ranges: list[list[int]] = []
    for code in range(0x10000):
        char = chr(code)
        if unicodedata.category(char) in _NOT_TEXT and char not in "\n\t\r\f":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")
