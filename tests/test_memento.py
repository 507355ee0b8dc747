"""Memento (RFC 7089) on our side: TimeMaps and TimeGates per article and keyed by URL, version pages
as mementos, checked against a real database and, over a real server, the memento-client library."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from memento_client import MementoClient
from werkzeug.serving import make_server

from tests.factories import article_page, make_test_app, make_token, sign_in, story
from tests.pageserver import PageServer
from tests.test_run_command import free_port
from tracker.adapters.models import Article, Version
from tracker.domain.linkformat import Link, http_date, mementos, parse_links
from tracker.engine.runtime import Runtime
from tracker.services import accounts, articles, history
from tracker.services.checks import check_article

T0 = datetime(2026, 3, 5, 12, 0, 0, 700_000, tzinfo=UTC)  # a fraction of a second an HTTP-date drops
LIVE = (T0, T0 + timedelta(hours=1, microseconds=300), T0 + timedelta(days=1))
ARCHIVED = (T0 - timedelta(days=3), T0 - timedelta(days=2))  # a backfill's captures, older than version 1
LINK_FORMAT = "application/link-format"


def track(runtime: Runtime, url: str) -> int:
    with runtime.sessions.begin() as session:
        return articles.add_article(session, url, user_id=None, allow_private=True, now=T0)[0].id


def check_at(
    runtime: Runtime, site: PageServer, article_id: int, path: str, moments: tuple[datetime, ...]
) -> None:
    """Check the article once per moment, its text changed before each check."""
    for n, at in enumerate(moments, start=1):
        site.serve(path, article_page(f"Headline, take {n}", [*story(3), f"Update number {n}."]))
        check_once(runtime, article_id, at)


def check_once(runtime: Runtime, article_id: int, at: datetime) -> None:
    check_article(replace(runtime.checking, clock=lambda: at), article_id)


def backfill(runtime: Runtime, article_id: int, moments: tuple[datetime, ...]) -> None:
    """Put archive versions before the oldest one, as a backfill does: numbered downward (0, -1, ...)
    so that no number held changes, the oldest capture lowest."""
    with runtime.sessions.begin() as session:
        article = session.get(Article, article_id)
        assert article is not None
        oldest = history.get_version(session, article_id, article.first_number, with_raw=True)
        for offset, at in enumerate(sorted(moments, reverse=True), start=1):
            session.add(
                Version(
                    article_id=article_id,
                    number=article.first_number - offset,
                    observed_at=at,
                    content_hash=f"archive-{offset}",
                    title=f"Archived headline {offset}",
                    paragraphs=[f"An early draft, {offset}."],
                    word_count=4,
                    final_url=article.url,
                    extractor=oldest.extractor,
                    raw_html=oldest.raw_html,
                    response_headers={},
                    encoding="utf-8",
                    source="archive",
                    memento=f"https://archive.example/web/{at:%Y%m%d%H%M%S}/{article.url}",
                )
            )
        article.first_number -= len(moments)


@pytest.fixture
def client(app: Flask, runtime: Runtime) -> FlaskClient:
    make_token(runtime, "reader")  # pages send everyone to the first-run set-up until an account exists
    return app.test_client()


@pytest.fixture
def story_id(runtime: Runtime, site: PageServer) -> int:
    """An article with two archive versions (numbers -1 and 0) and three live ones (1 to 3)."""
    article_id = track(runtime, site.url("/story"))
    check_at(runtime, site, article_id, "/story", LIVE)
    backfill(runtime, article_id, ARCHIVED)
    return article_id


def base(runtime: Runtime) -> str:
    return runtime.settings.base_url.rstrip("/")


def stored_dates(runtime: Runtime, article_id: int) -> list[tuple[int, datetime]]:
    with runtime.sessions() as session:
        return [(row.number, row.observed_at) for row in history.version_dates(session, article_id)]


def version_uri(runtime: Runtime, article_id: int, number: int) -> str:
    return f"{base(runtime)}/articles/{article_id}/versions/{number}"


def only(links: list[Link], rel: str) -> Link:
    found = [link for link in links if rel in link.rels]
    assert len(found) == 1, (rel, links)
    return found[0]


def test_the_timemap_lists_every_version_with_its_datetime(
    client: FlaskClient, runtime: Runtime, story_id: int
):
    response = client.get(f"/articles/{story_id}/timemap")

    assert response.status_code == 200
    assert response.mimetype == LINK_FORMAT
    links = parse_links(response.get_data(as_text=True))
    dates = stored_dates(runtime, story_id)
    assert [number for number, _ in dates] == [-1, 0, 1, 2, 3]
    assert [at for _, at in dates] == [*ARCHIVED, *LIVE]
    assert [(item.uri, item.at) for item in mementos(links)] == [
        (version_uri(runtime, story_id, number), at.replace(microsecond=0)) for number, at in dates
    ]
    with runtime.sessions() as session:
        assert only(links, "original").uri == articles.get_article(session, story_id).url
    assert only(links, "timegate").uri == f"{base(runtime)}/articles/{story_id}/timegate"
    itself = only(links, "self")
    assert itself.uri == f"{base(runtime)}/articles/{story_id}/timemap"
    assert (itself.param("type"), itself.param("from"), itself.param("until")) == (
        LINK_FORMAT,
        http_date(ARCHIVED[0]),
        http_date(LIVE[-1]),
    )
    assert only(links, "first").uri == version_uri(runtime, story_id, -1)
    assert only(links, "last").uri == version_uri(runtime, story_id, 3)


def test_the_timemap_of_a_single_version_marks_it_first_and_last(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    article_id = track(runtime, site.url("/single"))
    check_at(runtime, site, article_id, "/single", LIVE[:1])

    links = parse_links(client.get(f"/articles/{article_id}/timemap").get_data(as_text=True))

    assert [link.rels for link in links if "memento" in link.rels] == [
        frozenset({"first", "last", "memento"})
    ]


def test_the_timegate_lands_on_the_version_live_at_each_moment(
    client: FlaskClient, runtime: Runtime, story_id: int
):
    dates = stored_dates(runtime, story_id)
    asked = [(http_date(at), number) for number, at in dates]  # each version's own datetime
    asked += [(http_date(at + timedelta(minutes=30)), number) for number, at in dates]  # between versions
    asked += [(http_date(ARCHIVED[0] - timedelta(days=400)), -1)]  # before the first: the first
    for accept, number in asked:
        response = client.get(f"/articles/{story_id}/timegate", headers={"Accept-Datetime": accept})

        assert response.status_code == 302, accept
        assert response.headers["Location"] == version_uri(runtime, story_id, number), accept
        assert "accept-datetime" in response.headers["Vary"].lower()
        page = client.get(urlsplit(response.headers["Location"]).path)
        assert page.status_code == 200
        assert page.headers["Memento-Datetime"] == http_date(dict(dates)[number]), accept


def test_without_accept_datetime_the_timegate_gives_the_latest_and_names_its_neighbours(
    client: FlaskClient, runtime: Runtime, story_id: int
):
    response = client.get(f"/articles/{story_id}/timegate")

    assert response.headers["Location"] == version_uri(runtime, story_id, 3)
    links = parse_links(response.headers["Link"])
    with runtime.sessions() as session:
        assert only(links, "original").uri == articles.get_article(session, story_id).url
    timemap = only(links, "timemap")
    assert (timemap.uri, timemap.param("type")) == (
        f"{base(runtime)}/articles/{story_id}/timemap",
        LINK_FORMAT,
    )
    assert only(links, "first").uri == version_uri(runtime, story_id, -1)
    assert only(links, "prev").uri == version_uri(runtime, story_id, 2)
    assert only(links, "last").rels == frozenset({"last", "memento"})  # the chosen one, last too
    assert not [link for link in links if "next" in link.rels]
    assert {link.param("datetime") for link in links if "memento" in link.rels} == {
        http_date(ARCHIVED[0]),
        http_date(LIVE[1]),
        http_date(LIVE[2]),
    }


def test_an_unreadable_accept_datetime_is_refused(client: FlaskClient, story_id: int):
    response = client.get(f"/articles/{story_id}/timegate", headers={"Accept-Datetime": "last Tuesday"})

    assert response.status_code == 400
    assert "HTTP-date" in response.get_data(as_text=True)


def test_an_article_without_versions_has_no_timemap_or_timegate(client: FlaskClient, runtime: Runtime):
    article_id = track(runtime, "https://example.com/news/unchecked")

    assert client.get(f"/articles/{article_id}/timemap").status_code == 404
    assert client.get(f"/articles/{article_id}/timegate").status_code == 404
    assert client.get("/articles/999/timegate").status_code == 404


def test_version_pages_and_snapshots_are_mementos_even_with_negative_numbers(
    client: FlaskClient, runtime: Runtime, story_id: int
):
    with runtime.sessions() as session:
        url = articles.get_article(session, story_id).url
    for number, at in stored_dates(runtime, story_id):
        for path in (
            f"/articles/{story_id}/versions/{number}",
            f"/articles/{story_id}/versions/{number}/snapshot",
        ):
            response = client.get(path)

            assert response.status_code == 200, path
            assert response.headers["Memento-Datetime"] == http_date(at)
            links = parse_links(response.headers["Link"])
            assert only(links, "original").uri == url
            assert only(links, "timegate").uri == f"{base(runtime)}/articles/{story_id}/timegate"
            assert only(links, "timemap").param("type") == LINK_FORMAT
    assert "An early draft, 2." in client.get(f"/articles/{story_id}/versions/-1").get_data(as_text=True)
    assert client.get(f"/articles/{story_id}/versions/-2").status_code == 404


def test_the_url_keyed_timemap_and_timegate_answer_as_the_articles_own(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    article_id = track(runtime, site.url("/news?id=7&utm_source=feed"))  # tracked as .../news?id=7
    check_at(runtime, site, article_id, "/news?id=7", LIVE)
    own_map = client.get(f"/articles/{article_id}/timemap").get_data(as_text=True)
    accept = {"Accept-Datetime": http_date(LIVE[1])}
    own_gate = client.get(f"/articles/{article_id}/timegate", headers=accept)

    for url in (
        site.url("/news?id=7"),
        site.url("/news?utm_medium=x&id=7"),
        site.url("/news?id=7").replace("//", "/", 1),
    ):
        by_url = client.get(f"/timemap/link/{url}")
        assert (by_url.status_code, by_url.mimetype, by_url.get_data(as_text=True)) == (
            200,
            LINK_FORMAT,
            own_map,
        )
        gate = client.get(f"/timegate/{url}", headers=accept)
        assert gate.status_code == 302, url
        assert gate.headers["Location"] == own_gate.headers["Location"] == version_uri(runtime, article_id, 2)
        assert gate.headers["Link"] == own_gate.headers["Link"]
    for untracked in (site.url("/news?id=8"), site.url("/elsewhere"), "ftp://example.com/file"):
        assert client.get(f"/timemap/link/{untracked}").status_code == 404, untracked
        assert client.get(f"/timegate/{untracked}").status_code == 404, untracked


def test_the_url_keyed_forms_find_addresses_written_in_any_script(
    client: FlaskClient, runtime: Runtime, site: PageServer
):
    sent = "/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%E8%A8%98%E4%BA%8B?q=%E6%97%A5%E6%9C%AC"
    article_id = track(runtime, site.url("/новости/記事?q=日本"))
    check_at(runtime, site, article_id, sent, LIVE[:2])

    for url in (site.url("/новости/記事?q=日本"), site.url(sent)):  # as typed, and percent-encoded
        assert client.get(f"/timemap/link/{url}").status_code == 200, url
        gate = client.get(f"/timegate/{url}", headers={"Accept-Datetime": http_date(LIVE[0])})
        assert gate.headers["Location"] == version_uri(runtime, article_id, 1), url


@pytest.fixture
def private(database_url: str) -> Iterator[Flask]:
    app = make_test_app(database_url, public_read=False)
    app.config["TESTING"] = True
    yield app
    app.extensions["tracker"].engine.dispose()


def test_a_private_tracker_refuses_anonymous_memento_clients(private: Flask, site: PageServer):
    runtime: Runtime = private.extensions["tracker"]
    with runtime.sessions.begin() as session:
        accounts.create_user(session, "root", password="correct horse", is_admin=True, now=T0)
    article_id = track(runtime, site.url("/secret"))
    check_at(runtime, site, article_id, "/secret", LIVE[:1])
    paths = (
        f"/articles/{article_id}/timemap",
        f"/articles/{article_id}/timegate",
        f"/timemap/link/{site.url('/secret')}",
        f"/timegate/{site.url('/secret')}",
        f"/articles/{article_id}/versions/1",
        f"/articles/{article_id}/versions/1/snapshot",
    )
    visitor = private.test_client()
    for path in paths:
        response = visitor.get(path, headers={"Accept-Datetime": http_date(LIVE[0])})
        assert response.status_code == 302 and "/login" in response.headers["Location"], path
        assert "Memento-Datetime" not in response.headers and "Link" not in response.headers, path
    admin = private.test_client()
    sign_in(admin, "root")
    answers = [admin.get(path) for path in paths]
    assert [answer.status_code for answer in answers] == [200, 302, 200, 302, 200, 200]
    assert {answers[1].headers["Location"], answers[3].headers["Location"]} == {
        f"{base(runtime)}/articles/{article_id}/versions/1"
    }


@pytest.fixture
def served(database_url: str) -> Iterator[tuple[str, Runtime]]:
    """The app on a real server at 127.0.0.1, its base URL the one it serves on."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    app = make_test_app(database_url, base_url=root)
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, app.extensions["tracker"]
    server.shutdown()
    app.extensions["tracker"].engine.dispose()


def test_the_memento_client_library_finds_our_mementos(served: tuple[str, Runtime], site: PageServer):
    root, runtime = served
    make_token(runtime, "reader")
    article_id = track(runtime, site.url("/story"))
    check_at(runtime, site, article_id, "/story", LIVE)
    backfill(runtime, article_id, ARCHIVED)
    dates = dict(stored_dates(runtime, article_id))
    client = MementoClient(timegate_uri=f"{root}/timegate/", check_native_timegate=False)

    for number, asked in (
        (0, ARCHIVED[1] + timedelta(hours=5)),
        (2, LIVE[1]),
        (-1, ARCHIVED[0] - timedelta(days=9)),
    ):
        info = client.get_memento_info(site.url("/story"), asked.replace(tzinfo=None))

        found = info["mementos"]
        assert found["closest"]["uri"] == [version_uri(runtime, article_id, number)]
        assert found["closest"]["datetime"] == dates[number].replace(microsecond=0, tzinfo=None)
        assert found["first"]["uri"] == [version_uri(runtime, article_id, -1)]
        assert found["last"]["uri"] == [version_uri(runtime, article_id, 3)]
        assert found["last"]["datetime"] == LIVE[-1].replace(microsecond=0, tzinfo=None)
        if number < 3:
            assert found["next"]["uri"] == [version_uri(runtime, article_id, number + 1)]
    assert MementoClient.is_memento(version_uri(runtime, article_id, 0))
    assert not MementoClient.is_memento(f"{root}/articles/{article_id}")
    assert MementoClient.is_timegate(f"{root}/articles/{article_id}/timegate")
    assert MementoClient.is_timegate(f"{root}/timegate/{site.url('/story')}")
    assert not MementoClient.is_timegate(version_uri(runtime, article_id, 1))
