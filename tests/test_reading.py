"""Reading pages and their API: shareable diff URLs, as-of, snapshots, recent changes, the timeline."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tests.factories import article_page, make_token, set_up_admin, story
from tests.pageserver import PageServer
from tracker.engine.runtime import Runtime
from tracker.factory import create_app
from tracker.services import articles
from tracker.services.checks import check_article
from tracker.web import pages

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def an_account(runtime: Runtime) -> None:
    """Pages send everyone to the first-run set-up until an account exists."""
    make_token(runtime, "reader")


def seed(runtime: Runtime, site: PageServer, pages: list[str], *, path: str = "/a", hours: int = 1) -> int:
    """Track one URL, serve each page in turn and check it `hours` apart from T0; return the article id."""
    with runtime.sessions.begin() as session:
        article_id = articles.add_article(session, site.url(path), user_id=None, allow_private=True, now=T0)[
            0
        ].id
    for n, html in enumerate(pages):
        site.serve(path, html)
        at = T0 + timedelta(hours=hours * n)
        check_article(replace(runtime.checking, clock=lambda at=at: at), article_id)
    return article_id


def test_diff_urls_always_name_from_and_to(client: FlaskClient, runtime: Runtime, site: PageServer):
    article_id = seed(runtime, site, [article_page("T", story(3)), article_page("T", story(4))])
    response = client.get(f"/articles/{article_id}/diff")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/articles/{article_id}/diff?from=1&to=2"
    # no view named nor chosen: both are on the page, the screen's width shows one and diff.js names it
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="changes by-width"' in page
    assert (
        '<table class="diff side" data-view="side">' in page
        and '<div class="diff inline" data-view="inline">' in page
    )


def test_a_chosen_view_is_remembered_and_a_shared_one_is_not(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    article_id = seed(runtime, site, [article_page("T", story(3)), article_page("T", story(4))])
    shared = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=inline")
    assert 'class="changes"' in shared.get_data(as_text=True)  # one view, the one named
    assert client.get(f"/articles/{article_id}/diff?from=1&to=2").status_code == 200
    chosen = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=inline&remember=1")
    assert chosen.headers["Location"] == f"/articles/{article_id}/diff?from=1&to=2&view=inline"
    response = client.get(f"/articles/{article_id}/diff?from=1&to=2")
    assert response.headers["Location"] == f"/articles/{article_id}/diff?from=1&to=2&view=inline"


def test_the_old_cookie_of_the_last_view_shown_is_no_choice(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    """Before the choice was a click, diff_view held whatever view was last shown (side, by default,
    on phones too): a reader carrying it gets the view the screen suits."""
    article_id = seed(runtime, site, [article_page("T", story(3)), article_page("T", story(4))])
    client.set_cookie("diff_view", "side")
    response = client.get(f"/articles/{article_id}/diff?from=1&to=2")
    assert response.status_code == 200 and 'class="changes by-width"' in response.get_data(as_text=True)


def test_recent_changes_link_diffs_without_forcing_a_view(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    article_id = seed(runtime, site, [article_page("T", story(3)), article_page("T", story(4))])
    page = client.get("/changes").get_data(as_text=True)
    assert f'href="/articles/{article_id}/diff?from=1&amp;to=2"' in page


def test_unchanged_paragraphs_before_the_first_change_fold_whole_and_later_ones_keep_context(
    client, runtime, site
):
    paragraphs = story(20)
    edited = [
        *paragraphs[:9],
        paragraphs[9].replace("for months", "for a year"),
        *paragraphs[10:],
        "The end.",
    ]
    article_id = seed(runtime, site, [article_page("T", paragraphs), article_page("T", edited)])
    page = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=side").get_data(as_text=True)
    assert "9 unchanged paragraphs" in page  # paragraphs 1-9, the change (10) right after them
    assert "6 unchanged paragraphs" in page  # 13-18: two paragraphs of context either side
    assert page.count("data-change") == 2


def test_headline_byline_and_dates_are_their_own_lines(client, runtime, site):
    old = article_page(
        "Old headline", story(), extra_head='<meta property="article:modified_time" content="2026-03-01">'
    )
    new = article_page(
        "New headline", story(), extra_head='<meta property="article:modified_time" content="2026-03-05">'
    )
    article_id = seed(runtime, site, [old, new])
    page = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=inline").get_data(as_text=True)
    # the headline is marked word by word, as paragraphs are; dates are shown whole
    assert '<bdi class="field-words"><del>Old</del><ins>New</ins> headline</bdi>' in page
    assert "<del><bdi>2026-03-01</bdi></del>" in page and "<ins><bdi>2026-03-05</bdi></ins>" in page
    api = client.get(f"/api/v1/articles/{article_id}/diff").get_json()
    assert api["title"]["words"] == [["-", "Old"], ["+", "New"], ["=", " headline"]]
    assert api["modified_at"] == {"old": "2026-03-01", "new": "2026-03-05", "words": None}
    assert "headline_changed" in api["labels"]


def test_as_of_shows_the_version_live_at_that_moment(client, runtime, site):
    article_id = seed(
        runtime, site, [article_page("First", story()), article_page("Second", story())], hours=3
    )
    middle = client.get(f"/articles/{article_id}/as-of?at=2026-03-05T13:30:00Z").get_data(as_text=True)
    assert "version 1 of 2, live since 2026-03-05 12:00 UTC until 2026-03-05 15:00 UTC" in " ".join(
        re.sub("<[^>]+>", "", middle).split()  # the times are <time> elements
    )
    latest = client.get(f"/articles/{article_id}/as-of?at=2026-03-06T00:00:00Z").get_data(as_text=True)
    assert "and still the latest" in latest and "<h1>Second</h1>" in latest
    assert client.get(f"/articles/{article_id}/as-of?at=2026-03-01T00:00:00Z").status_code == 404
    assert client.get(f"/articles/{article_id}/as-of?at=yesterday").status_code == 400
    api = client.get(f"/api/v1/articles/{article_id}/as-of?at=2026-03-05T13:30:00Z").get_json()
    assert (api["number"], api["live_until"]) == (1, "2026-03-05T15:00:00Z")


def test_snapshot_is_cleaned_and_served_sandboxed(client, runtime, site):
    hostile = (
        article_page("T", story())
        .replace(
            "</head>",
            '<meta http-equiv="refresh" content="0;url=http://example.com/"><script>alert(1)</script></head>',
        )
        .replace("<article>", '<article onclick="alert(2)"><img src="http://example.com/i.png">')
    )
    article_id = seed(runtime, site, [hostile])
    response = client.get(f"/articles/{article_id}/versions/1/snapshot")
    body = response.get_data(as_text=True)
    assert response.headers["Content-Security-Policy"].startswith("sandbox; default-src 'none'")
    assert (
        "<script" not in body
        and "refresh" not in body
        and "onclick" not in body
        and "example.com" not in body
    )
    assert "Paragraph 1." in body


def test_version_page_offers_the_evidence(client, runtime, site):
    article_id = seed(runtime, site, [article_page("T", story())])
    page = client.get(f"/articles/{article_id}/versions/1").get_data(as_text=True)
    assert f'/api/v1/articles/{article_id}/versions/1/raw"' in page
    assert f'/api/v1/articles/{article_id}/versions/1/headers"' in page
    assert 'iframe class="snapshot" sandbox' in page


def test_article_page_groups_a_headline_test(client, runtime, site):
    titles = ["Budget approved", "Council passes budget"]
    pages = [article_page(titles[n % 2], story()) for n in range(6)]
    article_id = seed(runtime, site, pages)
    page = " ".join(client.get(f"/articles/{article_id}").get_data(as_text=True).split())
    assert "Headline test: 5 flips between 2 headlines, versions 2–6" in page


def test_a_long_timeline_comes_in_pages(client, runtime, site, monkeypatch):
    monkeypatch.setattr(pages, "TIMELINE_PAGE", 2)
    article_id = seed(runtime, site, [article_page("T", story(n)) for n in range(2, 7)])

    def shown(query: str = "") -> tuple[list[str], list[str]]:
        page = client.get(f"/articles/{article_id}{query}").get_data(as_text=True)
        page = page.partition("<h2>Versions</h2>")[2]  # the timeline, not the latest change above it
        versions = [
            line.split(">Version ")[1].split("<")[0] for line in page.splitlines() if ">Version " in line
        ]
        return versions, [text for text in ("Newest versions", "Older versions") if text in page]

    assert shown() == (["5", "4"], ["Older versions"])
    assert f'href="/articles/{article_id}?before=4"' in client.get(f"/articles/{article_id}").get_data(
        as_text=True
    )
    assert shown("?before=4") == (["3", "2"], ["Newest versions", "Older versions"])
    assert shown("?before=2") == (["1"], ["Newest versions"])


def test_recent_changes_filter_by_label_site_and_date(client, runtime, site):
    edited = [*story(3)[:2], story(3)[2].replace("Paragraph 3.", "Paragraph 3, revised with 4 new figures.")]
    stealthy = seed(runtime, site, [article_page("A", story(3)), article_page("A", edited)])
    announced = seed(
        runtime,
        site,
        [article_page("B", story(3)), article_page("B", ["Update: more.", *story(3)])],
        path="/b",
    )
    stealth = client.get("/api/v1/changes?label=stealth_edit").get_json()["items"]
    assert [item["article_id"] for item in stealth] == [stealthy]
    notes = client.get("/api/v1/changes?label=update_note_added").get_json()["items"]
    assert [item["article_id"] for item in notes] == [announced]
    assert len(client.get("/api/v1/changes?site=127.0.0.1").get_json()["items"]) == 2
    assert client.get("/api/v1/changes?site=other.example").get_json()["items"] == []
    assert client.get("/api/v1/changes?since=2026-03-06").get_json()["items"] == []
    assert client.get("/api/v1/changes?label=nonsense").status_code == 400
    page = client.get("/changes?label=stealth_edit").get_data(as_text=True)
    assert "stealth edit" in page and f"/articles/{stealthy}/diff?from=1&amp;to=2" in page


def test_recent_changes_page_through_with_a_cursor(client, runtime, site):
    seed(runtime, site, [article_page("T", story(n)) for n in range(1, 6)])
    pages = [client.get("/api/v1/changes?limit=3").get_json()]
    pages.append(client.get(f"/api/v1/changes?limit=3&cursor={pages[0]['next']}").get_json())
    assert [[item["version"] for item in page["items"]] for page in pages] == [[5, 4, 3], [2]]
    assert pages[1]["next"] is None


@pytest.mark.parametrize(
    "path", ["/changes", "/articles/1/as-of", "/articles/1/diff", "/articles/1/versions/1"]
)
def test_reading_pages_need_an_account_when_public_read_is_off(database_url, path):
    app = create_app(database_url=database_url, secret_key="s", public_read=False)
    try:
        response = app.test_client().get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    finally:
        app.extensions["tracker"].engine.dispose()


def test_a_moved_paragraph_says_which_way_it_moved(client: FlaskClient, runtime: Runtime, site: PageServer):
    paragraphs = story(5)
    moved_up = [paragraphs[4], *paragraphs[:4]]
    article_id = seed(runtime, site, [article_page("T", paragraphs), article_page("T", moved_up)])
    page = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=side").get_data(as_text=True)
    assert "Paragraph 5 moved up here (now 1)." in page
    back = client.get(f"/articles/{article_id}/diff?from=2&to=1&view=side").get_data(as_text=True)
    assert "Paragraph 1 moved down here (now 5)." in back


def test_a_signed_in_reader_downloads_the_evidence_when_public_read_is_off(database_url, site: PageServer):
    app = create_app(
        database_url=database_url,
        secret_key="s",
        public_read=False,
        allow_private_networks=True,
        scheduler=False,
    )
    app.config["TESTING"] = True
    try:
        runtime = app.extensions["tracker"]
        client = app.test_client()
        set_up_admin(client)
        article_id = seed(runtime, site, [article_page("Evidence", story(3))])
        raw = f"/api/v1/articles/{article_id}/versions/1/raw"
        assert raw in client.get(f"/articles/{article_id}/versions/1").get_data(as_text=True)
        assert client.get(raw).status_code == 200 and b"Evidence" in client.get(raw).data
        assert client.get(f"/api/v1/articles/{article_id}/versions/1/headers").status_code == 200
        # the session reads only: writing through the API still needs a token
        assert client.post(f"/api/v1/articles/{article_id}/check").status_code == 401
        anonymous = app.test_client()
        assert anonymous.get(raw).status_code == 401
    finally:
        app.extensions["tracker"].engine.dispose()
