"""Benchmark: search across 100,000 versions on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py                       # both databases, 100,000 versions
    .venv/bin/python bench/search.py --versions 20000 --db sqlite

Builds 10 versions per article (a tenth of the articles in Chinese), each an edit of the one
before (a sentence rewritten, a paragraph added or dropped), in databases built by the real
migrations; the search rows are what a check writes (tracker.domain.searchtext.document with the diff from
the version before). Then times typical queries through tracker.services.search, for an anonymous
reader (every article) and for a user following every seventh article, and prints medians (issue 16
target: under 100 ms on both databases).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text
from sqlalchemy.orm import Session

from tracker.adapters import db
from tracker.adapters.models import Article, Subscription, User, Version, VersionSearch
from tracker.domain.diff import EMPTY, ArticleText, diff_articles
from tracker.domain.searchtext import document, parse_query
from tracker.services.search import search_versions

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
PER_ARTICLE = 10
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]


def words(text: str) -> list[str]:
    return text.split()


COMMON = words(
    "the of and to in a is that for on said with was as by at it from his an be has have are were "
    "but not this which who will after they their more its had would been one new also about than "
    "year people government minister police court company market country city state week last two"
)
TOPICS = words(
    "election budget council harbour energy climate hospital strike union tariff bank inflation "
    "school housing railway airport festival museum football drought flood vaccine satellite "
    "refinery shipyard pension parliament protest ceasefire merger lawsuit Amazon Microsoft Tesla "
    "Reuters Brussels Berlin Nairobi Lima Osaka Toronto senator mayor spokesperson investigation"
)
HAN = words(
    "美国 中国 总统 政府 经济 市场 公司 银行 学校 医院 城市 工人 企业 政策 贸易 股市 投资者 分析人士 "
    "认为 决定 可能 导致 短期 出现 较大 波动 保持 谨慎 宣布 新的 影响 数以千计 警方 法院 选举 预算 "
    "的 的 的 了 了 是 是 在 在 和 将 对 为 这 一 也 都 已经 表示 记者 报道 周二 去年"
)


def vocabulary(rng: random.Random, size: int = 30_000) -> tuple[list[str], list[float]]:
    """Return words and cumulative weights shaped like news text (Zipf): a few function words make
    much of it, topic words are uncommon, a long tail of invented words is rare."""
    invented = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    ranked = [*COMMON, *TOPICS, *sorted(invented - set(COMMON))]
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(ranked))]
    # Topic words stand where a topic word would in a real corpus: ranks of a few hundred.
    for offset in range(len(TOPICS)):
        weights[len(COMMON) + offset] = 1 / (300 + 20 * offset)
    return ranked, list(itertools.accumulate(weights))


VOCABULARY = vocabulary(random.Random(1))


def queries() -> tuple[tuple[str, str, str], ...]:
    return (
        ("one word", "harbour", "text"),
        ("two words", "union tariff", "text"),
        ("a common word", "government", "text"),
        ("an uncommon word", VOCABULARY[0][len(COMMON) + len(TOPICS) + 2000], "text"),
        ("Chinese, 2 characters", "股市", "text"),
        ("Chinese, 4 characters", "贸易政策", "text"),
        ("Chinese, 1 character", "警", "text"),
        ("in=added", "Amazon", "added"),
        ("in=removed", "strike", "removed"),
    )


def sentence(rng: random.Random) -> str:
    chosen = rng.choices(VOCABULARY[0], cum_weights=VOCABULARY[1], k=rng.randint(12, 24))
    return " ".join(chosen).capitalize() + "."


def zh_sentence(rng: random.Random) -> str:
    return "".join(rng.choice(HAN) for _ in range(rng.randint(10, 20))) + "。"


def paragraph(rng: random.Random, zh: bool) -> str:
    make = zh_sentence if zh else sentence
    return ("" if zh else " ").join(make(rng) for _ in range(rng.randint(2, 4)))


def edited(rng: random.Random, paragraphs: list[str], zh: bool) -> list[str]:
    """Return the paragraphs after one editor's change: a rewrite, an addition or a removal."""
    result = list(paragraphs)
    roll = rng.random()
    if roll < 0.5:
        index = rng.randrange(len(result))
        result[index] = paragraph(rng, zh)
    elif roll < 0.85 or len(result) < 4:
        result.insert(rng.randrange(len(result) + 1), paragraph(rng, zh))
    else:
        del result[rng.randrange(len(result))]
    return result


def build_rows(count: int, seed: int = 16) -> tuple[list[dict], list[dict], list[dict]]:
    """Return the rows of articles, versions and version_search for `count` versions."""
    rng = random.Random(seed)
    articles, versions, searches = [], [], []
    for article_id in range(1, count // PER_ARTICLE + 1):
        zh = article_id % 10 == 0
        host = f"news{article_id % 50}.example"
        articles.append(
            {
                "id": article_id,
                "url": f"https://{host}/story/{article_id}",
                "host": host,
                "title": f"Story {article_id}",
                "status": "active",
                "created_at": T0,
                "next_check_at": T0,
                "version_count": PER_ARTICLE,
                "failure_count": 0,
            }
        )
        paragraphs = [paragraph(rng, zh) for _ in range(rng.randint(5, 9))]
        before = EMPTY
        for number in range(1, PER_ARTICLE + 1):
            if number > 1:
                paragraphs = edited(rng, paragraphs, zh)
            version_id = len(versions) + 1
            title = f"Story {article_id}: {sentence(rng)[:60]}"
            now = ArticleText(title=title, byline="By A. Reporter", paragraphs=tuple(paragraphs))
            observed = T0 + timedelta(minutes=version_id)
            versions.append(
                {
                    "id": version_id,
                    "article_id": article_id,
                    "number": number,
                    "observed_at": observed,
                    "content_hash": f"{version_id:064d}",
                    "title": title,
                    "byline": "By A. Reporter",
                    "paragraphs": list(paragraphs),
                    "word_count": 0,
                    "final_url": articles[-1]["url"],
                    "extractor": "bench",
                    "baseline": False,
                    "labels": [],
                    "change": {},
                    "raw_html": b"",
                    "response_headers": {},
                }
            )
            change = diff_articles(before, now) if number > 1 else None
            searches.append({"version_id": version_id, **asdict(document(now, change))})
            before = now
    return articles, versions, searches


def load(url: str, rows: tuple[list[dict], list[dict], list[dict]]) -> float:
    """Insert the rows (and one user following every seventh article); return the seconds it took."""
    articles, versions, searches = rows
    engine = db.make_engine(url)
    started = time.perf_counter()
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:  # building a GIN index once is faster than growing it row by row
            for name in ("terms", "added_terms", "removed_terms"):
                connection.execute(text(f"DROP INDEX version_search_{name}_gin"))
        connection.execute(
            insert(User), [{"id": 1, "username": "reader", "is_admin": False, "created_at": T0}]
        )
        connection.execute(insert(Article), articles)
        follows = [
            {"user_id": 1, "article_id": row["id"], "created_at": T0, "tags": []} for row in articles[::7]
        ]
        connection.execute(insert(Subscription), follows)
        for start in range(0, len(versions), 2000):
            connection.execute(insert(Version), versions[start : start + 2000])
            connection.execute(insert(VersionSearch), searches[start : start + 2000])
        if postgres:
            for name in ("terms", "added_terms", "removed_terms"):
                connection.execute(
                    text(f"CREATE INDEX version_search_{name}_gin ON version_search USING gin ({name}_tsv)")
                )
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def time_queries(url: str, runs: int) -> list[tuple[str, str, float, int]]:
    """Return (query, reader, median ms, hits on the first page) for each query and reader."""
    engine = db.make_engine(url)
    results = []
    with Session(engine) as session:
        for label, words, field in queries():
            query = parse_query(words, field)
            for reader, user_id in (("anonymous", None), ("follows every 7th", 1)):
                search_versions(session, query, user_id=user_id)  # warm the cache
                times, hits = [], 0
                for _ in range(runs):
                    started = time.perf_counter()
                    hits = len(search_versions(session, query, user_id=user_id).hits)
                    times.append((time.perf_counter() - started) * 1000)
                results.append(
                    (
                        f"{label}: {words}" + (f" (in={field})" if field != "text" else ""),
                        reader,
                        statistics.median(times),
                        hits,
                    )
                )
    engine.dispose()
    return results


def postgres_schema() -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    return schema, f"{POSTGRES}?options=-csearch_path%3D{schema}"


def drop_schema(schema: str) -> None:
    admin = create_engine(POSTGRES)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()
    started = time.perf_counter()
    rows = build_rows(options.versions)
    print(
        f"built {len(rows[1]):,} versions of {len(rows[0]):,} articles in {time.perf_counter() - started:.1f} s"
    )
    for name in ("sqlite", "postgresql") if options.db == "both" else (options.db,):
        with tempfile.TemporaryDirectory() as folder:
            schema = None
            if name == "sqlite":
                url = f"sqlite:///{Path(folder) / 'search.sqlite'}"
            else:
                schema, url = postgres_schema()
            try:
                db.upgrade(url)
                seconds = load(url, rows)
                print(f"\n{name}: loaded in {seconds:.1f} s")
                print("| query | reader | median ms | hits (first page) |\n| --- | --- | --- | --- |")
                for query, reader, median, hits in time_queries(url, options.runs):
                    print(f"| {query} | {reader} | {median:.1f} | {hits} |")
            finally:
                if schema:
                    drop_schema(schema)


if __name__ == "__main__":
    main()
