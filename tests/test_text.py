"""Markdown rendering (panels.text): sanitised, with UN document symbols linked."""

import pytest

from panels.text import UN_SYMBOL, render_markdown


@pytest.mark.parametrize(
    "symbol",
    ["A/71/1", "A/70/59", "A/71/L.58", "A/71/285", "A/RES/71/1", "E/2017/1", "S/RES/2334"],
)
def test_un_symbol_is_linked_to_undocs(symbol):
    html = render_markdown(f"See {symbol}.")

    assert html == (
        f'<p>See <a href="https://undocs.org/{symbol}" rel="noopener noreferrer">{symbol}</a>.</p>'
    )


@pytest.mark.parametrize("text", ["A/B testing", "S/M sizes", "and/or", "AA/71/1", "A/71/1x"])
def test_un_symbol_lookalikes_are_not_linked(text):
    assert UN_SYMBOL.search(text) is None


def test_placeholder_link_on_a_symbol_gets_the_document_address():
    html = render_markdown("The Declaration ([A/71/1](#)) affirms")

    assert html == (
        '<p>The Declaration (<a href="https://undocs.org/A/71/1" rel="noopener noreferrer">'
        "A/71/1</a>) affirms</p>"
    )


def test_existing_link_keeps_its_address_and_is_not_nested():
    html = render_markdown("[the report A/71/285](https://example.org/report)")

    assert html == (
        '<p><a href="https://example.org/report" rel="noopener noreferrer">'
        "the report A/71/285</a></p>"
    )


def test_symbols_in_code_are_left_alone():
    assert render_markdown("`A/71/1`") == "<p><code>A/71/1</code></p>"


def test_ordered_list_of_the_seed_is_a_list():
    html = render_markdown("1. The moderator opens.\n2. Panellists present.")

    assert html == "<ol>\n<li>The moderator opens.</li>\n<li>Panellists present.</li>\n</ol>"


def test_headings_start_below_the_page_headings():
    assert render_markdown("# Part one") == "<h3>Part one</h3>"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<script>alert(1)</script>", ""),
        ('<img src="x" onerror="alert(1)">', "<p></p>"),
        ("[click](javascript:alert(1))", '<p><a rel="noopener noreferrer">click</a></p>'),
        (
            '<a href="https://example.org" onclick="alert(1)">x</a>',
            '<p><a href="https://example.org" rel="noopener noreferrer">x</a></p>',
        ),
        ('<p style="color:red">x</p>', "<p>x</p>"),
        ("<iframe src='https://example.org'></iframe>", ""),
    ],
)
def test_dangerous_markup_never_survives(source, expected):
    assert render_markdown(source) == expected


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""
