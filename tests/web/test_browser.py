"""The workbench in a real browser (headless Chromium driving uvicorn over a real store).

Filter the events, open an event from the map, see its evidence highlighted, review an event
and see the audit entry; an article carrying ``<script>`` and ``onerror=`` payloads runs
nothing. The tests share one store: each write test reviews an event no other test reads
the review state of.
"""

from __future__ import annotations

import json
import re

import httpx
from playwright.sync_api import expect

from tests.web.conftest import HOSTILE

HOSTILE_RECORDS = [json.loads(line) for line in HOSTILE.read_text(encoding="utf-8").splitlines() if line.strip()]
ARTICLE, JS_URL_ARTICLE = HOSTILE_RECORDS


def get_json(base: str, path: str, **params) -> dict:
    r = httpx.get(base + path, params=params, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def one_event(base: str, **filters) -> dict:
    """The only event row matching ``filters`` (from the JSON twin of /events)."""
    rows = get_json(base, "/events.json", size=200, **filters)["events"]
    assert len(rows) == 1, rows
    return rows[0]


def kerman(base: str) -> dict:
    return one_event(base, country="IR", type="bombing", since="2024-01-03", until="2024-01-03")


def shiraz(base: str) -> dict:
    return one_event(base, country="IR", type="attack", since="2022-10-26", until="2022-10-26")


def hostile(base: str) -> dict:
    return one_event(base, country="PK", since=ARTICLE["published"], until=ARTICLE["published"])


def total(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#total").text_content()))


def assert_ran_nothing(page, base: str) -> None:
    """No payload ran: no marker variable, no dialog, no script but ours, no event-handler attributes."""
    assert page.evaluate("typeof window.__pwned") == "undefined"
    scripts = page.eval_on_selector_all("script", "els => els.map(e => e.src || ('inline: ' + e.textContent))")
    assert scripts == [base + "/static/khabar.js"], scripts
    handlers = page.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
        [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
    assert handlers == []
    assert page.locator("img").count() == 0
    assert page.seen.dialogs == [] and page.seen.page_errors == []


# -- reading ---------------------------------------------------------------------------------------

def test_filter_sort_and_json_twin(page, live_server):
    page.goto(live_server + "/events")
    everything = total(page)
    assert page.locator("#events tr[data-id]").count() == everything > 10

    page.fill("#filters input[name=country]", "IR")
    page.click("#apply")
    page.wait_for_url(re.compile(r"/events\?.*country=IR"))
    rows = page.locator("#events tr[data-id]")
    n = total(page)
    assert 0 < n < everything and rows.count() == n
    assert set(rows.locator("td:nth-child(4)").all_text_contents()) == {"IR"}
    expect(page.locator("#filters input[name=country]")).to_have_value("IR")

    page.click("#events thead a:text-is('Killed')")  # sort by deaths, keeping the filter
    page.wait_for_url(re.compile(r"sort=fatalities"))
    assert "country=IR" in page.url and total(page) == n
    assert set(rows.locator("td:nth-child(4)").all_text_contents()) == {"IR"}
    shown = [r.get_attribute("data-id") for r in rows.all()]

    twin = page.request.get(live_server + page.get_attribute("#json-link", "href"))
    assert twin.ok and twin.headers["content-type"].startswith("application/json")
    body = twin.json()
    assert body["total"] == n and body["sort"] == "fatalities" and body["filters"] == {"country": "IR"}
    assert [e["id"] for e in body["events"]] == shown
    tolls = [e["fatalities_min"] for e in body["events"] if e["fatalities_min"] is not None]
    assert tolls == sorted(tolls, reverse=True) and tolls
    page.seen.assert_clean()


def test_open_event_from_map_shows_highlighted_evidence(page, live_server):
    target = kerman(live_server)
    page.goto(live_server + "/map")
    expect(page.locator("svg#map image")).to_have_attribute("href", "/basemap.svg")
    assert page.locator("a.marker[data-id]").count() >= 5
    page.locator(f"a.marker[data-id='{target['id']}'] > circle").click()
    page.wait_for_url(live_server + f"/events/{target['id']}")
    expect(page.locator("#event-title")).to_contain_text("Kerman")
    expect(page.locator("#disagreements")).to_be_visible()  # the outlets' tolls differ

    first = page.locator("details.source[open]").first
    article = first.locator(".article").text_content()
    marks = first.locator(".article mark.evidence")
    assert marks.count() > 0
    for mark in marks.all():
        expect(mark).to_be_visible()
        assert mark.text_content() in article
    assert page.locator(".article mark.trigger").count() > 0
    assert page.locator(".article mark.toll").count() > 0
    assert page.locator("details.source").count() == target["sources"] >= 3
    # a closed source opens on click and shows its own evidence
    second = page.locator("details.source").nth(1)
    expect(second).not_to_have_attribute("open", "")
    expect(second.locator(".article mark.evidence").first).to_be_hidden()
    second.locator("summary").click()
    expect(second.locator(".article mark.evidence").first).to_be_visible()
    page.seen.assert_clean()


def test_every_page_renders_cleanly(page, live_server):
    event = get_json(live_server, f"/events/{kerman(live_server)['id']}.json")["event"]
    entity = next(p["entity"] for p in event["participants"] if p.get("entity") and "Islamic State" in p["name"])
    document = event["sources"][0]["document"]
    for path, selector in [("/events", "#events"), ("/map", "svg#map"), ("/timeline", "svg.chart"),
                           ("/review", "#queue"), ("/audit", "#audit"), (f"/entities/{entity}", "#entity-name"),
                           (f"/documents/{document}", "#article mark.ent a"), ("/api/docs", "section.endpoint")]:
        response = page.goto(live_server + path)
        assert response.status == 200, path
        expect(page.locator(selector).first).to_be_visible()
        assert "script-src 'self'" in response.headers["content-security-policy"], path
    page.goto(live_server + "/timeline")
    assert page.locator("svg.chart rect").count() > 0
    page.seen.assert_clean()


# -- reviewing -------------------------------------------------------------------------------------

def test_review_confirm_and_edit_show_in_the_audit(page, live_server):
    target = shiraz(live_server)
    page.goto(live_server + f"/events/{target['id']}")
    page.fill("#judge input[name=who]", "Browser Reviewer")
    page.click("#confirm")
    expect(page.locator("#event-title .badge.confirmed")).to_have_text("confirmed")
    row = page.locator("#audit tbody tr").filter(has_text="Browser Reviewer")
    expect(row).to_have_count(1)
    expect(row.locator("td:nth-child(3)")).to_have_text("confirm")

    # the name is remembered; edit the lowest toll
    expect(page.locator("#edit input[name=who]")).to_have_value("Browser Reviewer")
    old = int(page.input_value("#edit input[name=fatalities_min]"))
    high = page.input_value("#edit input[name=fatalities_max]")
    new = old - 2
    page.fill("#edit input[name=fatalities_min]", str(new))
    page.click("#save-edit")
    expected = str(new) if high in ("", str(new)) else f"{new}-{high}"
    expect(page.locator("#fatalities")).to_have_text(expected)
    expect(page.locator("#event-title .badge.edited")).to_be_visible()
    edit = page.locator("#audit tbody tr").filter(has_text="fatalities_min")
    expect(edit).to_have_count(1)
    assert [c.strip() for c in edit.locator("td").all_text_contents()[2:7]] == [
        "edit", f"event {target['id']}", "fatalities_min", str(old), str(new)]
    assert page.locator("#audit tbody tr").filter(has_text="edit").count() == 1  # only the changed field

    page.goto(live_server + "/audit")
    assert page.locator(f"#audit tbody tr:has(a[href='/events/{target['id']}'])").count() == 2
    confirmed = get_json(live_server, "/events.json", review="confirmed")
    assert target["id"] in [e["id"] for e in confirmed["events"]]
    page.goto(live_server + "/events?review=confirmed")
    expect(page.locator(f"#events tr[data-id='{target['id']}'] .badge.confirmed")).to_be_visible()
    page.seen.assert_clean()


def test_posts_without_csrf_proof_are_refused(page, live_server):
    target = kerman(live_server)
    url = live_server + f"/events/{target['id']}/review"
    page.goto(live_server + f"/events/{target['id']}")
    csrf = page.get_attribute("#judge input[name=csrf]", "value")
    before = get_json(live_server, "/audit.json")["total"], get_json(live_server, f"/events/{target['id']}.json")
    attempts = [
        ({"action": "confirm", "who": "mallory"}, {}),  # no CSRF field
        ({"action": "confirm", "who": "mallory", "csrf": "0" * 64}, {}),  # a forged one
        ({"action": "confirm", "who": "mallory", "csrf": csrf}, {"Origin": "http://evil.test"}),  # another site
    ]
    for form, headers in attempts:
        r = page.request.post(url, form=form, headers=headers, max_redirects=0)
        assert r.status == 403, (form, headers, r.status)
        assert "E525" in r.text()
    after = get_json(live_server, "/audit.json")["total"], get_json(live_server, f"/events/{target['id']}.json")
    assert after == before
    # a browser without the session cookie cannot use a field lifted from another session either
    r = httpx.post(url, data={"action": "confirm", "who": "mallory", "csrf": csrf})
    assert r.status_code == 403


def test_token_server_refuses_writes_until_login(browser, live_store, serve):
    from khabar.web import create_app

    base = serve(create_app(live_store, token="s3cret", exposed=True))
    target = one_event(base, country="RU", type="killing")
    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = ctx.new_page()
        page.goto(base + f"/events/{target['id']}")
        assert page.locator("#judge, #edit, #confirm").count() == 0
        expect(page.locator("#review ~ p a[href='/login']")).to_be_visible()

        page.goto(base + "/login")
        csrf = page.get_attribute("input[name=csrf]", "value")
        r = page.request.post(base + f"/events/{target['id']}/review", max_redirects=0,
                              form={"action": "confirm", "who": "eve", "csrf": csrf})
        assert r.status == 403 and "token" in r.text()

        page.fill("input[name=token]", "wrong")
        page.click("button[type=submit]")
        expect(page.locator("#error")).to_contain_text("E525")
        page.goto(base + "/login")
        page.fill("input[name=token]", "s3cret")
        page.click("button[type=submit]")
        page.wait_for_url(base + "/review")
        expect(page.locator("#queue form.inline").first).to_be_visible()

        page.goto(base + f"/events/{target['id']}")
        page.fill("#judge input[name=who]", "Token Holder")
        page.click("#confirm")
        expect(page.locator("#event-title .badge.confirmed")).to_be_visible()
        expect(page.locator("#audit tbody tr").filter(has_text="Token Holder")).to_have_count(1)
    finally:
        ctx.close()


# -- hostile text ----------------------------------------------------------------------------------

def test_hostile_article_runs_nothing(page, live_server):
    target = hostile(live_server)
    response = page.goto(live_server + f"/events/{target['id']}")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert_ran_nothing(page, live_server)
    text = page.locator("main").text_content()
    assert "<script>window.__pwned=1</script>" in text  # the body, as literal text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert '"><svg onload=window.__pwned=3>' in text
    assert ARTICLE["title"] in text and ARTICLE["source"] in text
    expect(page.locator("details.source summary b").first).to_have_text(ARTICLE["source"])  # the tag is text
    link = page.locator("details.source .meta a[rel~=noopener]").first
    assert link.get_attribute("href") == ARTICLE["url"]  # the quote did not end the attribute
    expect(link).to_have_text(ARTICLE["url"])
    document = page.locator("#attribution a:text-is('article')").first.get_attribute("href")

    page.goto(live_server + document)
    assert_ran_nothing(page, live_server)
    expect(page.locator("#doc-title")).to_have_text(ARTICLE["title"])
    assert page.locator("#article").text_content() == ARTICLE["text"]

    for path in ("/events", "/events?country=PK", "/map?country=PK", "/review", "/timeline"):
        page.goto(live_server + path)
        assert_ran_nothing(page, live_server)
    # hovering over and clicking the hostile text does nothing either
    page.goto(live_server + f"/events/{target['id']}")
    page.locator("details.source summary").first.hover()
    page.locator(".article").first.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.seen.assert_clean()


def test_javascript_url_of_an_article_runs_nothing(page, live_server):
    target = one_event(live_server, country="PK", type="kidnapping")
    page.goto(live_server + f"/events/{target['id']}")
    assert page.locator("a[href^='javascript:' i]").count() == 0  # only http(s) URLs become links
    assert JS_URL_ARTICLE["url"] in page.locator("main").text_content()  # shown as text
    document = page.locator("#attribution a:text-is('article')").first.get_attribute("href")
    page.goto(live_server + document)
    assert page.locator("a[href^='javascript:' i]").count() == 0
    expect(page.locator(".meta .url, p .url").first).to_have_text(JS_URL_ARTICLE["url"])
    assert_ran_nothing(page, live_server)
    page.seen.assert_clean()
