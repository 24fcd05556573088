"""The SSSOM export: the graph's mappings as one SSSOM/TSV mapping set, checked by reading the table back.

Collecting, combining and writing the sets is :mod:`airm.sssom`'s job; this module picks the scope and the set.
"""

from __future__ import annotations

from .. import sssom
from ..errors import InternalError, UserError
from ..namespaces import curie, expand
from .release_info import release


def mappings_tsv(kg, *, scope: str = "all", set_id: str | None = None) -> bytes:
    """Every mapping in scope (ontology: term alignments; data: crosswalk rows; all: both) as one SSSOM/TSV set.

    ``set_id`` picks one mapping set (its IRI or CURIE) and writes it with its own metadata. Verified by reading the
    table back and comparing the mappings.
    """
    kinds = {"ontology": ("alignment",), "data": ("crosswalk",), "all": ("alignment", "crosswalk")}[scope]
    info = release(kg.store)
    sets = sssom.collect(kg.store, kinds=kinds, version=info["version"])
    if set_id is not None:
        mset = _chosen_set(sets, set_id, scope)
    else:
        mset = sssom.combine(sets, version=info["version"], release_date=info["date"], scope=scope)
    data = sssom.to_tsv(mset)
    table = sssom.read_tsv(data, name="the SSSOM export")
    back = sssom.parse_tsv_mappings(table, mapping_source=mset.id)
    if sorted(m.key()[:3] for m in back) != sorted(m.key()[:3] for m in mset.mappings):
        raise InternalError("the SSSOM table does not read back as the same mappings", hint="report this as a bug")
    return data


def _chosen_set(sets: list, set_id: str, scope: str):
    """The mapping set ``set_id`` (an IRI or CURIE) names; UserError listing the sets when there is none."""
    wanted = expand(set_id) if not set_id.startswith(("http://", "https://")) else set_id
    chosen = [s for s in sets if s.id == wanted]
    if not chosen:
        raise UserError(f"no mapping set {set_id!r} in scope {scope}",
                        hint="sets: " + ", ".join(curie(s.id) for s in sets) if sets else "there are no mappings")
    return chosen[0]
