"""Links and cells: how an IRI or a literal appears on a page, and where a link to it goes.

Our IRIs are https://w3id.org/airm/id/<family>/<local>; the server mirrors that path (/id/<family>/<local>), so the
persistent-IRI redirect is a single prefix rewrite. Other IRIs the graph knows open the generic page
``/resource?iri=...``; IRIs it does not know link out.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from ..namespaces import AIRM, AIRM_ID, GRAPH_BASE, ONTOLOGY_IRI, QUERY_BASE, curie
from ..results import XSD

HERE = Path(__file__).resolve().parent
SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def href(iri: str, labels: dict | None = None) -> str | None:
    """The local page for ``iri``; the IRI itself for an outside resource the graph knows nothing about."""
    if iri.startswith(AIRM_ID) and len(iri) > len(AIRM_ID):
        return "/id/" + quote(iri[len(AIRM_ID):], safe=SAFE_PATH)
    if iri.startswith(QUERY_BASE) and "/" not in iri[len(QUERY_BASE):] and len(iri) > len(QUERY_BASE):
        return "/queries/" + quote(iri[len(QUERY_BASE):], safe=SAFE_PATH)
    if iri == ONTOLOGY_IRI:
        return "/ontology"
    if iri.startswith((AIRM, GRAPH_BASE, "https://w3id.org/airm/")) or (labels is not None and iri in labels):
        return "/resource?" + urlencode({"iri": iri})
    if iri.startswith(("http://", "https://")):
        return iri
    return None


def is_external(link: str | None) -> bool:
    return bool(link) and link.startswith(("http://", "https://"))


def short(iri: str) -> str:
    c = curie(iri)
    return c[1:-1] if c.startswith("<") else c


def link(iri: str, labels: dict | None = None, *, text: str | None = None) -> Markup:
    labels = labels or {}
    label = text or labels.get(iri)
    target = href(iri, labels)
    shown = escape(label) if label else Markup(f'<span class="curie">{escape(short(iri))}</span>')
    if target is None:
        return shown
    extra = ' rel="external noopener"' if is_external(target) else ""
    title = f' title="{escape(iri)}"'
    return Markup(f'<a href="{escape(target)}"{extra}{title}>{shown}</a>')


def cell(term, labels: dict | None = None) -> Markup:
    """One RDF term (results.Term) as HTML: a link for IRIs, the text of a literal with its language or type."""
    if term is None:
        return Markup("")
    if term.type == "uri":
        out = link(term.value, labels)
        if labels and term.value in labels:
            out += Markup(f' <span class="curie">{escape(short(term.value))}</span>')
        return out
    if term.type == "bnode":
        return Markup(f'<span class="bnode">_:{escape(term.value)}</span>')
    value = term.value
    if term.datatype == XSD + "anyURI" and value.startswith(("http://", "https://")):
        return Markup(f'<a href="{escape(value)}" rel="external noopener">{escape(value)}</a>')
    out = escape(value)
    if term.lang and not term.lang.startswith("en"):
        out += Markup(f' <span class="lang">@{escape(term.lang)}</span>')
    return out


def visible_columns(result, labels: dict | None) -> list[str]:
    """The columns a page shows: a ``fooLabel`` column is left out when the ``foo`` links already read the same, and
    so is a column of text that only repeats, row by row, the text of a link beside it (a document's ``title`` when
    the page names documents by their titles)."""
    labels = labels or {}
    shown = []
    for v in result.variables:
        base = v[:-5] if v.endswith("Label") else None
        if base and base in result.variables and all(
                (row.get(v) is None) or (row.get(base) is not None and row[base].type == "uri"
                                         and labels.get(row[base].value) == row[v].value)
                for row in result.rows):
            continue
        if _repeats_a_link(v, result.rows, labels):
            continue
        shown.append(v)
    return shown


def _repeats_a_link(column: str, rows, labels: dict) -> bool:
    """Whether every value of ``column`` is a literal reading exactly as a link in its own row (and one is there)."""
    seen = False
    for row in rows:
        term = row.get(column)
        if term is None:
            continue
        if term.type != "literal" or not any(
                other.type == "uri" and labels.get(other.value) == term.value
                for name, other in row.items() if name != column and other is not None):
            return False
        seen = True
    return seen


def environment():
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    from .prose import prose

    env.globals.update(link=link, cell=cell, href=href, short=short, urlencode=urlencode,
                       visible_columns=visible_columns, prose=prose)
    return env
