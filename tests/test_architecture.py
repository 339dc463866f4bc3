"""The shape of the code: no import cycle among the app's modules, no module too long, and
row locks, version bumps and history writes only in the services and the models.

Both read the source files as text (``ast``), so they see every import, including one inside a
function or under ``TYPE_CHECKING``, whether or not it runs. Migrations are left out.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "panels"
MAX_LINES = 500


# What only ``panels.services`` and ``panels.models`` may write: row locks, version bumps and
# entries in the admin's history. (Reading the history, as the stale-page refusal does, is
# allowed anywhere.)
STATE_CHANGE_CALLS = ("select_for_update", "log_actions", "log_change", "log_action")


def module_files(package=PACKAGE):
    """Each module of ``package`` but its migrations: a dict of dotted name to path."""
    modules = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def imported_modules(name, path, known):
    """The modules among ``known`` (dotted names) that module ``name``, at ``path``, imports.

    ``from package import name`` counts as importing the submodule ``package.name`` when there
    is one, else ``package`` itself; relative imports are resolved against ``name``.
    """
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module
            targets = [
                f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            # ``import panels.models.people`` imports that module; take the longest known name.
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_cycles(graph):
    """The import cycles of ``graph`` (a dict of module to the set of modules it imports): a
    sorted list of the strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph[module]):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(cycles)


def import_graph():
    modules = module_files()
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def test_the_graph_sees_relative_and_absolute_imports():
    graph = import_graph()

    assert {"panels.models.choices", "panels.models.querysets"} <= graph["panels.models.meetings"]
    assert "panels.running_order" in graph["panels.models.errors"]
    assert "panels.models" in graph["panels.admin.panels"]
    assert "panels.models" in graph["panels.management.commands.send_reminders"]
    assert "panels.mail" in graph["panels.services.emails"]


def test_mail_imports_no_service():
    assert not any(name.startswith("panels.services") for name in import_graph()["panels.mail"])


def test_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}

    assert import_cycles(graph) == [["a", "b", "c"]]


def test_no_import_cycle_among_the_apps_modules():
    assert import_cycles(import_graph()) == []


def test_no_module_over_500_lines():
    too_long = {
        name: count
        for name, path in module_files().items()
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }

    assert too_long == {}


def state_change_calls(package=PACKAGE):
    """Where a module outside the services and the models locks rows, raises a version
    (``version=F("version") + 1``) or writes the admin's history: (module, line) pairs."""
    found = []
    for name, path in module_files(package).items():
        if name.startswith(("panels.services", "panels.models")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in STATE_CHANGE_CALLS
                or isinstance(node, ast.keyword)
                and node.arg == "version"
            ):
                found.append((name, node.lineno))
    return found


def test_only_services_and_models_lock_rows_bump_versions_or_write_history():
    assert state_change_calls() == []


def test_state_change_calls_are_found(tmp_path):
    package = tmp_path / "panels"
    (package / "admin").mkdir(parents=True)
    (package / "admin" / "actions.py").write_text(
        "Panel.objects.select_for_update()\n"
        "Panel.objects.update(version=F('version') + 1)\n"
        "self.log_change(request, panel, message)\n"
    )

    assert state_change_calls(package) == [
        ("panels.admin.actions", 1),
        ("panels.admin.actions", 2),
        ("panels.admin.actions", 3),
    ]
