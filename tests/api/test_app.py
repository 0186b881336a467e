"""The JSON API over a real store: filters, event detail, entity, status, hostile text, headers."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from khabar.batch import ingest
from khabar.model import Document
from khabar.store import Store
from khabar.web import create_app

HOSTILE = ("PESHAWAR, Pakistan — A suicide bomber killed 12 police officers at a checkpoint in Peshawar "
           "on Monday, officials said. <script>alert(1)</script> <img src=x onerror=alert(2)>")


@pytest.fixture
def client(tmp_path, cached_analysis):
    store = Store.open(str(tmp_path / "k.db"))
    docs = [Document(id="", text=HOSTILE, title="<b>Blast</b> \"quoted\"", published="2023-05-02",
                     url="https://example.org/a", source="Example Wire", origin="hostile")]
    ingest(docs, store, embeddings=False)
    return TestClient(create_app(store))


def test_events_list_and_detail(client):
    r = client.get("/api/events", params={"country": "PK"})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] >= 1 and body["events"][0]["sources"][0]["title"] == "<b>Blast</b> \"quoted\""
    assert r.headers["content-type"].startswith("application/json")
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    event_id = body["events"][0]["id"]
    detail = client.get(f"/api/events/{event_id}").json()
    assert detail["id"] == event_id and detail["sources"][0]["sentences"]
    assert client.get("/api/events", params={"country": "FR"}).json()["total"] == 0


def test_missing_things_are_404_with_a_code(client):
    r = client.get("/api/events/nope")
    assert r.status_code == 404 and r.json()["error"] == "E503"
    assert client.get("/api/entities/Nobody%20At%20All").json()["error"] == "E504"


def test_status_and_openapi(client):
    assert client.get("/api/status").json()["counts"]["documents"] == 1
    spec = client.get("/api/openapi.json").json()
    assert "/api/events" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_serve_binds_loopback_by_default():
    from khabar.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"
