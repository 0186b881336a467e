"""Clustering event mentions by what the text says: the resolver's textual evidence, alone.

Given event mentions (a trigger in its sentence, in a document), score every pair with
three signals the store's resolver also uses: the same head lemma, the contextual vectors
of the two triggers (all-MiniLM-L6-v2 word pieces), and how alike the two documents are
(mean sentence vectors: reports of one incident read alike). Clusters come from
average-link agglomeration, or from the incremental best-attach rule that the store uses
as articles arrive. ``khabar eval ecbplus`` measures this on ECB+, where there are no
structured dates, places or tolls to lean on; weights were chosen on the ECB+ train topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Weights", "WEIGHTS", "Features", "features", "score_matrix", "agglomerate", "incremental",
           "cluster"]


@dataclass(frozen=True)
class Weights:
    """Chosen by grid search on the ECB+ train topics (``docs/resolve.md``)."""

    lemma: float = 1.0
    trigger: float = 6.0
    trigger_center: float = 0.6
    doc: float = 2.0
    doc_center: float = 0.7
    threshold: float = 1.0
    linkage: str = "average"  # average | incremental


WEIGHTS = Weights()


@dataclass
class Features:
    ids: list[str]
    docs: list[str]
    lemmas: list[str]
    trig: np.ndarray
    doc_vecs: np.ndarray  # one row per mention


def features(mentions: Sequence[Any], lemma: dict[str, str]) -> Features:
    """Mentions need ``id``, ``doc``, ``sentence_text``, ``start``, ``end``, ``doc_text``;
    ``lemma`` maps each mention id to its head lemma (the caller's parser decides)."""
    from khabar.resolve.embed import encode, encode_spans

    trig = encode_spans([m.sentence_text for m in mentions], [(m.start, m.end) for m in mentions])
    doc_text = {m.doc: m.doc_text for m in mentions}
    doc_vec: dict[str, np.ndarray] = {}
    for doc, text in doc_text.items():
        lines = [ln for ln in text.split("\n") if ln.strip() and not ln.startswith("http")][:40]
        vecs = encode(lines or [text[:1000]])
        v = vecs.mean(axis=0)
        doc_vec[doc] = v / (np.linalg.norm(v) or 1.0)
    return Features(ids=[m.id for m in mentions], docs=[m.doc for m in mentions],
                    lemmas=[lemma[m.id] for m in mentions], trig=trig,
                    doc_vecs=np.stack([doc_vec[m.doc] for m in mentions]) if mentions else np.zeros((0, 384)))


def score_matrix(f: Features, w: Weights = WEIGHTS) -> np.ndarray:
    lemmas = np.array(f.lemmas, dtype=object)
    same_lemma = (lemmas[:, None] == lemmas[None, :]).astype(np.float32)
    return (w.lemma * same_lemma + w.trigger * (f.trig @ f.trig.T - w.trigger_center)
            + w.doc * (f.doc_vecs @ f.doc_vecs.T - w.doc_center))


def agglomerate(scores: np.ndarray, threshold: float) -> list[int]:
    """Average-link clusters: merge while the mean pairwise score between clusters ≥ threshold."""
    n = len(scores)
    if n <= 1:
        return list(range(n))
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    top = float(scores.max())
    dist = top - scores
    np.fill_diagonal(dist, 0.0)
    dist = (dist + dist.T) / 2
    tree = linkage(squareform(dist, checks=False), method="average")
    return [int(c) for c in fcluster(tree, t=top - threshold, criterion="distance")]


def incremental(scores: np.ndarray, threshold: float) -> list[int]:
    """The store's rule, in arrival order: join the best cluster (max score) if ≥ threshold."""
    labels: list[int] = []
    members: list[list[int]] = []
    for i in range(len(scores)):
        best, best_score = -1, threshold
        for c, idx in enumerate(members):
            s = float(scores[i, idx].max())
            if s >= best_score:
                best, best_score = c, s
        if best < 0:
            members.append([i])
            labels.append(len(members) - 1)
        else:
            members[best].append(i)
            labels.append(best)
    return labels


def cluster(f: Features, w: Weights = WEIGHTS) -> list[int]:
    """Cluster labels for the mentions of ``f``, by ``w.linkage``."""
    s = score_matrix(f, w)
    return incremental(s, w.threshold) if w.linkage == "incremental" else agglomerate(s, w.threshold)
