"""No module over 500 lines without the reason written at its top.

A long module is usually two subjects sharing a file; when it really is one, its docstring
says why in a line beginning "Over 500 lines:". Migrations are generated and left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FOLDERS = ("kiemsat", "bench")
MAX_LINES = 500
REASON = "Over 500 lines:"


def _gives_a_reason(text: str) -> bool:
    doc = ast.get_docstring(ast.parse(text)) or ""
    return any(line.strip().startswith(REASON) for line in doc.splitlines())


def too_long_without_reason(root: Path, folders: Iterable[str] = FOLDERS) -> list[str]:
    """The modules below ``root``'s ``folders`` over MAX_LINES lines whose docstring has no
    line beginning with REASON, as "path (N lines)"."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            text = path.read_text(encoding="utf-8")
            count = len(text.splitlines())
            if count > MAX_LINES and not _gives_a_reason(text):
                found.append(f"{path.relative_to(root).as_posix()} ({count} lines)")
    return found


def test_every_long_module_says_why() -> None:
    long = too_long_without_reason(ROOT)
    assert long == [], (
        "Split these modules, or write why each is one module in a docstring line "
        f"beginning {REASON!r}: {long}"
    )


def _module(path: Path, doc: str, lines: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'"""{doc}"""\n' + "x = 1\n" * (lines - 1), encoding="utf-8")


def test_the_check_counts_lines_and_reads_only_the_docstring(tmp_path: Path) -> None:
    _module(tmp_path / "kiemsat" / "short.py", "Short.", MAX_LINES)
    _module(tmp_path / "kiemsat" / "long.py", "Long.", MAX_LINES + 1)
    _module(tmp_path / "kiemsat" / "said.py", f"One subject.\n\n{REASON} one table.\n", 600)
    _module(tmp_path / "kiemsat" / "app" / "migrations" / "0001_initial.py", "Made.", 900)
    _module(tmp_path / "bench" / "run.py", "Bench.", 700)
    (tmp_path / "kiemsat" / "comment.py").write_text(
        f'"""No reason."""\n# {REASON} a comment is not the docstring\n' + "x = 1\n" * 600,
        encoding="utf-8",
    )
    assert too_long_without_reason(tmp_path) == [
        "kiemsat/comment.py (602 lines)",
        "kiemsat/long.py (501 lines)",
        "bench/run.py (700 lines)",
    ]
