"""Heat maps: the sentinel cells ("not recorded", "unable to classify") are counted but kept outside the colour
scale, and each matrix says what its counts are out of."""

from __future__ import annotations

from airm import report


def test_sentinel_cells_stay_outside_the_colour_scale(kg):
    m = report.figure_matrix(kg, "stage-by-actor")
    assert m.sentinels  # the embedded graph records "not recorded" stages and actors
    inside = [v for r, row in enumerate(m.values) for c, v in enumerate(row) if not m.is_sentinel(r, c)]
    assert m.scale_max == max(inside)
    biggest = max(v for row in m.values for v in row)
    assert biggest > m.scale_max  # the "not recorded x not recorded" cell is the largest, and does not set the scale
    assert m.zero_cells == sum(v == 0 for v in inside)
    row = kg.query("coverage-stage-by-actor").rows[0]
    assert m.denominator.startswith(f"Counts of de-duplicated mitigations, out of {row['denominator'].value}")
    assert report.heatmap(m, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_category_matrix_gives_each_row_its_denominator(kg):
    m = report.figure_matrix(kg, "category-by-domain")
    assert set(m.row_notes) == {iri for iri, _ in m.rows}
    assert all("have a risk link" in note for note in m.row_notes.values())
