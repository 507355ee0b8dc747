"""The language an article is written in: the tag its page declares, normalised to BCP 47, unless
the text's script plainly belies it; else the language py3langid detects in the text.

Declared wins because a page knows its region and script (zh-TW, sr-Latn) and detection does not.
But CMS templates often say lang="en" whatever the article's language, so a declaration whose
language is not written in the script of most of the text's words is not believed.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import regex

from tracker.domain.textunits import count_words, tokens

DETECTOR_IMPORT = threading.Lock()  # no thread imports py3langid while it is hidden (detector_hidden)
MAX_TAG_CHARS = 35  # what versions store (tracker.adapters.models); real tags are far shorter
# Well-formed BCP 47 (RFC 5646 section 2.1), lower-cased: language (with extended subtags, zh-yue),
# script, region, variants, extensions, private use. Grandfathered oddities (i-klingon) are refused.
LANGUAGE_TAG = regex.compile(
    r"""[a-z]{2,3}(?:-[a-z]{3}){0,3}
        (?:-[a-z]{4})?
        (?:-(?:[a-z]{2}|[0-9]{3}))?
        (?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*
        (?:-[a-wyz0-9](?:-[a-z0-9]{2,8})+)*
        (?:-x(?:-[a-z0-9]{1,8})+)?""",
    regex.VERBOSE,
)
# Tags that say no language was stated (undetermined, several, not applicable, no text).
NOT_A_LANGUAGE = frozenset({"und", "mul", "mis", "zxx"})
LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "bn": "Bengali", "ca": "Catalan", "cs": "Czech",
    "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian", "it": "Italian",
    "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "ms": "Malay",
    "nb": "Norwegian Bokmål", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip
# Pages write <meta name="language" content="English"> as often as "en".
CODES_BY_NAME = {name.lower(): code for code, name in LANGUAGE_NAMES.items()}
RIGHT_TO_LEFT = frozenset({"ar", "arz", "ary", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})

# The scripts whose share of a text is weighed; a word of any other script (Tamil, Georgian ...)
# counts against all of them. Han and kana are one: Chinese and Japanese share the characters.
SCRIPTS = {
    "Latin": r"\p{sc=Latin}",
    "Han": r"[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}]",
    "Hangul": r"\p{sc=Hangul}",
    "Arabic": r"\p{sc=Arabic}",
    "Hebrew": r"\p{sc=Hebrew}",
    "Cyrillic": r"\p{sc=Cyrillic}",
    "Greek": r"\p{sc=Greek}",
    "Thai": r"\p{sc=Thai}",
    "Devanagari": r"\p{sc=Devanagari}",
}
SCRIPT_OF_WORD = regex.compile("|".join(f"(?P<{name}>{letter})" for name, letter in SCRIPTS.items()))
# The languages written in each script; a language named nowhere is written in Latin.
WRITTEN_IN = {
    "Latin": {"az", "bs", "cnr", "ku", "kk", "ms", "sh", "sr", "tk", "uz"},
    "Han": {"zh", "ja", "yue", "wuu", "cmn", "lzh", "nan", "hak", "gan"},
    "Hangul": {"ko"},
    "Arabic": {"ar", "arz", "ary", "ckb", "fa", "ks", "ku", "pnb", "prs", "ps", "sd", "ug", "ur"},
    "Hebrew": {"he", "iw", "yi", "lad"},
    "Cyrillic": {"ru", "uk", "be", "bg", "mk", "sr", "sh", "bs", "cnr", "mn", "kk", "ky", "tg", "tt",
                 "ba", "cv", "ce", "os", "sah", "uz", "az"},
    "Greek": {"el", "grc"},
    "Thai": {"th"},
    "Devanagari": {"hi", "mr", "ne", "sa", "mai", "bho", "kok", "new", "awa", "mag", "doi"},
}  # fmt: skip
PLAINLY = 0.5  # a script "plainly" holds a text when more than this share of its words are in it
SAMPLE_CHARS = 3000  # enough to tell the language; detection costs ~0.2 ms per 1,000 characters
MIN_DETECT_WORDS = 20  # below, py3langid guesses ("Hello there" is Sesotho)
MIN_CONFIDENCE = 0.5  # its probability, normalised over its 97 languages


def article_language(declared: str | None, text: str) -> str | None:
    """Return the article's language: the declared tag, unless the text's script plainly belies it;
    else the language detected in text (None when the text is too short or unclear)."""
    if declared is not None and not belied_by_script(declared, text):
        return declared
    return detected_language(text)


def language_tag(value: str) -> str | None:
    """Return value as a BCP 47 tag in canonical case ("zh_cn" -> "zh-CN", "English" -> "en"), or
    None when it is no language tag. Takes the first of a list ("en-US, fr") and drops a POSIX
    locale's encoding ("en_US.UTF-8")."""
    first = regex.split(r"[,;\s]+", value.strip().strip("'\"").lower(), maxsplit=1)[0]
    candidate = CODES_BY_NAME.get(first) or regex.split(r"[.@]", first.replace("_", "-"), maxsplit=1)[0]
    if len(candidate) > MAX_TAG_CHARS or not LANGUAGE_TAG.fullmatch(candidate):
        return None
    if candidate.split("-")[0] in NOT_A_LANGUAGE:
        return None
    return canonical_case(candidate)


def canonical_case(tag: str) -> str:
    """Return a lower-cased tag with its region in upper case and its script in title case; subtags
    after a singleton (extensions, private use) stay lower case (RFC 5646 section 2.1.1)."""
    subtags = tag.split("-")
    cased = [subtags[0]]
    in_extension = False
    for subtag in subtags[1:]:
        in_extension = in_extension or len(subtag) == 1
        if not in_extension and len(subtag) == 2:
            subtag = subtag.upper()
        elif not in_extension and len(subtag) == 4 and subtag.isalpha():
            subtag = subtag.title()
        cased.append(subtag)
    return "-".join(cased)


def belied_by_script(tag: str, text: str) -> bool:
    """True when most of text's words are in a script the tag's language is not written in."""
    script = dominant_script(text)
    if script is None:
        return False
    language = tag.split("-")[0]
    written_in = {name for name, languages in WRITTEN_IN.items() if language in languages} or {"Latin"}
    return script not in written_in


def dominant_script(text: str) -> str | None:
    """Return the script that plainly holds text (words, and each Han or kana character, counted
    as tracker.domain.textunits counts them), or None."""
    bare = (token.removeprefix(" ") for token in tokens(text[:SAMPLE_CHARS]))  # a word keeps its space
    scripts = Counter(
        (match.lastgroup if (match := SCRIPT_OF_WORD.match(word)) else None)
        for word in bare
        if word[:1].isalpha()
    )
    if not scripts:
        return None
    script, words = scripts.most_common(1)[0]
    return script if words > PLAINLY * scripts.total() else None


def detected_language(text: str) -> str | None:
    """Return the language py3langid finds in text; None when the text is short or it is unsure."""
    if count_words(text[:SAMPLE_CHARS]) < MIN_DETECT_WORDS:
        return None
    language, probability = identifier().classify(text[:SAMPLE_CHARS])
    if probability < MIN_CONFIDENCE:
        return None
    return language_tag(language)


@functools.cache
def identifier() -> Any:
    """Return py3langid's identifier, with probabilities. Imported and loaded on first use (numpy
    costs ~0.14 s to import, the model ~0.5 s to load): pages that declare a language never pay."""
    with DETECTOR_IMPORT:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@contextlib.contextmanager
def detector_hidden() -> Iterator[None]:
    """Hide py3langid from the imports made inside, unless it is loaded already.

    trafilatura imports it (and numpy with it: ~0.14 s, a third of a reading process's start) as it is
    imported, only to filter pages by a target language, which we never ask for: we detect a page's
    language ourselves, on first need (`identifier`). A None in sys.modules makes `import py3langid`
    raise ImportError, which trafilatura takes as "not installed"."""
    with DETECTOR_IMPORT:
        if "py3langid" in sys.modules:
            yield
            return
        sys.modules["py3langid"] = None  # type: ignore[assignment]
        try:
            yield
        finally:
            del sys.modules["py3langid"]


def language_label(tag: str | None) -> str:
    """Return how a page names the language: "Chinese (zh-CN)", or the bare tag when unnamed."""
    if not tag:
        return "unknown"
    name = LANGUAGE_NAMES.get(tag.split("-")[0])
    return f"{name} ({tag})" if name else tag


def text_direction(tag: str | None) -> str:
    """Return the dir attribute for text in this language: rtl for right-to-left languages, else
    auto (the browser reads the direction from the text)."""
    return "rtl" if tag and tag.split("-")[0] in RIGHT_TO_LEFT else "auto"
