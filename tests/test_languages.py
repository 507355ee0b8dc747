"""The language of each version: declared by its page, believed unless the text's script belies it,
detected when the page declares none; stored, served by the API and shown on the pages."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.factories import add_article, check_now, make_token
from tests.pageserver import PageServer
from tracker.domain.extract import extract_article, parse_html
from tracker.domain.languages import (
    article_language,
    belied_by_script,
    detected_language,
    detector_hidden,
    dominant_script,
    identifier,
    language_label,
    language_tag,
    text_direction,
)
from tracker.domain.pagemeta import page_meta
from tracker.engine.runtime import Runtime

# The same news, as papers of each language would write it.
NEWS = {
    "zh": "北京市政府周二宣布，将在今年年底前新建二十所公立学校，以缓解城区入学压力。市教委负责人表示，"
    "新校舍将优先安排在人口增长最快的地区，预计可新增两万个学位。",
    "ja": "東京都は火曜日、来年度から都内の公立小学校で給食費を無償化すると発表した。対象は約六十万人の児童で、"
    "必要な予算はおよそ三百億円に上る見通しだ。知事は記者会見で「子育て世帯の負担を減らしたい」と述べた。",
    "ko": "서울시는 화요일 내년부터 시내 모든 공립 초등학교의 급식비를 무상으로 지원한다고 발표했다. 대상은 약 40만 명의 "
    "학생이며, 필요한 예산은 약 2천억 원에 이를 것으로 예상된다. 시장은 기자회견에서 학부모의 부담을 줄이겠다고 말했다.",
    "ar": "أعلنت الحكومة يوم الثلاثاء عن خطة جديدة لبناء عشرين مدرسة حكومية في العاصمة قبل نهاية العام الحالي، وذلك "
    "لتخفيف الضغط على المدارس القائمة. وقال وزير التعليم في مؤتمر صحفي إن المدارس الجديدة ستستوعب نحو عشرين ألف طالب.",
    "he": "הממשלה הודיעה ביום שלישי על תוכנית חדשה לבניית עשרים בתי ספר ציבוריים בירושלים עד סוף השנה, כדי להקל "
    "על הצפיפות בכיתות. שר החינוך אמר במסיבת עיתונאים כי בתי הספר החדשים יקלטו כעשרים אלף תלמידים.",
    "ru": "Правительство во вторник объявило о планах построить двадцать новых государственных школ в столице до "
    "конца года, чтобы снизить нагрузку на уже существующие учебные заведения. Министр образования заявил на "
    "пресс-конференции, что новые школы примут около двадцати тысяч учеников.",
    "de": "Die Bundesregierung hat am Dienstag angekündigt, bis zum Jahresende zwanzig neue öffentliche Schulen in "
    "der Hauptstadt zu bauen, um die bestehenden Schulen zu entlasten. Die Bildungsministerin sagte auf einer "
    "Pressekonferenz, die neuen Schulen sollten rund zwanzigtausend Schülerinnen und Schüler aufnehmen.",
    "fr": "Le gouvernement a annoncé mardi la construction de vingt nouvelles écoles publiques dans la capitale "
    "d'ici la fin de l'année, afin de désengorger les établissements existants. Le ministre de l'Éducation a "
    "déclaré lors d'une conférence de presse que ces écoles accueilleraient environ vingt mille élèves.",
    "th": "รัฐบาลประกาศเมื่อวันอังคารว่าจะสร้างโรงเรียนรัฐบาลแห่งใหม่ยี่สิบแห่งในกรุงเทพมหานครภายในสิ้นปีนี้ "
    "เพื่อลดความแออัดของโรงเรียนที่มีอยู่เดิม รัฐมนตรีว่าการกระทรวงศึกษาธิการกล่าวในการแถลงข่าวว่าโรงเรียนใหม่จะรองรับนักเรียนได้ประมาณสองหมื่นคน",
    "hi": "सरकार ने मंगलवार को घोषणा की कि वह इस साल के अंत तक राजधानी में बीस नए सरकारी स्कूल बनाएगी, ताकि "
    "मौजूदा स्कूलों पर दबाव कम किया जा सके। शिक्षा मंत्री ने एक संवाददाता सम्मेलन में कहा कि नए स्कूलों में लगभग "
    "बीस हज़ार छात्रों को दाखिला मिलेगा।",
    "en": "The government announced on Tuesday that it will build twenty new public schools in the capital by the "
    "end of the year, to ease pressure on existing schools. The education minister told a press conference that "
    "the new schools would take about twenty thousand pupils.",
}


@pytest.mark.parametrize("language", sorted(NEWS))
def test_an_undeclared_language_is_detected_from_the_text(language: str):
    assert article_language(None, NEWS[language]) == language


@pytest.mark.parametrize(
    ("declared", "text", "recorded"),
    [
        ("zh-TW", NEWS["zh"], "zh-TW"),  # the page knows its region; detection says only zh
        ("pt-BR", NEWS["en"], "pt-BR"),  # both Latin: a declaration is not second-guessed by detection
        ("ja", NEWS["zh"], "ja"),  # Chinese and Japanese share the characters: no plain disagreement
        ("sr", NEWS["ru"], "sr"),  # Serbian is written in Cyrillic too
        ("ar-EG", NEWS["ar"], "ar-EG"),
    ],
)
def test_the_declared_language_wins_when_the_script_agrees(declared: str, text: str, recorded: str):
    assert article_language(declared, text) == recorded


@pytest.mark.parametrize(
    ("declared", "language"),
    [
        ("en", "zh"),
        ("en-US", "ja"),
        ("en", "ko"),
        ("en", "ar"),
        ("de", "he"),
        ("en", "ru"),
        ("en", "th"),
        ("en", "hi"),
        ("zh-CN", "en"),
        ("ru", "fr"),
    ],
)
def test_a_declaration_the_script_plainly_belies_gives_way_to_detection(declared: str, language: str):
    # CMS templates say lang="en" whatever the article is written in.
    assert article_language(declared, NEWS[language]) == language


def test_a_few_english_names_in_chinese_text_do_not_belie_a_chinese_declaration():
    # by letters, Latin would hold two thirds of this; by words (a Han character is one), a third
    text = "苹果公司周二发布了 iPhone 17 Pro Max、Apple Watch Ultra 和 AirPods Pro，起售价不变。" * 2
    assert article_language("zh-CN", text) == "zh-CN"


def test_short_text_is_not_guessed():
    assert detected_language("Hello there") is None
    assert article_language(None, "Der Stadtrat tagt.") is None
    # plainly not English, but too short to say which language: unknown rather than wrong
    assert article_language("en", "市议会周二晚间开会。") is None


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("zh-cn", "zh-CN"),
        ("zh_CN", "zh-CN"),  # og:locale and POSIX locales write an underscore
        ("EN", "en"),
        (" 'de-AT' ", "de-AT"),
        ("en-US, fr", "en-US"),  # Content-Language may list several
        ("fr-FR;q=0.8", "fr-FR"),
        ("en_GB.UTF-8", "en-GB"),
        ("sr-latn-rs", "sr-Latn-RS"),
        ("ZH-HANT-TW", "zh-Hant-TW"),
        ("es-419", "es-419"),
        ("de-DE-1901", "de-DE-1901"),
        ("en-a-bbb-x-private", "en-a-bbb-x-private"),  # after a singleton, lower case
        ("English", "en"),  # <meta name="language" content="English">
        ("deutsch", None),
        ("{{ lang }}", None),
        ("und", None),
        ("zxx", None),
        ("x-default", None),
        ("e", None),
        ("en-" + "a" * 40, None),
        ("", None),
    ],
)
def test_language_tags_are_normalised_to_bcp_47_or_refused(value: str, tag: str | None):
    assert language_tag(value) == tag


def declared(head: str = "", html_attributes: str = "") -> str | None:
    return page_meta(
        parse_html(f"<html {html_attributes}><head>{head}</head><body><p>x</p></body></html>")
    ).language


def test_the_page_declares_its_language_in_many_places():
    assert declared(html_attributes='lang="zh-cn"') == "zh-CN"
    assert declared(html_attributes='xml:lang="ja"') == "ja"
    assert declared('<meta http-equiv="Content-Language" content="de-DE, en">') == "de-DE"
    assert declared('<meta name="language" content="French">') == "fr"
    assert declared('<meta property="og:locale" content="pt_BR">') == "pt-BR"
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle", "inLanguage": "ko-KR"}]}
    assert declared(f'<script type="application/ld+json">{json.dumps(ld)}</script>') == "ko-KR"
    named = {
        "@type": "NewsArticle",
        "inLanguage": {"@type": "Language", "name": "Spanish", "alternateName": "es"},
    }
    assert declared(f'<script type="application/ld+json">{json.dumps(named)}</script>') == "es"
    assert declared() is None


def test_html_lang_comes_first_and_junk_falls_through_to_the_next():
    og = '<meta property="og:locale" content="en_US">'
    assert declared(og, 'lang="he"') == "he"
    assert declared(og, 'lang="{{locale}}"') == "en-US"


def test_names_and_directions_for_the_pages():
    assert language_label("zh-CN") == "Chinese (zh-CN)"
    assert language_label("gsw") == "gsw"
    assert (text_direction("ar-EG"), text_direction("he"), text_direction("ja"), text_direction(None)) == (
        "rtl",
        "rtl",
        "auto",
        "auto",
    )


def news_page(text: str, *, lang: str | None) -> str:
    """Return an article page holding text in three paragraphs, with <html lang> when lang is given."""
    sentences = [
        sentence for sentence in text.replace("。", "。\n").replace(". ", ".\n").splitlines() if sentence
    ]
    body = "\n".join(f"<p>{html.escape(sentence)}</p>" for sentence in sentences)
    attribute = f' lang="{lang}"' if lang else ""
    return f"""<!doctype html>
<html{attribute}><head><meta charset="utf-8"><title>News</title></head>
<body><nav><a href="/">Home</a></nav><main><article><h1>{html.escape(text[:20])}</h1>
{body}
</article></main><footer>&copy; 2026</footer></body></html>"""


def test_extraction_reads_the_language_with_the_article():
    assert extract_article(news_page(NEWS["de"] * 2, lang="de-CH")).language == "de-CH"
    assert extract_article(news_page(NEWS["fr"] * 2, lang=None)).language == "fr"
    assert extract_article(news_page(NEWS["zh"] * 2, lang="en")).language == "zh"


@pytest.mark.parametrize(
    ("text", "lang", "language", "label", "direction"),
    [
        (NEWS["ja"] * 2, "ja", "ja", "Japanese (ja)", "auto"),
        (NEWS["de"] * 2, None, "de", "German (de)", "auto"),
        (NEWS["ar"] * 2, "en", "ar", "Arabic (ar)", "rtl"),
    ],
)
def test_each_version_records_its_language_through_the_real_pipeline(
    client: FlaskClient,
    runtime: Runtime,
    site: PageServer,
    text: str,
    lang: str | None,
    language: str,
    label: str,
    direction: str,
):
    token = make_token(runtime)
    article = add_article(client, token, site.serve("/story", news_page(text, lang=lang)))
    assert check_now(client, token, article["id"])["outcome"] == "first"

    version = client.get(f"/api/v1/articles/{article['id']}/versions/1").get_json()
    listing = client.get(f"/api/v1/articles/{article['id']}/versions").get_json()
    assert version["language"] == listing["items"][0]["language"] == language
    assert f'language: <span class="language">{label}</span>' in client.get(
        f"/articles/{article['id']}"
    ).get_data(as_text=True)
    reading = client.get(f"/articles/{article['id']}/versions/1").get_data(as_text=True)
    assert f'<article class="reading" lang="{language}" dir="{direction}">' in reading


def test_an_english_page_quoting_chinese_names_stays_english():
    # Tokens keep the space before them; once only the first word of each sentence was counted,
    # so two Chinese names outweighed an English paragraph and its lang="en" was not believed.
    text = "This is an English article about 北京 and 上海 politics today, with many more words of English."
    assert dominant_script(text) == "Latin"
    assert not belied_by_script("en", text)


ROOT = Path(__file__).resolve().parent.parent


def test_the_extractors_load_without_the_detector_which_comes_when_a_page_needs_it():
    """trafilatura imports py3langid, and numpy with it (half a reading process's start), for a
    filter we never use: a reading process starts without them and detects all the same."""
    code = f"""
import json, sys
from tracker.domain.extract import extract_article, load_extractors
load_extractors()
before = sorted(m for m in sys.modules if m.split(".")[0] in ("numpy", "py3langid"))
page = "<html><body><article><h1>Бюджет</h1><p>" + {NEWS["ru"]!r} + "</p></article></body></html>"
article = extract_article(page)
print(json.dumps([before, article.language, "py3langid" in sys.modules]))
"""
    ran = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    before, language, detector_loaded = json.loads(ran.stdout.splitlines()[-1])
    assert before == []
    assert (language, detector_loaded) == ("ru", True)


def test_no_thread_loads_the_detector_while_it_is_hidden():
    identifier.cache_clear()  # so that the thread below imports it
    loaded: list[object] = []
    thread = threading.Thread(target=lambda: loaded.append(identifier()))
    with detector_hidden():
        thread.start()
        thread.join(timeout=0.3)
        assert thread.is_alive() and not loaded  # waiting for the import to be allowed
    thread.join(timeout=30)
    assert loaded and loaded[0] is not None
