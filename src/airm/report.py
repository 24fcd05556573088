"""Coverage pictures: where mitigations are thin, as heat maps (PNG and SVG) and an HTML page.

Two matrices, both from stored queries of the catalog (so the CLI, the web server and this report agree):
``coverage-stage-by-actor`` (lifecycle stage x actor type) and ``coverage-category-by-domain`` (mitigation category x
risk domain); ``unmitigated-risks`` lists the risks no mitigation reaches, beside them. Every cell carries its number,
and an empty cell (0) is drawn hatched on a pale red ground, so the gaps are the first thing one sees.

The figures are drawn with matplotlib's object API (no pyplot global state; safe in a server) and are byte-stable:
no timestamps, a fixed SVG hash salt.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

from . import catalog
from .atomic import write_files
from .engines import run_stored
from .errors import QueryError
from .labels import labels_for, result_iris

FIGURES = {
    "stage-by-actor": {
        "query": "coverage-stage-by-actor",
        "title": "Mitigations per lifecycle stage and actor type",
        "rows": ("stage", "stageCode", "stageLabel"),
        "cols": ("actor", "actorCode", "actorLabel"),
        "ylabel": "Lifecycle stage",
        "xlabel": "Actor type",
        "params": (),
        "filters": ("stage", "actor"),  # the browser's filters a cell stands for (row, column)
    },
    "category-by-domain": {
        "query": "coverage-category-by-domain",
        "title": "Mitigations per mitigation category and risk domain",
        "rows": ("category", "categoryCode", "categoryLabel"),
        "cols": ("domain", "domainCode", "domainLabel"),
        "ylabel": "Mitigation category",
        "xlabel": "Risk domain",
        "params": ("categoryScheme", "domainScheme"),
        "filters": ("category", "risk"),
    },
}
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
ZERO_COLOUR = "#fbe3e1"
ZERO_HATCH_COLOUR = "#c0392b"
SENTINEL_COLOUR = "#e4e4e4"  # "not recorded", "unable to classify": counted, but outside the colour scale


@dataclass
class Matrix:
    title: str
    xlabel: str
    ylabel: str
    rows: list  # [(iri, display label)]
    cols: list
    values: list  # values[r][c] -> int
    sentinels: frozenset = frozenset()  # rows and columns that stand for "not recorded" or "unable to classify"
    denominator: str = ""  # what the counts are out of, in words
    row_notes: dict | None = None  # row IRI -> its own denominator, in words

    def is_sentinel(self, r: int, c: int) -> bool:
        return self.rows[r][0] in self.sentinels or self.cols[c][0] in self.sentinels

    @property
    def zero_cells(self) -> int:
        return sum(v == 0 for r, row in enumerate(self.values) for c, v in enumerate(row) if not self.is_sentinel(r, c))

    @property
    def scale_max(self) -> int:
        """The largest count the colour scale covers: sentinel cells are left out, so that the "not recorded x not
        recorded" cell does not wash out every other one."""
        return max((v for r, row in enumerate(self.values) for c, v in enumerate(row) if not self.is_sentinel(r, c)),
                   default=0)


def _code_key(code: str | None, label: str) -> tuple:
    """Codes in numeric order (1, 2, 10; 1.2 before 1.10); uncoded entries (sentinels) after the coded ones."""
    if not code:
        return (1, (), label.casefold())
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", code) if p)
    return (0, parts, label.casefold())


def matrix(result, spec: dict, sentinels=frozenset()) -> Matrix:
    """The heat-map matrix of a coverage query result (one row per pair, zero counts included); ``sentinels``: the
    classification sentinels among its rows and columns."""
    rkey, rcode, rlabel = spec["rows"]
    ckey, ccode, clabel = spec["cols"]
    rows, cols, counts = {}, {}, {}
    for row in result.rows:
        if rkey not in row or ckey not in row:
            continue
        r, c = row[rkey].value, row[ckey].value
        for store, key, code, label in ((rows, r, rcode, rlabel), (cols, c, ccode, clabel)):
            if key not in store:
                code_v = row[code].value if code in row else None
                label_v = row[label].value if label in row else key
                store[key] = (code_v, label_v)
        n = row["mitigations"].to_python() if "mitigations" in row else 0
        counts[(r, c)] = counts.get((r, c), 0) + int(n)

    def ordered(d):
        items = sorted(d.items(), key=lambda kv: _code_key(kv[1][0], kv[1][1]))
        return [(k, f"{code} {label}" if code else label) for k, (code, label) in items]

    row_list, col_list = ordered(rows), ordered(cols)
    values = [[counts.get((r, c), 0) for c, _ in col_list] for r, _ in row_list]
    shown = frozenset(sentinels) & (set(rows) | set(cols))
    denominator, row_notes = _denominator(result, rkey)
    return Matrix(spec["title"], spec["xlabel"], spec["ylabel"], row_list, col_list, values, shown, denominator,
                  row_notes)


def _denominator(result, rkey: str) -> tuple[str, dict]:
    """What the counts are out of, as the coverage queries give it: one figure for the whole matrix (classified of
    all measures), or one per row (a category's measures, and how many have any risk link)."""
    first = result.rows[0] if result.rows else {}
    if "denominator" in first:
        total = first["denominator"].to_python()
        classified = first["classified"].to_python() if "classified" in first else None
        text = f"Counts of de-duplicated mitigations, out of {total:,}"
        if classified is not None:
            text += f", of which {classified:,} have both a stage and an actor of their own"
        return text + ".", {}
    notes = {}
    for row in result.rows:
        if rkey in row and "categoryMitigations" in row:
            n, linked = row["categoryMitigations"].to_python(), row["categoryLinked"].to_python()
            notes[row[rkey].value] = f"{linked:,} of its {n:,} mitigations have a risk link"
    if notes:
        return ("Counts of de-duplicated mitigations; a row's denominator is its category's mitigations with any risk "
                "link (given beside each row)."), notes
    return "", {}


def _wrap(text: str, width: int = 28) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def heatmap(m: Matrix, fmt: str) -> bytes:
    """The matrix as a PNG or SVG heat map: a number in every cell, zero cells hatched."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import LinearSegmentedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle
    from matplotlib.ticker import MaxNLocator

    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {', '.join(FORMATS)}")
    nr, nc = len(m.rows), len(m.cols)
    width = max(6.0, 1.0 + 1.05 * nc + 2.6)
    height = max(3.2, 1.6 + 0.5 * nr + 1.4)
    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    data = np.array(m.values, dtype=float) if nr and nc else np.zeros((1, 1))
    outside = np.array([[m.is_sentinel(r, c) for c in range(nc)] for r in range(nr)], dtype=bool) \
        if nr and nc else np.zeros((1, 1), dtype=bool)
    masked = np.ma.masked_where((data == 0) | outside, data)
    cmap = LinearSegmentedColormap.from_list("airm", ["#deebf7", "#6baed6", "#08306b"])
    cmap = cmap.with_extremes(bad=ZERO_COLOUR)
    vmax = max(1.0, float(m.scale_max))
    image = ax.imshow(masked, cmap=cmap, vmin=0.5 if vmax > 1 else 0, vmax=vmax, aspect="auto")
    for r in range(nr):
        for c in range(nc):
            v = m.values[r][c]
            if m.is_sentinel(r, c):
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, facecolor=SENTINEL_COLOUR, edgecolor="none"))
                ax.text(c, r, str(v), ha="center", va="center", fontsize=10, color="#333333", fontstyle="italic")
            elif v == 0:
                ax.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, hatch="///", edgecolor=ZERO_HATCH_COLOUR,
                                       linewidth=0))
                ax.text(c, r, "0", ha="center", va="center", fontsize=10, color=ZERO_HATCH_COLOUR, fontweight="bold",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": ZERO_COLOUR, "edgecolor": "none"})
            else:
                dark = v / vmax > 0.55
                ax.text(c, r, str(v), ha="center", va="center", fontsize=10, color="white" if dark else "#08306b")
    ax.set_xticks(range(nc))
    ax.set_xticklabels([_wrap(label, 22) for _, label in m.cols], rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(nr))
    ax.set_yticklabels([_wrap(label, 34) for _, label in m.rows], fontsize=9)
    ax.set_xticks([x - 0.5 for x in range(1, nc)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, nr)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel(m.xlabel)
    ax.set_ylabel(m.ylabel)
    ax.set_title(m.title, fontsize=12)
    bar = fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02)
    bar.set_label("mitigations")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    handles = [Patch(facecolor=ZERO_COLOUR, edgecolor=ZERO_HATCH_COLOUR, hatch="///",
                     label=f"no mitigation ({m.zero_cells} of {nr * nc} cells)")]
    if m.sentinels:
        handles.append(Patch(facecolor=SENTINEL_COLOUR, edgecolor="none",
                             label="not recorded / unable to classify (outside the colour scale)"))
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.005, 0.005), fontsize=9, frameon=False,
               ncol=len(handles))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    buf = io.BytesIO()
    if fmt == "svg":
        import matplotlib

        with matplotlib.rc_context({"svg.hashsalt": "airm", "svg.fonttype": "path"}):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    else:
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _run(kg, name: str, params: dict, timeout: float | None):
    q = catalog.get(name)
    return run_stored(kg, q, catalog.bind_params(kg, q, params), timeout=timeout)


def figure_matrix(kg, name: str, params: dict | None = None, *, timeout: float | None = None) -> Matrix:
    if name not in FIGURES:
        raise QueryError(f"no coverage figure named {name!r}", hint=f"use one of {', '.join(FIGURES)}")
    spec = FIGURES[name]
    params = dict(params or {})
    unknown = set(params) - set(spec["params"])
    if unknown:
        raise QueryError(f"figure {name!r} has no parameter {', '.join(sorted(unknown))}",
                         hint=f"its parameters: {', '.join(spec['params']) or 'none'}")
    return matrix(_run(kg, spec["query"], params, timeout), spec, _sentinels(kg))


def _sentinels(kg) -> frozenset:
    import pyoxigraph as ox

    from .vocab import Airm, Rdf

    return frozenset(q.subject.value for q in kg.store.quads_for_pattern(
        None, ox.NamedNode(Rdf.type), ox.NamedNode(Airm.ClassificationSentinel), None))


def figure_bytes(kg, name: str, fmt: str, *, params: dict | None = None, timeout: float | None = None) -> dict:
    if fmt not in FORMATS:
        raise QueryError(f"figure format must be one of {', '.join(FORMATS)}")
    return {"body": heatmap(figure_matrix(kg, name, params, timeout=timeout), fmt), "media_type": FORMATS[fmt]}


def coverage_data(kg, *, timeout: float | None = None) -> dict:
    """What the coverage page and the HTML report show besides the pictures."""

    mats = {name: figure_matrix(kg, name, timeout=timeout) for name in FIGURES}
    unmitigated = _run(kg, "unmitigated-risks", {}, timeout)
    gaps = _run(kg, "gap-summary-by-domain", {}, timeout)
    labels = labels_for(kg, result_iris(unmitigated) | result_iris(gaps))
    return {"matrices": mats, "unmitigated": unmitigated, "gaps": gaps, "labels": labels}


def unmitigated_by_scheme(result, labels: dict) -> list[tuple[str, str, list[dict]]]:
    """[(scheme IRI, scheme label, [risk rows])] in scheme order."""
    groups: dict[str, list] = {}
    for row in result.rows:
        scheme = row["scheme"].value if "scheme" in row else ""
        groups.setdefault(scheme, []).append({
            "risk": row["risk"].value,
            "label": row["riskLabel"].value if "riskLabel" in row else labels.get(row["risk"].value, row["risk"].value),
            "code": row["code"].value if "code" in row else "",
        })
    return [(s, labels.get(s, s), sorted(rs, key=lambda r: _code_key(r["code"], r["label"])))
            for s, rs in sorted(groups.items(), key=lambda kv: labels.get(kv[0], kv[0]))]


# --- airm report --out DIR ----------------------------------------------------------------------------------------

def write_report(kg, out_dir) -> list[Path]:
    """Write the heat maps (PNG and SVG), their data (CSV) and index.html into ``out_dir``; returns the paths."""
    import csv

    out = Path(out_dir)
    data = coverage_data(kg)
    files: dict[Path, bytes] = {}
    for name, m in data["matrices"].items():
        for fmt in FORMATS:
            files[out / f"{name}.{fmt}"] = heatmap(m, fmt)
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([m.ylabel + " \\ " + m.xlabel] + [label for _, label in m.cols])
        for (_, label), values in zip(m.rows, m.values, strict=True):
            w.writerow([label] + values)
        files[out / f"{name}.csv"] = buf.getvalue().encode("utf-8")
    files[out / "index.html"] = report_html(data).encode("utf-8")
    write_files(out, files, what="report folder")  # figures, their numbers and the page: one run's, together
    return list(files)


def report_html(data: dict) -> str:
    esc = html.escape
    parts = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
             "<title>airm coverage report</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:80rem;margin:1rem auto;padding:0 1rem;"
             "color:#1b1b1b}"
             ".pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(14rem,1fr);gap:1.5rem;align-items:start}"
             "img{max-width:100%;height:auto}table{border-collapse:collapse;font-size:.9rem}"
             "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:right}th{text-align:left}"
             "td.zero{background:#fbe3e1;color:#a02a1e;font-weight:bold}</style></head><body>",
             "<h1>Coverage of AI-risk mitigations</h1>",
             "<p>Each cell counts the mitigations recorded for a pair; hatched cells (0) are gaps. "
             "Risks that no mitigation reaches are listed beside the pictures.</p>"]
    risks = unmitigated_by_scheme(data["unmitigated"], data["labels"])
    aside = ["<aside><h2>Risks with no mitigation</h2>"]
    if not risks:
        aside.append("<p>None: every risk is reached by at least one mitigation.</p>")
    for _scheme, scheme_label, rows in risks:
        aside.append(f"<h3>{esc(scheme_label)} ({len(rows)})</h3><ul>")
        aside += [f"<li>{esc((r['code'] + ' ') if r['code'] else '')}{esc(r['label'])}</li>" for r in rows]
        aside.append("</ul>")
    aside.append("</aside>")
    for i, (name, m) in enumerate(data["matrices"].items()):
        parts.append(f"<section><h2>{esc(m.title)}</h2><div class='pair'><div>")
        parts.append(f"<a href='{name}.svg'><img src='{name}.png' alt='Heat map: {esc(m.title.lower())}; "
                     f"{m.zero_cells} of {len(m.rows) * len(m.cols)} cells have no mitigation. "
                     f"The same numbers are in the table below.'></a>")
        parts.append(_matrix_table(m))
        parts.append("</div>")
        parts.append("".join(aside) if i == 0 else "<div></div>")
        parts.append("</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _matrix_table(m: Matrix) -> str:
    esc = html.escape
    out = [f"<table><caption>{esc(m.title)} (rows: {esc(m.ylabel.lower())}; columns: {esc(m.xlabel.lower())})"
           "</caption><thead><tr><th scope='col'></th>"]
    out += [f"<th scope='col'>{esc(label)}</th>" for _, label in m.cols]
    out.append("</tr></thead><tbody>")
    for (_, label), values in zip(m.rows, m.values, strict=True):
        out.append(f"<tr><th scope='row'>{esc(label)}</th>")
        out += ["<td class='zero'>0</td>" if v == 0 else f"<td>{v}</td>" for v in values]
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)
