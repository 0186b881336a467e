"""Coreference metrics against values worked out by hand (each derivation is in the comments)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pytest import approx

from khabar.eval.coref import b_cubed, ceaf_e, clusters_of, conll_f1, muc


def clustering(*clusters: str) -> dict[str, str]:
    """clustering("abc", "defg") -> {a: c0, b: c0, c: c0, d: c1, ...}; one letter per mention."""
    return {m: f"c{i}" for i, members in enumerate(clusters) for m in members}


# Pradhan et al. (2014), figure 1: key {a,b,c} {d,e,f,g}; response {a,b} {c,d} {f,g,h,i}
KEY = clustering("abc", "defg")
RESPONSE = clustering("ab", "cd", "fghi")


def test_paper_example_muc():
    # recall: {a,b,c} splits into {a,b},{c} -> 3-2 = 1 link; {d,e,f,g} into {d},{e} (missing),
    # {f,g} -> 4-3 = 1; 2 / (2 + 3) = 0.4.
    # precision: {a,b} -> 1; {c,d} -> {c},{d} -> 0; {f,g,h,i} -> {f,g},{h},{i} -> 1; 2 / (1+1+3) = 0.4
    assert muc(KEY, RESPONSE) == approx((0.4, 0.4, 0.4))


def test_paper_example_b_cubed():
    # recall: K1 -> (2²+1²)/3 = 5/3, K2 -> (1²+2²)/4 = 5/4; (5/3 + 5/4) / 7 mentions = 5/12
    # precision: R1 -> 2²/2 = 2, R2 -> (1+1)/2 = 1, R3 -> 2²/4 = 1; 4 / 8 mentions = 1/2
    # F1 = 2 (5/12)(1/2) / (5/12 + 1/2) = 5/11
    assert b_cubed(KEY, RESPONSE) == approx((5 / 12, 1 / 2, 5 / 11))


def test_paper_example_ceaf_e():
    # phi4: K1-R1 = 2*2/5 = 0.8, K1-R2 = 2/5, K2-R2 = 2/6, K2-R3 = 2*2/8 = 0.5.
    # best one-to-one alignment: K1-R1 + K2-R3 = 1.3; recall 1.3/2, precision 1.3/3, F1 0.52
    assert ceaf_e(KEY, RESPONSE) == approx((13 / 20, 13 / 30, 0.52))


def test_paper_example_conll():
    out = conll_f1(KEY, RESPONSE)
    assert out["muc"] == approx({"r": 0.4, "p": 0.4, "f1": 0.4})
    assert out["b3"]["f1"] == approx(5 / 11)
    assert out["ceafe"]["p"] == approx(13 / 30)
    assert out["conll"] == approx((0.4 + 5 / 11 + 0.52) / 3)


def test_perfect_response_scores_one():
    key = clustering("abc", "de", "f")
    relabelled = {m: f"other-{c}" for m, c in key.items()}  # cluster names do not matter
    out = conll_f1(key, relabelled)
    for name in ("muc", "b3", "ceafe"):
        assert out[name] == approx({"r": 1.0, "p": 1.0, "f1": 1.0})
    assert out["conll"] == approx(1.0)


KEY5 = clustering("abc", "de")


def test_all_singletons_response():
    response = clustering("a", "b", "c", "d", "e")
    # MUC: no response links -> recall 0/3 = 0, precision 0/0 defined as 0
    assert muc(KEY5, response) == (0.0, 0.0, 0.0)
    # B3: recall (3 * 1/3 + 2 * 1/2) / 5 = 2/5, precision 1; F1 = 0.8/1.4 = 4/7
    assert b_cubed(KEY5, response) == approx((2 / 5, 1.0, 4 / 7))
    # CEAF-e: {a,b,c}-{a} = 2/4, {d,e}-{d} = 2/3 -> 7/6; recall 7/12, precision 7/30, F1 1/3
    assert ceaf_e(KEY5, response) == approx((7 / 12, 7 / 30, 1 / 3))


def test_one_big_cluster_response():
    response = clustering("abcde")
    # MUC recall: 2 + 1 links of 3; precision: {a..e} splits into 2 key parts -> 3 of 4 links; F1 6/7
    assert muc(KEY5, response) == approx((1.0, 0.75, 6 / 7))
    # B3 precision: (3²/5 + 2²/5) / 5 = 13/25; F1 = 2 * 0.52 / 1.52 = 13/19
    assert b_cubed(KEY5, response) == approx((1.0, 13 / 25, 13 / 19))
    # CEAF-e: only one response cluster; best is {a,b,c} at 2*3/8 = 3/4 -> recall 3/8, precision 3/4
    assert ceaf_e(KEY5, response) == approx((3 / 8, 3 / 4, 1 / 2))


def test_key_of_singletons_only():
    key = clustering("a", "b", "c")
    # MUC has no links to find: 0/0 is defined as 0 even for a perfect response
    assert muc(key, key) == (0.0, 0.0, 0.0)
    assert b_cubed(key, key) == approx((1.0, 1.0, 1.0))
    assert ceaf_e(key, key) == approx((1.0, 1.0, 1.0))
    assert conll_f1(key, key)["conll"] == approx(2 / 3)


def test_empty_clusterings_score_zero():
    out = conll_f1({}, {})
    assert out["conll"] == 0.0
    assert all(out[n] == {"r": 0.0, "p": 0.0, "f1": 0.0} for n in ("muc", "b3", "ceafe"))
    assert conll_f1(KEY5, {})["conll"] == 0.0


def test_response_only_mention_is_extra():
    key, response = clustering("ab"), clustering("abx")
    # MUC precision: {a,b,x} splits into {a,b} and {x} (not in key) -> 1 of 2 links
    assert muc(key, response) == approx((1.0, 0.5, 2 / 3))
    # B3 precision: a, b -> 2/3 each, x -> 0; (4/3) / 3 = 4/9
    assert b_cubed(key, response) == approx((1.0, 4 / 9, 8 / 13))
    # CEAF-e: phi4 = 2*2/(2+3) = 4/5, one cluster each side
    assert ceaf_e(key, response) == approx((0.8, 0.8, 0.8))


def test_key_only_mention_is_missed():
    key, response = clustering("abc"), clustering("ab")
    # MUC recall: {a,b,c} -> {a,b} + {c} missing -> 1 of 2 links
    assert muc(key, response) == approx((0.5, 1.0, 2 / 3))
    # B3 recall: a, b -> 2/3 each, c -> 0: (4/3) / 3 = 4/9
    assert b_cubed(key, response) == approx((4 / 9, 1.0, 8 / 13))


def test_alignment_is_global_not_greedy():
    key = clustering("abd", "c")  # K1 = {a,b,d}, K2 = {c}
    response = clustering("abc", "d")  # R1 = {a,b,c}, R2 = {d}
    # phi4(K1, R1) = 2*2/6 = 2/3, phi4(K1, R2) = 2/4 = 1/2, phi4(K2, R1) = 2/4 = 1/2.
    # Greedy takes K1-R1 (2/3) and leaves K2 nothing; the optimum is K1-R2 + K2-R1 = 1,
    # so recall 1/2 and precision 1/2
    assert ceaf_e(key, response) == approx((0.5, 0.5, 0.5))


def test_clusters_of_inverts():
    assert clusters_of({"a": 1, "b": 1, "c": 2}) == {1: frozenset("ab"), 2: frozenset("c")}


labels = st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 3), min_size=1)


@given(labels, labels)
def test_swapping_key_and_response_swaps_recall_and_precision(key, response):
    for metric in (muc, b_cubed, ceaf_e):
        r, p, f = metric(key, response)
        r2, p2, f2 = metric(response, key)
        assert (r, p, f) == approx((p2, r2, f2))
        assert 0.0 <= f <= 1.0


def brute_ceaf_e(key, response):
    """CEAF-e on the full similarity matrix, as a check on the per-component alignment."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    ks, rs = list(clusters_of(key).values()), list(clusters_of(response).values())
    sim = np.array([[2 * len(k & r) / (len(k) + len(r)) for r in rs] for k in ks]).reshape(len(ks), len(rs))
    rows, cols = linear_sum_assignment(sim, maximize=True)
    total = sim[rows, cols].sum()
    return total / len(ks), total / len(rs)


def brute_b_cubed(key, response):
    """B3 mention by mention, straight from the definition."""
    k, r = clusters_of(key), clusters_of(response)
    rec = sum(len(k[key[m]] & r[response[m]]) / len(k[key[m]]) for m in key if m in response)
    prec = sum(len(k[key[m]] & r[response[m]]) / len(r[response[m]]) for m in response if m in key)
    return rec / len(key), prec / len(response)


@given(labels, labels)
def test_matches_definitions_computed_the_slow_way(key, response):
    assert ceaf_e(key, response)[:2] == approx(brute_ceaf_e(key, response))
    assert b_cubed(key, response)[:2] == approx(brute_b_cubed(key, response))
