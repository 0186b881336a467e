"""Throughput of `extract()` against bare spaCy on the same texts (one process).

Run with `make bench`. Prints one JSON line: words, bare spaCy words/s, Khabar words/s,
articles/s, the ratio, and peak RSS. Texts: the bundled corpus and, when present, the seed
article from ../shared/gold, repeated to smooth timings.
"""

from __future__ import annotations

import json
import platform
import resource
import sys
import time
from pathlib import Path

import spacy

from khabar import extract
from khabar.nlp.pipeline import MODEL

ROOT = Path(__file__).resolve().parent.parent


def main(repeat: int = 5) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "articles").glob("*.txt"))]
    seed = ROOT.parent / "shared" / "gold" / "articles" / "tajik-detainees-isk.txt"
    if seed.exists():
        texts.append(seed.read_text(encoding="utf-8"))
    texts = texts * repeat
    t0 = time.perf_counter()
    extract(texts[0], published="2024-04-10")  # load models, KB, gazetteer, matchers
    load_s = time.perf_counter() - t0
    nlp = spacy.load(MODEL)  # the bare model, all its own components: the baseline
    t0 = time.perf_counter()
    words = sum(sum(1 for t in d if not t.is_punct and not t.is_space) for d in nlp.pipe(texts))
    spacy_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    events = sum(len(extract(t, published="2024-04-10").events) for t in texts)
    khabar_s = time.perf_counter() - t0
    print(json.dumps({
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}".strip(),
        "articles": len(texts), "words": words, "events": events, "load_s": round(load_s, 2),
        "spacy_words_per_s": round(words / spacy_s), "khabar_words_per_s": round(words / khabar_s),
        "khabar_articles_per_s": round(len(texts) / khabar_s, 1), "ratio_to_spacy": round(spacy_s / khabar_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
