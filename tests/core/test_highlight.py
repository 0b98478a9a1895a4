"""Search words marked in results (core/highlight.py): escaped, case-insensitive, a short snippet."""

from __future__ import annotations

from core.highlight import highlight, keyword_snippet, rich_text_snippet


def test_every_word_is_marked_case_insensitively_and_the_rest_escaped():
    assert highlight("<b>OTP</b> 카드 재발급", "otp 재발급") == (
        "&lt;b&gt;<mark>OTP</mark>&lt;/b&gt; 카드 <mark>재발급</mark>"
    )
    assert highlight("a<b", "") == "a&lt;b"


def test_a_search_word_that_looks_like_markup_is_text_too():
    assert highlight("x <script> y", "<script>") == "x <mark>&lt;script&gt;</mark> y"


def test_the_snippet_is_the_text_around_the_first_match():
    notes = "가" * 50 + " 전세자금대출 서류 " + "나" * 100
    snippet = keyword_snippet(notes, "대출")
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "전세자금<mark>대출</mark> 서류" in snippet and len(snippet) < 130


def test_no_snippet_when_the_word_is_not_in_the_body():
    assert keyword_snippet("소득 증빙 서류 안내", "대출") == ""
    assert keyword_snippet("아무 내용", "") == ""


def test_plain_notes_keep_what_looks_like_markup_a_rich_answer_drops_its_tags():
    assert keyword_snippet("<b>대출</b>", "대출") == "&lt;b&gt;<mark>대출</mark>&lt;/b&gt;"
    assert rich_text_snippet("<p><b>대출</b> &lt;i&gt;</p>", "대출") == "<mark>대출</mark> &lt;i&gt;"
