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


PG_DEFAULT = "postgresql://postgres@127.0.0.1:55432/khabar_test"


def _fresh_postgres(url: str):
    """A PostgreSQL store on an empty public schema; skip (fail under CI) when no server answers."""
    import os

    from sqlalchemy import create_engine, text

    from khabar.store import Store
    from khabar.store.db import resolve_url

    try:
        engine = create_engine(resolve_url(url))
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    except Exception as exc:  # no server: a message, not a silent pass
        msg = f"no PostgreSQL server reachable at {url} ({type(exc).__name__}); `bash .ci/postgres.sh` starts one"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return Store.open(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty store on each backend: embedded SQLite and a real PostgreSQL server."""
    import os

    from khabar.store import Store

    if request.param == "sqlite":
        s = Store.open(str(tmp_path / "khabar.db"))
    else:
        s = _fresh_postgres(os.environ.get("KHABAR_TEST_PG") or PG_DEFAULT)
    yield s
    s.close()


_ANALYSED: dict[tuple, object] = {}


@pytest.fixture
def cached_analysis(monkeypatch):
    """Extraction is the slow part and is tested elsewhere: analyse each text once per session."""
    import copy

    from khabar.batch import local

    real = local.analyse_many

    def key(doc, embeddings):  # noqa: ANN001, ANN202
        return doc.text, doc.published, doc.title, doc.url, doc.source, embeddings

    def analyse_many(docs, *, embeddings=True):  # noqa: ANN001, ANN202
        todo = [d for d in docs if key(d, embeddings) not in _ANALYSED]
        for d, result in zip(todo, real(todo, embeddings=embeddings) if todo else [], strict=True):
            _ANALYSED[key(d, embeddings)] = result
        out = []
        for doc in docs:
            _, report, vectors, error = _ANALYSED[key(doc, embeddings)]
            out.append((doc, copy.deepcopy(report), dict(vectors), error))
        return out

    monkeypatch.setattr(local, "analyse_many", analyse_many)
    return analyse_many
