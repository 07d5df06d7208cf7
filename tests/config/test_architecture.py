"""The import contracts in pyproject.toml hold, and they would catch a layer run backwards."""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.application.use_cases import read_user_options
from importlinter.configuration import configure
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
CONTRACT_TYPES = {"layers": LayersContract, "acyclic_siblings": AcyclicSiblingsContract}


@pytest.fixture(scope="module")
def options():
    configure()
    return read_user_options(str(PYPROJECT))


def project_graph(options) -> grimp.ImportGraph:
    return grimp.build_graph(*options.session_options["root_packages"], cache_dir=None)


def contracts(options) -> dict[str, object]:
    found = {}
    for contract_options in options.contracts_options:
        kind = CONTRACT_TYPES[contract_options["type"]]
        found[contract_options["type"]] = kind(
            name=contract_options["name"],
            session_options=options.session_options,
            contract_options=contract_options,
        )
    return found


def test_the_project_keeps_every_import_contract(options):
    graph = project_graph(options)

    broken = [
        contract.name
        for contract in contracts(options).values()
        if not contract.check(graph, verbose=False).kept
    ]

    assert broken == []


def test_the_registry_importing_the_newsroom_breaks_the_layers(options):
    graph = project_graph(options)
    graph.add_import(
        importer="organizations.admin",
        imported="articles.evidence.watch",
        line_number=1,
        line_contents="from articles.evidence import watch",
    )

    assert not contracts(options)["layers"].check(graph, verbose=False).kept


def test_the_newsroom_importing_the_readers_site_breaks_the_layers(options):
    graph = project_graph(options)
    graph.add_import(
        importer="articles.selectors",
        imported="reader.feeds",
        line_number=1,
        line_contents="from reader.feeds import live_since",
    )

    assert not contracts(options)["layers"].check(graph, verbose=False).kept


def test_two_modules_importing_each_other_break_the_cycle_contract(options):
    graph = project_graph(options)
    graph.add_import(
        importer="articles.text.anchors",
        imported="articles.models.claims",
        line_number=1,
        line_contents="from articles.models.claims import ClaimAnchor",
    )

    assert not contracts(options)["acyclic_siblings"].check(graph, verbose=False).kept


def test_no_test_is_defined_only_on_one_database():
    """A PostgreSQL-only test is marked and skipped elsewhere, never left undefined."""
    import ast

    tests = Path(__file__).resolve().parents[1]
    hidden = []
    for path in tests.rglob("test_*.py"):
        module = ast.parse(path.read_text(encoding="utf-8"))
        for node in module.body:
            defines_tests = any(isinstance(child, ast.FunctionDef) for child in ast.walk(node))
            if isinstance(node, ast.If) and "vendor" in ast.unparse(node.test) and defines_tests:
                hidden.append(f"{path.relative_to(tests)}:{node.lineno}")
    assert hidden == []
