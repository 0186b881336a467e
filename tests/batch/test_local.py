"""Bounded memory and a pool that survives its workers: what lets ``khabar ingest`` take a 1 GB input.

Memory is measured as the growth of this process's peak RSS (``VmHWM`` after resetting it
through ``/proc/self/clear_refs``), with limits far above what streaming needs and far below
what holding the input would take; nothing here is timed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from khabar.batch.local import _Workers
from khabar.ingest import Failure, iter_documents
from khabar.model import Document
from tests.batch.pool_fns import die_on_marker

MB = 1 << 20
TEXT = ("Gunmen attacked a police post in the town of Selmar on Sunday, killing three officers and "
        "wounding five others, officials said. The attackers fled into the hills. ")


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def peak_growth(fn) -> tuple[object, float]:  # noqa: ANN001
    """Run ``fn``; return its result and how far the peak RSS rose above the RSS before, in MB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current RSS
    except OSError as exc:
        pytest.skip(f"the peak RSS cannot be reset here ({exc}); Linux only")
    before = _status("VmRSS")
    result = fn()
    return result, (_status("VmHWM") - before) / MB


def test_a_200_mb_text_file_is_refused_from_its_size_unread(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:  # sparse: reading it would still cost 200 MB of memory
        f.truncate(200_000_000)
    out, grown = peak_growth(lambda: list(iter_documents([str(path)])))
    assert [(x.code, x.origin) for x in out] == [("E106", str(path))]
    assert "200000000 bytes" in out[0].message
    assert grown < 30, f"peak RSS grew by {grown:.0f} MB"


def test_a_line_of_300_mb_is_skipped_in_chunks_and_the_next_rows_read(tmp_path):
    path = tmp_path / "one-huge-line.jsonl"
    with path.open("wb") as f:
        f.write(json.dumps({"text": TEXT + " first"}).encode() + b"\n")
        f.seek(300 * MB, 1)  # 300 MB of NUL bytes and no newline: one enormous row
        f.write(b"\n" + json.dumps({"text": TEXT + " last"}).encode() + b"\n")
    out, grown = peak_growth(lambda: list(iter_documents([str(path)])))
    assert [getattr(x, "code", "doc") for x in out] == ["doc", "E106", "doc"]
    assert out[1].origin == f"{path}:row 2" and out[2].text.endswith("last")
    assert grown < 100, f"peak RSS grew by {grown:.0f} MB"  # one 20 MB line buffer at most


def test_a_large_jsonl_is_read_row_by_row_in_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl"
    row = {"text": TEXT * 120, "title": "Row"}
    with path.open("w") as f:
        for i in range(3500):
            row["title"] = f"Row {i}"
            f.write(json.dumps(row) + "\n")
    size = path.stat().st_size / MB
    assert size > 60
    count, grown = peak_growth(lambda: sum(isinstance(x, Document) for x in iter_documents([str(path)])))
    assert count == 3500
    assert grown < 40, f"peak RSS grew by {grown:.0f} MB reading {size:.0f} MB"


def test_rows_are_handed_on_as_they_arrive_in_a_growing_file(tmp_path):
    """The reader never needs the end of the file: a row is yielded before the next exists."""
    path = tmp_path / "growing.jsonl"
    path.write_text(json.dumps({"text": "First report."}) + "\n")
    stream = iter_documents([str(path)])
    assert next(stream).text == "First report."
    with path.open("a") as f:  # written only after the first row was handed on
        f.write(json.dumps({"text": "Second report."}) + "\n")
    assert next(stream).text == "Second report."
    assert list(stream) == []


@pytest.fixture(scope="module")
def pool():
    """Two spawned workers running ``die_on_marker`` (``analyse_many``'s shape, without models)
    on chunks of 3 documents, at most 2 chunks in flight."""
    workers = _Workers(2, fn=die_on_marker, initializer=None, window=2, chunk=3)
    yield workers
    workers.close()


def test_the_worker_pool_keeps_order_and_never_reads_far_ahead(pool):
    pulled = 0

    def docs():
        nonlocal pulled
        for i in range(40):
            pulled += 1
            yield Document(id="", text=f"document {i}", origin=str(i))

    seen = []
    for doc, _, _, error in pool.map(docs()):
        assert error is None
        seen.append(doc.origin)
        assert pulled - len(seen) <= 6  # at most `window` chunks read but not yet returned
    assert seen == [str(i) for i in range(40)]


def test_a_document_that_kills_its_worker_costs_only_that_document(pool):
    texts = ["one", "two", "three", "DIE here", "five", "six", "seven"]
    results = list(pool.map(Document(id="", text=t, origin=t) for t in texts))
    assert [doc.origin for doc, *_ in results] == texts  # every document answered, in order
    errors = {doc.origin: error for doc, _, _, error in results if error is not None}
    assert list(errors) == ["DIE here"] and errors["DIE here"].startswith("E512: ")
    assert [doc.origin for doc, *_ in pool.map([Document(id="", text="after", origin="after")])] == ["after"]


def test_a_failure_never_holds_a_large_input_in_memory(tmp_path):
    """A 50 MB HTML page and a 250 MB JSON file, beyond their limits, are refused unread."""
    page, data = tmp_path / "page.html", tmp_path / "data.json"
    for path in (page, data):
        with path.open("wb") as f:
            f.truncate(50 * MB if path is page else 250 * MB)
    out, grown = peak_growth(lambda: list(iter_documents([str(page), str(data)])))
    assert [(x.code, isinstance(x, Failure)) for x in out] == [("E106", True), ("E106", True)]
    assert grown < 30, f"peak RSS grew by {grown:.0f} MB"


def test_an_article_whose_embedding_fails_costs_only_itself(monkeypatch):
    """The chunk is embedded in one call; when that call fails, each article is tried alone and
    only the one that fails again is recorded (E511)."""
    import khabar.resolve.embed as embed
    from khabar.batch.local import analyse_many

    real = embed.encode

    def fragile(texts, **kw):  # noqa: ANN001, ANN202
        if any("Selmar" in t for t in texts):
            raise RuntimeError("encoder broke")
        return real(texts, **kw)

    monkeypatch.setattr(embed, "encode", fragile)
    other = (Path(__file__).parents[1] / "data" / "short-attack.txt").read_text(encoding="utf-8")
    docs = [Document(id="", text=other, published="2024-03-25", origin="a"),
            Document(id="", text=TEXT, published="2024-03-25", origin="selmar"),
            Document(id="", text=other.replace("police", "army"), published="2024-03-25", origin="b")]
    results = analyse_many(docs)
    assert [d.origin for d, *_ in results] == ["a", "selmar", "b"]
    assert results[1][1] is None and results[1][3].startswith("E511: ") and "encoder broke" in results[1][3]
    for _, report, vectors, error in (results[0], results[2]):
        assert error is None and report.events and set(vectors) == {ev.id for ev in report.events}
