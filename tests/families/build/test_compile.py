from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.families.build.compile import (
    NOTEBOOK,
    PYTHON2,
    SYNTAX,
    UNREAD,
    check_notebook,
    compile_files,
    compile_source,
)
from reprobot.checks.repo.notebooks import strip_magics


def notebook(*cells: Any, language: str | None = "python", **extra: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    if language is not None:
        metadata["kernelspec"] = {"name": language, "language": language, "display_name": "x"}
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": metadata,
        "cells": [
            {
                "cell_type": "code",
                "id": f"c{i}",
                "metadata": {},
                "source": source,
                "outputs": [],
                "execution_count": None,
            }
            if isinstance(source, (str, list))
            else source
            for i, source in enumerate(cells)
        ],
        **extra,
    }


def nb_bytes(nb: Any) -> bytes:
    return json.dumps(nb, indent=1).encode()


def test_valid_python_compiles() -> None:
    assert compile_source("import os\n\ndef f(x):\n    return x + 1\n", "a.py") is None


def test_syntax_error_names_the_line() -> None:
    problem = compile_source("x = 1\n\ndef f(:\n    pass\n", "a.py")
    assert problem is not None
    assert (problem.kind, problem.line, problem.where) == (SYNTAX, 3, "a.py:3")
    assert problem.message.startswith("SyntaxError: ")


def test_compile_errors_beyond_the_parser_are_found() -> None:
    problem = compile_source("x = 1\nreturn x\n", "a.py")
    assert problem is not None
    assert problem.line == 2
    assert "'return' outside function" in problem.message


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ('import sys\nprint "hello"\n', 2, "print statement"),
        ("try:\n    pass\nexcept ValueError, e:\n    pass\n", 3, "except X, e"),
        ("x = `1`\n", 1, "backticks"),
        ('exec "x = 1"\n', 1, "exec statement"),
        ("mode = 0755\n", 1, "octal"),
        ("if 1 <> 2:\n    pass\n", 1, "<>"),
        ('raise ValueError, "bad"\n', 1, "raise E"),
        ("n = 10L\n", 1, "long integer"),
        ('import sys\nprint >>sys.stderr, "oops"\n', 2, "print >>f"),
        ("print >>f\n", 1, "print >>f"),
    ],
)
def test_python2_code_is_called_python2(source: str, line: int, words: str) -> None:
    problem = compile_source(source, "old.py")
    assert problem is not None
    assert problem.kind == PYTHON2
    assert problem.line == line
    assert problem.message.startswith("Python 2 code: ")
    assert words in problem.message


def test_coding_declaration_is_honoured() -> None:
    source = "# -*- coding: latin-1 -*-\nname = 'Jos\xe9'\n".encode("latin-1")
    assert compile_source(source, "latin.py") is None


def test_bad_encoding_is_a_syntax_problem() -> None:
    problem = compile_source(b"name = '\xff\xfe'\n", "bad.py")
    assert problem is not None
    assert problem.kind == SYNTAX


@pytest.mark.parametrize(
    "source",
    ["x = " + "(" * 300 + ")" * 300 + "\n", "x = " + "-" * 200_000 + "1\n", "x = 1\0\n"],
)
def test_hostile_sources_give_a_problem_not_a_crash(source: str) -> None:
    problem = compile_source(source, "evil.py")
    assert problem is not None
    assert problem.kind == SYNTAX


def test_strip_magics_keeps_line_numbers() -> None:
    source = (
        "%matplotlib inline\n!pip install numpy\nfiles = !ls\nx = %time f()\n"
        "len?\nfor i in x:\n  %time g()\ny = 1"
    )
    stripped = strip_magics(source)
    assert stripped is not None
    assert stripped.split("\n") == [
        "pass",
        "pass",
        "files = None",
        "x = None",
        "pass",
        "for i in x:",
        "  pass",
        "y = 1",
    ]
    assert compile_source(stripped, "x") is None


def test_strip_magics_cell_magics() -> None:
    assert strip_magics("%%bash\necho hi\n") is None
    assert strip_magics("%%writefile out.txt\nanything\n") is None
    assert strip_magics("%%time\nx = 1\n") == "\nx = 1\n"


def test_strip_magics_continuation_lines() -> None:
    assert strip_magics("!pip install \\\n   numpy\nx = 1") == "pass\n\nx = 1"


def test_notebook_with_magics_compiles() -> None:
    nb = notebook(
        "%matplotlib inline\nimport numpy as np\n",
        ["!pip install x\n", "files = !ls\n", "np.zeros?\n"],
        "%%bash\nls -la | wc -l\n",
        "await asyncio.sleep(0)\n",
        "x = (1\n     % 2)\n",
    )
    assert check_notebook("nb.ipynb", nb_bytes(nb)) == ()


def test_notebook_cell_error_names_cell_and_line() -> None:
    nb = notebook("x = 1\n", "%matplotlib inline\ny = 2\nz = (\n")
    problems = check_notebook("analysis/nb.ipynb", nb_bytes(nb))
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.kind, problem.cell, problem.line) == (SYNTAX, 2, 3)
    assert problem.where == "analysis/nb.ipynb cell 2, line 3"


def test_notebook_python2_cell() -> None:
    nb = notebook("import os\n", 'print "done"\n')
    (problem,) = check_notebook("nb.ipynb", nb_bytes(nb))
    assert problem.kind == PYTHON2
    assert problem.cell == 2


def test_notebook_in_another_language_is_not_compiled() -> None:
    nb = notebook("library(ggplot2)\nx <- c(1, 2)\n", language="R")
    assert check_notebook("r.ipynb", nb_bytes(nb)) == ()


def test_notebook_json_error_has_line() -> None:
    text = b'{\n "nbformat": 4,\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n'
    (problem,) = check_notebook("broken.ipynb", text)
    assert problem.kind == NOTEBOOK
    assert problem.line == 4
    assert problem.message.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"[1, 2, 3]", "not an object"),
        (b"{}", "`nbformat` is None"),
        (b'{"nbformat": "4"}', "`nbformat` is '4'"),
        (b'{"nbformat": 99, "nbformat_minor": 0, "cells": []}', "`nbformat` is 99"),
        (b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": "x"}', "invalid"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b"\xff\xfe{}", "not"),
    ],
)
def test_hostile_notebooks_give_a_problem_not_a_crash(content: bytes, words: str) -> None:
    (problem,) = check_notebook("evil.ipynb", content)
    assert problem.kind == NOTEBOOK
    assert words in problem.message


def test_notebook_schema_error_names_the_cell() -> None:
    nb = notebook("x = 1\n", "y = 2\n")
    nb["cells"][1]["source"] = 5
    (problem,) = check_notebook("nb.ipynb", nb_bytes(nb))
    assert problem.kind == NOTEBOOK
    assert problem.message.startswith("invalid notebook: cell 2 `source`:")


@pytest.mark.parametrize("depth", [500, 5000])
def test_deeply_nested_metadata_is_survived(depth: int) -> None:
    text = nb_bytes(notebook("x = 1\n")).decode()
    deep = '{"a": ' * depth + "1" + "}" * depth
    text = text.replace('"metadata": {', '"metadata": {"deep": ' + deep + ", ", 1)
    problems = check_notebook("deep.ipynb", text.encode())
    assert all(p.kind == NOTEBOOK for p in problems)
    if depth > 1000:
        assert problems[0].message == "not a notebook: JSON nested too deeply"


def test_compile_files_over_a_repository(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "ok.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "bad.py").write_text("def f(\n")
    (tmp_path / "old.py").write_text('print "hi"\n')
    (tmp_path / "nb.ipynb").write_bytes(nb_bytes(notebook("x = 1\n")))
    (tmp_path / "outside.py").symlink_to("/etc/hostname")
    build = compile_files(Snapshot(tmp_path))
    assert set(build.scripts) == {"pkg/ok.py", "pkg/bad.py", "old.py", "outside.py"}
    assert build.notebooks == ("nb.ipynb",)
    kinds = {p.path: p.kind for p in build.problems}
    assert kinds == {"pkg/bad.py": SYNTAX, "old.py": PYTHON2, "outside.py": UNREAD}
    assert {p.path for p in build.failures} == {"pkg/bad.py", "old.py"}
    assert [p.path for p in build.python2] == ["old.py"]


def test_large_repository_compiles_in_parallel_with_the_same_findings(tmp_path: Path) -> None:
    from reprobot.checks.families.build import compile as pycompile

    count = pycompile.PARALLEL_FROM + 100
    for i in range(count):
        (tmp_path / f"m{i:04d}.py").write_text(f"x{i} = {i}\n")
    (tmp_path / "m0007.py").write_text("def f(:\n    pass\n")
    (tmp_path / "m0550.py").write_text("print 'hello'\n")
    result = pycompile.compile_files(Snapshot(tmp_path))
    assert len(result.scripts) == count
    assert [(p.path, p.line) for p in result.problems] == [("m0007.py", 1), ("m0550.py", 1)]
    assert result.problems[1].message.startswith("Python 2 code")


def test_cell_ids_in_an_older_minor_version_are_read_as_jupyter_reads_them() -> None:
    nb = notebook(
        {
            "cell_type": "code",
            "id": "a1",
            "metadata": {},
            "source": "x = 1",
            "outputs": [],
            "execution_count": None,
        }
    )
    nb["nbformat_minor"] = 4
    assert check_notebook("saved-by-new-jupyter.ipynb", json.dumps(nb).encode()) == ()
    nb["cells"][0]["outputs"] = "not a list"
    (problem,) = check_notebook("broken.ipynb", json.dumps(nb).encode())
    assert problem.kind == NOTEBOOK and problem.message.startswith("invalid notebook")
