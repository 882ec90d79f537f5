"""Figures on the code's shape: route handlers' lengths and long files.

    python tools/shape.py            # summary
    python tools/shape.py --list 30  # every handler over 30 lines

The quality tests (tests/test_shape.py) use `route_handlers()` to hold the limits.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


@dataclass(frozen=True)
class Handler:
    """One function decorated as a route, with its length in lines (decorators excluded)."""

    path: Path
    name: str
    lineno: int
    length: int

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}::{self.name}"


def _is_route(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS


def route_handlers() -> list[Handler]:
    """Every route handler under portal/blueprints, longest first."""
    found = []
    for path in sorted((PORTAL / "blueprints").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(map(_is_route, node.decorator_list)):
                length = node.end_lineno - node.lineno + 1
                found.append(Handler(path, node.name, node.lineno, length))
    return sorted(found, key=lambda h: -h.length)


def long_files(limit: int = 300) -> list[tuple[Path, int]]:
    """Python files under portal/ longer than `limit` lines, longest first."""
    sizes = [(p, len(p.read_text(encoding="utf-8").splitlines())) for p in PORTAL.rglob("*.py")]
    return sorted([(p, n) for p, n in sizes if n > limit], key=lambda pn: -pn[1])


def main(argv: list[str]) -> None:
    handlers = route_handlers()
    over = [h for h in handlers if h.length > 30]
    print(f"route handlers: {len(handlers)}")
    print(f"handlers over 30 lines: {len(over)}")
    if handlers:
        print(f"longest handler: {handlers[0].where} ({handlers[0].length} lines)")
    files = long_files()
    print(f"python files over 300 lines: {len(files)}")
    for path, n in files:
        print(f"  {n:5d} {path.relative_to(ROOT)}")
    if "--list" in argv:
        limit = int(argv[argv.index("--list") + 1])
        for h in handlers:
            if h.length > limit:
                print(f"  {h.length:4d} {h.where}")


if __name__ == "__main__":
    main(sys.argv[1:])
