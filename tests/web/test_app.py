"""The workbench over a real store, through HTTP (TestClient): twins, escaping, CSP, CSRF, tokens.

The browser-level checks (clicking, highlighting, scripts not running) are in test_browser.py;
these are the protocol-level ones, fast and without Chromium.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from khabar.batch import ingest
from khabar.ingest import iter_documents
from khabar.model import Document
from khabar.store import Store
from khabar.web import create_app
from tests.conftest import CORPUS

HOSTILE = ("PESHAWAR, Pakistan — A suicide bomber killed 12 police officers at a checkpoint in Peshawar "
           "on Monday, officials said. <script>alert(1)</script> <img src=x onerror=alert(2)>")
PAGES = ["/events", "/map", "/timeline", "/review", "/audit"]


@pytest.fixture
def store(tmp_path, cached_analysis) -> Store:
    s = Store.open(str(tmp_path / "k.db"))
    docs = [d for d in iter_documents([str(CORPUS / "stream" / "articles.jsonl")]) if not hasattr(d, "code")]
    docs.append(Document(id="", text=HOSTILE, title="<b>Blast</b> \"quoted\" <script>x()</script>",
                         published="2023-05-02", url="https://example.org/a?q=<x>", source="<i>Wire</i>",
                         origin="hostile"))
    ingest(docs, s, embeddings=False)
    return s


@pytest.fixture
def client(store) -> TestClient:
    return TestClient(create_app(store))


def _csrf(client: TestClient, page: str) -> str:
    html = client.get(page).text
    return re.search(r'name="csrf" value="([0-9a-f]+)"', html).group(1)


def _kerman(client: TestClient) -> str:
    body = client.get("/events.json", params={"country": "IR", "sort": "sources"}).json()
    return body["events"][0]["id"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_has_a_json_twin_and_a_strict_policy(client, page):
    html, twin = client.get(page), client.get(page + ".json")
    assert html.status_code == 200 and twin.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert twin.headers["content-type"].startswith("application/json")
    csp = html.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert html.headers["x-content-type-options"] == "nosniff"
    assert re.findall(r"<script(?![^>]*\bsrc=\"/static/)", html.text) == []  # no inline script
    assert " style=" not in html.text and "http://" not in html.text.replace("http://www.w3.org", "")


def test_the_twin_and_the_page_show_the_same_events(client):
    twin = client.get("/events.json", params={"country": "IR", "sort": "fatalities"}).json()
    html = client.get("/events", params={"country": "IR", "sort": "fatalities"}).text
    assert twin["total"] >= 1 and all(e["country"] == "IR" for e in twin["events"])
    assert re.findall(r'<tr data-id="([^"]+)"', html) == [e["id"] for e in twin["events"]]
    assert twin["counts_by_type"] and sum(c["n"] for c in twin["counts_by_type"]) == twin["total"]



def test_a_common_word_is_counted_up_to_the_cap(client, monkeypatch):
    """A search matching many articles says "more than N", in the page and in every twin."""
    from khabar.store import query
    from khabar.web import data

    exact = client.get("/events.json", params={"q": "said"}).json()
    assert exact["total_exact"] and exact["total"] > 2 and exact["counts_by_type"]
    timeline = client.get("/timeline.json", params={"q": "said"}).json()
    monkeypatch.setattr(query, "DENSE_DOCS", 1)  # "said" is now a common word
    monkeypatch.setattr(data, "COUNT_CAP", 2)
    twin = client.get("/events.json", params={"q": "said"}).json()
    assert (twin["total"], twin["total_exact"], twin["counts_by_type"]) == (2, False, [])
    assert [e["id"] for e in twin["events"]] == [e["id"] for e in exact["events"]]  # the list is not capped
    assert "more than 2 matching" in client.get("/events", params={"q": "said"}).text
    api = client.get("/api/events", params={"text": "said"}).json()
    assert (api["total"], api["total_exact"]) == (exact["total"], True)  # under the API's cap (10,000)
    m = client.get("/map.json", params={"q": "said"}).json()
    assert m["total_exact"] is False and m["total"] == 2
    assert client.get("/timeline.json", params={"q": "said"}).json() == timeline  # it reads every match

def test_detail_pages_and_their_twins(client):
    eid = _kerman(client)
    event = client.get(f"/events/{eid}.json").json()
    assert event["event"]["n_sources"] >= 3 and event["attribution"] and event["event"]["disagreements"]
    html = client.get(f"/events/{eid}").text
    assert html.count('<mark class="evidence') >= 3 and "Sources disagree" in html
    doc = event["event"]["sources"][0]["document"]
    ent = next(p["entity"] for p in event["event"]["participants"] if p.get("entity"))
    d = client.get(f"/documents/{doc}.json").json()
    assert d["mentions"] and d["events"] and d["text"]
    assert 'class="ent ent-' in client.get(f"/documents/{doc}").text
    e = client.get(f"/entities/{ent}.json").json()
    assert e["entity"]["id"] == ent and e["entity"]["events"] and "cooccurring" in e
    assert client.get(f"/entities/{ent}").status_code == 200


def test_map_and_timeline_twins(client):
    m = client.get("/map.json").json()
    assert m["shown"] == len(m["points"]) and m["located"] >= m["shown"] > 0
    assert all(p["lat"] is not None for p in m["points"])
    html = client.get("/map").text
    assert html.count('class="marker"') == m["shown"] and 'href="/basemap.svg"' in html
    svg = client.get("/basemap.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and svg.text.count("<path") > 150
    t = client.get("/timeline.json").json()
    assert t["weeks"] and t["total"] >= sum(w["total"] for w in t["weeks"])
    assert "<rect" in client.get("/timeline").text


def test_hostile_article_text_is_escaped_everywhere(client):
    doc_events = client.get("/events.json", params={"country": "PK"}).json()["events"]
    hostile = next(e for e in doc_events if e["fatalities"])
    page = client.get(f"/events/{hostile['id']}").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "<b>Blast</b>" not in page and "<i>Wire</i>" not in page
    doc = client.get(f"/events/{hostile['id']}.json").json()["event"]["sources"][0]["document"]
    assert "<script>alert(1)" not in client.get(f"/documents/{doc}").text
    assert client.get(f"/documents/{doc}.json").json()["document"]["title"].startswith("<b>Blast</b>")


def test_bad_filters_and_missing_things_answer_with_a_code(client):
    r = client.get("/events", params={"since": "last tuesday"})
    assert r.status_code == 400 and "E522" in r.text and r.headers["content-type"].startswith("text/html")
    assert client.get("/events.json", params={"sort": "nope"}).json()["error"] == "E522"
    assert client.get("/events/nope").status_code == 404
    assert client.get("/documents/nope.json").json()["error"] == "E506"
    assert client.get("/entities/Nobody%20At%20All.json").status_code == 404


def test_review_form_needs_its_csrf_field_and_writes_the_audit_log(client):
    eid = _kerman(client)
    refused = client.post(f"/events/{eid}/review", data={"action": "confirm", "who": "Eve"})
    assert refused.status_code == 403 and "E525" in refused.text
    assert client.get(f"/events/{eid}.json").json()["audit"] == []
    forged = client.post(f"/events/{eid}/review", data={"action": "confirm", "who": "Eve", "csrf": "0" * 64})
    assert forged.status_code == 403
    token = _csrf(client, f"/events/{eid}")
    cross = client.post(f"/events/{eid}/review", data={"action": "confirm", "who": "Eve", "csrf": token},
                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    ok = client.post(f"/events/{eid}/review", data={"action": "confirm", "who": "Ana", "csrf": token},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith(f"/events/{eid}")
    audit = client.get(f"/events/{eid}.json").json()["audit"]
    assert [(a["action"], a["who"], a["new"]) for a in audit] == [("confirm", "Ana", "confirmed")]
    edit = client.post(f"/events/{eid}/review", data={"action": "edit", "who": "Ana", "csrf": token,
                                                      "fatalities_min": "90", "type": "bombing"})
    assert edit.status_code == 200  # followed the redirect to the event page
    body = client.get(f"/events/{eid}.json").json()
    assert body["event"]["fatalities"]["min"] == 90 and body["audit"][0]["field"] == "fatalities_min"
    assert client.get("/audit.json").json()["total"] == 2
    assert client.get("/events.json", params={"review": "confirmed"}).json()["total"] == 1


def test_json_api_writes_need_json_and_record_who(client):
    eid = _kerman(client)
    form = client.post(f"/api/events/{eid}/review", content='{"action": "reject", "who": "Eve"}',
                       headers={"Content-Type": "text/plain"})
    assert form.status_code in (403, 422)
    r = client.post(f"/api/events/{eid}/review", json={"action": "reject", "who": "Bot", "note": "duplicate"})
    assert r.status_code == 200 and r.json()["review"]["state"] == "rejected"
    assert client.get("/api/audit").json()["entries"][0]["who"] == "Bot"


def test_exposed_server_without_a_token_is_read_only(store):
    client = TestClient(create_app(store, exposed=True))
    eid = _kerman(client)
    assert "read-only" in client.get("/events").text
    token = _csrf(client, "/login")
    r = client.post(f"/events/{eid}/review", data={"action": "confirm", "who": "Ana", "csrf": token})
    assert r.status_code == 403 and "--token" in r.text
    assert client.post(f"/api/events/{eid}/review", json={"action": "confirm", "who": "Ana"}).status_code == 403


def test_exposed_server_with_a_token_needs_it_for_writes(store):
    client = TestClient(create_app(store, token="s3cret", exposed=True))
    eid = _kerman(client)
    assert 'id="confirm"' not in client.get(f"/events/{eid}").text  # no review form before logging in
    assert client.post(f"/api/events/{eid}/review", json={"action": "confirm", "who": "A"}).status_code == 403
    assert client.post(f"/api/events/{eid}/review", json={"action": "confirm", "who": "A"},
                       headers={"Authorization": "Bearer s3cret"}).status_code == 200
    csrf = _csrf(client, "/login")
    assert client.post("/login", data={"token": "wrong", "csrf": csrf}).status_code == 403
    assert client.post("/login", data={"token": "s3cret", "csrf": csrf}).status_code == 200
    assert 'id="confirm"' in client.get(f"/events/{eid}").text


def test_loopback_server_refuses_foreign_host_headers(store):
    client = TestClient(create_app(store, allowed_hosts=["127.0.0.1", "localhost"]), base_url="http://127.0.0.1")
    assert client.get("/events.json").status_code == 200
    assert client.get("/events.json", headers={"Host": "attacker.example"}).status_code == 400


def test_api_docs_work_offline(client):
    html = client.get("/api/docs").text
    assert "/api/events" in html and "/events.json" in html and "cdn" not in html.lower()
    assert "/events/{event_id}/review" in client.get("/api/openapi.json").text
