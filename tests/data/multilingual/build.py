"""Build the multilingual corpus: every PAGE module (FORMAT.md) rendered into a realistic news page
and loaded many times. Noise loads churn the page furniture only; each real edit changes the
article (and bumps dateModified, as CMSes do) and says exactly how (ExpectedChange).

Standard library only; deterministic: every random choice comes from a generator seeded with the
page's name, so every process builds the same pages.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import random
import re
import string
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from html import escape
from types import MappingProxyType
from typing import Any
from urllib.parse import quote

from tests.data.corpus.chrome import WS_STYLES
from tests.data.corpus.markup import styled
from tests.data.corpus.model import Corpus, ExpectedArticle, ExpectedChange, Page, Version

SEED = 20260315
PACKAGE = "tests.data.multilingual"
MODULE_NAME = re.compile(r"^[a-z]{2,3}_\d+$")
SIZE_TARGET = (24_000, 52_000)  # bytes of version 0
FRAGMENT_EDITS = ("one_character", "one_word", "number")
REAL_EDITS = (*FRAGMENT_EDITS, "update_note", "correction", "quote", "headline", "removed")
NOISE_KINDS = ("relative_time", "teaser", "dateline", "ads", "teaser", "trending", "comments", "markup")


# -- what the corpus hands out besides the English model ---------------------------------------------
@dataclass(frozen=True, slots=True)
class Fragment:
    """Where a one_character, one_word or number edit happened: the paragraph (its index in the
    version before the edit) and the fragment of it that was replaced, as the PAGE wrote them."""

    index: int
    old_paragraph: str
    new_paragraph: str
    old: str
    new: str
    start: int  # offset of `old` in old_paragraph (and of `new` in new_paragraph)


@dataclass(frozen=True, slots=True)
class Multilingual:
    corpus: Corpus
    sources: MappingProxyType[str, dict[str, Any]]  # page name -> its PAGE dict
    fragments: MappingProxyType[tuple[str, int], Fragment]  # (page name, version number) -> Fragment


# -- the state a page is rendered from ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Article:
    headline: str
    paragraphs: tuple[tuple[str, str], ...]  # (key, text); key: the PAGE's index, or the edit that added it
    modified: datetime

    def texts(self) -> tuple[str, ...]:
        return tuple(text for _key, text in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Teaser:
    after: str  # shown after the paragraph with this key
    which: int  # index into PAGE["teasers"]
    style: int  # index into the language's teaser styles


@dataclass(frozen=True, slots=True)
class Chrome:
    relative: int  # index into PAGE["relative_times"]
    dateline: int  # index into PAGE["dateline"]
    teasers: tuple[Teaser, ...]
    trending_seed: int
    ad_seed: int
    ad_positions: tuple[str, ...]  # inline ad slots after the paragraphs with these keys
    comments: int
    nonce: str
    build: str  # cache-busting query string of assets
    ws_style: int
    attr_seed: int  # 0: attributes in written order, else shuffled with this seed
    filler: int = 0  # bytes of inlined CSS, fixed per page
    meta_in_body: bool = False  # the dateline, relative time and comment count inside the body


# -- per-language page furniture the PAGE modules do not hold ----------------------------------------
@dataclass(frozen=True, slots=True)
class Locale:
    home: str
    login: str
    subscribe: str
    search: str
    share: str
    trending: str
    related: str
    comments: str
    footer: tuple[str, ...]
    rights: str  # {site} {year}
    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]
    date: str  # {y} {m} {d} {w} {W} {month}; Thai adds {be} (Buddhist era)
    teaser_styles: tuple[str, ...]  # {p} prefix, {a} the link
    og_locale: str


def _l(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


LOCALES: dict[str, Locale] = {
    "zh": Locale(
        "首页", "登录", "订阅", "搜索", "分享到", "热点排行", "相关新闻", "网友评论",
        _l("关于我们|联系我们|广告服务|隐私政策|用户协议|违法和不良信息举报"),
        "Copyright © {year} {site} 版权所有 未经书面授权禁止转载",
        _l("星期一|星期二|星期三|星期四|星期五|星期六|星期日"), (), "{y}年{m}月{d}日 {w}",
        ("<strong>{p}：</strong>{a}", "【{p}】{a}"), "zh_CN",
    ),
    "ja": Locale(
        "トップ", "ログイン", "会員登録", "検索", "シェアする", "アクセスランキング", "関連ニュース", "コメント",
        _l("会社案内|お問い合わせ|広告掲載|個人情報保護方針|利用規約|著作権について"),
        "Copyright © {year} {site} All rights reserved. 記事・写真の無断転載を禁じます。",
        _l("月|火|水|木|金|土|日"), (), "{y}年{m}月{d}日（{w}）",
        ("【{p}】{a}", "<strong>{p}</strong>：{a}"), "ja_JP",
    ),
    "ko": Locale(
        "홈", "로그인", "구독신청", "검색", "공유하기", "많이 본 뉴스", "관련 뉴스", "댓글",
        _l("회사소개|광고안내|제휴문의|개인정보처리방침|청소년보호정책|고충처리인"),
        "Copyright ⓒ {site}. All rights reserved. 무단 전재 및 재배포 금지",
        _l("월요일|화요일|수요일|목요일|금요일|토요일|일요일"), (), "{y}년 {m}월 {d}일 {w}",
        ("▶ {p}: {a}", "[{p}] {a}"), "ko_KR",
    ),
    "th": Locale(
        "หน้าแรก", "เข้าสู่ระบบ", "สมัครสมาชิก", "ค้นหา", "แชร์", "ข่าวยอดนิยม", "ข่าวที่เกี่ยวข้อง", "ความคิดเห็น",
        _l("เกี่ยวกับเรา|ติดต่อเรา|ติดต่อโฆษณา|นโยบายความเป็นส่วนตัว|นโยบายคุกกี้|ร่วมงานกับเรา"),
        "© {be} {site} สงวนลิขสิทธิ์",
        _l("วันจันทร์|วันอังคาร|วันพุธ|วันพฤหัสบดี|วันศุกร์|วันเสาร์|วันอาทิตย์"),
        _l("มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"),
        "{w}ที่ {d} {month} {be}",
        ("<strong>{p}:</strong> {a}", "{p} : {a}"), "th_TH",
    ),
    "ar": Locale(
        "الرئيسية", "تسجيل الدخول", "اشترك الآن", "بحث", "شارك", "الأكثر قراءة", "أخبار ذات صلة", "التعليقات",
        _l("من نحن|اتصل بنا|أعلن معنا|سياسة الخصوصية|شروط الاستخدام|خريطة الموقع"),
        "جميع الحقوق محفوظة © {year} {site}",
        _l("الاثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|الأحد"),
        _l("يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر"),
        "{w} {d} {month} {y}",
        ("<strong>{p}:</strong> {a}", "{p}: {a}"), "ar_AR",
    ),
    "he": Locale(
        "ראשי", "התחברות", "מינוי", "חיפוש", "שתפו", "הכי נקראים", "כתבות נוספות", "תגובות",
        _l("אודות|צור קשר|פרסמו אצלנו|מדיניות פרטיות|תנאי שימוש|הצהרת נגישות"),
        "כל הזכויות שמורות © {site} {year}",
        _l("יום שני|יום שלישי|יום רביעי|יום חמישי|יום שישי|שבת|יום ראשון"),
        _l("בינואר|בפברואר|במרץ|באפריל|במאי|ביוני|ביולי|באוגוסט|בספטמבר|באוקטובר|בנובמבר|בדצמבר"),
        "{w}, {d} {month} {y}",
        ("<strong>{p}:</strong> {a}",), "he_IL",
    ),
    "ru": Locale(
        "Главная", "Войти", "Подписаться", "Поиск", "Поделиться", "Самое читаемое", "Новости по теме", "Комментарии",
        _l("О нас|Контакты|Реклама|Политика конфиденциальности|Пользовательское соглашение|Вакансии"),
        "© {year} {site}. Все права защищены. 18+",
        _l("понедельник|вторник|среда|четверг|пятница|суббота|воскресенье"),
        _l("января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"),
        "{d} {month} {y}, {w}",
        ("<strong>{p}:</strong> {a}", "{p}: {a}"), "ru_RU",
    ),
    "hi": Locale(
        "होम", "लॉग इन", "सब्सक्राइब करें", "खोजें", "शेयर करें", "सबसे ज़्यादा पढ़ी गईं", "संबंधित ख़बरें", "टिप्पणियां",
        _l("हमारे बारे में|संपर्क करें|विज्ञापन दें|गोपनीयता नीति|नियम और शर्तें|साइटमैप"),
        "कॉपीराइट © {year} {site}. सर्वाधिकार सुरक्षित।",
        _l("सोमवार|मंगलवार|बुधवार|गुरुवार|शुक्रवार|शनिवार|रविवार"),
        _l("जनवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|नवंबर|दिसंबर"),
        "{w}, {d} {month} {y}",
        ("<strong>{p}:</strong> {a}", "{p}- {a}"), "hi_IN",
    ),
    "de": Locale(
        "Startseite", "Anmelden", "Abo", "Suche", "Teilen", "Meistgelesen", "Mehr zum Thema", "Kommentare",
        _l("Impressum|Datenschutz|Kontakt|Mediadaten|AGB|Cookie-Einstellungen"),
        "© {site} {year}. Alle Rechte vorbehalten.",
        _l("Montag|Dienstag|Mittwoch|Donnerstag|Freitag|Samstag|Sonntag"),
        _l("Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"),
        "{w}, {d}. {month} {y}",
        ("<strong>{p}:</strong> {a}", "{p}: {a}"), "de_DE",
    ),
    "fr": Locale(
        "Accueil", "Se connecter", "S’abonner", "Rechercher", "Partager", "Les plus lus", "Sur le même sujet", "Commentaires",
        _l("Mentions légales|Contact|Publicité|Politique de confidentialité|CGU|Gestion des cookies"),
        "© {site} {year}. Tous droits réservés.",
        _l("lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"),
        _l("janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"),
        "{W} {d} {month} {y}",
        ("<strong>{p}\u00a0:</strong> {a}", "<strong>{p}</strong> | {a}"), "fr_FR",
    ),
    "es": Locale(
        "Portada", "Iniciar sesión", "Suscríbete", "Buscar", "Compartir", "Lo más leído", "Noticias relacionadas", "Comentarios",
        _l("Quiénes somos|Contacto|Publicidad|Política de privacidad|Aviso legal|Política de cookies"),
        "© {year} {site}. Todos los derechos reservados.",
        _l("lunes|martes|miércoles|jueves|viernes|sábado|domingo"),
        _l("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"),
        "{W}, {d} de {month} de {y}",
        ("<strong>{p}:</strong> {a}", "{p} | {a}"), "es_ES",
    ),
    "pt": Locale(
        "Início", "Entrar", "Assine", "Buscar", "Compartilhar", "Mais lidas", "Notícias relacionadas", "Comentários",
        _l("Quem somos|Fale conosco|Anuncie|Política de privacidade|Termos de uso|Expediente"),
        "© {year} {site}. Todos os direitos reservados.",
        _l("segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|sábado|domingo"),
        _l("janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"),
        "{W}, {d} de {month} de {y}",
        ("<strong>{p}:</strong> {a}", "{p} | {a}"), "pt_BR",
    ),
    "en": Locale(
        "Home", "Sign in", "Subscribe", "Search", "Share", "Most read", "Related", "Comments",
        _l("About us|Contact|Advertise|Privacy policy|Terms of use|Cookie settings"),
        "© {year} {site}. All rights reserved.",
        _l("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
        _l("January|February|March|April|May|June|July|August|September|October|November|December"),
        "{W}, {month} {d}, {y}",
        ("<strong>{p}:</strong> {a}",), "en_US",
    ),
}  # fmt: skip
TEASER_PUNCTUATION = re.compile(r"[\s:：|｜\-–—»›>]+$")
ADVERTISERS = (
    "Northwind Bank",
    "Lumen Mobile",
    "Orbit Air",
    "Vista Hotels",
    "GreenLeaf Energy",
    "Atlas Motors",
)


# -- loading and checking PAGE modules ------------------------------------------------------------------
def page_modules() -> list[tuple[str, dict[str, Any]]]:
    """Return (name, PAGE) of every page module in this package, checked, sorted by name."""
    package = importlib.import_module(PACKAGE)
    names = sorted(
        info.name for info in pkgutil.iter_modules(package.__path__) if MODULE_NAME.match(info.name)
    )
    pages = []
    for name in names:
        data = importlib.import_module(f"{PACKAGE}.{name}").PAGE
        check_page(name, data)
        pages.append((name, data))
    return pages


def check_page(name: str, data: dict[str, Any]) -> None:
    """Raise ValueError naming the first way a PAGE breaks FORMAT.md."""

    def need(condition: bool, problem: str) -> None:
        if not condition:
            raise ValueError(f"{name}.py: {problem}")

    required = [
        *("lang", "dir", "split", "site", "domain", "sections", "headline", "byline", "paragraphs"),
        *("relative_times", "dateline", "teasers", "trending", "ad_marker", "comments", "edits"),
    ]
    need(not (missing := [key for key in required if key not in data]), f"missing keys {missing}")
    need(data["dir"] in ("ltr", "rtl"), "dir is ltr or rtl")
    need(data["split"] in ("tuned", "held_out"), "split is tuned or held_out")
    paragraphs = data["paragraphs"]
    need(6 <= len(paragraphs) <= 12, "6-12 paragraphs")
    need(all(isinstance(p, str) and p.strip() for p in paragraphs), "paragraphs are non-empty strings")
    need(len(set(map(plain, paragraphs))) == len(paragraphs), "paragraphs are distinct")
    need(len(data["relative_times"]) >= 2, ">= 2 relative_times")
    need(len(data["dateline"]) >= 2, ">= 2 dateline variants")
    need(
        len(data["teasers"]) >= 3 and all(len(t) == 2 for t in data["teasers"]),
        ">= 3 [prefix, headline] teasers",
    )
    need(len(data["trending"]) >= 6, ">= 6 trending headlines")
    need("{n}" in data["comments"], "comments holds {n}")
    need(len(data.get("digits", "0123456789")) == 10, "digits: ten characters, 0 to 9")
    edits = data["edits"]
    need(not (missing := [key for key in REAL_EDITS if key not in edits]), f"edits misses {missing}")
    for kind in FRAGMENT_EDITS:
        index, old, new = edits[kind]
        need(0 <= index < len(paragraphs), f"{kind}: paragraph {index} exists")
        need(old != new and old.strip() == old and new.strip() == new, f"{kind}: old != new, no edge spaces")
        need(paragraphs[index].count(old) == 1, f"{kind}: {old!r} occurs exactly once in paragraph {index}")
    for kind in ("update_note", "correction", "quote"):
        need(
            bool(edits[kind].strip()) and plain(edits[kind]) not in map(plain, paragraphs),
            f"{kind}: new text",
        )
    need(plain(edits["headline"]) != plain(data["headline"]), "headline: a different headline")
    need(0 <= edits["removed"] < len(paragraphs), "removed: a paragraph index")


# -- building ---------------------------------------------------------------------------------------------
def build_corpus() -> Multilingual:
    """Return every page, tuned ones first; the same on every call and in every process."""
    pages: list[Page] = []
    sources: dict[str, dict[str, Any]] = {}
    fragments: dict[tuple[str, int], Fragment] = {}
    modules = page_modules()
    for name, data in sorted(modules, key=lambda item: (item[1]["split"] != "tuned", item[0])):
        page, page_fragments = build_page(name, data)
        pages.append(page)
        sources[name] = data
        fragments.update({(name, number): fragment for number, fragment in page_fragments.items()})
    return Multilingual(Corpus(tuple(pages)), MappingProxyType(sources), MappingProxyType(fragments))


def build_page(name: str, data: dict[str, Any]) -> tuple[Page, dict[int, Fragment]]:
    rng = random.Random(f"{SEED}:{name}")
    published = datetime.fromisoformat(data.get("published", "2026-03-05T14:05:00+00:00"))
    url = f"https://{data['domain']}/news/{published:%Y%m%d}/{stable(name) % 900_000 + 100_000}.html"
    article = Article(
        headline=data["headline"],
        paragraphs=tuple((str(index), text) for index, text in enumerate(data["paragraphs"])),
        modified=published + timedelta(minutes=rng.randint(3, 40)),
    )
    # Half the pages print the dateline, relative time and comment count inside the body, as many
    # CMSes do; the others beside the byline. A generator of its own: the other draws stay as they are.
    in_body = random.Random(f"{SEED}:layout:{name}").random() < 0.5
    chrome = replace(first_chrome(data, rng, keys(article)), meta_in_body=in_body)

    def render(article: Article, chrome: Chrome) -> str:
        return Renderer(data, url, published, article, chrome).document()

    target = rng.randint(*SIZE_TARGET)
    chrome = replace(chrome, filler=max(4000, target - len(render(article, chrome).encode())))
    html = render(article, chrome)
    versions = [Version(0, html, None, None, expected(data, article), None, "first load")]
    fragments: dict[int, Fragment] = {}
    for kind, edit in schedule(data, rng):
        number = len(versions)
        if kind == "noise":
            new_chrome, detail = NOISE_EDITS[edit](data, chrome, rng, keys(article))
            new_html = render(article, new_chrome)
            if new_html == html:
                raise AssertionError(f"{name}: noise {edit} left the page unchanged")
            chrome, html = new_chrome, new_html
            versions.append(Version(number, html, "noise", edit, expected(data, article), None, detail))
            continue
        before = keys(article)
        article, change, detail, fragment = real_edit(edit, data, article, rng)
        chrome = reanchored(chrome, before, keys(article))
        html = render(article, chrome)  # the same furniture as the load before: only the edit differs
        if fragment:
            fragments[number] = fragment
        versions.append(Version(number, html, "real", edit, expected(data, article), change, detail))
    page = Page(
        name=name,
        template=f"multilingual-{language(data)}",
        split=data["split"],
        url=url,
        topic=language(data),
        versions=tuple(versions),
    )
    return page, fragments


def schedule(data: dict[str, Any], rng: random.Random) -> list[tuple[str, str]]:
    """Return the loads after the first: noise and real edits alternating, a full reload last.

    The real edits come in a seeded order, except that a paragraph is removed only after the
    edits inside it."""
    real = list(REAL_EDITS)
    rng.shuffle(real)
    removed = data["edits"]["removed"]
    last_inside = max(
        (real.index(kind) for kind in FRAGMENT_EDITS if data["edits"][kind][0] == removed), default=-1
    )
    if real.index("removed") < last_inside:
        real.remove("removed")
        real.insert(last_inside, "removed")
    noise = list(NOISE_KINDS)
    rng.shuffle(noise)
    noise.append("full_reload")
    loads: list[tuple[str, str]] = []
    for index, edit in enumerate(noise):
        loads.append(("noise", edit))
        if index < len(real):
            loads.append(("real", real[index]))
    return loads


def keys(article: Article) -> tuple[str, ...]:
    return tuple(key for key, _text in article.paragraphs)


def reanchored(chrome: Chrome, before: tuple[str, ...], after: tuple[str, ...]) -> Chrome:
    """Return the chrome with teasers and ad slots that followed a removed paragraph following the
    paragraph before it: they stay where they were in reading order."""
    gone = {key: before[max(0, before.index(key) - 1)] for key in set(before) - set(after)}
    if not gone:
        return chrome
    return replace(
        chrome,
        teasers=tuple(replace(t, after=gone.get(t.after, t.after)) for t in chrome.teasers),
        ad_positions=tuple(dict.fromkeys(gone.get(key, key) for key in chrome.ad_positions)),
    )


def expected(data: dict[str, Any], article: Article) -> ExpectedArticle:
    return ExpectedArticle(
        title=plain(article.headline),
        byline=plain(data["byline"]),
        paragraphs=tuple(plain(text) for text in article.texts()),
    )


def plain(text: str) -> str:
    """Return text as a reader sees it: NFC, any run of whitespace (ideographic spaces too) one space."""
    return unicodedata.normalize("NFC", " ".join(text.split()))


def stable(text: str) -> int:
    """Return a hash of text that is the same in every process (str hashes are salted)."""
    return zlib.crc32(text.encode())


def language(data: dict[str, Any]) -> str:
    return data["lang"].split("-")[0].lower()


def locale(data: dict[str, Any]) -> Locale:
    return LOCALES.get(language(data), LOCALES["en"])


# -- real edits ---------------------------------------------------------------------------------------------
def change(**fields: object) -> ExpectedChange:
    base: dict[str, object] = dict(title=None, byline=None, inserted=(), deleted=(), changed=(), moved=())
    base.update(fields)
    return ExpectedChange(**base)  # type: ignore[arg-type]


def real_edit(
    edit: str, data: dict[str, Any], article: Article, rng: random.Random
) -> tuple[Article, ExpectedChange, str, Fragment | None]:
    """Apply one real edit from PAGE["edits"] to the article as it now stands."""
    spec = data["edits"][edit]
    modified = article.modified + timedelta(minutes=rng.randint(12, 95))
    paragraphs = list(article.paragraphs)
    keys = [key for key, _text in paragraphs]
    if edit in FRAGMENT_EDITS:
        index = keys.index(str(spec[0]))
        old_text = paragraphs[index][1]
        old, new = spec[1], spec[2]
        if old_text.count(old) != 1:
            raise ValueError(f"{edit}: {old!r} no longer occurs once in paragraph {spec[0]}")
        new_text = old_text.replace(old, new, 1)
        paragraphs[index] = (keys[index], new_text)
        fragment = Fragment(index, old_text, new_text, old, new, old_text.index(old))
        return (
            Article(article.headline, tuple(paragraphs), modified),
            change(changed=((plain(old_text), plain(new_text)),)),
            f"paragraph {index}: {old} -> {new}",
            fragment,
        )
    if edit in ("update_note", "correction"):
        paragraphs.append((edit, spec))
        return (
            Article(article.headline, tuple(paragraphs), modified),
            change(inserted=(plain(spec),)),
            f"{edit} appended",
            None,
        )
    if edit == "quote":
        at = (len(paragraphs) + 1) // 2
        paragraphs.insert(at, (edit, spec))
        return (
            Article(article.headline, tuple(paragraphs), modified),
            change(inserted=(plain(spec),)),
            f"quote inserted at paragraph {at}",
            None,
        )
    if edit == "headline":
        return (
            Article(spec, article.paragraphs, modified),
            change(title=(plain(article.headline), plain(spec))),
            "headline rewritten",
            None,
        )
    index = keys.index(str(spec))
    gone = paragraphs.pop(index)[1]
    return (
        Article(article.headline, tuple(paragraphs), modified),
        change(deleted=(plain(gone),)),
        f"paragraph {index} removed",
        None,
    )


# -- noise ----------------------------------------------------------------------------------------------------
def nonce(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(22)) + "=="


def first_chrome(data: dict[str, Any], rng: random.Random, keys: tuple[str, ...]) -> Chrome:
    styles = len(locale(data).teaser_styles)
    places = rng.sample(keys[1:-1], 2 if len(keys) >= 8 else 1)
    whiches = rng.sample(range(len(data["teasers"])), len(places))
    teasers = tuple(
        Teaser(after, which, rng.randrange(styles)) for after, which in zip(places, whiches, strict=True)
    )
    start = rng.randint(1, 2)
    return Chrome(
        relative=0,
        dateline=0,
        teasers=teasers,
        trending_seed=rng.randint(1, 10**6),
        ad_seed=rng.randint(1, 10**6),
        ad_positions=keys[start : -1 : rng.randint(3, 4)],
        comments=rng.randint(3, 400),
        nonce=nonce(rng),
        build=f"{rng.randint(20260101, 20260228)}.{rng.randint(1, 9)}",
        ws_style=0,
        attr_seed=0,
    )


NoiseEdit = Callable[[dict[str, Any], Chrome, random.Random, tuple[str, ...]], tuple[Chrome, str]]


def other(count: int, current: int, rng: random.Random) -> int:
    """Return an index below count other than current."""
    return rng.choice([index for index in range(count) if index != current])


def relative_time(
    data: dict[str, Any], chrome: Chrome, rng: random.Random, _keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    new = other(len(data["relative_times"]), chrome.relative, rng)
    return replace(chrome, relative=new), f"relative time -> {data['relative_times'][new]}"


def dateline(
    data: dict[str, Any], chrome: Chrome, rng: random.Random, _keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    new = other(len(data["dateline"]), chrome.dateline, rng)
    return replace(chrome, dateline=new), f"dateline -> {data['dateline'][new]}"


def teaser(
    data: dict[str, Any], chrome: Chrome, rng: random.Random, keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    """Rotate one in-body teaser to another story and move it between two other paragraphs."""
    teasers = list(chrome.teasers)
    pick = rng.randrange(len(teasers))
    shown = {t.which for t in teasers}
    taken = {t.after for t in teasers}
    which = rng.choice([i for i in range(len(data["teasers"])) if i not in shown] or [teasers[pick].which])
    after = rng.choice([key for key in keys[1:-1] if key not in taken] or [teasers[pick].after])
    teasers[pick] = replace(teasers[pick], which=which, after=after)
    detail = f"teaser -> {data['teasers'][which][1]!r} after paragraph {keys.index(after)}"
    return replace(chrome, teasers=tuple(teasers)), detail


def trending(
    _data: dict[str, Any], chrome: Chrome, rng: random.Random, _keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    return replace(chrome, trending_seed=chrome.trending_seed + rng.randint(1, 999)), "trending box rotated"


def ads(
    _data: dict[str, Any], chrome: Chrome, rng: random.Random, keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    start, step = rng.randint(1, 3), rng.randint(2, 4)
    positions = keys[start:-1:step]
    return (
        replace(chrome, ad_seed=chrome.ad_seed + rng.randint(1, 999), ad_positions=positions),
        f"new ad slot ids and creatives; inline slots after paragraphs {[keys.index(k) for k in positions]}",
    )


def comments(
    _data: dict[str, Any], chrome: Chrome, rng: random.Random, _keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    new = chrome.comments + rng.randint(1, 60)
    return replace(chrome, comments=new), f"comments {chrome.comments} -> {new}"


def markup(
    _data: dict[str, Any], chrome: Chrome, rng: random.Random, _keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    """Another whitespace style and attribute order, a new nonce and asset version."""
    style = (chrome.ws_style + rng.randint(1, WS_STYLES - 1)) % WS_STYLES
    build = f"{int(chrome.build.split('.')[0]) + rng.randint(1, 9)}.{rng.randint(1, 9)}"
    return (
        replace(chrome, ws_style=style, attr_seed=rng.randint(1, 10**6), nonce=nonce(rng), build=build),
        f"whitespace style {style}, attributes reordered, new nonce, assets ?v={build}",
    )


def full_reload(
    data: dict[str, Any], chrome: Chrome, rng: random.Random, keys: tuple[str, ...]
) -> tuple[Chrome, str]:
    for edit in (relative_time, dateline, teaser, trending, ads, comments, markup):
        chrome, _detail = edit(data, chrome, rng, keys)
    return chrome, "a later load: every kind of churn at once"


NOISE_EDITS: dict[str, NoiseEdit] = {
    "relative_time": relative_time,
    "dateline": dateline,
    "teaser": teaser,
    "trending": trending,
    "ads": ads,
    "comments": comments,
    "markup": markup,
    "full_reload": full_reload,
}


# -- rendering ------------------------------------------------------------------------------------------------
@dataclass
class Renderer:
    """One render of one page; randomness only from the chrome's seeds and the page's name."""

    data: dict[str, Any]
    url: str
    published: datetime
    article: Article
    chrome: Chrome
    calls: int = field(default=0)

    @property
    def loc(self) -> Locale:
        return locale(self.data)

    @property
    def base(self) -> str:
        return f"https://{self.data['domain']}"

    def digits(self, text: object) -> str:
        """Return text with ASCII digits in the page's own digits (PAGE["digits"])."""
        return str(text).translate(str.maketrans("0123456789", self.data.get("digits", "0123456789")))

    def tag(self, name: str, *attrs: tuple[str, str]) -> str:
        """Return an opening tag; the attribute order is shuffled when the chrome says so."""
        self.calls += 1
        items = list(attrs)
        if self.chrome.attr_seed:
            random.Random(self.chrome.attr_seed * 7919 + self.calls).shuffle(items)
        return f"<{name}" + "".join(f' {key}="{escape(value)}"' for key, value in items) + ">"

    def link(self, text: str, kind: str, index: int) -> str:
        href = f"{self.base}/{kind}/{published_day(self.published)}/{stable(text) % 900_000 + 100_000}.html"
        return f"{self.tag('a', ('href', href), ('data-link', f'{kind}-{index}'))}{escape(text)}</a>"

    def date_line(self) -> str:
        day, loc = self.published, self.loc
        weekday = loc.weekdays[day.weekday()]
        text = loc.date.format(
            y=day.year,
            m=day.month,
            d=day.day,
            w=weekday,
            W=weekday[:1].upper() + weekday[1:],
            month=loc.months[day.month - 1] if loc.months else day.month,
            be=day.year + 543,
        )
        return self.digits(text)

    # -- the document --------------------------------------------------------------------------------------
    def document(self) -> str:
        data, c = self.data, self.chrome
        html = f"""<!DOCTYPE html>
<html lang="{escape(data["lang"])}" dir="{data["dir"]}">
<head>
{self.head()}
</head>
<body class="page page--article lang-{language(data)}">
<a class="skip-link" href="#main">{escape(self.loc.home)}</a>
{self.ad_slot("top", "leaderboard", "728x90")}
{self.header()}
<main id="main" class="layout">
<div class="layout__main">
{self.article_html()}
{self.related()}
{self.comments_box()}
</div>
{self.sidebar()}
</main>
{self.footer()}
{self.scripts()}
</body>
</html>"""
        return styled(html, c.ws_style)

    def head(self) -> str:
        data, a, c, loc = self.data, self.article, self.chrome, self.loc
        title = escape(a.headline)
        description = escape(summary(a.texts()[0]))
        section = data.get("section", data["sections"][0])
        return f"""<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {escape(data["site"])}</title>
<meta name="description" content="{description}">
<meta name="keywords" content="{escape(", ".join(data["sections"][:4]))}">
<meta name="author" content="{escape(data.get("author", data["byline"]))}">
<meta name="robots" content="index, follow, max-image-preview:large">
<link rel="canonical" href="{self.url}">
<link rel="alternate" hreflang="{escape(data["lang"])}" href="{self.url}">
<meta property="og:type" content="article">
<meta property="og:locale" content="{loc.og_locale}">
<meta property="og:site_name" content="{escape(data["site"])}">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:url" content="{self.url}">
<meta property="og:image" content="{self.base}/img/{published_day(self.published)}/{stable(self.url) % 10**6}_1200x675.jpg">
<meta property="article:published_time" content="{self.published.isoformat()}">
<meta property="article:modified_time" content="{a.modified.isoformat()}">
<meta property="article:section" content="{escape(section)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:title" content="{title}">
<link rel="preconnect" href="https://securepubads.g.doubleclick.net">
<link rel="stylesheet" href="{self.base}/static/css/main.css?v={c.build}">
<link rel="icon" href="{self.base}/favicon.ico?v={c.build}">
<style>{css(self.data, c.filler)}</style>
<script type="application/ld+json">{json.dumps(self.json_ld(section), ensure_ascii=False)}</script>
<script nonce="{c.nonce}">window.__APP_CONFIG__ = {json.dumps(self.config(section), ensure_ascii=False)};</script>
<script nonce="{c.nonce}" async src="https://www.googletagmanager.com/gtag/js?id=G-{stable(data["domain"]) % 10**8:08d}"></script>
<script nonce="{c.nonce}">window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}gtag('js',new Date());gtag('config','G-{stable(data["domain"]) % 10**8:08d}',{{'content_group':'{language(data)}-article'}});</script>"""

    def json_ld(self, section: str) -> dict[str, object]:
        data, a = self.data, self.article
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.url},
            "headline": a.headline,
            "description": summary(a.texts()[0]),
            "inLanguage": data["lang"],
            "datePublished": self.published.isoformat(),
            "dateModified": a.modified.isoformat(),
            "author": [{"@type": "Person", "name": data.get("author", data["byline"])}],
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": data["site"],
                "logo": {"@type": "ImageObject", "url": f"{self.base}/static/logo-600x60.png"},
            },
            "articleSection": section,
            "isAccessibleForFree": True,
        }

    def config(self, section: str) -> dict[str, object]:
        c = self.chrome
        return {
            "lang": self.data["lang"],
            "section": section,
            "pageType": "article",
            "contentId": stable(self.url) % 10**7,
            "build": c.build,
            "pvid": f"{c.ad_seed:x}{c.trending_seed:x}",
            "ads": {"network": 21_700_000 + stable(self.data["domain"]) % 10_000, "lazy": True},
        }

    def header(self) -> str:
        data, loc = self.data, self.loc
        sections = "\n".join(
            f'<li class="nav__item">{self.tag("a", ("class", "nav__link"), ("href", f"{self.base}/{index}/"))}{escape(name)}</a></li>'
            for index, name in enumerate(data["sections"], start=1)
        )
        return f"""<header class="site-header">
<div class="masthead">
<div class="masthead__date">{escape(self.date_line())}</div>
{self.tag("a", ("class", "masthead__logo"), ("href", f"{self.base}/"), ("title", data["site"]))}{escape(data["site"])}</a>
<div class="masthead__actions">
<a class="masthead__search" href="{self.base}/search">{escape(loc.search)}</a>
<a class="masthead__login" href="{self.base}/login">{escape(loc.login)}</a>
{self.tag("a", ("class", "masthead__subscribe button"), ("href", f"{self.base}/subscribe?src=header"))}{escape(loc.subscribe)}</a>
</div>
</div>
{self.tag("nav", ("class", "nav"), ("aria-label", loc.home))}
<ul class="nav__list">
{sections}
</ul>
</nav>
</header>"""

    def article_html(self) -> str:
        data, a = self.data, self.article
        times = f"""{self.tag("time", ("class", "article__ago"), ("datetime", self.published.isoformat()))}{escape(self.relative())}</time>"""
        meta = f"""<span class="article__byline">{escape(data["byline"])}</span>""" + (
            ""
            if self.chrome.meta_in_body
            else f"""<span class="article__sep" aria-hidden="true"> · </span>{times}
<span class="article__dateline">{escape(self.dateline())}</span>
{self.tag("a", ("class", "article__comments"), ("href", "#comments"))}{escape(self.comment_count())}</a>"""
        )
        body = (
            f"""<p class="article__info">{escape(self.dateline())} · {times}</p>
{self.body()}
<p class="article__count">{self.tag("a", ("href", "#comments"))}{escape(self.comment_count())}</a></p>"""
            if self.chrome.meta_in_body
            else self.body()
        )
        return f"""{self.tag("article", ("class", "article"), ("id", f"article-{stable(self.url) % 10**7}"))}
<header class="article__header">
<div class="article__kicker"><a href="{self.base}/1/">{escape(data.get("section", data["sections"][0]))}</a></div>
<h1 class="article__title">{escape(a.headline)}</h1>
<div class="article__meta">
{meta}
</div>
{self.share()}
</header>
<div class="article__image"><img src="{self.base}/img/{published_day(self.published)}/{stable(self.url) % 10**6}_960x540.jpg" width="960" height="540" alt="" loading="eager"></div>
<div class="article__body">
{body}
</div>
</article>"""

    def relative(self) -> str:
        return self.data["relative_times"][self.chrome.relative]

    def dateline(self) -> str:
        return self.data["dateline"][self.chrome.dateline]

    def comment_count(self) -> str:
        return self.digits(self.data["comments"].format(n=self.chrome.comments))

    def body(self) -> str:
        """Return the paragraphs, with teasers and ad slots after the paragraphs they follow (never
        after the last one: what followed it is shown before it)."""
        a, c = self.article, self.chrome
        order = keys(a)
        place = {key: order[-2] if key == order[-1] else key for key in order}
        teasers: dict[str, list[Teaser]] = {}
        for item in c.teasers:
            teasers.setdefault(place.get(item.after, order[-2]), []).append(item)
        ad_after = {place.get(key, order[-2]) for key in c.ad_positions}
        out, slot = [], 0
        for key, text in a.paragraphs:
            out.append(f"<p>{escape(text)}</p>")
            for item in teasers.get(key, []):
                out.append(self.teaser(item))
            if key in ad_after:
                slot += 1
                out.append(self.ad_slot(f"inline-{slot}", "in-article", "300x250"))
        return "\n".join(out)

    def teaser(self, item: Teaser) -> str:
        prefix, headline = self.data["teasers"][item.which]
        prefix = TEASER_PUNCTUATION.sub("", prefix)  # the style writes the language's own
        style = self.loc.teaser_styles[item.style % len(self.loc.teaser_styles)]
        return "<p>" + style.format(p=escape(prefix), a=self.link(headline, "article", item.which)) + "</p>"

    def ad_slot(self, name: str, kind: str, size: str) -> str:
        rng = random.Random(f"{name}:{self.chrome.ad_seed}")
        slot = f"div-gpt-ad-{rng.randint(10**12, 10**13 - 1)}-0"
        brand = rng.choice(ADVERTISERS)
        width, height = size.split("x")
        creative = (
            f'<a href="https://adclick.g.doubleclick.net/pcs/click?xai={rng.getrandbits(64):x}" rel="sponsored noopener" target="_blank">'
            f'<img src="https://tpc.googlesyndication.com/simgad/{rng.getrandbits(48)}" width="{width}" height="{height}" alt="{escape(brand)}"></a>'
        )
        return (
            f"{self.tag('div', ('class', f'ad-slot ad-slot--{kind}'), ('data-slot', name), ('data-ad-id', slot))}\n"
            f'<p class="ad-slot__label">{escape(self.data["ad_marker"])}</p>\n'
            f"{self.tag('div', ('id', slot), ('class', 'ad-slot__creative'), ('style', f'min-height:{height}px'))}{creative}</div>\n"
            "</div>"
        )

    def share(self) -> str:
        encoded = quote(self.url, safe="")
        links = (
            ("weibo", f"https://service.weibo.com/share/share.php?url={encoded}")
            if language(self.data) == "zh"
            else ("facebook", f"https://www.facebook.com/sharer/sharer.php?u={encoded}"),
            ("x", f"https://x.com/intent/post?url={encoded}"),
            (
                "line" if language(self.data) in ("ja", "th") else "whatsapp",
                f"https://social.example/share?u={encoded}",
            ),
        )
        items = "".join(
            f'<li>{self.tag("a", ("class", f"share__{name}"), ("href", href), ("rel", "noopener"), ("aria-label", f"{self.loc.share} {name}"))}<svg width="20" height="20" aria-hidden="true"><use href="#icon-{name}"></use></svg></a></li>'
            for name, href in links
        )
        return f'<div class="share"><span class="share__label">{escape(self.loc.share)}</span><ul class="share__list">{items}</ul></div>'

    def picks(self, which: str, count: int) -> list[int]:
        pool = self.data["trending"]
        return random.Random(f"{which}:{self.chrome.trending_seed}").sample(
            range(len(pool)), min(count, len(pool))
        )

    def related(self) -> str:
        items = "\n".join(
            f'<li class="related__item">{self.link(self.data["trending"][index], "story", index)}</li>'
            for index in self.picks("related", 3)
        )
        return f'<section class="related">\n<h2 class="related__title">{escape(self.loc.related)}</h2>\n<ul class="related__list">\n{items}\n</ul>\n</section>'

    def comments_box(self) -> str:
        return f"""<section id="comments" class="comments">
<h2 class="comments__title">{escape(self.loc.comments)} <span class="comments__count">{escape(self.comment_count())}</span></h2>
<div class="comments__login"><a href="{self.base}/login?next=comments">{escape(self.loc.login)}</a></div>
</section>"""

    def sidebar(self) -> str:
        times = self.data["relative_times"]
        items = "\n".join(
            f'<li class="trending__item"><span class="trending__rank">{self.digits(rank)}</span>{self.link(self.data["trending"][index], "story", index)}'
            f'<span class="trending__time">{escape(times[(rank + self.chrome.relative) % len(times)])}</span></li>'
            for rank, index in enumerate(self.picks("trending", 5), start=1)
        )
        return f"""<aside class="layout__side">
<section class="trending">
<h2 class="trending__title">{escape(self.loc.trending)}</h2>
<ol class="trending__list">
{items}
</ol>
</section>
{self.ad_slot("side", "sidebar", "300x600")}
</aside>"""

    def footer(self) -> str:
        data, loc = self.data, self.loc
        links = "\n".join(
            f'<li><a href="{self.base}/info/{index}">{escape(label)}</a></li>'
            for index, label in enumerate(loc.footer, start=1)
        )
        rights = self.digits(
            loc.rights.format(site=data["site"], year=self.published.year, be=self.published.year + 543)
        )
        return f"""<footer class="site-footer">
<nav class="site-footer__nav"><ul>
{links}
</ul></nav>
<p class="site-footer__rights">{escape(rights)}</p>
</footer>"""

    def scripts(self) -> str:
        c = self.chrome
        slots = ", ".join(
            f"'{random.Random(f'inline-{n}:{c.ad_seed}').randint(10**12, 10**13 - 1)}'"
            for n in range(1, len(c.ad_positions) + 1)
        )
        return f"""<svg xmlns="http://www.w3.org/2000/svg" style="display:none"><symbol id="icon-x" viewBox="0 0 24 24"><path d="M18 2h3l-7 8 8 12h-6l-5-7-6 7H2l8-9L2 2h6l4 6z"/></symbol></svg>
<script nonce="{c.nonce}" src="{self.base}/static/js/vendor.js?v={c.build}" defer></script>
<script nonce="{c.nonce}" src="{self.base}/static/js/article.js?v={c.build}" defer></script>
<script nonce="{c.nonce}">window.googletag=window.googletag||{{cmd:[]}};googletag.cmd.push(function(){{[{slots}].forEach(function(id){{googletag.display('div-gpt-ad-'+id+'-0');}});}});</script>
<script nonce="{c.nonce}" async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>"""


def published_day(day: datetime) -> str:
    return f"{day:%Y%m%d}"


def summary(text: str, limit: int = 90) -> str:
    """Return the start of text for meta descriptions, cut with an ellipsis."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


CSS_BLOCKS = (
    "masthead",
    "nav",
    "article",
    "share",
    "ad-slot",
    "trending",
    "related",
    "comments",
    "footer",
    "layout",
)
CSS_ELEMENTS = ("title", "link", "item", "list", "meta", "label", "body", "image", "inner", "rank")
CSS_DECLARATIONS = (
    "display:flex", "display:block", "display:none", "margin:0 auto", "padding:12px 16px", "color:#1a1a1a",
    "color:#c00", "font-size:15px", "font-size:1.125rem", "line-height:1.8", "border-bottom:1px solid #e5e5e5",
    "background:#f7f7f7", "gap:12px", "max-width:680px", "position:relative", "font-weight:700",
)  # fmt: skip


def css(data: dict[str, Any], size: int) -> str:
    """Return about `size` bytes of critical CSS, the same on every load of the page."""
    rng = random.Random(f"css:{data['domain']}")
    font = {
        "zh": '"PingFang SC","Microsoft YaHei",sans-serif',
        "ja": '"Hiragino Kaku Gothic ProN",Meiryo,sans-serif',
        "ko": '"Apple SD Gothic Neo","Malgun Gothic",sans-serif',
        "th": '"Sarabun","Noto Sans Thai",sans-serif',
        "ar": '"Noto Naskh Arabic",Tahoma,sans-serif',
        "he": '"Assistant",Arial,sans-serif',
        "hi": '"Noto Sans Devanagari",Mangal,sans-serif',
    }.get(language(data), "Georgia,serif")
    out = [f"body{{margin:0;font-family:{font}}}", "*,:before,:after{box-sizing:border-box}"]
    total = sum(map(len, out))
    while total < size:
        selector = f".{rng.choice(CSS_BLOCKS)}__{rng.choice(CSS_ELEMENTS)}"
        if rng.random() < 0.25:
            selector += f"--{rng.choice(('active', 'compact', 'wide', 'dark', 'hidden'))}"
        rule = f"{selector}{{{';'.join(rng.sample(CSS_DECLARATIONS, rng.randint(2, 5)))}}}"
        if rng.random() < 0.1:
            rule = f"@media (min-width:{rng.choice((768, 1024, 1280))}px){{{rule}}}"
        out.append(rule)
        total += len(rule)
    return "".join(out)
