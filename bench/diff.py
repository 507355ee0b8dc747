"""Benchmark: computing diffs, and the server time of the diff page and of a long article page.

    .venv/bin/python bench/diff.py            # prints a table; medians of repeated runs

Targets (issue 5): a 100 k-character pair with 5 % of words changed at scattered places in under
50 ms; the diff page of that pair under 150 ms; an article page with 1,000 versions under 100 ms.
Issue 15: tokenising and diffing a 100 k-character Chinese article with 5 % of its characters
changed within 2x the English 100 k-character figure.
"""

from __future__ import annotations

import functools
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tracker.adapters import db
from tracker.adapters.models import Article, Version
from tracker.domain.diff import diff_paragraphs, word_changes
from tracker.domain.normalize import word_count
from tracker.domain.textunits import tokens
from tracker.factory import create_app

SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "ci",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "fa",
    "fe",
    "fi",
    "fo",
    "fu",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
]
rng = random.Random(7)
VOCABULARY = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))) for _ in range(3000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]  # Zipf, like real text


# Common Han characters, Zipf-weighted like the syllables: text that reads as Chinese to the diff.
HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"
HAN_WEIGHTS = [1 / (rank + 1) for rank in range(len(HAN))]


def chinese_article(chars: int) -> list[str]:
    """Return paragraphs of 80-240 Han characters in clauses of 6-20, with Chinese punctuation."""
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < chars:
        clauses, length = [], rng.randint(80, 240)
        while sum(map(len, clauses)) < length:
            clauses.append("".join(rng.choices(HAN, HAN_WEIGHTS, k=rng.randint(6, 20))))
        paragraphs.append("，".join(clauses) + "。")
    return paragraphs


def scatter_characters(paragraphs: list[str], share: float) -> list[str]:
    """Change `share` of the Han characters at random places."""
    return [
        "".join(
            rng.choices(HAN, HAN_WEIGHTS)[0] if character in HAN and rng.random() < share else character
            for character in text
        )
        for text in paragraphs
    ]


def words(count: int) -> list[str]:
    return rng.choices(VOCABULARY, WEIGHTS, k=count)


def article(chars: int) -> list[str]:
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < chars:
        paragraphs.append(" ".join(words(rng.randint(40, 110))).capitalize() + ".")
    return paragraphs


def scatter(paragraphs: list[str], share: float) -> list[str]:
    """Change `share` of the words at random places."""
    changed = []
    for text in paragraphs:
        tokens = text.split()
        for index in range(len(tokens)):
            if rng.random() < share:
                tokens[index] = words(1)[0]
        changed.append(" ".join(tokens))
    return changed


def median_ms(run: Callable[[], object], repeat: int = 7) -> float:
    run()  # warm up
    times = []
    for _ in range(repeat):
        tokens.cache_clear()  # each run cuts and diffs its texts afresh, as a new pair of versions would be
        word_changes.cache_clear()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def cases(chars: int) -> dict[str, tuple[list[str], list[str]]]:
    old = article(chars)
    middle = len(old) // 2
    return {
        "one paragraph added": (old, [*old[:middle], " ".join(words(60)) + ".", *old[middle:]]),
        "5% of words changed": (old, scatter(old, 0.05)),
        "fully rewritten": (old, article(chars)),
    }


def scripts_table(english: tuple[list[str], list[str]]) -> None:
    """Print the 100 k-character 5 % case in English beside the same in Chinese (issue 15)."""
    old = chinese_article(100_000)
    chinese = (old, scatter_characters(old, 0.05))
    english_ms = median_ms(functools.partial(diff_paragraphs, *english))
    chinese_ms = median_ms(functools.partial(diff_paragraphs, *chinese))
    print("\n| 100 k characters, 5 % changed | diff (median ms) |\n| --- | --- |")
    print(f"| English, words changed | {english_ms:.1f} |")
    print(f"| Chinese, characters changed | {chinese_ms:.1f} ({chinese_ms / english_ms:.2f}x English) |")


def diff_table() -> tuple[list[str], list[str]]:
    print("| text | change | diff (median ms) |\n| --- | --- | --- |")
    pair: tuple[list[str], list[str]] = ([], [])
    for chars in (5_000, 20_000, 100_000):
        for name, (old, new) in cases(chars).items():
            print(
                f"| {chars // 1000} k chars | {name} | {median_ms(functools.partial(diff_paragraphs, old, new)):.1f} |"
            )
            if chars == 100_000 and name.startswith("5%"):
                pair = (old, new)
    return pair


def add_version(session, article_id: int, number: int, paragraphs: list[str], at: datetime, **extra) -> None:
    session.add(
        Version(
            article_id=article_id,
            number=number,
            observed_at=at,
            content_hash=f"{number:064d}",
            title="Bench",
            byline=None,
            published_at=None,
            modified_at=None,
            paragraphs=paragraphs,
            word_count=word_count(paragraphs),
            final_url="http://127.0.0.1/bench",
            extractor="bench",
            matches_number=None,
            raw_html=zlib.compress(b"<html></html>"),
            response_headers={},
            encoding="utf-8",
            **extra,
        )
    )


def page_times(pair: tuple[list[str], list[str]]) -> None:
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    db.upgrade(url)
    app = create_app(
        database_url=url, secret_key="bench", public_read=True, archives=""
    )  # pages read anonymously; never a real web archive
    sessions = app.extensions["tracker"].sessions
    now = datetime(2026, 3, 5, tzinfo=UTC)
    with sessions.begin() as session:
        big = Article(
            url="http://127.0.0.1/big",
            host="127.0.0.1",
            status="active",
            created_at=now,
            next_check_at=now,
            version_count=2,
            failure_count=0,
        )
        long = Article(
            url="http://127.0.0.1/long",
            host="127.0.0.1",
            status="active",
            created_at=now,
            next_check_at=now,
            version_count=1000,
            failure_count=0,
        )
        session.add_all([big, long])
        session.flush()
        add_version(session, big.id, 1, pair[0], now, labels=[], change={})
        add_version(session, big.id, 2, pair[1], now + timedelta(hours=1), labels=["stealth_edit"], change={})
        body = article(20_000)
        for number in range(1, 1001):
            labels = ["headline_changed", "stealth_edit"] if number % 7 == 0 else ["update_note_added"]
            add_version(
                session,
                long.id,
                number,
                body,
                now + timedelta(minutes=number),
                labels=labels,
                change={"words_added": number % 50, "words_removed": number % 13},
            )
        big_id, long_id = big.id, long.id
    with sessions.begin() as session:
        from tracker.services.accounts import create_user

        create_user(session, "bench", password=None, is_admin=True, now=now)
    client = app.test_client()

    def get(path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    print("\n| page | server time (median ms) |\n| --- | --- |")
    print(
        f"| diff page, 100 k chars, 5% of words changed | "
        f"{median_ms(lambda: get(f'/articles/{big_id}/diff?from=1&to=2&view=side')):.1f} |"
    )
    print(f"| article page with 1,000 versions | {median_ms(lambda: get(f'/articles/{long_id}')):.1f} |")


if __name__ == "__main__":
    english = diff_table()
    scripts_table(english)
    page_times(english)
