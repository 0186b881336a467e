"""Choose the textual resolver's weights on the ECB+ *train* topics (never on dev or test).

    .venv/bin/python bench/tune_ecbplus.py [../shared/data/ecbplus]

Computes the features of every train topic once (about 70 s on 2 cores), then scores a grid
of ``resolve.mentions.Weights`` by CoNLL F1 and prints the best five. The winner is what
``WEIGHTS`` holds; ``docs/resolve.md`` records the figures.
"""

from __future__ import annotations

import itertools
import sys
from collections import defaultdict
from pathlib import Path

from khabar.eval.coref import conll_f1
from khabar.eval.ecbplus import load_ecbplus, same_lemma
from khabar.resolve.mentions import Weights, cluster, features

GRID = {"lemma": [1.0, 2.0], "trigger": [2.0, 4.0, 6.0], "trigger_center": [0.5, 0.6],
        "doc": [2.0, 4.0, 8.0], "doc_center": [0.6, 0.7], "threshold": [0.0, 0.5, 1.0, 1.5]}


def main(data: str) -> None:
    mentions = load_ecbplus(data, split="train")
    key = {m.id: f"{m.topic}/{m.cluster}" for m in mentions}
    by_topic = defaultdict(list)
    for m in mentions:
        by_topic[m.topic].append(m)
    feats = {t: features(ms, same_lemma(ms)) for t, ms in by_topic.items()}
    results = []
    for values in itertools.product(*GRID.values()):
        w = Weights(**dict(zip(GRID, values, strict=True)))
        response = {i: f"{t}/{c}" for t, f in feats.items() for i, c in zip(f.ids, cluster(f, w), strict=True)}
        results.append((conll_f1(key, response)["conll"], w))
    for score, w in sorted(results, key=lambda x: -x[0])[:5]:
        print(f"{100 * score:.2f}  {w}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[2] / "shared/data/ecbplus"))
