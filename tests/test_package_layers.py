"""The feature packages form layers: no two of them import each other, and no longer cycle either (imports inside
functions and TYPE_CHECKING blocks count too). The graph is the one `bench/import_graph.py` prints."""

from __future__ import annotations

from bench import import_graph


def test_no_two_feature_packages_import_each_other() -> None:
    assert import_graph.mutual_feature_pairs() == []


def test_the_feature_packages_have_no_import_cycle() -> None:
    assert import_graph.feature_cycles() == []


def test_a_mutual_import_would_be_seen() -> None:
    edges = import_graph.graph()
    edges["meetings"].add("participants")
    edges["participants"].add("meetings")
    assert ("meetings", "participants") in import_graph.mutual_feature_pairs(edges)


def test_a_longer_cycle_would_be_seen() -> None:
    edges = import_graph.graph()
    edges["auth"].add("public")  # public -> meetings -> auth already
    assert any({"auth", "public"} <= set(group) for group in import_graph.feature_cycles(edges))
