"""Resolve scaling: N synthetic event reports resolved incrementally into canonical events.

Why: cross-article resolution must stay near-linear as the store grows. Each new report is
compared only with the canonical events its blocking key brings back (same family, date
ranges within the slack, same or unknown country; at most ``MAX_CANDIDATES``), never with
every stored event. This benchmark shows it: for each size it builds a synthetic store
(``bench/synth_store.py``: real schema, real ``reconcile``, realistic skew of types,
countries, dates and undated reports), forgets every canonical event, and resolves all the
reports again with the production code (``khabar.resolve.canonical.attach_events``), in
insertion order, 1,000 reports per transaction, as ``khabar ingest`` would have.

Reported per size: reports resolved, seconds, reports/s, microseconds per report, pairs
scored per report (the blocking's work), peak RSS before and during resolving, and pairwise
precision/recall against the generator's own clusters (synthetic: a sanity check that
blocking loses no merges, not an accuracy figure). Each size runs in its own process.

    .venv/bin/python bench/bench_resolve.py --sizes 10000,100000,1000000 [--dir /tmp]

A million reports resolved one by one takes hours here, so ``--tail K`` measures the marginal
cost instead: in a store of SIZE canonical events (the generator's own clusters, kept in
``khabar-bench-SIZE.db`` and shared with ``bench_web.py``), the newest K reports are detached
and resolved again against everything else. Flat time per report across sizes is what
near-linear growth means.

    .venv/bin/python bench/bench_resolve.py --sizes 10000,100000,1000000 --tail 5000
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

CHUNK = 1000


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _pairs(conn, key: str) -> int:  # noqa: ANN001
    return int(conn.exec_driver_sql(
        f"SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) AS n FROM resolve_truth GROUP BY {key})"
    ).scalar_one())


def _resolve(store, ids: list[str]) -> tuple[float, int]:  # noqa: ANN001
    """Resolve ``ids`` in order with the production code, ``CHUNK`` per transaction, as
    ``khabar ingest`` would: (seconds, pairs scored)."""
    import khabar.resolve.canonical as canonical

    scored = 0
    real_score = canonical.score

    def counting(a, b):  # noqa: ANN001, ANN202
        nonlocal scored
        scored += 1
        return real_score(a, b)

    canonical.score = counting
    try:
        t0 = time.perf_counter()
        for i in range(0, len(ids), CHUNK):
            with store.begin() as conn:
                canonical.attach_events(conn, ids[i:i + CHUNK])
        return time.perf_counter() - t0, scored
    finally:
        canonical.score = real_score


def one(n_reports: int, where: Path, seed: int) -> dict[str, object]:
    """Build, forget, resolve again: in this process."""
    from synth_store import build

    from khabar.store import Store

    path = where / f"khabar-resolve-{n_reports}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    # synth_store makes ~2 reports per canonical event; ask for half as many canonical events
    t0 = time.perf_counter()
    build(path, max(1, n_reports // 2), seed=seed, progress=False)
    build_s = time.perf_counter() - t0
    store = Store.open(str(path))
    with store.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE resolve_truth AS SELECT id, canonical_id AS truth, NULL AS pred "
                             "FROM events ORDER BY rowid")
        conn.exec_driver_sql("UPDATE events SET canonical_id = NULL")
        conn.exec_driver_sql("DELETE FROM canonical_events")
    with store.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM events ORDER BY rowid")]
    rss_before = _rss_mb()
    seconds, scored = _resolve(store, ids)

    with store.begin() as conn:
        conn.exec_driver_sql("UPDATE resolve_truth SET pred = (SELECT canonical_id FROM events "
                             "WHERE events.id = resolve_truth.id)")
        n_canonical = conn.exec_driver_sql("SELECT count(*) FROM canonical_events").scalar_one()
        truth, pred, both = _pairs(conn, "truth"), _pairs(conn, "pred"), _pairs(conn, "truth, pred")
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return {"reports": len(ids), "canonical_events": n_canonical, "build_s": round(build_s, 1),
            "seconds": round(seconds, 1), "reports_per_s": round(len(ids) / seconds),
            "us_per_report": round(seconds / len(ids) * 1e6), "pairs_scored_per_report": round(scored / len(ids), 1),
            "rss_before_mb": rss_before, "peak_rss_mb": _rss_mb(),
            "pairwise_precision": round(both / pred, 3) if pred else None,
            "pairwise_recall": round(both / truth, 3) if truth else None}


def tail(n_events: int, k: int, where: Path, seed: int) -> dict[str, object]:
    """The newest ``k`` reports of a store of ``n_events`` canonical events, resolved again
    against all the others: the cost of one more report when the store is that big. The store
    is the one ``bench_web.py`` uses (``khabar-bench-N.db``), built when missing and kept."""
    from synth_store import build

    import khabar.resolve.canonical as canonical
    from khabar.store import Store

    path = where / f"khabar-bench-{n_events}.db"
    t0 = time.perf_counter()
    if not path.exists():
        build(path, n_events, seed=seed, progress=False)
    build_s = time.perf_counter() - t0
    store = Store.open(str(path))
    with store.read() as conn:
        n_reports = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
        n_canonical = conn.exec_driver_sql("SELECT count(*) FROM canonical_events").scalar_one()
        rows = conn.exec_driver_sql("SELECT id, canonical_id FROM events ORDER BY rowid DESC LIMIT ?", (k,)).all()
    ids = [r[0] for r in reversed(rows)]
    with store.begin() as conn:  # forget the tail's canonical events; the others keep theirs
        for lo in range(0, len(ids), 500):
            marks = ",".join("?" * len(ids[lo:lo + 500]))
            conn.exec_driver_sql(f"UPDATE events SET canonical_id = NULL WHERE id IN ({marks})", tuple(ids[lo:lo + 500]))
        for cid in sorted({r[1] for r in rows if r[1]}):
            canonical.rebuild_canonical(conn, cid)  # dropped when the tail held all its members
    rss_before = _rss_mb()
    seconds, scored = _resolve(store, ids)
    store.close()
    return {"canonical_events": n_canonical, "reports_in_store": n_reports, "tail_reports": len(ids),
            "build_s": round(build_s, 1), "seconds": round(seconds, 1), "reports_per_s": round(len(ids) / seconds),
            "us_per_report": round(seconds / len(ids) * 1e6), "pairs_scored_per_report": round(scored / len(ids), 1),
            "rss_before_mb": rss_before, "peak_rss_mb": _rss_mb()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000", help="reports to resolve, comma-separated")
    ap.add_argument("--dir", default="/tmp", help="where the temporary stores go (1M reports: ~6 GB)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="also write the JSON here")
    ap.add_argument("--tail", type=int, help="instead: resolve the newest TAIL reports again in a kept store of "
                                              "SIZE canonical events (khabar-bench-SIZE.db, as bench_web.py)")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        result = tail(args.one, args.tail, Path(args.dir), args.seed) if args.tail else one(args.one, Path(args.dir), args.seed)
        print(json.dumps(result))
        return
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        what = f"{n:,} canonical events, the newest {args.tail:,} reports again" if args.tail else f"{n:,} reports"
        print(f"bench_resolve: {what} ...", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, "--one", str(n), "--dir", args.dir, "--seed", str(args.seed),
                               *(["--tail", str(args.tail)] if args.tail else [])],
                              check=True, capture_output=True, text=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    out = {"machine": f"{platform.machine()}, python {platform.python_version()}",
           "command": " ".join(["python", "bench/bench_resolve.py", *sys.argv[1:]]), "sizes": rows}
    print(json.dumps(out, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
