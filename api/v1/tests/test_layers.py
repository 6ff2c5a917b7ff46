"""The REST layer builds no querysets: reads (``expand`` and prefetching included) are the
selectors', so REST and GraphQL share them. Checked on the source, so that a view that starts
joining or filtering fails here rather than in review."""

import ast
from pathlib import Path

import pytest

API_V1 = Path(__file__).resolve().parent.parent
# Queryset methods that shape a query; a view calling any of them is building one.
QUERY_BUILDING = {
    "filter",
    "exclude",
    "select_related",
    "prefetch_related",
    "annotate",
    "alias",
    "defer",
    "only",
    "extra",
    "raw",
    "values",
    "values_list",
    "select_for_update",
}
# The keyset pagination applies the ordering and the "after the cursor" condition to the
# selector's queryset: generic paging, the one place allowed to.
ALLOWED = {"pagination.py"}
MODULES = sorted(path for path in API_V1.glob("*.py") if path.name not in ALLOWED)


def _query_building_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        called = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        if called and node.func.attr in QUERY_BUILDING:
            found.append(f"{path.name}:{node.lineno} .{node.func.attr}()")
        if isinstance(node, ast.Attribute) and node.attr == "objects":  # a model manager
            found.append(f"{path.name}:{node.lineno} .objects")
    return found


def test_the_modules_are_found():
    assert {"challenges.py", "applications.py", "messages.py", "common.py"} <= {
        path.name for path in MODULES
    }


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_no_view_module_builds_a_queryset(path):
    assert _query_building_calls(path) == []
