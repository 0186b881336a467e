"""``extract_many``: the batched path ingest's workers take gives what ``extract`` gives."""

from __future__ import annotations

from pathlib import Path

from khabar.core import extract, extract_many
from khabar.errors import KhabarError
from khabar.model import Document

DATA = Path(__file__).parent / "data"


def _facts(report) -> dict:  # noqa: ANN001
    d = report.to_dict()
    d["meta"] = {k: v for k, v in d["meta"].items() if k != "seconds"}  # time, not a fact
    return d


def test_a_batch_gives_each_article_what_extract_gives_it():
    texts = [(DATA / name).read_text(encoding="utf-8")
             for name in ("short-attack.txt", "probe-border-shooting.txt", "probe-tajik-court.txt")]
    docs = [Document(id="", text=t, published="2024-03-25", title=f"t{i}", url=f"https://example.org/{i}")
            for i, t in enumerate(texts)]
    batch = extract_many(docs)
    assert len(batch) == 3
    for doc, got in zip(docs, batch, strict=True):
        want = extract(doc.text, published=doc.published, title=doc.title, url=doc.url)
        assert _facts(got) == _facts(want)
        assert got.meta["seconds"] >= 0


def test_a_bad_article_costs_only_itself_and_keeps_its_place():
    good = (DATA / "short-attack.txt").read_text(encoding="utf-8")
    docs = [Document(id="", text="   "), Document(id="", text=good, published="2024-02-30"),
            Document(id="", text=good, published="2024-03-25")]
    blank, bad_date, ok = extract_many(docs)
    assert isinstance(blank, KhabarError) and blank.code == "E101"
    assert isinstance(bad_date, KhabarError) and bad_date.code == "E201"
    assert ok.events and _facts(ok) == _facts(extract(good, published="2024-03-25"))
    assert extract_many([]) == []
