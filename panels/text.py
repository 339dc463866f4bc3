"""Rendering the secretariat's Markdown safely, with UN document symbols linked.

Markdown is converted by Python-Markdown, then sanitised by nh3 (Ammonia), so that no script,
event handler, style or ``javascript:`` link survives whatever is typed into a text field.
"""

import hashlib
import logging
import re
import threading
import xml.etree.ElementTree as etree
from html.parser import HTMLParser
from importlib import metadata
from urllib.parse import urlsplit, urlunsplit

import markdown
import nh3
from django.core.cache import caches
from django.utils.encoding import iri_to_uri
from django.utils.safestring import mark_safe
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

_NH3_VERSION = metadata.version("nh3")

UNDOCS_URL = "https://undocs.org/{symbol}"

# UN document symbols: a principal organ or series prefix, then slash-separated components
# (ST/AI/2017/1, A/71/1, A/71/L.58, A/RES/71/1, A/C.3/71/L.2/Rev.1, S/2017/1/Corr.1,
# E/CN.6/2017/1). Source: the UN Documentation Research Guide, "Document symbols"
# (research.un.org). Every component starts with "/", so matching is linear in the text's
# length; a symbol also has a digit somewhere (``find_symbols``), so "A/B" is not one.
UN_SYMBOL = re.compile(
    r"(?<![\w/])"
    r"(?:A|S|E|ST|DP|UNEP|TD|CRC|CEDAW|CERD|CCPR|CAT|CRPD|CMW|HRI|ECE|ECA|ECLAC|ESCAP|ESCWA)"
    r"(?:/(?:[A-Za-z]{1,6}|\d+)(?:\.\d+)*)+"
    r"(?![\w/])"
)


def is_un_symbol(text):
    """Whether ``text`` is exactly one UN document symbol (e.g. "A/71/L.58/Rev.1")."""
    return UN_SYMBOL.fullmatch(text) is not None and any(ch.isdigit() for ch in text)


def find_symbols(text):
    """The UN document symbols in ``text``, as a list of ``re.Match``."""
    return [match for match in UN_SYMBOL.finditer(text) if is_un_symbol(match.group(0))]


ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_PLACEHOLDER_HREFS = {"", "#"}


def undocs_url(symbol):
    """The address that resolves a UN document symbol, e.g. ``https://undocs.org/A/71/1``."""
    return UNDOCS_URL.format(symbol=symbol)


class _UNSymbolLinker(Treeprocessor):
    """Link UN document symbols in text, and fill links whose text is a symbol but have no
    address (the seed's ``[A/71/1](#)``). Text already inside a link or code stays as it is."""

    SKIP = {"a", "code", "pre"}

    def run(self, root):
        self._link_children(root)

    def _link_children(self, parent):
        for child in list(parent):
            if child.tag == "a":
                text = "".join(child.itertext()).strip()
                if child.get("href", "").strip() in _PLACEHOLDER_HREFS and is_un_symbol(text):
                    child.set("href", undocs_url(text))
            elif child.tag not in self.SKIP:
                self._link_children(child)
            self._link_tail(parent, child)
        self._link_text(parent)

    def _link_text(self, element):
        if element.tag in self.SKIP or not element.text:
            return
        pieces = self._split(element.text)
        if pieces is None:
            return
        element.text, links = pieces
        for index, link in enumerate(links):
            element.insert(index, link)

    def _link_tail(self, parent, child):
        if not child.tail:
            return
        pieces = self._split(child.tail)
        if pieces is None:
            return
        child.tail, links = pieces
        position = list(parent).index(child)
        for offset, link in enumerate(links, start=1):
            parent.insert(position + offset, link)

    @staticmethod
    def _split(text):
        """Split ``text`` into leading text and ``<a>`` elements (each with its tail)."""
        matches = find_symbols(text)
        if not matches:
            return None
        links = []
        lead = text[: matches[0].start()]
        for index, match in enumerate(matches):
            link = etree.Element("a", {"href": undocs_url(match.group(0))})
            link.text = match.group(0)
            end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
            link.tail = text[match.end() : end]
            links.append(link)
        return lead, links


class UNSymbolExtension(Extension):
    """Python-Markdown extension that links UN document symbols to undocs.org."""

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.treeprocessors.register(_UNSymbolLinker(md), "un_symbols", 5)


class PlainTextHTMLExtension(Extension):
    """Treat raw HTML in the source as text, so that "<name of country>" stays visible.

    Python-Markdown passes raw HTML through by default; without its two raw-HTML processors the
    angle brackets are escaped like any other text. Autolinks (``<https://…>``) still work.
    """

    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's API name
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


# Part of the key of every rendering kept in the cache: change it whenever the rendering
# below changes (an extension, the allow-list), so that no page shows a rendering made by the
# code before. The libraries' versions are part of the key too.
RENDERING_VERSION = "1"
# Renderings nobody asks for are dropped after this many seconds (30 days).
RENDERING_TIMEOUT = 30 * 24 * 3600
_RENDERING_KEY_PREFIX = "markdown:"

logger = logging.getLogger(__name__)
_parsers = threading.local()


def renderings_cache():
    """The cache that keeps rendered Markdown: Django's "pages" cache (shared by every
    process when ``REDIS_URL`` is set)."""
    return caches["pages"]


def rendering_key(source):
    """The cache key of the rendering of ``source`` (str): a hash of the source, this
    module's ``RENDERING_VERSION`` and the versions of Python-Markdown and nh3, so that a
    rendering is found again for the same text however often it is asked for, and never for
    another text or another renderer."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (RENDERING_VERSION, markdown.__version__, _NH3_VERSION, source):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return _RENDERING_KEY_PREFIX + digest.hexdigest()


def _parser():
    """This thread's Python-Markdown parser, made once (a parser is not thread-safe, and
    making one loads every extension)."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = markdown.Markdown(
            extensions=[
                PlainTextHTMLExtension(),
                UNSymbolExtension(),
                "sane_lists",
                TocExtension(baselevel=3),
            ],
            output_format="html",
        )
    return parser


def _render(source):
    """Render ``source`` (str) to sanitised HTML (str), without the cache."""
    html = _parser().reset().convert(source)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(source):
    """Render the secretariat's Markdown ``source`` (str) to safe HTML (a ``SafeString``).

    Raw HTML in the source is shown as text; the sanitiser's allow-list then removes anything
    else unsafe. Links keep only http(s) and mailto addresses and get
    ``rel="noopener noreferrer"``; headings start at ``<h3>`` so that a
    concept note section never outranks the page's own headings.

    Rendered once per text: the result is kept in the cache (``renderings_cache``, key
    ``rendering_key``), so that a page asks for it again instead of rendering it again. See
    ``render_many`` for many texts at once.
    """
    return render_many([source])[0]


def render_many(sources):
    """``render_markdown`` of each of ``sources`` (an iterable of str or ``None``), in their
    order: a list of ``SafeString``, read from the cache in one round trip and rendered (and
    stored) only where missing. When the cache is out of reach they are rendered, and the
    failure is logged."""
    sources = [source or "" for source in sources]
    keys = {source: rendering_key(source) for source in sources if source}
    reachable = True
    try:
        found = renderings_cache().get_many(list(keys.values())) if keys else {}
    except Exception:
        logger.exception("The cache of rendered Markdown is out of reach; rendering anew.")
        found, reachable = {}, False
    missing = {key: _render(source) for source, key in keys.items() if key not in found}
    found.update(missing)
    if missing and reachable:
        try:
            renderings_cache().set_many(missing, timeout=RENDERING_TIMEOUT)
        except Exception:
            logger.exception("The cache of rendered Markdown is out of reach; not stored.")
    return [
        # Sanitised by nh3 in _render (stored only from there).
        mark_safe(found[keys[source]] if source in keys else "")  # noqa: S308
        for source in sources
    ]


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_BRACKETS = str.maketrans({"[": "%5B", "]": "%5D"})


def href_as_uri(href):
    """A link address as the secretariat typed it (str) as a URI (RFC 3986), e.g. for a
    schema's "uri" format.

    Other scripts and spaces are percent-encoded as UTF-8 (an IRI, RFC 3987 §3.1: Django's
    ``iri_to_uri``), and so is what that leaves which a URI cannot hold: a "%" that does not
    start an escape, square brackets outside the host, and a "#" inside the fragment.
    """
    parts = urlsplit(iri_to_uri(_STRAY_PERCENT.sub("%25", href)))
    return urlunsplit(
        (
            parts.scheme,
            parts.netloc,
            parts.path.translate(_BRACKETS),
            parts.query.translate(_BRACKETS),
            parts.fragment.translate(_BRACKETS).replace("#", "%23"),
        )
    )


class PlainTextReader(HTMLParser):
    """Reads the sanitised HTML of ``text.render_markdown`` back as plain text.

    Collects ``blocks``, a list of ``(text, is_list_item)`` (whitespace collapsed, ``<br>`` as
    a line break), and ``links``, a list of ``(URI, text)`` for http(s) links.
    """

    BLOCKS = frozenset({"p", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.links = []
        # The open block's text, one list of pieces per line (``<br>`` starts a line).
        self._lines = [[]]
        # For each open list, the next item's number (None in a bulleted list).
        self._lists = []
        # What the next block starts with: a list item's marker, or its indent after that.
        self._prefix = ""
        self._in_item = False
        self._link = None

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS or tag in {"ul", "ol", "li"}:
            self._end_block()
        if tag == "br":
            self._lines.append([])
        elif tag in {"ul", "ol"}:
            start = dict(attrs).get("start") or "1"
            self._lists.append((int(start) if start.isdigit() else 1) if tag == "ol" else None)
        elif tag == "li" and self._lists:
            number = self._lists[-1]
            marker = "- " if number is None else f"{number}. "
            if number is not None:
                self._lists[-1] = number + 1
            self._prefix = "  " * (len(self._lists) - 1) + marker
            self._in_item = True
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            # As typed, an address may hold spaces or other scripts (an IRI); the schema wants
            # a URI (RFC 3986), so they are percent-encoded as UTF-8 (RFC 3987 §3.1).
            self._link = (
                (href_as_uri(href), []) if href.startswith(("http://", "https://")) else None
            )

    def handle_endtag(self, tag):
        if tag in self.BLOCKS or tag in {"ul", "ol", "li"}:
            self._end_block()
        if tag in {"ul", "ol"} and self._lists:
            self._lists.pop()
        if tag == "li":
            self._prefix = ""
            self._in_item = False
        elif tag == "a" and self._link is not None:
            href, pieces = self._link
            self.links.append((href, " ".join("".join(pieces).split())))
            self._link = None

    def handle_data(self, data):
        self._lines[-1].append(data)
        if self._link is not None:
            self._link[1].append(data)

    def close(self):
        super().close()
        self._end_block()

    def text(self):
        """The blocks joined: list items by a line break, anything else by a blank line."""
        result = ""
        for index, (block, is_item) in enumerate(self.blocks):
            if index:
                result += "\n" if is_item and self.blocks[index - 1][1] else "\n\n"
            result += block
        return result

    def _end_block(self):
        text = "\n".join(" ".join("".join(line).split()) for line in self._lines).strip()
        self._lines = [[]]
        if not text:
            return
        self.blocks.append((self._prefix + text, self._in_item))
        if self._in_item:
            # A list item's next paragraph lines up under its first one's text.
            self._prefix = " " * len(self._prefix)


def read_markdown(source):
    """The secretariat's Markdown ``source`` (str) read back as plain text: a closed
    ``PlainTextReader`` (its ``blocks``, ``links`` and ``text()``).

    Rendered first as the panel page shows it (``render_markdown``: sanitised, UN document
    symbols linked), so that exports say what the page says: emphasis and link markup dropped
    (a link keeps its words), entities decoded. ``read_rendered`` reads a rendering already
    made (``render_many``).
    """
    return read_rendered(render_markdown(source))


def read_rendered(html):
    """The HTML of ``render_markdown`` (str) read back as plain text: a closed
    ``PlainTextReader``."""
    reader = PlainTextReader()
    reader.feed(str(html))
    reader.close()
    return reader
