"""Throughput on real text: bare spaCy against Khabar's full ingest, 1 and 2 processes (issue 6).

Run with ``make bench`` (or ``python bench/bench_corpus.py --docs 2000``). The corpus is real
news text read from ``../shared/data`` (MUC-4 reports, ECB+ and LGL articles, WikiEvents
documents) plus the demo corpus bundled in the repo; ``../shared`` is never copied.

Each phase runs in its own child process, so its peak RSS is its own:

* ``spacy-1`` / ``spacy-2``: ``en_core_web_sm`` ``nlp.pipe`` (``n_process`` 1 or 2), all
  components, the baseline the issue names;
* ``khabar-1`` / ``khabar-2``: ``khabar.batch.ingest`` into a fresh SQLite store, ``workers``
  1 or 2: reading, extraction (spaCy, rules, the learned tagger), sentence embeddings,
  cross-article resolution and the store writes, exactly what ``khabar ingest`` does.

Prints one JSON object (and ``--out FILE`` keeps it): words, seconds, words/s, articles/s,
500-word articles/s, the ratio to bare spaCy with the same number of processes, and the peak
RSS of the driver and of the largest worker. Beside the whole run (model loading and worker
start-up included), the steady state: articles/s from the moment a tenth of the articles were
done to the end, measured the same way for both (``steady_*``), which is what a long run sees.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KHABAR_SHARED", ROOT.parent / "shared")) / "data"


def _muc4(limit: int) -> list[tuple[str, str]]:
    from khabar.eval.muc4 import load_muc4

    root = SHARED / "muc4"
    splits = [s for s in ("dev", "train") if (root / "gtt_templates" / f"{s}.json").is_file()]
    return [(f"muc4:{d.docid}", d.text) for split in splits for d in load_muc4(root, split=split)][:limit]


def _ecbplus(limit: int) -> list[tuple[str, str]]:
    out = []
    root = SHARED / "ecbplus" / "ECB+"
    for path in sorted(root.glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name)) if root.exists() else []:
        sents: dict[str, list[str]] = {}
        for tok in ET.parse(path).getroot().iter("token"):
            sents.setdefault(tok.get("sentence", "0"), []).append(tok.text or "")
        out.append((f"ecbplus:{path.name}", "\n".join(" ".join(words) for words in sents.values())))
        if len(out) >= limit:
            break
    return out


def _lgl(limit: int) -> list[tuple[str, str]]:
    from khabar.eval.geocode import load_geocode

    path = SHARED / "geoparsing" / "lgl.xml"
    return [(f"lgl:{a.id}", a.text) for a in load_geocode(path).articles][:limit] if path.exists() else []


def _wikievents(limit: int) -> list[tuple[str, str]]:
    """The documents' own ``text`` (the eval's ``doc_text`` rebuilds it from tokens)."""
    from khabar.eval.datasets import read_json_lines

    path = SHARED / "wikievents" / "dev.jsonl"
    rows = read_json_lines(path, dataset="WikiEvents") if path.exists() else []
    return [(f"wikievents:{r['doc_id']}", r["text"]) for r in rows][:limit]


def _demo() -> list[tuple[str, str]]:
    return [(f"demo:{p.name}", p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "corpus" / "articles").glob("*.txt"))]


def corpus(n: int) -> list[tuple[str, str]]:
    """About ``n`` real documents, drawn from every source in turn (so any prefix is mixed)."""
    sources = [_muc4(n), _ecbplus(n), _lgl(n), _wikievents(n), _demo()]
    if not any(sources[:4]):
        sys.exit(f"bench_corpus: {SHARED} not found: the benchmark reads the public datasets there")
    out: list[tuple[str, str]] = []
    i = 0
    while len(out) < n and any(i < len(s) for s in sources):
        out.extend(s[i] for s in sources if i < len(s) and s[i][1].strip())
        i += 1
    return out[:n]


def _peak_mb(who: int) -> int:
    return round(resource.getrusage(who).ru_maxrss / 1024)


def phase(name: str, n: int) -> dict[str, object]:
    """One measurement, in this (child) process."""
    docs = corpus(n)
    texts = [t for _, t in docs]
    engine, procs = name.split("-")
    warm = max(1, len(docs) // 10)  # steady state: from the 10th percent of articles done to the end
    t_warm: float | None = None
    if engine == "spacy":
        import spacy

        from khabar.nlp.pipeline import MODEL

        nlp = spacy.load(MODEL)  # the bare model with all its own components (Khabar swaps two)
        t0 = time.perf_counter()
        words = 0
        for k, d in enumerate(nlp.pipe(texts, batch_size=32, n_process=int(procs))):
            words += sum(1 for t in d if not t.is_punct and not t.is_space)
            if k + 1 == warm:
                t_warm = time.perf_counter()
        seconds = time.perf_counter() - t0
        extra: dict[str, object] = {"words": words}
    else:
        from khabar.batch import ingest
        from khabar.model import Document
        from khabar.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(str(Path(tmp) / "bench.db"))
            items = [Document(id="", text=t, origin=o) for o, t in docs]
            t0 = time.perf_counter()  # models load inside: the workers' start-up is part of the run

            def progress(summary) -> None:  # noqa: ANN001
                nonlocal t_warm
                if t_warm is None and summary.new + summary.failed + summary.unchanged >= warm:
                    t_warm = time.perf_counter()

            summary = ingest(items, store, workers=int(procs), on_progress=progress)
            seconds = time.perf_counter() - t0
            extra = {"new": summary.new, "failed": summary.failed, "events": summary.events}
            store.close()
    steady = (time.perf_counter() - t_warm) if t_warm is not None else None
    return {"phase": name, "articles": len(texts), "seconds": round(seconds, 1),
            "steady_articles": len(texts) - warm, "steady_seconds": round(steady, 1) if steady else None,
            "driver_peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
            "worker_peak_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN) if procs != "1" else _peak_mb(resource.RUSAGE_SELF),
            **extra}


def _derive(results: dict[str, dict]) -> dict[str, dict]:
    """Rates, and ratios to bare spaCy with the same number of processes in the same round."""
    words = next((r["words"] for r in results.values() if "words" in r), None)
    for r in results.values():
        if words:
            r["words_per_s"] = round(words / r["seconds"])
            r["articles_500w_per_s"] = round(words / 500 / r["seconds"], 1)
        r["articles_per_s"] = round(r["articles"] / r["seconds"], 1)
        if r.get("steady_seconds"):
            r["steady_articles_per_s"] = round(r["steady_articles"] / r["steady_seconds"], 1)
        base = results.get("spacy-" + r["phase"].split("-")[1])
        if r["phase"].startswith("khabar") and base:
            r["ratio_to_spacy"] = round(base["seconds"] / r["seconds"], 2)
            if r.get("steady_seconds") and base.get("steady_seconds"):
                r["steady_ratio_to_spacy"] = round(base["steady_seconds"] / r["steady_seconds"], 2)
    return results


def _mean(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Each phase's figures averaged over the rounds (a ratio: each round's own, averaged)."""
    out: dict[str, dict] = {}
    for name, first in rounds[0].items():
        merged = dict(first)
        for key, value in first.items():
            if isinstance(value, int | float) and not isinstance(value, bool) and key not in ("articles", "words"):
                values = [r[name][key] for r in rounds if r[name].get(key) is not None]
                merged[key] = round(sum(values) / len(values), 2)
        out[name] = merged
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--phases", default="spacy-1,spacy-2,khabar-1,khabar-2")
    ap.add_argument("--rounds", type=int, default=1, help="run every phase this many times, every other "
                    "round in reverse order; figures are the rounds' means")
    ap.add_argument("--phase", help=argparse.SUPPRESS)  # internal: run one phase here
    ap.add_argument("--out", help="also write the JSON here")
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.docs)))
        return
    docs = corpus(args.docs)
    sources: dict[str, int] = {}
    for origin, _ in docs:
        sources[origin.split(":")[0]] = sources.get(origin.split(":")[0], 0) + 1
    names = args.phases.split(",")
    rounds: list[dict[str, dict]] = []
    for k in range(args.rounds):
        # odd rounds run the phases backwards: a box that drifts slower or faster over the run
        # then weighs on both sides of each ratio alike
        results: dict[str, dict] = {}
        for name in names if k % 2 == 0 else names[::-1]:
            print(f"bench_corpus: round {k + 1}, {name} on {len(docs)} documents ...", file=sys.stderr, flush=True)
            done = subprocess.run([sys.executable, __file__, "--phase", name, "--docs", str(args.docs)],
                                  check=True, capture_output=True, text=True)
            results[name] = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {results[name]}", file=sys.stderr, flush=True)
        rounds.append(_derive({n: results[n] for n in names}))
    results = rounds[0] if len(rounds) == 1 else _mean(rounds)
    words = next((r["words"] for r in results.values() if "words" in r), None)
    out = {"machine": f"{platform.machine()} {os.cpu_count()} cores, python {platform.python_version()}",
           "command": " ".join(["python", "bench/bench_corpus.py", *sys.argv[1:]]), "documents": len(docs),
           "sources": sources, "words": words, "rounds": len(rounds), "phases": results,
           **({"each_round": rounds} if len(rounds) > 1 else {})}
    print(json.dumps(out, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
