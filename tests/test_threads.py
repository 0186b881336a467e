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
