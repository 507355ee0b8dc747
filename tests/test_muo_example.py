"""The example the product exists for: one real edit among noise makes exactly one new version."""

from __future__ import annotations

import html
import json
import re

from flask.testing import FlaskClient

from tests.conftest import DATA
from tests.factories import add_article, check_now, make_token
from tests.pageserver import PageServer
from tracker.engine.runtime import Runtime

EXPECTED = json.loads((DATA / "muo-parler" / "expected.json").read_text())


def track_muo_through_three_loads(
    client: FlaskClient, runtime: Runtime, site: PageServer, muo: dict[str, str]
) -> tuple[int, list[str]]:
    """Serve v1, v1-noise, v2 at one URL with a check after each; return the article id and outcomes."""
    token = make_token(runtime)
    article = add_article(client, token, site.url("/parler"))
    outcomes = []
    for name in ("v1", "v1-noise", "v2"):
        site.serve("/parler", muo[name])
        outcomes.append(check_now(client, token, article["id"])["outcome"])
    return article["id"], outcomes


def test_muo_edit_makes_exactly_one_new_version_and_noise_none(client, runtime, site, muo):
    article_id, outcomes = track_muo_through_three_loads(client, runtime, site, muo)

    assert outcomes == ["first", "unchanged", "changed"]
    versions = client.get(f"/api/v1/articles/{article_id}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0]["title"] == EXPECTED["title"]


def test_muo_diff_has_exactly_the_three_inserted_paragraphs(client, runtime, site, muo):
    article_id, _ = track_muo_through_three_loads(client, runtime, site, muo)

    diff = client.get(f"/api/v1/articles/{article_id}/diff?from=1&to=2").get_json()

    expected = EXPECTED["v1_to_v2"]
    inserted = [block["new"] for block in diff["blocks"] if block["op"] == "insert"]
    assert inserted == expected["inserted_paragraphs"]
    assert [block for block in diff["blocks"] if block["op"] in ("delete", "replace", "move")] == []
    assert diff["title"] is None
    assert diff["summary"]["paragraphs_added"] == 3
    assert diff["summary"]["words_added"] == sum(len(text.split()) for text in inserted)
    assert "update_note_added" in diff["labels"]


def test_muo_diff_page_highlights_the_inserted_paragraphs_and_nothing_else(client, runtime, site, muo):
    article_id, _ = track_muo_through_three_loads(client, runtime, site, muo)

    page = client.get(f"/articles/{article_id}/diff?from=1&to=2&view=side").get_data(as_text=True)

    marked = [html.unescape(text) for text in re.findall(r"<ins>(.*?)</ins>", page, re.S)]
    assert marked == EXPECTED["v1_to_v2"]["inserted_paragraphs"]
    assert "<del>" not in page
