"""Cut an article into pieces to highlight, without ever producing HTML.

A page shows evidence sentences, triggers, tolls and entity mentions inside the stored
article text. The text is hostile, so this module never builds markup: it returns plain
pieces (``text`` plus the CSS classes and link covering it) and the template writes each
piece through Jinja's autoescaping. Overlapping spans are fine: a boundary sweep gives every
piece the set of spans covering it (a trigger inside an evidence sentence gets both).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Mark", "Piece", "pieces"]


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    css: str
    href: str | None = None
    title: str | None = None


@dataclass
class Piece:
    text: str
    css: list[str] = field(default_factory=list)
    href: str | None = None
    title: str | None = None
    start: int = 0

    @property
    def marked(self) -> bool:
        return bool(self.css)


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """``text`` cut at every mark boundary; each piece lists the marks covering it.

    Marks outside the text are clipped; the innermost (shortest) mark with a link gives the
    piece its link and title.
    """
    n = len(text)
    marks = [Mark(max(0, m.start), min(n, m.end), m.css, m.href, m.title) for m in marks if m.end > m.start]
    marks = [m for m in marks if m.start < m.end]
    cuts = sorted({0, n} | {m.start for m in marks} | {m.end for m in marks})
    out: list[Piece] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sorted((m for m in marks if m.start <= a and m.end >= b), key=lambda m: m.end - m.start)
        css = sorted({m.css for m in covering})
        linked = next((m for m in covering if m.href), None)
        titled = next((m for m in covering if m.title), None)
        out.append(Piece(text[a:b], css, linked.href if linked else None, titled.title if titled else None, a))
    return out
