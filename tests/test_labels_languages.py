"""Change labels in languages other than English: update notes, corrections, quotes and figures as
each language's papers write them, and the ordinary sentences that look like them."""

from __future__ import annotations

import time

import pytest

from tracker.domain.diff import ArticleText, diff_articles
from tracker.domain.labels import VersionFacts, change_labels

FACTS = VersionFacts(old_exists=True)
BASE = {
    "de": (
        "Der Bundestag hat am Dienstag den Haushalt für das kommende Jahr beschlossen.",
        "Die Neuverschuldung soll nach den Plänen der Regierung deutlich sinken.",
    ),
    "fr": (
        "L'Assemblée nationale a adopté mardi le budget de l'année prochaine.",
        "Le déficit public devrait reculer selon les prévisions du gouvernement.",
    ),
    "es": (
        "El Congreso aprobó el martes los presupuestos del próximo año.",
        "El déficit público se reducirá según las previsiones del Gobierno.",
    ),
    "pt": (
        "O Parlamento aprovou na terça-feira o orçamento do próximo ano.",
        "O défice público deverá cair segundo as previsões do Governo.",
    ),
    "it": (
        "La Camera ha approvato martedì la legge di bilancio per il prossimo anno.",
        "Il deficit pubblico dovrebbe scendere secondo le previsioni del governo.",
    ),
    "nl": (
        "De Tweede Kamer heeft dinsdag de begroting voor volgend jaar aangenomen.",
        "Het begrotingstekort moet volgens het kabinet flink dalen.",
    ),
    "ru": (
        "Госдума во вторник приняла бюджет на следующий год.",
        "Дефицит бюджета, по прогнозу правительства, заметно сократится.",
    ),
    "ar": (
        "أقر البرلمان يوم الثلاثاء موازنة العام المقبل بعد نقاش طويل.",
        "ومن المتوقع أن يتراجع العجز بحسب توقعات الحكومة.",
    ),
    "zh": (
        "全国人大常委会周二表决通过了明年的预算草案。",
        "根据政府预测，财政赤字将明显收窄。",
    ),
    "zh-Hant": (
        "立法院週二三讀通過明年度總預算案。",
        "根據政府預測，財政赤字將明顯收窄。",
    ),
    "ja": (
        "衆議院は火曜日、来年度の予算案を可決した。",
        "政府の見通しでは、財政赤字は大きく縮小する。",
    ),
    "ko": (
        "국회는 화요일 내년도 예산안을 통과시켰다.",
        "정부 전망에 따르면 재정 적자는 크게 줄어들 것으로 보인다.",
    ),
    "th": (
        "สภาผู้แทนราษฎรมีมติผ่านร่างงบประมาณประจำปีในวันอังคาร",
        "รัฐบาลคาดว่าการขาดดุลงบประมาณจะลดลงอย่างชัดเจน",
    ),
}


def labels_for(language: str, new_paragraphs, old_paragraphs=None) -> list[str]:
    old = ArticleText("Headline", None, tuple(old_paragraphs or BASE[language]))
    new = ArticleText("Headline", None, tuple(new_paragraphs))
    return change_labels(diff_articles(old, new), FACTS)


def appended(language: str, paragraph: str) -> list[str]:
    return labels_for(language, [*BASE[language], paragraph])


UPDATE_NOTES = [
    ("de", "Aktualisiert: Wir haben eine Stellungnahme des Ministeriums ergänzt."),
    ("de", "Aktualisiert am 5. März: Das Ministerium hat inzwischen reagiert."),
    ("de", "Aktualisiert am 5. März um 14 Uhr mit einer Stellungnahme des Ministeriums."),
    ("de", "Dieser Artikel wurde am 5. März aktualisiert."),
    ("fr", "Mise à jour le 5 mars : le ministère a réagi."),
    ("fr", "Mise à jour : le ministère a réagi dans la soirée."),
    ("es", "Actualización (5/3/2026): el ministerio respondió a nuestras preguntas."),
    ("es", "Actualizado el 5 de marzo para incluir la respuesta del ministerio."),
    ("pt", "Atualização: o ministério respondeu às nossas perguntas."),
    ("pt", "Atualizado em 5 de março com a resposta do ministério."),
    ("it", "Aggiornamento: il ministero ha risposto alle nostre domande."),
    ("it", "Aggiornamento delle 14:00: il ministero ha risposto."),
    ("nl", "Bijgewerkt op 5 maart: het ministerie heeft gereageerd."),
    ("ru", "Обновлено 5 марта: министерство ответило на наши вопросы."),
    ("ru", "Обновление: министерство ответило на наши вопросы."),
    ("ar", "تحديث: ردت الوزارة على أسئلتنا."),
    ("ar", "تحديث (5 مارس): ردت الوزارة على أسئلتنا."),
    ("zh", "【更新】财政部已作出回应。"),
    ("zh", "更新（3月5日）：财政部已作出回应。"),
    ("zh", "更新：本报记者补充了财政部的回应。"),
    ("zh", "更新于3月5日，补充了财政部的回应。"),
    ("zh", "本文已更新，补充了财政部的回应。"),
    ("zh-Hant", "更新：財政部已作出回應。"),
    ("zh-Hant", "【更新】財政部已作出回應。"),
    ("ja", "追記（2026年3月5日 14:00）財務省がコメントを発表した。"),
    ("ja", "※3月5日追記：財務省がコメントを発表した。"),
    ("ja", "3月5日14時追記：財務省がコメントを発表した。"),
    ("ja", "【更新】財務省がコメントを発表した。"),
    ("ja", "この記事は3月5日に更新しました。"),
    ("ko", "[업데이트] 기획재정부가 입장을 밝혔다."),
    ("ko", "업데이트: 기획재정부가 입장을 밝혔다."),
    ("th", "อัปเดต: กระทรวงการคลังได้ชี้แจงเพิ่มเติมแล้ว"),
]


@pytest.mark.parametrize(("language", "note"), UPDATE_NOTES)
def test_update_note_added_in_each_language(language: str, note: str):
    labels = appended(language, note)
    assert "update_note_added" in labels
    assert "correction_added" not in labels
    assert "stealth_edit" not in labels


CORRECTIONS = [
    ("de", "Korrektur: In einer früheren Version stand, der Haushalt umfasse 480 Milliarden Euro."),
    ("de", "Berichtigung: Der Haushalt wurde nicht am Montag, sondern am Dienstag beschlossen."),
    (
        "de",
        "In einer früheren Version dieses Artikels hieß es, der Haushalt sei am Montag beschlossen worden.",
    ),
    ("fr", "Rectificatif : le budget a été adopté mardi et non lundi."),
    ("fr", "Correction : le budget a été adopté mardi et non lundi."),
    ("fr", "Dans une version précédente de cet article, nous indiquions que le vote avait eu lieu lundi."),
    ("es", "Corrección: los presupuestos se aprobaron el martes, no el lunes."),
    ("es", "Fe de errores: los presupuestos se aprobaron el martes, no el lunes."),
    ("es", "En una versión anterior de este artículo se indicaba que la votación fue el lunes."),
    ("pt", "Correção: o orçamento foi aprovado na terça-feira, e não na segunda."),
    ("pt", "Errata: o orçamento foi aprovado na terça-feira, e não na segunda."),
    ("pt", "Numa versão anterior deste texto, indicámos que a votação decorreu na segunda-feira."),
    ("it", "Correzione: la legge è stata approvata martedì, non lunedì."),
    ("it", "Errata corrige: la legge è stata approvata martedì, non lunedì."),
    ("nl", "Rectificatie: de begroting is dinsdag aangenomen, niet maandag."),
    ("nl", "In een eerdere versie van dit artikel stond dat de stemming maandag was."),
    ("ru", "Исправление: бюджет был принят во вторник, а не в понедельник."),
    ("ru", "Поправка: бюджет был принят во вторник, а не в понедельник."),
    ("ru", "В предыдущей версии статьи ошибочно говорилось, что бюджет приняли в понедельник."),
    ("ar", "تصحيح: أقر البرلمان الموازنة يوم الثلاثاء وليس الاثنين."),
    ("zh", "更正：预算草案于周二而非周一通过，特此更正。"),
    ("zh", "订正：预算草案于周二通过。"),
    ("zh", "本文此前版本误将表决日期写为周一，现已更正。"),
    ("zh-Hant", "訂正：總預算案於週二而非週一三讀通過。"),
    ("zh-Hant", "更正：總預算案於週二三讀通過。"),
    ("ja", "訂正：予算案の可決は月曜日ではなく火曜日でした。"),
    ("ja", "【修正】予算案の可決日に誤りがありました。"),
    ("ja", "この記事の以前の版で、可決日に誤りがありました。"),
    ("ko", "정정: 예산안 통과일은 월요일이 아니라 화요일입니다."),
    ("ko", "[바로잡습니다] 예산안 통과일은 화요일입니다."),
    ("th", "แก้ไข: ข่าวฉบับก่อนหน้านี้ระบุวันลงมติไม่ถูกต้อง"),
]


@pytest.mark.parametrize(("language", "correction"), CORRECTIONS)
def test_correction_added_in_each_language(language: str, correction: str):
    labels = appended(language, correction)
    assert {"update_note_added", "correction_added"} <= set(labels)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("zh", "更新后的数据显示，今年前两个月财政收入同比增长。"),
        ("zh", "更新3月份数据后，统计局上调了增长预期。"),
        ("zh", "本报记者从财政部获悉，相关细则将于下月公布。"),
        ("ja", "追記された条項をめぐり、与野党の議論が続いた。"),
        ("ja", "修正案は来週にも採決される見通しだ。"),
        ("ko", "수정된 예산안은 다음 주 본회의에 상정된다."),
        ("de", "Aktualisierte Zahlen zeigen einen deutlichen Rückgang der Arbeitslosigkeit."),
        ("de", "Korrekturen am Haushalt fordert vor allem die Opposition."),
        ("ru", "Поправка к закону о бюджете: депутаты проголосовали за неё единогласно."),
        ("ru", "Обновлено 5 новых правил для водителей, сообщило министерство."),
        ("fr", "Précision chirurgicale : les frappes ont visé des dépôts de munitions."),
        ("es", "Actualizado el plan de vivienda, el Gobierno anunció nuevas ayudas."),
        ("ar", "تحديث القطاع العام: خطة جديدة للحكومة لتقليص النفقات."),
        ("de", "Eine frühere Fassung des Gesetzes sah höhere Steuern vor."),
    ],
)
def test_sentences_that_merely_start_like_a_note_are_no_update_note(language: str, sentence: str):
    labels = appended(language, sentence)
    assert "update_note_added" not in labels
    assert "correction_added" not in labels


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("zh", "更新：全国人大常委会同时审议了宪法修正案。"),
        ("ru", "Обновлено: Госдума также приняла поправку к закону о налогах."),
        ("ja", "追記：財務省は修正案の提出も検討している。"),
    ],
)
def test_an_update_note_mentioning_amendments_is_no_correction(language: str, note: str):
    labels = appended(language, note)
    assert "update_note_added" in labels
    assert "correction_added" not in labels


QUOTES = [
    ("de", "„Wir werden diesen Haushalt nicht mittragen“, sagte die Fraktionschefin."),
    ("de", "‚Das ist nicht akzeptabel für uns‘, sagte sie."),
    ("fr", "« Nous ne céderons rien sur ce budget », a déclaré le ministre."),
    ("es", "«No vamos a aceptar estos presupuestos», dijo la portavoz."),
    ("pt", "“Não vamos aceitar este orçamento”, disse a porta-voz."),
    ("it", "«Non accetteremo questa manovra», ha detto la capogruppo."),
    ("nl", "„Wij gaan niet akkoord met deze begroting”, zei de fractievoorzitter."),
    ("ru", "«Мы не поддержим этот бюджет», — заявила глава фракции."),
    ("ar", "وقال الوزير: «لن نقبل بهذه الموازنة بأي حال من الأحوال»."),
    ("zh", "财政部长表示：“我们将继续实施更加积极的财政政策。”"),
    ("zh-Hant", "財政部長表示：「我們將繼續推動更積極的財政政策。」"),
    ("ja", "財務相は「引き続き財政健全化に取り組む」と述べた。"),
    ("ko", "장관은 “재정 건전성을 지키기 위해 최선을 다하겠다”고 말했다."),
]


@pytest.mark.parametrize(("language", "quote"), QUOTES)
def test_quote_added_with_each_languages_quotation_marks(language: str, quote: str):
    assert "quote_added" in appended(language, quote)


@pytest.mark.parametrize(
    "quote",
    [
        "„Nie zgodzimy się na ten budżet” – powiedział minister.",  # Polish
        "”Vi kommer inte att acceptera den här budgeten”, sade ministern.",  # Swedish
        "»Vi vil ikke acceptere dette budget«, sagde ministeren.",  # Danish
        '"לא נסכים לתקציב הזה בשום אופן", אמר השר.',  # Hebrew
        "״לא נסכים לתקציב הזה בשום אופן״, אמר השר.",
        "‘We don’t accept this budget at all,’ the minister said.",  # British, with an apostrophe inside
    ],
)
def test_quote_added_with_other_papers_marks(quote: str):
    assert "quote_added" in appended("de", quote)


@pytest.mark.parametrize(
    ("language", "paragraph"),
    [
        ("zh", "政府将继续推进“一带一路”建设。"),
        ("ja", "政府は「働き方改革」を進める方針だ。"),
        ("de", "Das Programm „Made in Germany“ wird verlängert."),
        ("ko", "정부는 “한국판 뉴딜” 정책을 이어간다."),
        ("de", 'Ein Sprecher von Zahal (צה"ל) bestätigte den Einsatz.'),
    ],
)
def test_a_quoted_name_or_term_is_no_quote(language: str, paragraph: str):
    assert "quote_added" not in appended(language, paragraph)


@pytest.mark.parametrize(
    ("language", "intro", "quote"),
    [
        ("de", "Ein Sprecher des Ministeriums sagte dazu:", "Wir prüfen den Vorgang."),
        ("fr", "Le porte-parole du ministère a déclaré :", "Nous examinons la situation."),
        ("ru", "Представитель министерства заявил:", "Мы изучаем ситуацию."),
        ("zh", "财政部新闻发言人表示：", "我们正在研究相关情况。"),
        ("ja", "財務省の担当者は次のように話した：", "「現在、状況を確認している」"),
    ],
)
def test_quote_added_after_a_speech_introduction(language: str, intro: str, quote: str):
    assert "quote_added" in appended_two(language, intro, quote)


def appended_two(language: str, first: str, second: str) -> list[str]:
    return labels_for(language, [*BASE[language], first, second])


def test_a_paragraph_ending_with_a_colon_then_a_quotation_mark_is_a_quote():
    # The quote runs on into the next paragraph, so its mark does not close here.
    labels = appended_two("fr", "Le ministre a ensuite précisé sa position :", "« Ce budget est le bon.")
    assert "quote_added" in labels
    assert "quote_added" not in appended_two(
        "fr", "Le vote a eu lieu en deux temps :", "d'abord les recettes."
    )


def changed(language: str, index: int, old: str, new: str) -> list[str]:
    paragraphs = list(BASE_NUMBERS[language])
    edited = [*paragraphs]
    edited[index] = paragraphs[index].replace(old, new)
    assert edited[index] != paragraphs[index]
    return labels_for(language, edited, old_paragraphs=paragraphs)


BASE_NUMBERS = {
    "de": (
        "Die Arbeitslosenquote sank im Februar auf 5,3 Prozent, teilte die Bundesagentur mit.",
        "Im Vorjahresmonat hatte sie noch bei 5,7 Prozent gelegen.",
    ),
    "fr": (
        "Le taux de chômage a reculé à 7,3 % au quatrième trimestre, selon l'Insee.",
        "Il s'établissait à 7,5 % un an plus tôt.",
    ),
    "ar": (
        "وبلغ معدل النمو ٣٫٥ في المئة خلال الربع الأخير من العام الماضي بحسب البيانات الرسمية.",
        "وكان المعدل قد سجل ٢٫٩ في المئة في الربع السابق.",
    ),
    "fa": (
        "نرخ تورم در ماه گذشته به ۳۵٫۲ درصد رسید و بانک مرکزی از کاهش آن خبر داد.",
        "این نرخ در ماه قبل ۳۷٫۱ درصد بود.",
    ),
    "hi": (
        "सरकारी आंकड़ों के अनुसार पिछली तिमाही में विकास दर ४२ आधार अंक बढ़ी और निवेश में तेजी आई।",
        "इससे पहले की तिमाही में यह वृद्धि ३१ आधार अंक थी।",
    ),
    "zh": (
        "国家统计局公布的数据显示，二月份城镇调查失业率为３１．２‰，略高于市场预期。",
        "分析人士认为，就业形势总体保持稳定。",
    ),
    "ja": (
        "総務省が発表した２月の完全失業率は２．６％で、前月から０．１ポイント上昇した。",
        "専門家は、雇用情勢は底堅いとみている。",
    ),
}


@pytest.mark.parametrize(
    ("language", "old", "new"),
    [
        ("de", "5,3", "5,4"),  # decimal comma
        ("fr", "7,3", "7,1"),
        ("ar", "٣٫٥", "٣٫٧"),  # Arabic-Indic digits and decimal separator
        ("fa", "۳۵٫۲", "۳۶٫۲"),  # Persian digits
        ("hi", "४२", "४५"),  # Devanagari digits
        ("zh", "３１．２", "３２．４"),  # fullwidth digits and full stop
        ("ja", "２．６", "２．７"),
    ],
)
def test_numbers_changed_in_each_digit_system(language: str, old: str, new: str):
    labels = changed(language, 0, old, new)
    assert "numbers_changed" in labels
    assert "stealth_edit" in labels  # a figure changed with no note


@pytest.mark.parametrize(
    ("language", "old", "new"),
    [
        ("de", "sank", "fiel"),
        ("ar", "الرسمية", "الحكومية"),
        ("hi", "तेजी", "बढ़ोतरी"),
        ("zh", "略高于", "明显高于"),
        ("ja", "上昇した", "悪化した"),
    ],
)
def test_no_numbers_changed_when_only_words_change(language: str, old: str, new: str):
    assert "numbers_changed" not in changed(language, 0, old, new)


def test_a_hostile_paragraph_of_marks_is_judged_at_once():
    # Labels are worked out for every change: unclosed quotation marks, a thousand "said" or a long
    # run of date words after a note's word must not make a rule retry from each position.
    paragraphs = ["“" * 50_000, "„Wir " * 20_000, "said " * 20_000 + "x", "更新" + "3月" * 20_000 + "x"]
    started = time.perf_counter()
    for paragraph in paragraphs:
        labels = appended("de", paragraph)
        assert "quote_added" not in labels
        assert "update_note_added" not in labels
    assert time.perf_counter() - started < 5.0
