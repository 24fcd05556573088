"""Text a source wrote in Markdown (ATLAS's descriptions, case studies and procedure steps), made into safe HTML.

Two locks, because the text comes from outside: markdown-it-py renders with raw HTML turned off (a ``<script>`` in
the text comes out as text) and refuses ``javascript:``-style link targets; then nh3 keeps only an allow-list of
tags and attributes and only web and mail links. ATLAS's site-relative links (``/techniques/AML.T0051``) are sent
to our page for the same record; any other relative link loses its target.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup

TAGS = {"p", "br", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6",
        "hr", "table", "thead", "tbody", "tr", "th", "td"}
ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}
ATLAS_PATH = re.compile(r"^/(?:techniques|tactics|mitigations|studies)/(AML\.[A-Z]{1,3}\d{4}(?:\.\d{3})?)/?$")
MARKDOWN_SOURCES = ("import atlas",)  # the sources whose text is Markdown (by source_name, see records.py)


@functools.cache
def _parser():
    from markdown_it import MarkdownIt

    # headings inside a description must not outrank the page's own: they are shifted down in _demote
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _link_target(element: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: ATLAS's own paths become our pages; other relative paths are dropped."""
    if element != "a" or attribute != "href":
        return value
    if value.startswith(("https://", "http://", "mailto:")):
        return value
    match = ATLAS_PATH.match(value)
    if match:
        return "/id/atlas/" + match.group(1)  # the page of atlas:ID (web.href), the id checked by ATLAS_PATH
    return None


def _demote(html: str) -> str:
    return re.sub(r"<(/?)h([12])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 2}", html)


def render(text: str | None) -> Markup:
    """``text`` (Markdown) as sanitised HTML."""
    import nh3

    if not text:
        return Markup("")
    html = _demote(_parser().render(text))
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow", attribute_filter=_link_target, strip_comments=True)
    return Markup(clean)


def prose(text: str | None, source: str | None = None) -> Markup:
    """A description as a page shows it: Markdown rendered where its source writes Markdown, else plain text."""
    if source is not None and source.startswith(MARKDOWN_SOURCES):
        return render(text)
    return Markup("<p>") + (text or "") + Markup("</p>")
