"""How a process's torch models run: how many threads, and in which precision.

The two models are the role tagger and the sentence encoder.

Why one place: both models share torch's one thread pool, so whichever loaded last used to
decide. A worker in a pool of N processes on N cores must keep to one thread, or the workers
fight over the cores with each other and with the writer; Ray sets ``OMP_NUM_THREADS=1`` in
its actors for the same reason, and that is honoured here too.

Precision: on a processor with native bfloat16 arithmetic (``avx512_bf16`` or ``amx_bf16``)
both encoders run under bfloat16 autocast, about 1.6 times faster than float32 for the same
answers to four decimals (measured in ``docs/benchmarks.md``). Elsewhere bfloat16 would be
emulated and slower, so they stay in float32. ``KHABAR_BF16=0`` or ``1`` overrides the choice.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from typing import Any

__all__ = ["torch_threads", "bf16", "precision"]


def torch_threads() -> int:
    """``KHABAR_TORCH_THREADS``, else ``OMP_NUM_THREADS``, else the cores up to two."""
    for name in ("KHABAR_TORCH_THREADS", "OMP_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            return int(value)
    return max(1, min(2, os.cpu_count() or 1))


@lru_cache(maxsize=1)
def bf16() -> bool:
    """Whether the encoders run in bfloat16: ``KHABAR_BF16`` when set, else native support."""
    value = os.environ.get("KHABAR_BF16", "")
    if value in ("0", "1"):
        return value == "1"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"avx512_bf16", "amx_bf16"})
    except OSError:
        pass
    return False


def precision() -> Any:
    """The context to run an encoder's forward pass in (bfloat16 autocast, or nothing)."""
    if not bf16():
        return contextlib.nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)
