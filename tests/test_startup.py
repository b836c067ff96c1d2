"""Starting `reprobot` imports none of the costly libraries most runs never use.

Not a timing: which modules a fresh interpreter holds after `import reprobot.bot.cli`
(what every `reprobot` command pays before it does anything). Each library below is
imported inside the function that needs it: Pillow when notebook figures are compared or
drawn, jsonschema when a configuration or a CITATION.cff is validated, nbformat for an
nbformat 3 notebook, poetry-core for Poetry's constraints, the audit (and matplotlib) for
`reprobot audit`, and the standard library's email, html, xml and multiprocessing where
our own code reads metadata, HTML outputs, JUnit files or compiles a large repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from reprobot.bot.cli import main
from reprobot.checks.core.runner import run

DEFERRED = (
    "PIL",
    "jsonschema",
    "jsonschema_specifications",
    "referencing",
    "attr",
    "attrs",
    "nbformat",
    "nbclient",
    "traitlets",
    "matplotlib",
    "poetry",
    "reprobot.bot.audit",
    "email",
    "html",
    "xml",
    "multiprocessing",
)
PROBE = (
    "import reprobot.bot.cli, sys; "
    f"deferred = {DEFERRED!r}; "
    "print('\\n'.join(sorted(m for m in sys.modules "
    "if any(m == d or m.startswith(d + '.') for d in deferred))))"
)


def _imported_by_the_cli() -> list[str]:
    outcome = run([sys.executable, "-c", PROBE], timeout=120)
    assert outcome.returncode == 0, outcome.stderr
    return outcome.stdout.split()


def test_importing_the_cli_leaves_the_costly_libraries_unimported() -> None:
    imported = _imported_by_the_cli()
    assert imported == [], (
        "importing reprobot.bot.cli now imports "
        f"{', '.join(imported)}; import it inside the function that uses it"
    )


def test_the_probe_sees_what_is_imported() -> None:
    """The probe itself works: a module that is imported is listed."""
    outcome = run([sys.executable, "-c", f"import html.parser, jsonschema; {PROBE}"], timeout=120)
    assert outcome.returncode == 0, outcome.stderr
    assert {"html.parser", "jsonschema"} <= set(outcome.stdout.split())


def test_the_audit_imported_late_still_reports_bad_input_as_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "merge", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "reprobot: error: audit merge: give the audit folders to merge" in err
    assert "Traceback" not in err
