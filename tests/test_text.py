"""Markdown rendering (panels.text): sanitised, with UN document symbols linked."""

from html.parser import HTMLParser

import pytest

from panels import text
from panels.text import find_symbols, render_many, render_markdown, rendering_key


def unsafe_parts(html):
    """Elements and attributes in ``html`` that could run script: tags, handlers, URLs."""
    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag in {"script", "iframe", "object", "embed", "svg", "img", "style"}:
                found.append(tag)
            for name, value in attrs:
                if name.startswith("on") or name == "style":
                    found.append(name)
                if name in {"href", "src"} and not (value or "").startswith(
                    ("https:", "http:", "mailto:")
                ):
                    found.append(f"{name}={value}")

    Finder().feed(html)
    return found


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
    assert find_symbols(text) == []


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
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ('<img src="x" onerror="alert(1)">', '<p>&lt;img src="x" onerror="alert(1)"&gt;</p>'),
        ("![x](javascript:alert(1))", "<p></p>"),
        ("[click](javascript:alert(1))", '<p><a rel="noopener noreferrer">click</a></p>'),
        (
            '<a href="https://example.org" onclick="alert(1)">x</a>',
            '<p>&lt;a href="https://example.org" onclick="alert(1)"&gt;x&lt;/a&gt;</p>',
        ),
        ("[x](https://example.org 'a\" onclick=\"alert(1)')", None),
    ],
)
def test_dangerous_markup_never_survives(source, expected):
    html = render_markdown(source)

    if expected is not None:
        assert html == expected
    assert unsafe_parts(html) == []


def test_angle_brackets_in_text_stay_visible():
    html = render_markdown("Replace <name of country> here; a <b> c.")

    assert html == "<p>Replace &lt;name of country&gt; here; a &lt;b&gt; c.</p>"


def test_autolinks_still_work():
    html = render_markdown("<https://example.org/report>")

    assert html == (
        '<p><a href="https://example.org/report" rel="noopener noreferrer">'
        "https://example.org/report</a></p>"
    )


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_render_markdown_keeps_the_rendering_in_the_cache():
    source = "A *kept* rendering of A/71/1, test_text."
    text.renderings_cache().delete(rendering_key(source))

    html = render_markdown(source)

    assert text.renderings_cache().get(rendering_key(source)) == str(html)


def test_render_markdown_reads_the_kept_rendering():
    source = "A rendering read from the cache, test_text."
    text.renderings_cache().set(rendering_key(source), "<p>from the cache</p>")

    assert render_markdown(source) == "<p>from the cache</p>"


def test_rendering_key_changes_with_the_renderer(monkeypatch):
    before = rendering_key("Same text")

    monkeypatch.setattr(text, "RENDERING_VERSION", "another")

    assert rendering_key("Same text") != before
    assert rendering_key("Other text") != rendering_key("Same text")


def test_render_many_keeps_the_order_and_renders_empty_sources_as_nothing():
    assert render_many(["*one*", None, "", "two"]) == [
        "<p><em>one</em></p>",
        "",
        "",
        "<p>two</p>",
    ]


def test_render_many_renders_when_the_cache_is_out_of_reach(monkeypatch):
    class Unreachable:
        def get_many(self, keys):
            raise ConnectionError("no cache")

    monkeypatch.setattr(text, "renderings_cache", Unreachable)

    assert render_many(["*still* rendered, test_text"]) == [
        "<p><em>still</em> rendered, test_text</p>"
    ]
