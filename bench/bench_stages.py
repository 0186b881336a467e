"""Where one process's ingest time goes: stage timers around ``khabar.batch.ingest``.

Why timers and not a profiler: a profiler's own overhead inflates the Python stages by about
half against spaCy's compiled code. Each named function is wrapped with a timer (nested stages
are counted inside their callers too), the first N documents of ``bench_corpus``'s corpus are
ingested into a fresh SQLite store, and the seconds per stage are printed.

    .venv/bin/python bench/bench_stages.py --docs 400
"""

from __future__ import annotations

import argparse
import collections
import functools
import importlib
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

SECONDS: collections.Counter[str] = collections.Counter()

STAGES = {
    "khabar.core": ("parse_many", "find_mentions", "build_entities", "extract_events", "finalise_events",
                    "person_attributes", "group_nationality", "find_relations"),
    "khabar.batch.local": ("_embed", "store_analysed", "begin_run"),
    "khabar.extract.events": ("find_dates",),
    "khabar.nlp.entities": ("geocode_mentions",),
}


def _wrap(owner: Any, name: str, label: str) -> None:
    fn = getattr(owner, name)

    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[label] += time.perf_counter() - t0

    setattr(owner, name, timed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=400)
    args = ap.parse_args()
    for module, names in STAGES.items():
        mod = importlib.import_module(module)
        for name in names:
            _wrap(mod, name, f"{module.rsplit('.', 1)[-1]}.{name}")
    from khabar.learn.roles import RoleTagger

    _wrap(RoleTagger, "tag_regions", "roles.tag_regions")
    from bench_corpus import corpus

    from khabar.batch import ingest
    from khabar.model import Document
    from khabar.store import Store

    docs = corpus(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(str(Path(tmp) / "stages.db"))
        t0 = time.perf_counter()
        summary = ingest([Document(id="", text=t, origin=o) for o, t in docs], store, workers=1)
        total = time.perf_counter() - t0
        store.close()
    print(f"{len(docs)} documents, {summary.events} events, {total:.1f} s in all")
    for label, seconds in SECONDS.most_common():
        print(f"  {label:32s} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")


if __name__ == "__main__":
    main()
