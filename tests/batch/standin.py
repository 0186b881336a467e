"""Test hook: the real ``khabar`` command line, with extraction optionally replaced.

Run as ``python -m tests.batch.standin ingest ...`` by the tests of the ingest *machinery*
(crash safety, resume, dead workers), where a hundred process starts and kills must stay
fast. It lives under ``tests/`` and is read by nothing in ``khabar/``: the package itself has
no hidden switch. One environment variable, read only here:

* ``KHABAR_TEST_EXTRACT=fast``: ``extract_many()`` is replaced by ``fast_extract_many``, a deterministic
  stand-in that returns a small but complete report (an organisation, a place, an event with
  its evidence and participants) in microseconds, and workers skip loading spaCy. Everything
  else (reading, the content-hash ledger, the writer, entity and canonical resolution, the
  store) is the real code. Unset: the real extractor runs.

The patch is made at import, so worker processes (spawned: they import this module again as
their main module) get it too.
"""

from __future__ import annotations

import os
import re
import sys

from khabar.batch import local
from khabar.core import document_id
from khabar.model import Document, Entity, Event, Participant, Report, Span

_GROUP = re.compile(r"\b[A-Z][a-z]+ Brigade\b")
_TOWN = re.compile(r"(?<=town of )[A-Z][a-z]+")
_TRIGGER = re.compile(r"\battacked\b")


def fast_extract(text: str, published: str | None = None, title: str | None = None,
                 url: str | None = None, source: str | None = None, **_: object) -> Report:
    """A stand-in for ``khabar.extract`` (see the module docstring); never used to show results."""
    entities, events = [], []
    group, town = _GROUP.search(text), _TOWN.search(text)
    if group:
        entities.append(Entity(id="e1", type="organization", name=group.group(),
                               mentions=[Span(group.start(), group.end(), group.group())]))
    if town:
        entities.append(Entity(id="e2", type="place", name=town.group(),
                               mentions=[Span(town.start(), town.end(), town.group())]))
    trigger = _TRIGGER.search(text)
    if trigger:
        end = text.find(".", trigger.end())
        sentence = Span(0, end + 1 if end >= 0 else len(text), text[: end + 1 if end >= 0 else len(text)])
        participants = [Participant(role="attacker", entity="e1", name=group.group(),
                                    span=Span(group.start(), group.end(), group.group()))] if group else []
        events.append(Event(id="v1", type="attack", trigger=Span(trigger.start(), trigger.end(), trigger.group()),
                            participants=participants, evidence=[sentence]))
    document = Document(id=document_id(text), text=text, title=title, published=published, source=source, url=url)
    return Report(document=document, entities=entities, events=events,
                  meta={"words": len(text.split()), "stand_in": True})


def fast_extract_many(docs: list[Document], **_: object) -> list[Report]:
    """``fast_extract`` in ``khabar.core.extract_many``'s shape, which ingest's workers call."""
    return [fast_extract(d.text, d.published, d.title, d.url, d.source) for d in docs]


def _no_models() -> None:
    """Workers of the stand-in load no model."""


if os.environ.get("KHABAR_TEST_EXTRACT") == "fast":
    local.extract_many = fast_extract_many
    local._worker_init = _no_models


if __name__ == "__main__":
    from khabar.cli import main

    sys.exit(main(sys.argv[1:]))
