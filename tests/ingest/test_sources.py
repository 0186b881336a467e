"""Every input kind becomes documents with the right fields; every bad one a Failure, and on."""

from __future__ import annotations

import io
import json
from pathlib import Path

import httpx
import pytest

from khabar.errors import KhabarError
from khabar.ingest import Failure, Fetcher, iter_documents
from khabar.ingest.sources import normalize_date
from khabar.model import Document
from tests.conftest import DATA

INGEST = DATA / "ingest"
PUBLIC = "93.184.216.34"


def run(*inputs: str | Path, **kw: object) -> tuple[list[Document], list[Failure]]:
    out = list(iter_documents([str(i) for i in inputs], **kw))  # type: ignore[arg-type]
    assert all(isinstance(x, Document | Failure) for x in out)
    return [x for x in out if isinstance(x, Document)], [x for x in out if isinstance(x, Failure)]


def page(title: str, body: str, date: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{date}">' if date else ""
    paragraphs = "".join(f"<p>{body} Sentence {i} adds invented detail for the extractor.</p>"
                         for i in range(3))
    return (f"<html><head><title>{title}</title>{meta}</head><body><article><h1>{title}</h1>"
            f"{paragraphs}</article></body></html>").encode()


def web(pages: dict[str, tuple[str, bytes]]) -> Fetcher:
    """A Fetcher whose every host resolves to a public address and whose answers are ``pages``
    (keyed by "host/path"), through httpx.MockTransport: no network."""

    def handler(request: httpx.Request) -> httpx.Response:
        key = f"{request.headers['host']}{request.url.path}"
        if key not in pages:
            return httpx.Response(404)
        content_type, body = pages[key]
        return httpx.Response(200, headers={"content-type": content_type}, content=body)

    return Fetcher(transport=httpx.MockTransport(handler), resolve=lambda host, port: [PUBLIC])


# -- files -----------------------------------------------------------------------------------


def test_txt_file_gets_the_default_date_and_its_path():
    docs, failures = run(DATA / "short-attack.txt", published_default="2024-04-10T08:00:00Z")
    assert not failures and len(docs) == 1
    doc = docs[0]
    assert doc.id == "" and doc.text.strip() and doc.published == "2024-04-10"
    assert doc.origin == str(DATA / "short-attack.txt") and doc.language == "en"


def test_html_file_gives_main_text_and_metadata_without_scripts():
    [doc], failures = run(INGEST / "page.html")
    assert not failures
    assert doc.title == "Market blast wounds six in Qaroz"
    assert doc.published == "2024-03-05" and doc.author == "Lena Okafor"
    assert doc.source == "The Valley Courier"
    assert "homemade bomb exploded" in doc.text and "investigators searched" in doc.text
    assert "SCRIPT-TEXT" not in doc.text and "trackingPixel" not in doc.text


def test_jsonl_rows_become_documents_and_bad_rows_failures():
    path = INGEST / "articles.jsonl"
    docs, failures = run(path)
    assert [d.origin for d in docs] == [f"{path}:row 1", f"{path}:row 5"]
    first, second = docs
    assert first.title == "Border post attacked" and first.published == "2024-04-07"
    assert first.url == "https://www.northern-ledger.example/varna-post"
    assert first.source == "northern-ledger.example"  # the URL's domain when no source is given
    assert second.text.startswith("Police in the port city of Selmar")  # "body" is text
    assert second.title == "Four held in Selmar" and second.source == "Selmar Daily"
    assert second.published == "2024-04-08"  # RFC 822 "date"
    assert [(f.origin, f.code) for f in failures] == [(f"{path}:row 2", "E107"), (f"{path}:row 3", "E108")]
    assert failures[0].message.startswith("E107: JSONL row 2 is not valid")
    assert "title, url" in failures[1].message


def test_csv_rows_with_multiline_text_and_empty_text():
    path = INGEST / "articles.csv"
    docs, failures = run(path, published_default="2024-01-01")
    assert [d.origin for d in docs] == [f"{path}:row 2", f"{path}:row 6"]
    assert docs[0].text.endswith("Shops reopened in the old town.")
    assert docs[0].published == "2024-04-12" and docs[0].source == "dorvik-times.example"
    assert docs[1].published == "2024-01-01"  # "not a date" is dropped, the default fills it
    assert [(f.origin, f.code) for f in failures] == [(f"{path}:row 5", "E108")]


def test_csv_without_a_text_column_is_one_failure():
    docs, failures = run(INGEST / "no-text-column.csv", INGEST / "articles.csv")
    assert len(docs) == 2  # the next input is still read
    assert failures[0].code == "E115" and failures[0].origin == str(INGEST / "no-text-column.csv")
    assert "no text column" in failures[0].message


def test_json_list_object_and_articles_wrapper(tmp_path: Path):
    docs, failures = run(INGEST / "articles.json")
    assert [d.title for d in docs] == ["Drone hits fuel depot", "Mine kills two soldiers"]
    assert docs[0].text.startswith("A drone struck") and docs[0].author == "R. Menon"
    assert docs[0].published == "2024-05-01" and docs[1].source == "example.org"
    assert [(f.origin, f.code) for f in failures] == [(f"{INGEST / 'articles.json'}:row 3", "E107")]
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"Text": "Rebels shelled the airport at Ostra.", "Date": "2024-02-02"}))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"articles": [{"content": "A curfew began in Ostra."}, {}]}))
    broken = tmp_path / "broken.json"
    broken.write_text("[{")
    docs, failures = run(one, wrapped, broken)
    assert [(d.text, d.published) for d in docs] == [
        ("Rebels shelled the airport at Ostra.", "2024-02-02"), ("A curfew began in Ostra.", None)]
    assert [(f.origin, f.code) for f in failures] == [(f"{wrapped}:row 2", "E108"), (str(broken), "E115")]


def test_jsonl_bytes_that_are_not_utf8_fail_only_their_row(tmp_path: Path):
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "First row."}\n{"text": "caf\xe9"}\n{"text": "Third row."}\n')
    docs, failures = run(path)
    assert [d.text for d in docs] == ["First row.", "Third row."]
    assert [(f.origin, f.code) for f in failures] == [(f"{path}:row 2", "E107")]
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes('{"text": "Kŭlob row."}\n'.encode("utf-16"))
    assert [d.text for d in run(utf16)[0]] == ["Kŭlob row."]


def test_folders_recurse_in_order_skip_hidden_and_report_unknown_files(tmp_path: Path):
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text("Alpha article text.")
    (tmp_path / "b" / "c.txt").write_text("Charlie article text.")
    (tmp_path / "b" / "deeper" / "d.jsonl").write_text('{"text": "Delta article text."}\n')
    (tmp_path / "b" / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".secret.txt").write_text("hidden")
    (tmp_path / ".hidden" / "e.txt").write_text("hidden too")
    (tmp_path / "empty.txt").write_text("  \n")
    out = list(iter_documents([str(tmp_path)]))
    summary = [x.text if isinstance(x, Document) else x.code for x in out]
    # a.txt, b/c.txt, b/deeper/d.jsonl, b/notes.docx, empty.txt: sorted by path, hidden skipped
    assert summary == ["Alpha article text.", "Charlie article text.", "Delta article text.", "E109", "E101"]
    assert out[2].origin == f"{tmp_path / 'b' / 'deeper' / 'd.jsonl'}:row 1"
    assert out[3].origin == str(tmp_path / "b" / "notes.docx")


def test_missing_paths_unknown_files_and_stdin(tmp_path: Path):
    other = tmp_path / "report.pdf"
    other.write_bytes(b"%PDF-1.4")
    stdin = io.BytesIO(b"Protesters gathered in Amsel.\r\n")
    docs, failures = run(tmp_path / "missing.txt", other, "-", stdin=stdin)
    assert [(f.code, f.origin) for f in failures] == [("E104", str(tmp_path / "missing.txt")),
                                                      ("E109", str(other))]
    assert [(d.text, d.origin) for d in docs] == [("Protesters gathered in Amsel.\n", "<stdin>")]


def test_a_bad_default_date_is_an_option_error():
    with pytest.raises(KhabarError) as err:
        list(iter_documents([str(DATA / "short-attack.txt")], published_default="10/04/2024"))
    assert err.value.code == "E201"


@pytest.mark.parametrize("value,expected", [
    ("2024-04-07", "2024-04-07"), ("2024-04-07T22:15:00Z", "2024-04-07"),
    ("2024-04-07T23:30:00-05:00", "2024-04-07"), ("2024-04-07 10:00:00", "2024-04-07"),
    ("Mon, 08 Apr 2024 09:00:00 +0000", "2024-04-08"), ("Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05"),
    ("12 April 2024", "2024-04-12"), ("April 12, 2024", "2024-04-12"), ("2024/04/12", "2024-04-12"),
    ("not a date", None), ("2024-13-45", None), ("", None), (None, None), (20240412, None),
])
def test_normalize_date(value, expected):
    assert normalize_date(value) == expected


# -- URLs and feeds ----------------------------------------------------------------------------


def test_a_url_gives_the_page_with_its_url_and_domain():
    fetcher = web({"www.valley.example/news/1": ("text/html; charset=utf-8",
                                                 page("Checkpoint reopens", "The checkpoint reopened."))})
    docs, failures = run("https://www.valley.example/news/1", fetcher=fetcher,
                         published_default="2024-06-01")
    assert not failures
    [doc] = docs
    assert doc.url == doc.origin == "https://www.valley.example/news/1"
    assert doc.source == "valley.example" and doc.title == "Checkpoint reopens"
    assert doc.published == "2024-06-01" and "checkpoint reopened" in doc.text


def test_refused_and_failed_urls_are_failures_and_iteration_goes_on():
    fetcher = web({"ok.example/a": ("text/plain", b"Plain text report from Ostra.")})
    docs, failures = run("http://127.0.0.1/admin", "http://ok.example/missing", "http://ok.example/a",
                         fetcher=fetcher)
    assert [(f.origin, f.code) for f in failures] == [("http://127.0.0.1/admin", "E120"),
                                                      ("http://ok.example/missing", "E121")]
    assert [(d.text, d.source) for d in docs] == [("Plain text report from Ostra.", "ok.example")]


def _feed_site(feed: str, content_type: str) -> Fetcher:
    return web({
        "courier.example/feed": (content_type, (INGEST / feed).read_bytes()),
        "courier.example/news/qaroz-blast": ("text/html", page("Qaroz blast", "A bomb hit Qaroz market.")),
        "courier.example/news/varna-checkpoint": ("text/html", page("Varna checkpoint", "Varna reopened.")),
        "ledger.example/varna-post": ("text/html", page("Varna post", "Gunmen attacked a post.", "2024-01-01")),
        "ledger.example/selmar-arrests": ("text/html", page("Selmar arrests", "Police held four men.")),
    })


def test_an_rss_feed_fetches_each_item_page():
    url = "https://courier.example/feed"
    docs, failures = run(url, fetcher=_feed_site("feed-rss.xml", "application/rss+xml"))
    assert not failures
    assert [d.origin for d in docs] == ["https://courier.example/news/qaroz-blast",
                                        "https://courier.example/news/varna-checkpoint",  # relative link
                                        f"{url}:item 3"]
    assert "bomb hit Qaroz market" in docs[0].text and docs[0].source == "courier.example"
    assert [d.published for d in docs] == ["2024-03-05", "2024-03-06", "2024-03-07"]
    brief = docs[2]  # no link: the description is the text, tags stripped
    assert brief.text == "The night curfew in Dorvik was extended by three days.\nOfficials gave no reason."
    assert brief.title == "Brief: curfew extended" and brief.source == "Valley Courier: Security"


def test_an_atom_feed_served_as_xml_is_detected_by_content():
    url = "https://courier.example/feed"
    docs, failures = run(url, fetcher=_feed_site("feed-atom.xml", "text/xml"))
    assert not failures
    assert [d.title for d in docs] == ["Varna post", "Selmar arrests", "Statement from the governor"]
    assert docs[0].published == "2024-04-07"  # the feed's date wins over the page's
    assert docs[1].published == "2024-04-08"  # <updated> when there is no <published>
    assert docs[2].text.startswith("The governor of Selmar province condemned")


def test_feed_item_limit_and_failing_items():
    fetcher = _feed_site("feed-rss.xml", "application/rss+xml")
    docs, failures = run("https://courier.example/feed", fetcher=fetcher, max_feed_items=2)
    assert len(docs) == 2
    assert [(f.origin, f.code) for f in failures] == [("https://courier.example/feed", "E113")]
    assert "3 items" in failures[0].message
    broken = web({"courier.example/feed": ("application/rss+xml", (INGEST / "feed-rss.xml").read_bytes())})
    docs, failures = run("https://courier.example/feed", fetcher=broken)
    assert [f.code for f in failures] == ["E121", "E121"] and len(docs) == 1


def test_an_unparseable_feed_is_a_failure():
    fetcher = web({"courier.example/feed": ("application/rss+xml", b"<rss><channel>")})
    docs, failures = run("https://courier.example/feed", fetcher=fetcher)
    assert not docs and [f.code for f in failures] == ["E123"]


def test_odd_json_values_fail_their_row_only(tmp_path: Path):
    path = tmp_path / "odd.jsonl"
    path.write_text('{"text": "A row.", "n": ' + "1" * 5000 + '}\n[1, 2]\n{"text": 7}\n{"text": "Last."}\n')
    docs, failures = run(path)
    assert [d.text for d in docs] == ["Last."]
    assert [f.code for f in failures] == ["E107", "E107", "E107"]
