"""Shared fixtures: paths to the bundled corpus and to ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def seed_gold() -> Path:
    path = SHARED / "gold" / "tajik-detainees-isk.gold.json"
    if not path.exists():
        pytest.skip(f"../shared is absent: {path} not found (the seed is not copied into the repo)")
    return path
