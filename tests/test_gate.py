"""The accuracy gate on public dev data: each dataset's fixed dev subset against floors in floors.json.

Why a file: a floor is a decision with a date and a measured figure behind it; raising one is
a commit that changes ``tests/floors.json`` and nothing else. The subsets are fixed (the first
N documents of a dev split, or a whole small file) so CI finishes in minutes; full dev figures
live in docs/benchmarks.md. Needs ``../shared/data``: without it these tests skip with a
message (and fail under CI, where ../shared is always beside the clone).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import SHARED

FLOORS = json.loads((Path(__file__).resolve().parent / "floors.json").read_text())


def _get(results: dict, dotted: str) -> float:
    value: object = results
    for key in dotted.split("."):
        value = value[key]  # type: ignore[index]
    return float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(FLOORS["datasets"]))
def test_dev_subset_meets_its_floors(name, capsys):
    from khabar.eval.datasets import run_dataset

    spec = FLOORS["datasets"][name]
    dataset = spec.get("dataset", name)  # one dataset may be gated twice (two methods)
    args = [a.replace("{shared}", str(SHARED)) for a in spec["args"]]
    data = Path(args[args.index("--data") + 1])
    if not data.exists():
        msg = f"{data} not found: the gate reads ../shared/data (never copied into the repo)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    results = run_dataset(dataset, [*args, "--format", "json"])
    capsys.readouterr()
    for metric, floor in spec["floors"].items():
        got = _get(results, metric)
        assert got >= floor, f"{name} {metric} {got:.4f} < floor {floor} ({' '.join(spec['args'])})"
