"""Chinese and Arabic diffs in a real headless Chromium: the marks cover exactly the changed
characters or words, Arabic reads right to left with its numbers and Latin words in order, and
the screenshots (docs/screenshots/diff-zh-*.png, diff-ar-*.png) show legible glyphs."""

from __future__ import annotations

import pytest

from tests.factories import article_page
from tests.test_browser import browser, database_url, live, make_admin, page, save, seed_versions  # noqa: F401

pytestmark = pytest.mark.browser

CHINESE = [
    "国家统计局周三公布的数据显示，今年第三季度国内生产总值同比增长４．９％，增速略高于市场此前的普遍预期。",
    "分析人士指出，居民消费持续回暖和出口保持韧性，是拉动本季度经济增长的两大主要因素，但房地产投资仍在下滑。",
    "央行有关负责人在发布会上表示，将继续实施稳健的货币政策，保持流动性合理充裕，引导贷款利率稳中有降。",
    "多家国际机构随后上调了对中国全年经济增长的预测，认为第四季度经济仍有望延续温和回升的态势。",
    "不过，也有经济学家提醒，地方政府债务压力和青年就业问题依然突出，政策发力仍需更加精准。",
]
ARABIC = [
    "أعلنت وزارة المالية يوم الأربعاء أن العجز في الموازنة العامة تراجع إلى 3.2 في المئة من الناتج المحلي الإجمالي خلال العام الماضي.",
    "وقال الوزير في مؤتمر صحفي إن الحكومة ستواصل برنامج الإصلاح الاقتصادي بالتعاون مع صندوق النقد الدولي IMF خلال السنوات الثلاث المقبلة.",
    "وأضاف أن الإيرادات الضريبية ارتفعت بنسبة 14 في المئة، مدفوعة بتحسن التحصيل وتوسيع القاعدة الضريبية لتشمل الاقتصاد غير الرسمي.",
    "ويرى محللون أن التحدي الأكبر يبقى في خفض الدين العام الذي يتجاوز 90 في المئة من الناتج المحلي، وفق تقديرات وكالة Reuters.",
]


# The last word of the text before a mark ("إلى") ends right of where the mark begins.
WORD_BEFORE_IS_RIGHT_OF_IT = """mark => {
    const text = mark.previousSibling;
    const end = text.textContent.trimEnd().length;
    const range = document.createRange();
    range.setStart(text, end - 3);
    range.setEnd(text, end);
    return range.getBoundingClientRect().left >= mark.getBoundingClientRect().right - 1;
}"""


def edited_chinese() -> list[str]:
    edited = list(CHINESE)
    edited[0] = edited[0].replace("略高于", "明显高于").replace("４．９", "５．２")
    edited.insert(4, "更新：国家发展改革委当天晚间发表声明，称将于下月出台新一轮稳增长措施。")
    return edited


def edited_arabic() -> list[str]:
    edited = list(ARABIC)
    edited[0] = edited[0].replace("3.2", "3.8")
    edited[2] = edited[2].replace("ارتفعت", "قفزت")
    return edited


@pytest.mark.parametrize("view", ["side", "inline"])
def test_a_chinese_diff_marks_only_the_changed_characters(page, live, runtime, site, view, screenshot_dirs):  # noqa: F811
    make_admin(page, live)
    article_id = seed_versions(
        runtime,
        site,
        [
            article_page("第三季度经济增长略超预期", CHINESE, lang="zh-CN"),
            article_page("第三季度经济增长明显超出预期", edited_chinese(), lang="zh-CN"),
        ],
    )
    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2&view={view}")
    body = page.locator(".diff").first
    assert body.locator("del").all_inner_texts() == ["４．９", "略"]
    assert body.locator("ins").all_inner_texts()[:2] == ["５．２", "明显"]
    assert body.locator("ins").all_inner_texts()[2].startswith("更新：")
    headline = page.locator(".field-change").first
    # one unchanged character between two changes joins them: a rewritten phrase reads as one
    assert headline.locator("del").all_inner_texts() == ["略超"]
    assert headline.locator("ins").all_inner_texts() == ["明显超出"]
    assert "numbers changed" in page.locator("ul.labels").inner_text()
    assert "update note added" in page.locator("ul.labels").inner_text()
    save(page, f"diff-zh-{view}.png", screenshot_dirs)


@pytest.mark.parametrize("view", ["side", "inline"])
def test_an_arabic_diff_reads_right_to_left_with_numbers_in_place(page, live, runtime, site, view, screenshot_dirs):  # noqa: F811  # fmt: skip
    make_admin(page, live)
    article_id = seed_versions(
        runtime,
        site,
        [
            article_page("تراجع عجز الموازنة إلى 3.2 في المئة", ARABIC, lang="ar"),
            article_page("تراجع عجز الموازنة إلى 3.8 في المئة", edited_arabic(), lang="ar"),
        ],
    )
    page.goto(f"{live}/articles/{article_id}/diff?from=1&to=2&view={view}")
    changed = page.locator(".diff .op-replace" if view == "inline" else ".diff tr.op-replace td")
    assert changed.count() == (2 if view == "inline" else 4)
    for index in range(changed.count()):
        assert changed.nth(index).evaluate("cell => getComputedStyle(cell).direction") == "rtl"
    body = page.locator(".diff").first
    assert body.locator("del").all_inner_texts() == ["3.2", "ارتفعت"]
    assert body.locator("ins").all_inner_texts() == ["3.8", "قفزت"]
    # The number sits where the text puts it: left of the word before it, in a right-to-left line.
    number = changed.first.locator("del").first
    assert number.evaluate(WORD_BEFORE_IS_RIGHT_OF_IT) is True
    headline = page.locator(".field-change").first
    assert headline.locator("bdi").evaluate("node => getComputedStyle(node).direction") == "rtl"
    save(page, f"diff-ar-{view}.png", screenshot_dirs)
