"""Turn bytes into text, refusing what is not text with one clear error.

News arrives in every encoding and sometimes is not text at all; guessing wrong silently
would put garbage into the store, so each refusal is a ``KhabarError`` with a code.
"""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

from khabar.errors import KhabarError

MAX_BYTES = 20_000_000


def decode_text(data: bytes, *, path: str | None = None) -> str:
    """Decode article bytes: BOMs first, then UTF-8, then UTF-16 sniffing, then Latin-1."""
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
                text = data.decode("latin-1")
    if _mostly_control_text(text):
        raise KhabarError.make("E102", path=path)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise KhabarError.make("E101", path=path)
    return text


def read_text(path: str | Path) -> str:
    """Read one article file as text (see ``decode_text`` for what is refused)."""
    p = Path(path)
    if p.is_dir():
        raise KhabarError.make("E105", path=str(p))
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise KhabarError.make("E104", path=str(p)) from None
    return decode_text(data, path=str(p))


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
    bad = sum(1 for c in sample if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn")
              and c not in "\n\t\r\f")
    return bad > 0.05 * max(1, len(sample))
