"""The shape of the code base (DESIGN §3 and §4), checked by parsing every app module with `ast`.

1. Imports run one way: hannover_beteiligung → notifications → recommendations → planning → reflections →
   workshops → accounts → districts → core. No module imports a module of an app above its own (lazy
   imports inside functions count too), and no app template links to a higher app by URL name or loads
   its template tags. A lower app that shows something of a higher one renders a hook (core/hooks.py).
2. Views, admin, API and forms do not write domain models themselves: every write with side effects
   goes through a service (`<app>/services.py`). The few justified exceptions are in ALLOWED_WRITES, each
   with its reason.
"""

from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# Top to bottom; the apps of wave 2 (planning, notifications) are checked as soon as they exist.
APP_ORDER = [
    "hannover_beteiligung",
    "notifications",
    "recommendations",
    "planning",
    "reflections",
    "workshops",
    "accounts",
    "districts",
    "core",
]
RANK = {app: len(APP_ORDER) - position for position, app in enumerate(APP_ORDER)}  # higher = further up


def app_modules() -> list[tuple[str, Path]]:
    """(app, path) of every Python module of the apps, migrations excluded."""
    modules = []
    for app in APP_ORDER:
        root = BASE_DIR / app
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.py")):
            if "migrations" not in path.relative_to(root).parts:
                modules.append((app, path))
    return modules


def module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement, also inside functions."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def upward_imports() -> list[str]:
    violations = []
    for app, path in app_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in imported_modules(tree):
            target = name.split(".")[0]
            if target in RANK and RANK[target] > RANK[app]:
                violations.append(f"{path.relative_to(BASE_DIR)}:{line} imports {name} ({app} is below {target})")
    return violations


def test_the_app_order_names_every_app_of_the_project():
    from django.conf import settings

    project_apps = {name.split(".")[0] for name in settings.INSTALLED_APPS if (BASE_DIR / name.split(".")[0]).is_dir()}
    assert project_apps <= set(APP_ORDER)


def test_no_app_imports_a_module_of_an_app_above_it():
    assert upward_imports() == []


def test_the_import_check_sees_an_upward_import():
    tree = ast.parse("def f():\n    from reflections.views import workshop_documentation\n")
    assert imported_modules(tree) == [(2, "reflections.views")]


@pytest.mark.parametrize(
    "name",
    [
        module_name(path)
        for _app, path in app_modules()
        if ".settings" not in module_name(path) and path.name not in ("manage.py",)
    ],
)
def test_every_app_module_imports(name):
    importlib.import_module(name)


def test_each_rule_predicate_is_defined_once():
    # Role predicates live in accounts/rules.py; each app's rules.py builds on them instead of copying.
    defined: dict[str, list[str]] = {}
    for _app, path in app_modules():
        if path.name != "rules.py":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                defined.setdefault(node.name, []).append(str(path.relative_to(BASE_DIR)))
    assert {name: paths for name, paths in defined.items() if len(paths) > 1} == {}


URL_NAME = re.compile(r"""\{%\s*url\s+["']([a-z_]+):""")
LOAD = re.compile(r"""\{%\s*load\s+([^%]+)%\}""")


def template_libraries() -> dict[str, str]:
    """Template tag library name → the app that defines it."""
    libraries = {}
    for app in APP_ORDER:
        for path in (BASE_DIR / app).glob("templatetags/*.py"):
            if path.stem != "__init__":
                libraries[path.stem] = app
    return libraries


def test_no_app_template_links_upward_by_url_name_or_loads_a_higher_apps_tags():
    libraries = template_libraries()
    violations = []
    for app in APP_ORDER:
        for path in sorted((BASE_DIR / app / "templates").rglob("*")):
            if not path.is_file() or path.suffix not in (".html", ".txt", ".xml"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                targets = URL_NAME.findall(line)
                for load in LOAD.findall(line):
                    targets += [libraries[name] for name in load.split() if name in libraries]
                for target in targets:
                    if target in RANK and RANK[target] > RANK[app]:
                        violations.append(f"{path.relative_to(BASE_DIR)}:{number} uses {target} ({app} is below)")
    assert violations == []


# --- writes go through services ---------------------------------------------------------------------------

# Modules at the edge: they call services, never write models themselves.
EDGE_MODULES = ("views.py", "admin.py", "forms.py", "api/views.py", "api/serializers.py")
WRITE_METHODS = {
    "save",
    "delete",
    "update",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
# The admin's own write steps: calling the inherited one writes the model as the form left it.
ADMIN_WRITE_STEPS = {"save_model", "save_formset", "delete_model", "delete_queryset", "save_related"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "queryset", "qs"}
NOT_A_MODEL = {
    "cache",
    "session",
    "context",
    "kwargs",
    "data",
    "initial",
    "attrs",
    "params",
    "headers",
    "response",
    "workbook",  # openpyxl: writes a spreadsheet into a buffer
}

# Justified writes outside a service: "path::function::call" → why.
_AUTH_FORM = (
    "Django's user/group admin form (password hashing, groups and permissions as m2m) saves the row; the "
    "side effect, the audit entry of changed roles and permissions, is written by accounts.services "
    "(snapshot before save_model, record after save_related)."
)
_AUTH_DELETE = (
    "Deleting an account or a role in the admin removes the row (and what cascades with it) and is "
    "audit-logged first; erasure of a person's data across apps is accounts.services.personal_data_erase."
)
ALLOWED_WRITES: dict[str, str] = {
    "accounts/admin.py::UserAdmin.save_model::super().save_model": _AUTH_FORM,
    "accounts/admin.py::UserAdmin.save_related::super().save_related": _AUTH_FORM,
    "accounts/admin.py::GroupAdmin.save_model::super().save_model": _AUTH_FORM,
    "accounts/admin.py::GroupAdmin.save_related::super().save_related": _AUTH_FORM,
    "accounts/admin.py::UserAdmin.delete_model::super().delete_model": _AUTH_DELETE,
    "accounts/admin.py::UserAdmin.delete_queryset::super().delete_queryset": _AUTH_DELETE,
    "accounts/admin.py::GroupAdmin.delete_model::super().delete_model": _AUTH_DELETE,
    "workshops/admin.py::WorkshopAdmin.save_formset::formset.save": (
        "save(commit=False) only builds unsaved instances; the team and agenda services write them"
    ),
    "recommendations/admin.py::RecommendationAdmin.save_formset::super().save_formset": (
        "only the read-only inlines (history, versions, endorsements) reach it: they have no editable forms"
    ),
}

# Direct writes still waiting for a service. Empty since the admin refactoring of issue 14; a stale entry
# fails the test below.
PENDING_REFACTOR: set[str] = set()


@dataclass(frozen=True)
class Write:
    key: str
    line: int


def _chain(node: ast.AST) -> list[str]:
    """Names along an attribute/call chain: `Workshop.objects.filter(x).update` → [Workshop, objects, filter]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return list(reversed(names))
        else:
            return list(reversed(names))


def _is_super_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if func.attr in ADMIN_WRITE_STEPS:
        return _is_super_call(receiver)
    if func.attr not in WRITE_METHODS:
        return False
    chain = _chain(receiver)
    if set(chain) & NOT_A_MODEL:
        return False
    if func.attr == "update":  # dict.update is everywhere; a queryset's update has a queryset before it
        return bool(set(chain) & QUERYSET_HINTS)
    return True


def writes_in(source: str, path: str) -> list[Write]:
    tree = ast.parse(source)
    found: list[Write] = []

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, [*scope, child.name])
                continue
            if isinstance(child, ast.Call) and _is_write(child):
                call = ast.unparse(child.func)
                found.append(Write(f"{path}::{'.'.join(scope) or '<module>'}::{call}", child.lineno))
            visit(child, scope)

    visit(tree, [])
    return found


def edge_writes() -> list[Write]:
    found = []
    for _app, path in app_modules():
        relative = path.relative_to(BASE_DIR).as_posix()
        if relative.endswith(EDGE_MODULES) or "/views/" in relative or "/admin/" in relative:
            found.extend(writes_in(path.read_text(encoding="utf-8"), relative))
    return found


def test_views_admin_api_and_forms_write_only_through_services():
    unjustified = sorted(
        f"{write.key} (line {write.line})"
        for write in edge_writes()
        if write.key not in ALLOWED_WRITES and write.key not in PENDING_REFACTOR
    )
    assert unjustified == []


def test_every_allowed_write_still_exists_and_has_a_reason():
    keys = {write.key for write in edge_writes()}
    assert sorted((set(ALLOWED_WRITES) | PENDING_REFACTOR) - keys) == []
    assert all(reason.strip() for reason in ALLOWED_WRITES.values())


def test_the_write_check_sees_direct_writes_and_ignores_dicts():
    source = (
        "class A:\n"
        "    def save_model(self, request, obj, form, change):\n"
        "        super().save_model(request, obj, form, change)\n"
        "def view(request):\n"
        "    Workshop.objects.filter(pk=1).update(seats_held=0)\n"
        "    photo.save(update_fields=['public'])\n"
        "    context.update({'a': 1})\n"
        "    cache.delete('k')\n"
    )
    assert [write.key for write in writes_in(source, "x/admin.py")] == [
        "x/admin.py::A.save_model::super().save_model",
        "x/admin.py::view::Workshop.objects.filter(pk=1).update",
        "x/admin.py::view::photo.save",
    ]
