"""Textual mention clustering: the pair score formula and both clustering rules, on hand-made matrices."""

from __future__ import annotations

import numpy as np
import pytest

from khabar.resolve.mentions import WEIGHTS, Features, Weights, agglomerate, incremental, score_matrix

DIM = 384


def _e(i: int) -> np.ndarray:
    v = np.zeros(DIM)
    v[i] = 1.0
    return v


def _partition(labels: list[int]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for i, c in enumerate(labels):
        groups.setdefault(c, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def _two_groups() -> np.ndarray:
    """{0, 1, 2} and {3, 4}: within-group scores 2.5-3.5, across -2.0, diagonal 4.0."""
    s = np.full((5, 5), -2.0)
    s[np.ix_([0, 1, 2], [0, 1, 2])] = 3.0
    s[np.ix_([3, 4], [3, 4])] = 2.5
    s[0, 2] = s[2, 0] = 3.5
    np.fill_diagonal(s, 4.0)
    return s


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_two_obvious_groups(cluster):
    assert _partition(cluster(_two_groups(), 1.0)) == {frozenset({0, 1, 2}), frozenset({3, 4})}


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_a_mention_unlike_all_others_stays_alone(cluster):
    s = np.full((6, 6), -3.0)
    s[:5, :5] = _two_groups()
    s[5, 5] = 4.0
    assert _partition(cluster(s, 1.0)) == {frozenset({0, 1, 2}), frozenset({3, 4}), frozenset({5})}


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_threshold_above_every_pair_gives_singletons(cluster):
    assert _partition(cluster(_two_groups(), 3.8)) == {frozenset({i}) for i in range(5)}


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_threshold_below_every_pair_gives_one_cluster(cluster):
    assert _partition(cluster(_two_groups(), -5.0)) == {frozenset(range(5))}


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_a_score_equal_to_the_threshold_joins(cluster):
    s = np.array([[4.0, 1.0], [1.0, 4.0]])
    assert _partition(cluster(s, 1.0)) == {frozenset({0, 1})}


@pytest.mark.parametrize("cluster", [incremental, agglomerate])
def test_tiny_inputs(cluster):
    assert cluster(np.zeros((0, 0)), 1.0) == []
    assert len(cluster(np.array([[4.0]]), 1.0)) == 1


def test_incremental_labels_count_up_in_arrival_order():
    assert incremental(_two_groups(), 1.0) == [0, 0, 0, 1, 1]


def test_incremental_joins_the_best_cluster_by_its_closest_member():
    s = np.array([
        [4.0, -5.0, 1.5],
        [-5.0, 4.0, 2.0],
        [1.5, 2.0, 4.0],
    ])
    assert incremental(s, 1.0) == [0, 1, 1]


def test_incremental_links_on_the_max_where_average_link_does_not():
    """2 is close to 0 but far from 1: best-attach joins it, the average over {0, 1} does not."""
    s = np.array([
        [4.0, 3.0, 2.5],
        [3.0, 4.0, -3.0],
        [2.5, -3.0, 4.0],
    ])
    assert _partition(incremental(s, 1.0)) == {frozenset({0, 1, 2})}
    assert _partition(agglomerate(s, 1.0)) == {frozenset({0, 1}), frozenset({2})}


def test_incremental_depends_on_arrival_order():
    """The same pair scores in another arrival order give another partition."""
    s = np.array([
        [4.0, 2.5, -3.0],
        [2.5, 4.0, 3.0],
        [-3.0, 3.0, 4.0],
    ])
    # 0 alone; 1 joins 0 (2.5); 2 joins {0, 1} via 1 (3.0)
    assert incremental(s, 1.0) == [0, 0, 0]
    # 2 arrives second: it cannot join 0 (-3.0), so it starts a cluster; 1 then prefers 2's (3.0 > 2.5)
    order = [0, 2, 1]
    assert incremental(s[np.ix_(order, order)], 1.0) == [0, 1, 1]


def _features() -> Features:
    doc_b = 0.8 * _e(5) + 0.6 * _e(6)
    return Features(
        ids=["m1", "m2", "m3"],
        docs=["d1", "d2", "d3"],
        lemmas=["attack", "attack", "bomb"],
        trig=np.stack([_e(0), _e(0), _e(1)]),
        doc_vecs=np.stack([_e(5), doc_b, _e(6)]),
    )


def test_score_matrix_follows_the_formula():
    s = score_matrix(_features())
    w = WEIGHTS
    assert (w.lemma, w.trigger, w.trigger_center, w.doc, w.doc_center) == (1.0, 6.0, 0.6, 2.0, 0.7)
    expected = np.array([
        # self: lemma 1 + 6*(1-0.6) + 2*(1-0.7)
        [4.0, 1 + 2.4 + 2 * (0.8 - 0.7), 0 - 3.6 - 1.4],
        [3.6, 4.0, 0 - 3.6 + 2 * (0.6 - 0.7)],
        [-5.0, -3.8, 4.0],
    ])
    np.testing.assert_allclose(s, expected, atol=1e-9)
    np.testing.assert_allclose(s, s.T)


def test_lemma_bonus_is_exactly_the_lemma_weight():
    f = _features()
    f.trig = np.stack([_e(0), _e(0), _e(0)])
    f.doc_vecs = np.stack([_e(5), _e(5), _e(5)])
    s = score_matrix(f)
    assert s[0, 1] - s[0, 2] == pytest.approx(WEIGHTS.lemma)
    s2 = score_matrix(f, Weights(lemma=2.5))
    assert s2[0, 1] - s2[0, 2] == pytest.approx(2.5)


def test_custom_weights_and_centres():
    s = score_matrix(_features(), Weights(lemma=0.0, trigger=1.0, trigger_center=0.0, doc=0.0))
    np.testing.assert_allclose(s, _features().trig @ _features().trig.T)


def test_score_matrix_then_clustering_groups_the_like_pair():
    s = score_matrix(_features())
    assert _partition(incremental(s, WEIGHTS.threshold)) == {frozenset({0, 1}), frozenset({2})}
    assert _partition(agglomerate(s, WEIGHTS.threshold)) == {frozenset({0, 1}), frozenset({2})}
