"""The HTML pages through Flask's test client: first-run set-up, sign-in, adding, history, escaping."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.factories import (
    article_page,
    auth,
    make_test_app,
    make_token,
    post_form,
    set_up_admin,
    sign_in,
    story,
    token_in,
)
from tests.pageserver import PageServer
from tests.test_backfill_store import run as backfill_run
from tests.test_baselines import check, promo_page, set_site_rules
from tests.test_private_by_default import admin, fresh  # noqa: F401  (a fixture)
from tests.test_reading import T0, seed
from tracker.adapters.models import Article
from tracker.domain.errors import CheckError
from tracker.domain.normalize import word_count
from tracker.domain.textunits import count_words
from tracker.engine.runtime import Runtime
from tracker.services import accounts, articles, backfillqueue, history
from tracker.services import backfill as backfills
from tracker.services.checks import check_article


def add_through_form(client: FlaskClient, url: str):
    token = token_in(client.get("/").get_data(as_text=True))
    return client.post("/articles", data={"url": url, "csrf_token": token})


def test_first_start_sends_every_page_to_setup(client: FlaskClient):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/setup")
    assert "administrator" in client.get("/setup").get_data(as_text=True)


def test_setup_creates_the_admin_signs_in_and_closes(client: FlaskClient):
    set_up_admin(client)
    home = client.get("/").get_data(as_text=True)
    assert "admin (admin)" in home and "Track an article" in home
    assert client.get("/setup").status_code == 302  # only once


def test_forms_without_a_csrf_token_are_refused(client: FlaskClient):
    set_up_admin(client)
    response = client.post("/articles", data={"url": "https://example.com/a"})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_sign_in_and_out(client: FlaskClient):
    set_up_admin(client)
    client.post("/logout", data={"csrf_token": token_in(client.get("/").get_data(as_text=True))})
    assert "Sign in" in client.get("/").get_data(as_text=True)
    form = client.get("/login").get_data(as_text=True)
    wrong = client.post(
        "/login", data={"username": "admin", "password": "nope nope", "csrf_token": token_in(form)}
    )
    assert "Wrong user name or password" in wrong.get_data(as_text=True)
    right = client.post(
        "/login", data={"username": "admin", "password": "correct horse", "csrf_token": token_in(form)}
    )
    assert right.status_code == 302


def test_adding_through_the_form_then_checking_shows_the_history(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    url = site.serve("/a", article_page("Budget approved", story()))
    added = add_through_form(client, url)
    article_path = added.headers["Location"]
    page = client.get(article_path).get_data(as_text=True)
    assert "No version yet" in page

    client.post(f"{article_path}/check", data={"csrf_token": token_in(page)})

    history = client.get(article_path).get_data(as_text=True)
    assert "Version 1" in history and ">first<" in history
    listing = client.get("/").get_data(as_text=True)
    assert "Budget approved" in listing and "127.0.0.1" in listing


def test_a_bad_url_in_the_form_is_explained(client: FlaskClient):
    set_up_admin(client)
    response = add_through_form(client, "javascript:alert(1)")
    assert "only http:// and https:// addresses" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )


def test_a_check_error_is_shown_with_its_code_and_message(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    article_path = add_through_form(client, site.serve("/a", "no", status=404)).headers["Location"]
    client.post(
        f"{article_path}/check",
        data={"csrf_token": token_in(client.get(article_path).get_data(as_text=True))},
    )
    page = client.get(article_path).get_data(as_text=True)
    assert "<code>http_404</code>" in page and "404 Not Found" in page


def test_article_text_is_escaped_everywhere(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    hostile = [
        "<script>alert(1)</script> is how the attack began, investigators said on Monday morning.",
        "<img src=x onerror=alert(2)> was found in the comments of the site later that week.",
    ]
    html = article_page("<b>Headline</b>", [*story(), *[text.replace("<", "&lt;") for text in hostile]])
    article_path = add_through_form(client, site.serve("/a", html)).headers["Location"]
    client.post(
        f"{article_path}/check",
        data={"csrf_token": token_in(client.get(article_path).get_data(as_text=True))},
    )
    for path in (
        article_path,
        f"{article_path}/versions/1",
        f"{article_path}/diff?from=0&to=1&view=side",
        f"{article_path}/diff?from=0&to=1&view=inline",
        f"{article_path}/versions/1/snapshot",
        "/changes",
        "/",
    ):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>Headline" not in page, path


def test_pages_carry_a_strict_content_security_policy(client: FlaskClient):
    headers = client.get("/setup").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


# --- the article page (issue 17) -------------------------------------------------------------------------


def test_adding_an_article_you_already_follow_says_so(app, client: FlaskClient, runtime, site: PageServer):
    set_up_admin(client)
    url = site.serve("/a", article_page("Budget approved", story()))
    first = add_through_form(client, url)
    assert "the first check comes within seconds" in client.get(first.headers["Location"]).get_data(
        as_text=True
    )
    again = client.get(add_through_form(client, url).headers["Location"]).get_data(as_text=True)
    assert "You already follow this article." in again and "you now follow it" not in again

    with runtime.sessions.begin() as session:
        accounts.create_user(session, "bob", password="correct horse", is_admin=False, now=T0)
    other = app.test_client()  # bob finds it tracked already, and follows it only now
    sign_in(other, "bob")
    token = token_in(other.get("/").get_data(as_text=True))
    bobs = other.get(other.post("/articles", data={"url": url, "csrf_token": token}).headers["Location"])
    assert "Already tracked; you now follow it." in bobs.get_data(as_text=True)
    # The API keeps its contract: 201 when it starts tracking, 200 with the article when it already did.
    api = client.post("/api/v1/articles", json={"url": url}, headers=auth(make_token(runtime, "carol")))
    assert api.status_code == 200 and api.get_json()["url"] == url


def test_the_bare_follow_button_keeps_a_followers_tags(client: FlaskClient, site: PageServer):
    set_up_admin(client)
    path = add_through_form(client, site.serve("/a", article_page("Budget approved", story()))).headers[
        "Location"
    ]
    saved = post_form(client, f"{path}/follow", {"tags": "politics", "note": "watch"}, page=path)
    assert "Tags and note saved." in client.get(saved.headers["Location"]).get_data(as_text=True)
    post_form(client, f"{path}/follow", {}, page=path)  # a Follow button on a page opened before
    page = client.get(path).get_data(as_text=True)
    assert "You already follow this article." in page and "Tags and note: politics" in page


def test_the_versions_come_first_and_tags_and_note_sit_in_a_panel(client: FlaskClient, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("T", story()), article_page("T", story(5))])
    set_up_admin(client)
    post_form(client, f"/articles/{article_id}/follow", {}, page=f"/articles/{article_id}")
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    latest, versions, panel = (
        page.index(text) for text in ("Latest change", "<h2>Versions</h2>", "<summary>Tags and note")
    )
    assert page.index("Check now") < latest < versions < panel
    added = count_words(story(5)[4])
    stored = '<time datetime="2026-03-05T13:00:00Z" title="2026-03-05 13:00 UTC">2026-03-05 13:00 UTC</time>'
    line = f"Version 2</a>, {stored}: 1 paragraph added: {added} words added"
    assert line in " ".join(page.split())


def test_a_change_bar_is_the_share_of_both_versions_text_it_changed(client: FlaskClient, runtime, site):
    make_token(runtime, "reader")
    paragraphs = story(30)  # about 1,100 words
    one_word = [*paragraphs[:7], paragraphs[7].replace("Tuesday", "Thursday"), *paragraphs[8:]]
    rewritten = [f"Paragraph {n}, written again from the start by another desk." for n in range(30)]
    pages = [article_page("T", text) for text in (paragraphs, one_word, rewritten)]
    page = client.get(f"/articles/{seed(runtime, site, pages)}").get_data(as_text=True)
    rewrite, one_word_changed = bars(page)  # newest first
    assert one_word_changed == ("1", "2 words changed (under 1% of the text)")  # thin, not full width
    assert rewrite[0] == "20" and rewrite[1].endswith(" words changed (100% of the text)")


def test_rewriting_half_the_article_is_half_the_text(client: FlaskClient, runtime, site):
    make_token(runtime, "reader")
    twelve_words = [f"The council met on day {n} to approve the city budget again." for n in range(10)]
    others = [f"Zoning plans number {n} drew crowds with heated questions and late votes." for n in range(5)]
    pages = [article_page("T", text) for text in (twelve_words, [*others, *twelve_words[5:]])]
    (half,) = bars(client.get(f"/articles/{seed(runtime, site, pages)}").get_data(as_text=True))
    assert half == ("10", "120 words changed (50% of the text)")  # 60 of 120 removed, 60 of 120 added


def test_a_later_page_of_the_timeline_knows_the_size_of_the_version_before_it(runtime, site):
    pages = [article_page("T", story(n)) for n in (3, 4, 5)]
    article_id = seed(runtime, site, pages)
    with runtime.sessions() as session:
        first, second = history.version_entries(session, article_id, after=1)  # as from ?before=
    assert (first.number, second.number) == (2, 3)
    assert (first.previous_word_count, second.previous_word_count) == (
        word_count(story(3)),
        word_count(story(4)),
    )


def bars(page: str) -> list[tuple[str, str]]:
    """Return the step and the words of each change bar on an article page, newest first."""
    found = re.findall(r'class="share share-(\d+)".*?\n\s*<span class="words">([^<]*)</span>', page, re.S)
    return [(step, " ".join(words.split())) for step, words in found]


def test_the_latest_change_is_the_newest_version_that_changed_the_article(client, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [promo_page(story(4))])
    assert "Latest change" not in client.get(f"/articles/{article_id}").get_data(as_text=True)  # none yet
    site.serve("/a", promo_page(story(5)))
    check(runtime, article_id, hours=1)
    set_site_rules(runtime, "127.0.0.1", exclude=[".promo"])
    check(runtime, article_id, hours=2)  # the page re-read under the new rules: baseline version 3
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    latest = " ".join(re.search(r'<section class="latest".*?</section>', page, re.S).group().split())
    assert f'<a href="/articles/{article_id}/versions/2">Version 2</a>' in latest
    assert ": 1 paragraph added: " in latest and "from=1&amp;to=2" in latest
    state = client.get(f"/articles/{article_id}/state.json").get_json()
    assert (state["version_count"], state["latest_baseline"]) == (3, True)  # article.js: no new version


def test_a_paused_article_is_never_due_for_a_check(client, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("T", story())])  # checked at T0: its next check is past

    def meta() -> str:
        page = client.get(f"/articles/{article_id}").get_data(as_text=True)
        return " ".join(re.search(r'<p class="meta article-meta">.*?</p>', page, re.S).group().split())

    assert "· due for a check" in meta()
    with runtime.sessions.begin() as session:
        session.get(Article, article_id).status = "paused"
    shown = meta()
    assert "· paused: not checked" in shown and "due for a check" not in shown and "next check" not in shown


def test_as_of_before_the_first_version_says_the_article_was_not_tracked_yet(client, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("First", story())])
    response = client.get(f"/articles/{article_id}/as-of?at=2026-03-01T09:30:00Z")
    text = " ".join(re.sub("<[^>]+>", "", response.get_data(as_text=True)).split())
    assert response.status_code == 404
    assert (
        "This article was not tracked yet on 2026-03-01 09:30 UTC: "
        "its first version was stored 2026-03-05 12:00 UTC." in text
    )
    assert f'<a href="/articles/{article_id}/versions/1">Show version 1</a>' in response.get_data(
        as_text=True
    )
    api = client.get(f"/api/v1/articles/{article_id}/as-of?at=2026-03-01T09:30:00Z")
    assert api.status_code == 404 and api.get_json()["error"]["code"] == "version_not_found"


def test_the_article_page_watches_for_a_version_only_while_a_check_is_due(client, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [])  # tracked, never checked: the first check is due
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "article.js" in page and f'data-state="/articles/{article_id}/state.json"' in page
    with runtime.sessions.begin() as session:
        session.get(Article, article_id).next_check_at = datetime.now(UTC) + timedelta(hours=3)
        session.get(Article, article_id).version_count = 1  # as if checked
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "article.js" not in page and "data-state" not in page


def test_the_state_endpoint_is_small_and_never_cached(client, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("T", story())])
    response = client.get(f"/articles/{article_id}/state.json")
    assert response.headers["Cache-Control"] == "no-store"
    state = response.get_json()
    assert set(state) == {"version_count", "latest_baseline", "status", "last_checked_at", "next_check_at"}
    assert (state["version_count"], state["latest_baseline"], state["status"], state["last_checked_at"]) == (
        1,
        False,
        "active",
        "2026-03-05T12:00:00Z",
    )
    assert client.get("/articles/999/state.json").status_code == 404


def test_a_private_tracker_keeps_an_articles_state_from_anonymous_readers(fresh):  # noqa: F811  (fixture)
    anonymous = fresh.test_client().get("/articles/1/state.json")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert b"version_count" not in anonymous.data
    assert admin(fresh).get("/articles/1/state.json").get_json()["version_count"] == 0


# --- Web archives: versions read from captures, the backfill's state, the choices to fill in ---------

ARCHIVE = "http://127.0.0.1:9/timemap/link/"  # named, never asked: these apps run no worker


@pytest.fixture
def archives(database_url: str) -> Iterator[Flask]:
    """The app with web archives on (TRACKER_ARCHIVES names one)."""
    app = make_test_app(database_url, archives=ARCHIVE)
    yield app
    app.extensions["tracker"].engine.dispose()


def track(runtime: Runtime, url: str, *, now: datetime) -> int:
    with runtime.sessions.begin() as session:
        return articles.add_article(session, url, user_id=None, allow_private=True, now=now)[0].id


def archived_then_live(runtime: Runtime, site: PageServer, *, path: str = "/a") -> int:
    """An article whose past a backfill filled in, versions 1 and 2 from the Internet Archive's
    captures five and two days ago, then its first live check: version 3."""
    now = datetime.now(UTC).replace(microsecond=0)
    url = site.serve(path, article_page("Council approves the budget", story(6)))
    article_id = track(runtime, url, now=now)
    captures = [
        (now - timedelta(days=5), article_page("Council to vote on the budget", story(3))),
        (now - timedelta(days=2), article_page("Council approves the budget", story(4))),
    ]
    backfill_run(runtime, article_id, captures, now=now)
    assert check_article(runtime.checking, article_id).version_number == 3
    return article_id


def test_archive_versions_say_where_they_came_from_and_the_first_live_one_is_first_seen(
    client: FlaskClient, runtime, site
):
    make_token(runtime, "reader")
    article_id = archived_then_live(runtime, site, path="/a?id=7&lang=en")
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert timeline_numbers(page) == ["3", "2", "1"]
    rows = re.findall(r'<li class="version[^"]*">.*?</li>', page, re.S)
    live, second, first = rows
    assert "first seen live" in live and 'class="source capture"' not in live
    assert "from=2&amp;to=3" in live  # its change from the newest capture
    for row in (second, first):
        link = re.search(r'<a class="source capture" href="([^"]+)" rel="([^"]+)">([^<]+)</a>', row)
        assert link, row
        assert link.group(1).startswith("https://web.archive.org/web/") and "&amp;lang=en" in link.group(1)
        assert set(link.group(2).split()) >= {"nofollow", "noopener"}
        assert link.group(3) == "Internet Archive capture" and "first seen live" not in row
    assert "from=1&amp;to=2" in second and "first seen, " in first and "what changed" not in first
    assert "· 3 versions" in page


def test_versions_a_backfill_puts_before_version_1_count_down_and_every_link_works(
    client: FlaskClient, runtime, site
):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("T", story(n)) for n in (5, 6)])  # at T0, T0 + 1 h
    captures = [
        (T0 - timedelta(days=3), article_page("T", story(3))),
        (T0 - timedelta(days=1), article_page("T", story(4))),
    ]
    backfill_run(runtime, article_id, captures, now=T0 + timedelta(hours=2))
    with runtime.sessions() as session:
        item = session.get(Article, article_id)
        assert (item.first_number, item.version_count) == (-1, 2)

    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "· 4 versions" in page
    links = re.findall(r'href="(/articles/\d+/(?:versions/-?\d+|diff\?[^"]+))"', page)
    assert [link.split(f"/articles/{article_id}/")[1] for link in links] == [
        "versions/2",  # the latest change
        "diff?from=1&amp;to=2",
        "versions/2",
        "diff?from=1&amp;to=2",
        "versions/1",
        "diff?from=0&amp;to=1",
        "versions/0",
        "diff?from=-1&amp;to=0",
        "versions/-1",
    ]
    for link in set(links):
        assert client.get(link.replace("&amp;", "&")).status_code == 200, link
    version = " ".join(client.get(f"/articles/{article_id}/versions/0").get_data(as_text=True).split())
    assert "Version 0 of 4 (numbered -1 to 2)," in version and "Internet Archive capture" in version
    oldest = client.get(f"/articles/{article_id}/versions/-1").get_data(as_text=True)
    assert "What changed" not in oldest  # nothing before it
    diff = client.get(f"/articles/{article_id}/diff?from=-2&to=-1").get_data(as_text=True)
    assert '<option value="-2" selected>(nothing)</option>' in diff


def test_the_timeline_pages_back_below_version_1(client: FlaskClient, runtime, site):
    make_token(runtime, "reader")
    article_id = seed(runtime, site, [article_page("T", story(n)) for n in (5, 6)])
    captures = [
        (T0 - timedelta(days=3), article_page("T", story(3))),
        (T0 - timedelta(days=1), article_page("T", story(4))),
    ]
    backfill_run(runtime, article_id, captures, now=T0 + timedelta(hours=2))
    page = client.get(f"/articles/{article_id}?before=1").get_data(as_text=True)
    assert timeline_numbers(page) == ["0", "-1"]
    assert "Newest versions" in page and "Older versions" not in page
    page = client.get(f"/articles/{article_id}?before=-5").get_data(as_text=True)  # beyond the oldest
    assert timeline_numbers(page) == ["-1"] and "Newest versions" in page


def timeline_numbers(page: str) -> list[str]:
    """Return the numbers of the versions an article page's timeline shows, newest first."""
    return re.findall(r'<li class="version[^"]*">\s*<a href="[^"]+">Version (-?\d+)</a>', page)


def test_the_article_page_tells_how_its_backfill_goes(archives: Flask, site):
    runtime, client = archives.extensions["tracker"], archives.test_client()
    set_up_admin(client)
    now = datetime.now(UTC).replace(microsecond=0)
    article_id = track(runtime, site.serve("/a", article_page("T", story())), now=now)

    def shown() -> str:
        page = client.get(f"/articles/{article_id}").get_data(as_text=True)
        found = re.search(r'<p class="backfill[^"]*">(.*?)</p>', page, re.S)
        return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split()) if found else ""

    assert shown() == ""  # never asked
    with runtime.sessions.begin() as session:
        backfillqueue.queue_backfill(session, session.get(Article, article_id), now=now, hold_seconds=0)
    assert shown() == "Filling in its past from web archives…"
    unreachable = CheckError("the archive did not answer", code="connect_failed")
    backfill_run(runtime, article_id, [], now=now, error=unreachable)
    assert shown().startswith(
        "Filling in its past from web archives failed: connect_failed the archive did not answer Last tried "
    )
    assert ", tries again " in shown()
    backfill_run(runtime, article_id, [(now - timedelta(days=1), article_page("T", story(3)))], now=now)
    assert shown().startswith("1 version from web archives, filled in ") and shown().endswith(
        "(1 capture found)."
    )


def test_a_follower_fills_in_an_articles_past_with_a_button(archives: Flask, site):
    runtime, client = archives.extensions["tracker"], archives.test_client()
    set_up_admin(client)
    now = datetime.now(UTC).replace(microsecond=0)
    with runtime.sessions.begin() as session:
        article = articles.add_article(session, site.url("/a"), user_id=None, allow_private=True, now=now)[0]
        article.backfill = False  # added with the box unticked: asking opts it in
        article_id = article.id
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Fill in from web archives" in page
    assert client.post(f"/articles/{article_id}/backfill").status_code == 400  # no CSRF token
    response = post_form(client, f"/articles/{article_id}/backfill", {}, page=f"/articles/{article_id}")
    assert response.status_code == 302
    with runtime.sessions() as session:
        queued = backfills.backfill_of(session, article_id)
        assert queued is not None and queued.state == "pending" and session.get(Article, article_id).backfill
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Filling in its past from web archives…" in page and "Fill in from web archives" not in page

    # Opted out while its run waits: that run never goes, so the page does not say it is under way.
    with runtime.sessions.begin() as session:
        session.get_one(Article, article_id).backfill = False
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Filling in its past" not in page and "Fill in from web archives" in page


def test_without_archives_there_is_no_button_and_no_box(client: FlaskClient, runtime, site):
    set_up_admin(client)
    article_id = seed(runtime, site, [article_page("T", story())])
    assert "web archives" not in client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "web archives" not in client.get("/").get_data(as_text=True)
    assert "web archives" not in client.get("/account/tokens").get_data(as_text=True)
    response = post_form(client, f"/articles/{article_id}/backfill", {}, page=f"/articles/{article_id}")
    assert response.status_code == 404


def test_the_track_form_fills_in_the_past_as_the_user_chose_by_default(archives: Flask, site):
    runtime, client = archives.extensions["tracker"], archives.test_client()
    set_up_admin(client)
    box = re.compile(r'<input[^>]*id="backfill"[^>]*>')
    assert "checked" in box.search(client.get("/").get_data(as_text=True)).group()  # on by default
    post_form(client, "/account/backfill-default", {}, page="/account/tokens")  # the box unticked
    setting = re.search(
        r'<input[^>]*id="backfill_default"[^>]*>', client.get("/account/tokens").get_data(as_text=True)
    )
    assert "checked" not in setting.group()
    assert "checked" not in box.search(client.get("/").get_data(as_text=True)).group()

    response = post_form(client, "/articles", {"url": site.url("/plain")}, page="/")
    plain = int(response.headers["Location"].rsplit("/", 1)[1])
    response = post_form(client, "/articles", {"url": site.url("/past"), "backfill": "y"}, page="/")
    past = int(response.headers["Location"].rsplit("/", 1)[1])
    with runtime.sessions() as session:
        assert not session.get(Article, plain).backfill and backfills.backfill_of(session, plain) is None
        assert session.get(Article, past).backfill and backfills.backfill_of(session, past).state == "pending"
        held = session.get(Article, past).next_check_at - datetime.now(UTC)
        assert timedelta(seconds=30) < held <= timedelta(seconds=60)  # the first live check waits for it
    assert "read from web archives first" in client.get(f"/articles/{past}").get_data(as_text=True)

    post_form(client, "/account/backfill-default", {"backfill_default": "y"}, page="/account/tokens")
    assert "checked" in box.search(client.get("/").get_data(as_text=True)).group()


def test_an_imported_list_is_filled_in_as_the_user_chose_by_default(archives: Flask, site):
    runtime, client = archives.extensions["tracker"], archives.test_client()
    set_up_admin(client)
    response = post_form(client, "/import", {"urls": f"{site.url('/one')}\n{site.url('/two')}"})
    assert response.status_code == 200
    with runtime.sessions() as session:
        ids = list(session.scalars(select(Article.id).order_by(Article.id)))
        assert [backfills.backfill_of(session, article_id).state for article_id in ids] == ["pending"] * 2


def test_check_now_says_the_first_live_version_after_captures_is_the_first_seen_live(
    client: FlaskClient, runtime, site
):
    set_up_admin(client)
    now = datetime.now(UTC).replace(microsecond=0)
    article_id = track(runtime, site.serve("/a", article_page("T", story(5))), now=now)
    backfill_run(runtime, article_id, [(now - timedelta(days=1), article_page("T", story(3)))], now=now)
    post_form(client, f"/articles/{article_id}/check", {}, page=f"/articles/{article_id}")
    page = client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "Checked: version 2, the first seen live, is stored." in page
