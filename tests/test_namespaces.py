import re

from airm import namespaces


def test_prefixes_come_from_the_one_prefix_file():
    p = namespaces.prefixes()
    assert p["airm"] == "https://w3id.org/airm#"
    assert p["mitdom"] == "https://w3id.org/airm/id/mit-risk-domain/"
    assert len(set(p.values())) == len(p), "two prefixes share a namespace"


def test_curie_and_expand_are_inverse():
    for iri in ("https://w3id.org/airm/id/mit-risk-domain/2.2", "https://w3id.org/airm#Mitigation",
                "https://w3id.org/airm/id/lifecycle/build-and-use-model"):
        c = namespaces.curie(iri)
        assert not c.startswith("<")
        assert namespaces.expand(c) == iri


def test_curie_falls_back_to_angle_brackets():
    assert namespaces.curie("http://example.org/x") == "<http://example.org/x>"


def test_every_prefix_used_in_shipped_turtle_is_declared_in_the_prefix_file():
    from airm import resources

    declared = namespaces.prefixes()
    for path in (resources.data_files() + resources.classifier_rule_files() + resources.ontology_files()
                 + resources.shape_files()):
        for m in re.finditer(r"^@prefix\s+([\w-]*):\s*<([^>]+)>", path.read_text(), re.M):
            prefix, ns = m.groups()
            if prefix in ("airmsh",):
                continue
            assert declared.get(prefix) == ns, (f"{path.name}: @prefix {prefix}: <{ns}> differs from "
                                                "ontology/prefixes.ttl")
