"""Text inside an article body that churns without meaning, and the rules that remove it.

Every rule is here, small, and has a test in tests/test_noise.py (English) and
tests/test_noise_languages.py (the others). Blocks are judged one by one: a block is dropped when
it is *only* noise (an ad marker, a teaser to another story, a counter, a relative time, a
dateline); noise phrases inside a real paragraph are cut out of it. Each rule lists its words one
language a line, so adding a language is adding a line.
"""

from __future__ import annotations

import re
import unicodedata

from tracker.domain.textunits import count_words


def either(*alternatives: str) -> str:
    """Return a group matching any of the alternatives (regular expressions)."""
    return "(?:" + "|".join(alternatives) + ")"


def words(*lines: str) -> str:
    """Return a group matching any of the space-separated words on the lines ("_" stands for a space
    inside a word), each once and longest first: a run of date words takes each word whole ("march",
    not "mar") and never reads one stretch of text two ways."""
    listed = {word.replace("_", " ").lower() for line in lines for word in line.split()}
    return either(*(re.escape(word) for word in sorted(listed, key=lambda word: (-len(word), word))))


def compiled(pattern: str) -> re.Pattern[str]:
    """Compile a rule case-insensitively in NFC, the form texts are matched in (matchable)."""
    return re.compile(unicodedata.normalize("NFC", pattern), re.IGNORECASE)


def matchable(text: str) -> str:
    """Return text as rules see it: NFC, since a Devanagari nukta letter (ढ़) or an accented letter
    comes precomposed from one page and decomposed from the next."""
    return unicodedata.normalize("NFC", text)


# What "updated" or "published" is called where a page stamps its own date or a relative time. A
# dateline takes the first of these that fits, so none may be the start of a later one.
STAMP = either(
    r"(?:last\s+)?(?:updated|published|posted|modified|edited)",  # English
    r"(?:zuletzt\s+)?aktualisiert|veröffentlicht|geändert|stand",  # German
    r"mis\s+à\s+jour|mise\s+à\s+jour|publié|modifié|actualisé",  # French
    r"actualizado|última\s+actualización|actualización|publicado|modificado",  # Spanish (and European Portuguese)
    r"atualizado|última\s+atualização|atualização|publicado",  # Portuguese
    r"aggiornato|ultimo\s+aggiornamento|aggiornamento|pubblicato|modificato",  # Italian
    r"(?:laatst\s+)?bijgewerkt|gepubliceerd|geplaatst|gewijzigd",  # Dutch
    r"обновлено|обновлен[ао]?|обновление|опубликовано|опубликован[ао]?|изменено|дата\s+публикации",  # Russian
    r"(?:تم\s+)?(?:التحديث|النشر)|آخر\s+تحديث|تحديث|نُشر|نشر|تاريخ\s+النشر",  # Arabic
    # Chinese and Japanese, in one alternative: the longest stamp is taken ("更新日時", "更新时间")
    r"(?:最終更新|更新|发布|發布|發佈|发表|發表|公開|配信|掲載|投稿)(?:时间|時間|日期|日時|日|于|於)?",
    r"업데이트|기사\s*입력|입력|최종\s*수정|수정|등록|승인",  # Korean: "입력 2026.03.05 14:05 수정 …"
    r"עודכן|פורסם|עדכון\s+אחרון|תאריך\s+פרסום",  # Hebrew
    r"(?:अंतिम\s+)?अपडेट(?:ेड)?|प्रकाशित|पब्लिश्ड",  # Hindi
    r"(?:อัปเดต|อัพเดต|อัพเดท|อัปเดท)(?:ล่าสุด)?|เผยแพร่|แก้ไขล่าสุด|ปรับปรุงล่าสุด",  # Thai
)

# "35 minutes ago" in each language's word order and numbers.
EN_UNITS = r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?)"
AGO = either(
    rf"(?:\d+|an?|one|a\s+few)\s+{EN_UNITS}\s+ago|just\s+now|moments\s+ago",  # English
    r"vor\s+(?:\d+|einer?|einem|wenigen|ein\s+paar)\s+"
    r"(?:sekunden|minuten?|min\.?|stunden?|std\.?|tagen|tag|wochen?|monaten|monat)|gerade\s+eben|soeben",  # German
    r"il\s+y\s+a\s+(?:\d+|une?|quelques)\s+(?:secondes?|minutes?|min|heures?|h|jours?|semaines?|mois)"
    r"|à\s+l['’]instant",  # French
    r"hace\s+(?:\d+|una?|unos|unas|pocos|pocas)\s+(?:segundos?|minutos?|min|horas?|h|días?|semanas?|mes|meses)"
    r"|hace\s+(?:un\s+)?(?:momento|instante)|ahora\s+mismo",  # Spanish
    r"há\s+(?:\d+|uma?|alguns|algumas|poucos|poucas)\s+(?:segundos?|minutos?|min|horas?|h|dias?|semanas?|mês|meses)"
    r"|há\s+(?:instantes|pouco)|agora\s+mesmo",  # Portuguese
    r"(?:\d+\s+|una?\s+|un['’]\s*|qualche\s+)"
    r"(?:secondi|secondo|minuti|minuto|min|ore|ora|giorni|giorno|settimane|settimana|mesi|mese)\s+fa|poco\s+fa",  # Italian
    r"(?:\d+|een|enkele|een\s+paar)\s+(?:seconden?|sec|minuut|minuten|min|uur|dagen|dag|weken|week|maanden|maand)"
    r"\s+geleden|zojuist",  # Dutch
    r"(?:(?:\d+|несколько|пару)\s+)?(?:секунд[уы]?|сек\.?|минут[уы]?|мин\.?|час(?:а|ов)?|ч\.?|дн(?:я|ей)|день"
    r"|недел[юиь]|месяц(?:а|ев)?)\s+назад|только\s+что",  # Russian
    r"(?:منذ|قبل)\s+(?:\d+\s+|بضع\s+)?(?:ثوان[يٍ]?|ثانية|دقيقتين|دقائق|دقيقة|ساعتين|ساعات|ساعة|يومين|أيام|يوم"
    r"|أسبوعين|أسابيع|أسبوع|شهرين|أشهر|شهر)|منذ\s+لحظات|الآن",  # Arabic
    r"(?:\d+|[几幾数數半一二两兩三四五六七八九十]+)\s*[个個かヶカケ]?\s*"
    r"(?:秒钟|秒鐘|秒|分钟|分鐘|分|小时|小時|時間|天|日|周|週間|週|星期|月)\s*前"
    r"|刚刚|剛剛|刚才|剛才|たった今|今さっき",  # Chinese, Japanese: "3小时前", "3時間前", "刚刚"
    r"\d+\s*(?:초|분|시간|일|주|개월|달)\s*전|방금(?:\s*전)?",  # Korean
    r"\d+\s*(?:सेकंड|मिनट|घंटे|घंटा|दिन|हफ़्ते|सप्ताह|महीने|महीना)\s*पहले|अभी(?:\s+अभी)?",  # Hindi
    r"\d+\s*(?:วินาที|นาที|ชั่วโมง|ชม\.|วัน|สัปดาห์|อาทิตย์|เดือน)\s*(?:ที่แล้ว|ก่อน)|เมื่อสักครู่|เมื่อครู่",  # Thai
    r"לפני\s+(?:\d+\s+|כמה\s+)?(?:שניות|שנייה|דקות|דקה|שעתיים|שעות|שעה|יומיים|ימים|יום|שבועיים|שבועות|שבוע"
    r"|חודשים|חודש)|לפני\s+רגע|עכשיו",  # Hebrew
)
# "yesterday, 21:30", "gestern um 21:30", "вчера в 21:30", "昨天 21:30": a day named relative to today,
# which the page renders anew every day, with the time of day it may give.
DAY = either(
    r"yesterday|today|gestern|heute|hier|aujourd['’]hui|ayer|hoy|ontem|hoje|ieri|oggi|gisteren|vandaag",
    r"вчера|сегодня|أمس|الأمس|اليوم|昨天|今天|昨日|今日|어제|오늘|เมื่อวานนี้|เมื่อวาน|วันนี้|אתמול|היום",
)
TIME_OF_DAY = r"(?:\s*[,،]?\s*(?:at|um|à|a\s+las|às|alle|om|в|في|ב-?)?\s*\d{1,2}[:.h]\d{2}(?:\s*(?:[ap]\.?m\.?|uhr|h|น\.))?)?"
RELATIVE_TIME = compiled(rf"(?:{STAMP}\s*[:：]?\s*)?(?:{AGO}|{DAY}{TIME_OF_DAY})")

# "1,234 comments", "5.2K shares", "Comments (34)", "12条评论", "コメント12件", "댓글 12".
COUNT = r"\d[\d.,]*\s*(?:[KkMm万萬千]\s*)?\+?"
COUNTED = either(
    r"comments?|shares?|views?|reads?|likes?|reactions?|replies",  # English
    r"(?:leser)?kommentare|kommentar|kommentaren|aufrufe|reaktionen|mal\s+geteilt",  # German
    r"commentaires?|partages?|vues|lectures|réactions?",  # French
    r"comentarios?|compartidos|visitas|lecturas|reacciones",  # Spanish
    r"comentários?|compartilhamentos|partilhas|visualizações|leituras|curtidas",  # Portuguese
    r"commenti|commento|condivisioni|visualizzazioni|letture",  # Italian
    r"reacties?|keer\s+gedeeld|keer\s+gelezen|weergaven",  # Dutch
    r"комментари(?:й|я|ев|и)|просмотр(?:ов|а|ы)?|репост(?:ов|а|ы)?",  # Russian
    r"(?:ال)?(?:تعليقاً|تعليقا|تعليقات|تعليق|مشاهدات|مشاهدة|مشاركات|مشاركة|قراءة)",  # Arabic
    r"[条條个個则則]?(?:评论|評論|留言)|[次人]?(?:阅读|閱讀|浏览|瀏覽|观看|觀看)|次?(?:分享|转发|轉發)|[个個]?(?:赞|讚)",  # Chinese
    r"(?:件の)?(?:コメント|いいね|シェア)|回?閲覧",  # Japanese: "コメント12件", "12件のコメント"
    r"댓글|조회수|조회|공유|좋아요",  # Korean
    r"टिप्पणियां|टिप्पणियाँ|टिप्पणी|कमेंट्स|कमेंट|व्यूज़|व्यूज|शेयर",  # Hindi
    r"ความคิดเห็น|ความเห็น|แชร์|ผู้เข้าชม|เข้าชม|ครั้ง",  # Thai
    r"תגובות|תגובה|צפיות|שיתופים",  # Hebrew
)
COUNTER = compiled(
    rf"{COUNT}\s*{COUNTED}"
    rf"|{COUNTED}\s*(?:[(（]\s*{COUNT}\s*[)）]|[:：]?\s*{COUNT}\s*[件개条條次人]?)"
)

# "Last Updated on March 4, 2026 by Editor", "Stand: 05.03.2026 14:05 Uhr", "2026年3月5日 14:05 更新":
# the page's own date, which the version keeps from the page's metadata and the diff shows on a line
# of its own. Only date words may stand with the verb: "Updated on March 5 to add a statement" and
# "Aktualisiert: Wir haben … ergänzt." are update notes, article text.
DATE_NAMES = words(
    # English: months, days, "at"/"on", a.m., time zones
    "january february march april may june july august september october november december jan feb mar "
    "apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday at on "
    "am pm a.m p.m gmt utc et ct mt pt est edt cst cdt mst mdt pst pdt bst cet cest ist",
    # German
    "januar jänner jän februar märz mär mai juni juli oktober okt dezember dez montag dienstag mittwoch "
    "donnerstag freitag samstag sonnabend sonntag um uhr mez mesz",
    # French
    "janvier janv février févr fév mars avril avr juin juillet juil août septembre octobre novembre "
    "décembre déc lundi mardi mercredi jeudi vendredi samedi dimanche le à",
    # Spanish
    "enero ene febrero marzo abril abr mayo junio julio agosto ago septiembre setiembre octubre "
    "noviembre diciembre dic lunes martes miércoles jueves viernes sábado domingo el de del a las hs h",
    # Portuguese
    "janeiro fevereiro fev março maio junho julho setembro set outubro out novembro dezembro "
    "segunda-feira terça-feira quarta-feira quinta-feira sexta-feira em às as",
    # Italian
    "gennaio gen febbraio aprile maggio mag giugno giu luglio lug settembre ottobre ott dicembre lunedì "
    "martedì mercoledì giovedì venerdì sabato domenica il alle delle ore",
    # Dutch
    "januari februari maart mrt mei augustus maandag dinsdag woensdag donderdag vrijdag zaterdag zondag "
    "op om uur",
    # Russian: months in the genitive of dates, "в 14:05", "г."/"года", Moscow time
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря понедельник "
    "вторник среда четверг пятница суббота воскресенье в г года мск",
    # Arabic: the three month series (Egypt and the Gulf; the Levant and Iraq; Morocco and Algeria,
    # from French), "في", "الساعة", a.m./p.m. ("ص"/"م"), "بتوقيت …"
    "يناير فبراير مارس أبريل إبريل ابريل مايو يونيو يونيه يوليو يوليه أغسطس اغسطس سبتمبر أكتوبر اكتوبر "
    "ماي يوليوز غشت شتنبر نونبر دجنبر جانفي فيفري أفريل جوان جويلية أوت "
    "نوفمبر ديسمبر كانون_الثاني شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين_الأول تشرين_الثاني "
    "كانون_الأول الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد في الساعة بتوقيت مكة "
    "المكرمة غرينتش القدس ص م",
    # Hebrew (also with the prefix ב-, "in")
    "ינואר פברואר מרץ מרס אפריל מאי יוני יולי אוגוסט ספטמבר אוקטובר נובמבר דצמבר בינואר בפברואר במרץ "
    "במרס באפריל במאי ביוני ביולי באוגוסט בספטמבר באוקטובר בנובמבר בדצמבר בשעה",
    # Hindi
    "जनवरी फ़रवरी फरवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर सितम्बर अक्टूबर अक्तूबर नवंबर नवम्बर "
    "दिसंबर दिसम्बर सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार को बजे",
    # Thai: months, abbreviated months ("มี.ค."), Buddhist Era, "น." after the time
    "มกราคม กุมภาพันธ์ มีนาคม เมษายน พฤษภาคม มิถุนายน กรกฎาคม สิงหาคม กันยายน ตุลาคม พฤศจิกายน ธันวาคม "
    "ม.ค ก.พ มี.ค เม.ย พ.ค มิ.ย ก.ค ส.ค ก.ย ต.ค พ.ย ธ.ค พ.ศ น เวลา",
    # Time zones of Asia
    "jst kst hkt sgt msk",
)
# Chinese, Japanese and Korean write these against the digits ("下午2:05"): no word end after them.
CJK_DATE_NAMES = words("上午 下午 午前 午後 오전 오후 北京时间 北京時間 于 於")
# Each is tried in this order and the first that fits is kept (DATES never gives a word back, which
# keeps a long run of date-like words from making the match retry every way of splitting it).
DATE_WORD = either(
    r"\d{1,4}\s*[年月日号號時时分秒년월일시분초]",  # 2026年3月5日 14時05分, 2026년 3월 5일
    r"\d{1,4}(?:[:./h-]\d{1,4})*(?:st|nd|rd|th|er|º|ª|h)?\.?(?!\d)",  # 5th, 5., 1er, 14:05, 05.03.2026, 14h05
    r"[(（][月火水木金土日월화수목금토일一二三四五六天][)）]|(?:星期|周|週|礼拜)[一二三四五六日天]|[月火水木金土日]曜日?"
    r"|[월화수목금토일]요일",  # weekdays
    r"(?:gmt|utc)[+-]\d{1,2}(?::?\d\d)?",  # UTC+8
    rf"{DATE_NAMES}\.?(?!\w)|[(（]{DATE_NAMES}[)）]",  # "(IST)"
    CJK_DATE_NAMES,
    r"ב-(?=\d)",  # Hebrew "ב-5 במרץ"
)
DATE_SEPARATOR = r"(?:[\s,，、،–—]|(?<=\s)-(?=\s))*"  # a hyphen only between spaces: "05.03.2026 - 14:05"
DATES = rf"(?:{DATE_WORD}{DATE_SEPARATOR})++"
BY = r"(?:by|von|par|por|door)\s+[\w.'-]+(?:\s+[\w.'-]+){0,3}"
# Stamps and dates in any order, at least one stamp and one digit: "2026年3月5日 14:05 更新", "Donnerstag,
# 5. März 2026, Stand: 14:05 Uhr", "Publié le … à 14h05, modifié le … à 16h40", "입력 … 수정 …".
# Each run of date words is kept whole by whichever stamp it follows, so there is one way to read a line.
DATELINE = compiled(rf"(?=.*\d)(?:{DATES})?+(?:{STAMP}\s*[:：]?\s*(?:{DATES})?+)++(?:{BY})?")

# Bylines and datelines separate their parts like this: "By Jane Doe · 3 hours ago · 12 comments".
FRAGMENT_SEPARATOR = re.compile(r"(\s*[·|•｜]\s*)")
AD_MARKER = compiled(
    either(
        r"advertisement|advertising|ad|sponsored(?:\s+content)?|"
        r"(?:story|article)\s+continues\s+(?:below|after)\s+(?:this\s+)?(?:advertisement|ad)|"
        r"continue\s+reading\s+(?:below|the\s+main\s+story)",  # English
        r"anzeige|werbung|gesponsert",  # German
        r"publicité|contenu\s+sponsorisé|sponsorisé|(?:la\s+)?suite\s+après\s+(?:cette|la)\s+publicité"
        r"|passer\s+la\s+publicité",  # French
        r"publicidad|patrocinado|contenido\s+patrocinado",  # Spanish
        r"publicidade|conteúdo\s+patrocinado",  # Portuguese
        r"pubblicità|sponsorizzato|contenuto\s+sponsorizzato",  # Italian
        r"advertentie|gesponsord",  # Dutch
        r"реклама|на\s+правах\s+рекламы|партн[её]рский\s+материал",  # Russian
        r"إعلان|اعلان|إعلانات|محتوى\s+ممول",  # Arabic
        r"广告|廣告|推广|推廣",  # Chinese
        r"広告|スポンサーリンク|pr",  # Japanese
        r"광고|협찬",  # Korean
        r"विज्ञापन|प्रायोजित",  # Hindi
        r"โฆษณา|พื้นที่โฆษณา",  # Thai
        r"פרסומת|תוכן\s+שיווקי",  # Hebrew
    )
)
# "READ MORE: <link>", "Lesen Sie auch: …", "À lire aussi : …", "【相关阅读】…", "▶ 관련기사": teasers to
# other stories, styled as prose. The label stands alone or ends at a colon, a bracket or an arrow.
ARABIC_ALSO = r"[أا]يضً?اً?"  # "also", with its tanween on either letter or none: أيضا, أيضاً, أيضًا
TEASER_LABEL = either(
    r"read\s+more|more|related(?:\s+stor(?:y|ies)|\s+articles?|\s+coverage|\s+content|\s+reading)?|also\s+read"
    r"|read\s+also|see\s+also|recommended|don'?t\s+miss|must\s+read|trending|watch|listen|more\s+on\s+this\s+story"
    r"|more\s+from\s+\w+",  # English
    r"lesen\s+sie\s+(?:auch|mehr)|lies\s+auch|mehr\s+zum\s+thema|mehr\s+dazu|auch\s+interessant|siehe\s+auch"
    r"|zum\s+thema|weiterlesen|das\s+könnte\s+sie\s+(?:auch\s+)?interessieren",  # German
    r"(?:[àa]\s+)?lire\s+(?:aussi|également|la\s+suite)|(?:[àa]\s+)?voir\s+aussi|sur\s+le\s+même\s+sujet"
    r"|en\s+savoir\s+plus",  # French
    r"le[ea]\s+también|leer\s+más|lee\s+más|ver\s+también|mira\s+también|(?:también\s+)?(?:te|le)\s+puede\s+interesar"
    r"|noticias\s+relacionadas|relacionad[oa]s?|más\s+información",  # Spanish
    r"leia\s+(?:também|mais)|veja\s+(?:também|mais)|saiba\s+mais|notícias\s+relacionadas"
    r"|você\s+pode\s+gostar",  # Portuguese
    r"leggi\s+anche|vedi\s+anche|potrebbe\s+interessarti|articoli\s+correlati|per\s+saperne\s+di\s+più",  # Italian
    r"lees\s+(?:ook|meer|verder)|zie\s+ook|meer\s+over\s+dit\s+onderwerp|ook\s+interessant|gerelateerd",  # Dutch
    r"читайте\s+(?:также|тоже)|читать\s+также|смотрите\s+также|см\.\s*также|по\s+теме|новости\s+по\s+теме"
    r"|подробнее",  # Russian
    rf"[اإ]قرأ\s+(?:{ARABIC_ALSO}|المزيد)|شاهد\s+{ARABIC_ALSO}|طالع\s+{ARABIC_ALSO}"
    r"|(?:مواضيع|أخبار|اخبار)\s+ذات\s+صلة|ذات\s+صلة",  # Arabic
    r"相关阅读|相關閱讀|延伸阅读|延伸閱讀|关联阅读|關聯閱讀|推荐阅读|推薦閱讀|相关新闻|相關新聞|相关报道|相關報導"
    r"|相關報道|更多阅读|猜你喜欢|猜你喜歡",  # Chinese
    r"関連記事|関連ニュース|[あ合]わせて読みたい|こちらもおすすめ|おすすめ記事|こちらも読まれています",  # Japanese
    r"관련\s*기사|관련\s*뉴스|함께\s+보면\s+좋은\s+(?:기사|뉴스)|함께\s+볼만한\s+(?:기사|뉴스)|추천\s*기사"
    r"|많이\s+본\s+뉴스",  # Korean
    r"(?:यह|ये|इसे)\s+भी\s+पढ़ें|और\s+पढ़ें|संबंधित\s+(?:खबरें|ख़बरें|समाचार)",  # Hindi
    r"อ่านเพิ่มเติม|อ่านข่าว(?:ที่เกี่ยวข้อง)?|ข่าวที่เกี่ยวข้อง|ข่าวเกี่ยวข้อง|บทความที่เกี่ยวข้อง",  # Thai
    r"קראו\s+(?:עוד|גם)|קרא\s+(?:עוד|גם)|כדאי\s+לקרוא|כתבות\s+נוספות|עוד\s+בנושא|כתבות\s+קשורות",  # Hebrew
)
TEASER_PREFIX = compiled(rf"[▶►▷»>•■◆●※★☞→*\s-]*+[\[【［(（]?\s*{TEASER_LABEL}\s*(?:[\]】］)）:：|»>▶►-]|$)")
TEASER_LINK_SHARE = 0.8  # a short block that is this much link text is a teaser to another story
TEASER_MAX_WORDS = 25  # by count_words: each character of Chinese, Japanese or Thai counts as a word
# The full stops of each script. A question or exclamation mark ends teaser headlines too, so it
# does not make a linked block prose; Thai writes no full stop, so its linked blocks never are.
FULL_STOPS = (".", "。", "．", "।", "॥", "۔", "։", "።", "။")
CLOSING_MARKS = '"”’)»」』）›】'
BRACKETS = ("()", "[]", "（）", "［］", "【】", "〔〕")


def is_noise_block(text: str, *, link_share: float = 0.0) -> bool:
    """Return True when the whole block is churn: an ad marker, a teaser, a counter or a relative time."""
    bare = unbracketed(matchable(text))
    if not bare or AD_MARKER.fullmatch(bare) or TEASER_PREFIX.match(bare):
        return True
    if link_share >= TEASER_LINK_SHARE and count_words(bare) <= TEASER_MAX_WORDS and not is_sentence(bare):
        return True
    return not without_noise_phrases(bare)


def is_sentence(text: str) -> bool:
    """A linked sentence that ends with a full stop is the author's prose citing a source; headlines
    of teasers do not end with one."""
    return text.rstrip().rstrip(CLOSING_MARKS).endswith(FULL_STOPS)


def without_noise_phrases(text: str) -> str:
    """Return text without the fragments that are only a relative time, a counter or a dateline.

    Fragments are the parts between separators such as "·" or "|"; a relative time inside a
    sentence ("said 3 hours ago that") is the author's text and stays.
    """
    parts = FRAGMENT_SEPARATOR.split(text)
    fragments, separators = parts[0::2], parts[1::2]
    kept = [index for index, fragment in enumerate(fragments) if not is_noise_fragment(fragment)]
    if len(kept) == len(fragments):
        return text
    out = ""
    for position, index in enumerate(kept):
        out += (separators[index - 1] if position else "") + fragments[index]
    return out.strip()


def is_noise_fragment(fragment: str) -> bool:
    bare = unbracketed(matchable(fragment))
    return bool(RELATIVE_TIME.fullmatch(bare) or COUNTER.fullmatch(bare) or DATELINE.fullmatch(bare))


def unbracketed(text: str) -> str:
    """Return text without surrounding whitespace and one pair of enclosing brackets."""
    bare = text.strip()
    if len(bare) > 1 and bare[0] + bare[-1] in BRACKETS:
        return bare[1:-1].strip()
    return bare


def clean_blocks(blocks: list[tuple[str, float]], ignore: tuple[re.Pattern[str], ...] = ()) -> list[str]:
    """Return the blocks (text, share of link text) without noise blocks, noise phrases, or text
    matching the site's own ignore patterns."""
    kept = []
    for text, link_share in blocks:
        if is_noise_block(text, link_share=link_share):
            continue
        for pattern in ignore:
            text = pattern.sub("", text)
        text = without_noise_phrases(text).strip()
        if text:
            kept.append(text)
    return kept
