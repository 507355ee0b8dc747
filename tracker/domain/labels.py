"""Labels that say what kind of change a diff is: update notes, headline changes, stealth edits...

Pure functions of a TextDiff and a few facts about the two versions. Each rule is small and
listed here, one language a line; tests/test_labels.py (English) and tests/test_labels_languages.py
(the others) have a case for each.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from tracker.domain.diff import Block, Summary, TextDiff
from tracker.domain.noise import DATE_SEPARATOR, DATE_WORD, compiled, either, words
from tracker.domain.textunits import SPACELESS_LETTER, count_words

# Stored paragraphs are NFC with single spaces (tracker.domain.normalize): the rules below are too.
MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# English notes, as editors write them: "Update, March 2, 2:55 p.m.: ...", "Updated on March 5 to ...".
ENGLISH_NOTE = either(
    r"(?:update|updated|correction|corrected|clarification|editor['’]?s['’]? note|note)\b[^:]{0,40}?(?::|\s[—–-]\s)",
    rf"updated?\s+(?:on\s+|at\s+|in\s+)?(?:{MONTH}|\d)",
)
# The words other languages open a note with. Many also open ordinary sentences ("更新后的数据显示…",
# "Поправка к закону…", "Précision chirurgicale…"), so a note is only one in a note's form (NOTE_TAIL).
UPDATE_WORDS = words(
    "aktualisiert aktualisierung nachtrag ergänzung anmerkung_der_redaktion",  # German
    "mise_à_jour mis_à_jour actualisation actualisé note_de_la_rédaction précision",  # French
    "actualización actualizado actualizada nota_del_editor nota_de_la_redacción aclaración",  # Spanish
    "atualização atualizado atualizada actualização nota_da_redação nota_do_editor esclarecimento",  # Portuguese
    "aggiornamento aggiornato nota_della_redazione precisazione",  # Italian
    "bijgewerkt aanvulling naschrift noot_van_de_redactie verduidelijking",  # Dutch
    "обновлено обновление дополнено от_редакции примечание_редакции уточнение",  # Russian
    "تحديث تم_التحديث ملاحظة_المحرر توضيح",  # Arabic
    "更新 补充 補充 编者按 編者按 编者注 編者注",  # Chinese
    "追記",  # Japanese (更新 as in Chinese)
    "업데이트 수정",  # Korean
    "עדכון הבהרה",  # Hebrew
    "अपडेट",  # Hindi
    "อัปเดต อัพเดต",  # Thai
)
CORRECTION_WORDS = words(
    "korrektur berichtigung richtigstellung",  # German
    "rectificatif correction erratum",  # French
    "corrección fe_de_errores fe_de_erratas rectificación",  # Spanish
    "correção correcção errata retificação",  # Portuguese
    "correzione errata_corrige rettifica",  # Italian
    "rectificatie correctie",  # Dutch
    "исправление поправка",  # Russian
    "تصحيح تنويه استدراك",  # Arabic
    "更正 订正 訂正 勘误 勘誤 更正启事 更正啟事 更正声明 更正聲明",  # Chinese
    "修正 お詫びと訂正 おわびと訂正",  # Japanese (訂正 as in Chinese)
    "정정 정정보도 바로잡습니다",  # Korean
    "תיקון",  # Hebrew
    "सुधार",  # Hindi
    "แก้ไข",  # Thai
)
# What follows the word in a note: "Aktualisiert: …", "【更新】", "更新（3月5日）：", "Actualización
# (5/3/2026): …", "Обновлено 5 марта: …", "更新于3月5日，…", "Mise à jour le 5 mars, …", "Aktualisiert am 5.
# März um 14 Uhr mit …" (a date of two words or more: "Обновлено 5 новых правил" is no note).
DATES_THEN = rf"(?:{DATE_WORD}{DATE_SEPARATOR})"
NOTE_TAIL = either(
    r"\s*[:：]",
    r"\s[—–-]\s",
    r"\s*[)）\]】］»>]",
    r"\s*[(（\[【［][^)）\]】］]{0,40}?\d[^)）\]】］]{0,40}[)）\]】］]",
    rf"[\s,，]*{DATES_THEN}++(?:[:：]|(?<=[,，]))",
    rf"\s+{DATES_THEN}{{2,}}+",
)
# "This article has been updated …" in each language.
THIS_ARTICLE_CHANGED = either(
    r"this (?:article|story|post|report) (?:has been|was) (?:updated|corrected|amended)",  # English
    r"(?:dieser|der) (?:artikel|text|beitrag) wurde .{0,40}?(?:aktualisiert|korrigiert|ergänzt|geändert)",  # German
    r"cet article a été .{0,40}?(?:mis à jour|modifié|corrigé|actualisé|complété)",  # French
    r"(?:este|esta) (?:artículo|nota|información|noticia) (?:ha sido|fue) .{0,40}?"
    r"(?:actualizad[oa]|corregid[oa]|modificad[oa])",  # Spanish
    r"(?:este|esta) (?:artigo|texto|reportagem|notícia|matéria) foi .{0,40}?"
    r"(?:atualizad[oa]|actualizad[oa]|corrigid[oa]|modificad[oa])",  # Portuguese
    r"questo articolo è stato .{0,40}?(?:aggiornato|corretto|modificato)",  # Italian
    r"dit (?:artikel|bericht|stuk) is .{0,40}?(?:bijgewerkt|aangepast|gecorrigeerd|aangevuld)",  # Dutch
    r"(?:эта |этот )?(?:статья|материал|новость) .{0,40}?(?:обновлен[аоы]?|исправлен[аоы]?|дополнен[аоы]?)",  # Russian
    r"تم (?:تحديث|تصحيح|تعديل) (?:هذا|هذه) (?:الخبر|المقال|التقرير|المادة|القصة)",  # Arabic
    r"本(?:文|报道|報導|稿)(?:已|已经|已經)?.{0,20}?(?:更新|更正|修订|修訂|订正|訂正)",  # Chinese: "本文已更新"
    r"(?:この|本)記事(?:は|を).{0,40}?(?:更新|追記|修正|訂正)",  # Japanese: "この記事は3月5日に更新しました"
    r"(?:이|본) 기사는.{0,40}?(?:업데이트|수정|정정)",  # Korean
)
# "In an earlier version of this article …", the way corrections open when they have no label.
EARLIER_VERSION = either(
    r"an? (?:earlier|previous) version of this (?:article|story|report|post|piece)",  # English
    r"einer (?:früheren|vorherigen|älteren|ersten) (?:version|fassung) (?:dieses|des) (?:artikels|textes|beitrags)",  # German
    r"une (?:version précédente|précédente version|première version|version antérieure) de cet (?:article|texte)",  # French
    r"una versión anterior de (?:este|esta) (?:artículo|nota|información|noticia|texto)",  # Spanish
    r"versão anterior (?:deste|desta) (?:artigo|texto|reportagem|notícia|matéria)",  # Portuguese
    r"una (?:versione precedente|precedente versione|prima versione) (?:di questo |dell['’] ?)(?:articolo|pezzo)",  # Italian
    r"een eerdere versie van (?:dit|het) (?:artikel|bericht|stuk)",  # Dutch
    r"(?:предыдущей|первоначальной|прежней|ранней) (?:версии|редакции) (?:этой |этого )?(?:статьи|материала|новости)",  # Russian
    r"نسخة سابقة من (?:هذا|هذه) (?:الخبر|المقال|التقرير|المادة|القصة)",  # Arabic
    r"本(?:文|报道|報導|稿)(?:此前|早前|先前|之前|稍早)的?版本",  # Chinese
    r"(?:この|本)記事の(?:以前の版|初版|旧版)|初出時",  # Japanese
    r"이 기사의 (?:이전|최초|앞선) (?:버전|보도|기사)",  # Korean
)
EARLIER_LEAD = words("in dans en numa em в في")


def note_form(opening_words: str) -> str:
    """Return the forms of a note that opens with one of the words, the word first or (as Japanese
    notes do: "3月5日14時追記：", "※3月5日追記：", "（3月5日追記）") after the date."""
    date_first = rf"{DATES_THEN}++(?:{opening_words})\s*[:：)）\]】］]"
    return rf"^\W{{0,3}}(?:(?:{opening_words}){NOTE_TAIL}|{date_first})"


# The two note patterns hold every language's words: some 80 ms to compile, so they are compiled on
# first use and a process that never labels a change (`tracker check` with nothing due) skips it.
@functools.cache
def update_note() -> re.Pattern[str]:
    """An editor's note announcing a change."""
    return compiled(
        either(
            rf"^\W{{0,3}}(?:{ENGLISH_NOTE}|{THIS_ARTICLE_CHANGED}|(?:{EARLIER_LEAD} )?{EARLIER_VERSION})",
            note_form(either(UPDATE_WORDS, CORRECTION_WORDS)),
        )
    )


@functools.cache
def correction_note() -> re.Pattern[str]:
    return compiled(note_form(CORRECTION_WORDS))


# Words that make a note a correction wherever they stand in it.
CORRECTION = compiled(
    either(
        r"\b(?:correction|corrected|correcting|an earlier version|misstated|incorrectly)\b",  # English
        r"\b(?:korrektur|berichtigung|korrigiert|fälschlicherweise|irrtümlich)\b",  # German
        r"\b(?:rectificatif|erratum|corrigée?|par erreur|à tort)\b",  # French
        r"\b(?:corrección|fe de errores|fe de erratas|corregid[oa]|erróneamente|por error|rectificación)\b",  # Spanish
        r"\b(?:correção|correcção|errata|corrigid[oa]|erroneamente|por engano|retificação)\b",  # Portuguese
        r"\b(?:correzione|errata corrige|rettifica|corrett[oa]|per errore)\b",  # Italian
        r"\b(?:rectificatie|correctie|gecorrigeerd|abusievelijk|ten onrechte)\b",  # Dutch
        r"\b(?:исправление|исправлен[аоы]?|ошибочно|по ошибке)\b",  # Russian
        r"(?:تصحيح|بالخطأ|عن طريق الخطأ)",  # Arabic (written against "و", "and")
        r"(?:更正|订正|訂正|勘误|勘誤|有误|有誤)",  # Chinese
        r"(?:誤り|誤って|誤記|お詫び|おわび)",  # Japanese
        r"(?:정정|바로잡)",  # Korean
        r"\b(?:תיקון|בטעות)\b|\bसुधार",  # Hebrew, Hindi
        EARLIER_VERSION,
    )
)
# Quotation marks by the pairs they come in: (opening, the marks that may close it).
QUOTE_MARKS = (
    ("“", "”“"),  # English, Chinese, Spanish, Portuguese, Italian, Dutch, Korean, Turkish
    ("„", "“”"),  # German, Czech („…“); Polish, Hungarian, Romanian, Dutch („…”)
    ("”", "”"),  # Swedish, Finnish
    ("«", "»"),  # French (« with spaces »), Russian, Spanish, Italian, Arabic, Persian
    ("»", "«"),  # Danish, German books
    ("‹", "›"),
    ("›", "‹"),
    ("「", "」"),  # Japanese, Chinese (traditional, and simplified for quotes in quotes)
    ("『", "』"),
    ("‘", "’"),  # British English
    ("‚", "‘’"),  # German single
    ('"', '"'),  # typewriter; Hebrew and Arabic papers
    ("״", "״"),  # Hebrew gershayim
)
# Between two letters these are no quotation mark: an apostrophe (don’t), an acronym (צה"ל, צה״ל).
IN_WORD_MARKS = '’"״'


def quotation(opening: str, closing: str) -> str:
    """Return the pattern of a quotation between the marks, capturing what is quoted. The quoted
    text holds no mark of its pair (but in a word), so each opening mark is read up to its own close."""
    in_word = "".join(mark for mark in closing if mark in IN_WORD_MARKS)
    text = f"[^{opening}{closing}]" + (f"|(?<=\\w)[{in_word}](?=\\w)" if in_word else "")
    before = "(?<!\\w)" if opening in IN_WORD_MARKS else ""
    after = "(?!\\w)" if in_word else ""
    return f"{before}{opening}((?:{text})+)[{closing}]{after}"


QUOTE = compiled(either(*(quotation(opening, closing) for opening, closing in QUOTE_MARKS)))
QUOTE_OPENING = compiled(either(*(opening for opening, _closing in QUOTE_MARKS)))
QUOTE_MIN_WORDS = 4  # by count_words: shorter quoted runs are names and titles ("Made in Germany")
QUOTE_MIN_WORDS_SPACELESS = 8  # Chinese and Japanese quote terms too: “一带一路”, 「働き方改革」
# "X told us:" closing a paragraph, and the quote in the next one.
SAID = either(
    r"\b(?:said|says|told|stated|wrote|added|explained|according to)\b",  # English
    r"\b(?:sagte|sagt|sagten|erklärte|erklärt|schrieb|betonte|teilte|hieß es|zufolge|laut)\b",  # German
    r"\b(?:a déclaré|a dit|a affirmé|a expliqué|a ajouté|a écrit|déclare|affirme|explique|selon)\b",  # French
    r"\b(?:dijo|afirmó|declaró|explicó|señaló|añadió|escribió|aseguró|según)\b",  # Spanish
    r"\b(?:disse|afirmou|declarou|explicou|acrescentou|escreveu|segundo)\b",  # Portuguese
    r"\b(?:ha detto|ha dichiarato|ha affermato|ha spiegato|ha aggiunto|ha scritto|secondo)\b",  # Italian
    r"\b(?:zei|zegt|verklaarde|schreef|liet weten|volgens)\b",  # Dutch
    r"\b(?:сказал[аи]?|заявил[аи]?|отметил[аи]?|написал[аи]?|пояснил[аи]?|добавил[аи]?|сообщил[аи]?|по словам)\b",  # Russian
    r"(?:قال|قالت|صرح|صرّح|أضاف|أضافت|أكد|أكدت|كتب|كتبت|بحسب|وفقا ل)",  # Arabic
    r"(?:表示|说|說|称|稱|指出|强调|強調|写道|寫道|透露|介绍|介紹)",  # Chinese
    r"(?:述べ|語っ|話し|説明し|コメントし|明らかにし)",  # Japanese
    r"(?:말했|밝혔|전했|설명했)",  # Korean
    r"(?:कहा|बताया|लिखा)",  # Hindi
    r"(?:אמר|אמרה|כתב|כתבה|הוסיף|הוסיפה|לדברי|מסר|מסרה)",  # Hebrew
)
SAYS = compiled(SAID)
ENDS_WITH_COLON = compiled(r"[:：]\s*$")
SENTENCE_END = compiled(r"[.。]")
# Any script's digits (３１．２, ٣٫٥, ४२) with any decimal or group separator, one number.
NUMBER = compiled(r"\d+(?:[.,．，٫٬]\d+)*")
STEALTH_WORDS = 5  # changed words at or above which an unannounced edit counts as substantive


@dataclass(frozen=True, slots=True)
class VersionFacts:
    """What the labels need beyond the diff: the page's own modified dates and revert target."""

    old_exists: bool
    old_modified: str | None = None
    new_modified: str | None = None
    reverted_to: int | None = None  # an earlier (not the previous) version the new one repeats
    earlier_titles: frozenset[str] = frozenset()  # headlines of the versions before the old one


def change_labels(diff: TextDiff, facts: VersionFacts) -> list[str]:
    """Return the labels of a change, in a fixed order."""
    if not facts.old_exists:
        return []
    added = added_texts(diff.blocks)
    notes = [text for text in added if update_note().search(text)]
    found = {
        "update_note_added": bool(notes),
        "correction_added": any(correction_note().search(text) or CORRECTION.search(text) for text in notes),
        "headline_changed": diff.title is not None,
        "byline_changed": diff.byline is not None,
        "quote_added": quote_added(diff.blocks),
        "numbers_changed": numbers_changed(diff.blocks),
        "paragraphs_removed": diff.summary.paragraphs_removed > 0,
        "reverted": facts.reverted_to is not None,
        "headline_test": is_headline_test(diff, facts),
    }
    found["stealth_edit"] = is_stealth_edit(diff, facts, note=bool(notes), numbers=found["numbers_changed"])
    return [label for label, present in found.items() if present]


def added_texts(blocks: tuple[Block, ...]) -> list[str]:
    """Return inserted paragraphs and the added runs inside changed ones."""
    texts = [block.new for block in blocks if block.op == "insert" and block.new]
    for block in blocks:
        if block.op == "replace" and block.new and block.old:
            new_start = update_note().search(block.new) and not update_note().search(block.old)
            texts.extend([block.new] if new_start else [text for op, text in block.words or () if op == "+"])
    return texts


def quote_added(blocks: tuple[Block, ...]) -> bool:
    """Return True when an added paragraph quotes someone: quotation marks around a statement, 'X
    told us:' then text, or a paragraph ending with a colon then one opening with a quotation mark."""
    if any(is_quotation(text) for text in added_texts(blocks)):
        return True
    inserted = [block.new or "" for block in blocks if block.op == "insert"]
    if any(is_speech_intro(text) for text in inserted[:-1]):
        return True
    return any(
        second.op == "insert"
        and ENDS_WITH_COLON.search(first.new or "")
        and QUOTE_OPENING.match(second.new or "")
        for first, second in pairwise(blocks)
    )


def is_speech_intro(text: str) -> bool:
    """Return True when text ends with a colon after a "said" in its last sentence ("X told us:")."""
    return bool(ENDS_WITH_COLON.search(text) and SAYS.search(SENTENCE_END.split(text)[-1]))


def is_quotation(text: str) -> bool:
    """Return True when text holds a quoted statement: long enough not to be a quoted name or term."""
    for match in QUOTE.finditer(text):
        quoted = next(group for group in match.groups() if group is not None)
        least = QUOTE_MIN_WORDS_SPACELESS if SPACELESS_LETTER.search(quoted) else QUOTE_MIN_WORDS
        if count_words(quoted) >= least:
            return True
    return False


def numbers_changed(blocks: tuple[Block, ...]) -> bool:
    """Return True when a changed paragraph's figures or dates differ."""
    return any(
        NUMBER.findall(block.old or "") != NUMBER.findall(block.new or "")
        for block in blocks
        if block.op == "replace"
    )


def is_headline_test(diff: TextDiff, facts: VersionFacts) -> bool:
    """Return True when only the headline changed, back to one the article already had (A/B tests)."""
    only_title = diff.byline is None and all(block.op == "equal" for block in diff.blocks)
    return bool(diff.title and only_title and diff.title.new in facts.earlier_titles)


def is_stealth_edit(diff: TextDiff, facts: VersionFacts, *, note: bool, numbers: bool) -> bool:
    """Return True for a substantive edit (enough words, or any figure) with no note and the
    page's own modified date untouched."""
    changed_words = diff.summary.words_added + diff.summary.words_removed
    substantive = numbers or changed_words >= STEALTH_WORDS
    return substantive and not note and facts.old_modified == facts.new_modified


LABEL_WORDS = {
    "update_note_added": "update note added",
    "correction_added": "correction added",
    "headline_changed": "headline changed",
    "byline_changed": "byline changed",
    "quote_added": "quote added",
    "numbers_changed": "numbers changed",
    "paragraphs_removed": "paragraphs removed",
    "reverted": "reverted",
    "headline_test": "headline test",
    "baseline": "re-read with new rules",
    "stealth_edit": "stealth edit",
}


def summary_line(summary: Summary, labels: Sequence[str]) -> str:
    """Return a change in plain words, e.g. '2 paragraphs changed: 26 words added, 28 removed; update
    note added'. Words are counted as tracker.domain.textunits does: each Chinese or Thai character is one."""
    paragraphs = counted(
        "paragraph",
        (
            (summary.paragraphs_added, "added"),
            (summary.paragraphs_removed, "removed"),
            (summary.paragraphs_changed, "changed"),
            (summary.paragraphs_moved, "moved"),
        ),
    )
    words = counted("word", ((summary.words_added, "added"), (summary.words_removed, "removed")))
    counts = ": ".join(part for part in (paragraphs, words) if part) or "no change to the paragraphs"
    notes = ", ".join(LABEL_WORDS.get(label, label.replace("_", " ")) for label in labels)
    return f"{counts}; {notes}" if notes else counts


def counted(noun: str, counts: Sequence[tuple[int, str]]) -> str:
    """Return the non-zero counts as one phrase, the noun after the first: '1 paragraph added, 2 changed'."""
    shown = [(count, verb) for count, verb in counts if count]
    return ", ".join(
        f"{count} {noun}{'' if count == 1 else 's'} {verb}" if index == 0 else f"{count} {verb}"
        for index, (count, verb) in enumerate(shown)
    )
