"""Coreference metrics (MUC, B³, CEAF-e, CoNLL F1), as the reference CoNLL-2012 scorer defines them.

Why here and not a dependency: the reference scorer is Perl, and the Python ports differ in
small ways (singletons, mentions missing on one side) that move ECB+ numbers by a point or
more. These functions follow Pradhan et al. (2014), "Scoring coreference partitions of
predicted mentions: a reference implementation", so that numbers are comparable with
published ECB+ results.

A clustering is a ``dict[mention_id, cluster_id]``: every mention appears once and a singleton
is a cluster of its own. The key is the gold clustering, the response the system's.

Mentions present on one side only are handled as the reference scorer does, without the
Cai & Strube (2010) "twinless mention" adjustments:

* a key-only mention (the response left it out) is missed: it lowers recall, and in MUC it
  counts as a partition of its own when splitting a key cluster;
* a response-only mention is extra: it lowers precision (it shares no mention with any key
  cluster), and in MUC it counts as a partition of its own when splitting a response cluster.

A ratio with a zero denominator is defined as 0, as in the reference scorer. So MUC of a key
made only of singletons is recall 0 (no links to find), and an empty key or response scores 0
everywhere; F1 is 0 when recall and precision are both 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["Clustering", "muc", "b_cubed", "ceaf_e", "conll_f1", "clusters_of"]

Clustering = Mapping[Hashable, Hashable]
Score = tuple[float, float, float]


def clusters_of(clustering: Clustering) -> dict[Hashable, frozenset[Hashable]]:
    """Invert ``{mention: cluster}`` into ``{cluster: mentions}``."""
    out: dict[Hashable, set[Hashable]] = defaultdict(set)
    for mention, cluster in clustering.items():
        out[cluster].add(mention)
    return {c: frozenset(ms) for c, ms in out.items()}


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


def _f1(recall: float, precision: float) -> float:
    return 2 * recall * precision / (recall + precision) if recall + precision else 0.0


def _score(r_num: float, r_den: float, p_num: float, p_den: float) -> Score:
    recall, precision = _ratio(r_num, r_den), _ratio(p_num, p_den)
    return recall, precision, _f1(recall, precision)


def _muc_side(key: Clustering, response: Clustering) -> tuple[int, int]:
    """(numerator, denominator) of MUC recall of ``response`` against ``key``: for each key
    cluster K, |K| - |p(K)| links found out of |K| - 1, where p(K) is K split by the response
    clusters and each mention the response lacks is a part of its own."""
    num = den = 0
    for members in clusters_of(key).values():
        parts = {response[m] for m in members if m in response}
        missing = sum(1 for m in members if m not in response)
        num += len(members) - (len(parts) + missing)
        den += len(members) - 1
    return num, den


def muc(key: Clustering, response: Clustering) -> Score:
    """MUC (Vilain et al. 1995), link-based: (recall, precision, F1). Singletons add no links,
    so a key of singletons only has recall 0/0, defined as 0."""
    r_num, r_den = _muc_side(key, response)
    p_num, p_den = _muc_side(response, key)
    return _score(r_num, r_den, p_num, p_den)


def _overlaps(key: Clustering, response: Clustering) -> dict[tuple[Hashable, Hashable], int]:
    """|K ∩ R| for every (key cluster, response cluster) pair that shares a mention."""
    counts: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    for mention, k in key.items():
        if mention in response:
            counts[(k, response[mention])] += 1
    return counts


def b_cubed(key: Clustering, response: Clustering) -> Score:
    """B³ (Bagga & Baldwin 1998), per mention and averaged over mentions: recall is the mean over
    key mentions of |K ∩ R| / |K|, precision the mean over response mentions of |K ∩ R| / |R|
    (a mention missing on the other side contributes 0)."""
    k_size = {c: len(ms) for c, ms in clusters_of(key).items()}
    r_size = {c: len(ms) for c, ms in clusters_of(response).items()}
    r_num = p_num = 0.0
    for (k, r), n in _overlaps(key, response).items():
        # n mentions share this pair, each scoring n/|K| (recall) and n/|R| (precision)
        r_num += n * n / k_size[k]
        p_num += n * n / r_size[r]
    return _score(r_num, len(key), p_num, len(response))


def _components(pairs: list[tuple[Hashable, Hashable]]) -> list[list[tuple[Hashable, Hashable]]]:
    """Connected components of the bipartite overlap graph, as lists of its edges."""
    parent: dict[tuple[str, Hashable], tuple[str, Hashable]] = {}

    def find(x: tuple[str, Hashable]) -> tuple[str, Hashable]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for k, r in pairs:
        a, b = find(("k", k)), find(("r", r))
        if a != b:
            parent[a] = b
    groups: dict[tuple[str, Hashable], list[tuple[Hashable, Hashable]]] = defaultdict(list)
    for k, r in pairs:
        groups[find(("k", k))].append((k, r))
    return list(groups.values())


def ceaf_e(key: Clustering, response: Clustering) -> Score:
    """Entity-based CEAF (Luo 2005) with phi4(K, R) = 2|K ∩ R| / (|K| + |R|): the one-to-one
    alignment of key and response clusters that maximises total similarity (Hungarian
    algorithm), divided by the number of key clusters (recall) and response clusters
    (precision). Clusters sharing no mention have similarity 0, so the alignment is solved
    separately on each connected group of overlapping clusters, which keeps the matrices small
    on a whole corpus."""
    k_size = {c: len(ms) for c, ms in clusters_of(key).items()}
    r_size = {c: len(ms) for c, ms in clusters_of(response).items()}
    overlaps = _overlaps(key, response)
    total = 0.0
    for edges in _components(list(overlaps)):
        ks = sorted({k for k, _ in edges}, key=str)
        rs = sorted({r for _, r in edges}, key=str)
        ki, ri = {k: i for i, k in enumerate(ks)}, {r: i for i, r in enumerate(rs)}
        sim = np.zeros((len(ks), len(rs)))
        for k, r in edges:
            sim[ki[k], ri[r]] = 2 * overlaps[(k, r)] / (k_size[k] + r_size[r])
        rows, cols = linear_sum_assignment(sim, maximize=True)
        total += float(sim[rows, cols].sum())
    return _score(total, len(k_size), total, len(r_size))


def conll_f1(key: Clustering, response: Clustering) -> dict[str, dict[str, float] | float]:
    """All three metrics and their CoNLL average: ``{"muc": {"r", "p", "f1"}, "b3": ...,
    "ceafe": ..., "conll": mean of the three F1}``."""
    out: dict[str, dict[str, float] | float] = {}
    f1s = []
    for name, metric in (("muc", muc), ("b3", b_cubed), ("ceafe", ceaf_e)):
        r, p, f = metric(key, response)
        out[name] = {"r": r, "p": p, "f1": f}
        f1s.append(f)
    out["conll"] = sum(f1s) / 3
    return out
