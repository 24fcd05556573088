"""Arbitrary text in any parameter of any stored query: a typed error or rows that the unconstrained query has too.

Binding may only narrow a query. The unconstrained query is the same text with the parameter's variable left free
(run without binding it); queries that aggregate are checked for typed errors only, since a binding changes counts.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airm import catalog
from airm.engines import run_stored
from airm.errors import AirmError

HOSTILE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(['"', "'", "\\", "}", "{", ">", "<", "#", "\n", '") } } DROP ALL #', "?s ?p ?o", "<file:///etc/passwd>",
                     "mitdom:2.2 } UNION { ?s ?p ?o", "llmsr:privacy> . ?x ?y <z", "1e999", "-0", "NaN", "\u0000"]),
    st.builds(lambda a, b: a + b, st.sampled_from(['"', "'", "}", ">", "\\"]), st.text(max_size=20)),
)

PARAMS = [(name, p) for name, q in sorted(catalog.catalog().items()) for p in q.params.values()]


def _aggregates(q) -> bool:
    return re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|GROUP_CONCAT|SAMPLE)\s*\(", q.text, re.IGNORECASE) is not None


def _rows(result, drop: str) -> set:
    if result.kind == "construct":
        return {tuple(t.n3() for t in triple) for triple in result.triples}
    return {tuple(sorted((k, v.n3()) for k, v in row.items() if k != drop)) for row in result.rows}


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}.{p.name}" for n, p in PARAMS])
def test_arbitrary_parameter_text_only_narrows(name, param, kg):
    q = catalog.get(name)
    fill = {p.name: p.example for p in q.params.values()
            if p.required and p.default is None and p.name != param.name}
    if not (param.required and param.default is None):
        open_params = {k: v for k, v in catalog.bind_params(kg, q, fill).items() if k != param.name}
    else:
        # a required text parameter cannot be left free: the empty string is its widest value (CONTAINS "" is true)
        open_params = catalog.bind_params(kg, q, {**fill, param.name: ""}) if param.type == "string" else None
    if _aggregates(q) or open_params is None:
        unconstrained = None
    else:
        unconstrained = _rows(run_stored(kg, q, open_params), param.name)

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=HOSTILE)
    def check(value):
        try:
            bound = catalog.bind_params(kg, q, {**fill, param.name: value})
            result = run_stored(kg, q, bound)
        except AirmError:
            return  # a typed error, with a message for the user: fine
        if unconstrained is not None:
            extra = _rows(result, param.name) - unconstrained
            assert not extra, f"{name}: binding {param.name}={value!r} produced rows the open query lacks: {extra}"

    check()
