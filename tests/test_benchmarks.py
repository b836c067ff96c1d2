"""Each benchmark script runs on a tiny size, prints its table and writes its JSON.

No timing is asserted here: speed is judged by the ratios the scripts print.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_benchmark(module: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{module}", *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def table_rows(output: str) -> dict[str, list[str]]:
    """First cell -> the other cells, for every Markdown table row printed."""
    rows = {}
    for line in output.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.setdefault(cells[0], cells[1:])
    return rows


def test_generated_repository_has_the_promised_mix(tmp_path: Path) -> None:
    from benchmarks.generate import Layout, generate

    count = generate(tmp_path, 400)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert count == len(files) == 400
    assert len([p for p in files if p.suffix == ".py"]) == Layout(400).modules == 40
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    assert len(notebooks) == 4
    import nbformat

    for path in notebooks:
        nbformat.validate(nbformat.read(path, as_version=4))
    for path in files:
        if path.suffix == ".py":
            compile(path.read_bytes(), str(path), "exec", dont_inherit=True)
    assert not (tmp_path / "pyproject.toml").exists()
    assert (tmp_path / "requirements.txt").read_text().split() == [
        "numpy",
        "pandas",
        "scipy",
        "matplotlib",
        "scikit-learn",
    ]


def test_bench_scan_prints_its_tables(tmp_path: Path) -> None:
    out_json = tmp_path / "scan.json"
    out = run_benchmark(
        "bench_scan",
        *("--size", "300", "--repeat", "1", "--cache-dir", str(tmp_path / "cache")),
        *("--json", str(out_json)),
    )
    assert "## Snapshot scan, 300 files" in out
    rows = table_rows(out)
    for name in ("Snapshot(root).files, git", "git ls-files", "Snapshot(root).files, plain"):
        assert rows[name][0] == "300", name
    assert rows["Path.rglob('*')"][0] == "300"
    payload = json.loads(out_json.read_text())
    assert payload["size"] == 300
    assert {t["name"] for t in payload["scan"]} >= {"os.walk", "Path.rglob('*')"}
    assert all(t["files"] == 300 for t in payload["scan"])
    if payload["static_codes"]:
        assert "## Static checks on the git repository" in out
        assert set(payload["static"]["statuses"]) == set(payload["static_codes"])
        assert payload["static"]["cli"]["max_rss_mb"] > 0


def tiny_wheel(directory: Path, name: str = "benchtiny", version: str = "1.0") -> Path:
    """A minimal pure-Python wheel, so the environment benchmark runs without the index."""
    dist = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": "VALUE = 1\n",
        f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = "\n".join(record) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


@pytest.mark.slow
def test_bench_environment_prints_its_table_from_a_local_index(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    tiny_wheel(wheels)
    out_json = tmp_path / "env.json"
    out = run_benchmark(
        "bench_environment",
        *("--repeat", "1", "--find-links", str(wheels), "--requirements", "benchtiny"),
        *("--json", str(out_json)),
    )
    assert "## Fresh environment: benchtiny" in out
    rows = table_rows(out)
    assert rows["bare uv"][:1] == ["cold"]
    payload = json.loads(out_json.read_text())
    assert payload["requirements"] == ["benchtiny"]
    for name in ("reprobot", "venv + pip", "bare uv"):
        for kind in ("cold", "warm"):
            timing = payload["timings"][f"{name}, {kind}"]
            assert len(timing["seconds"]) == 1 and timing["median_s"] > 0
    assert payload["ratios_vs_bare_uv"]["bare uv, warm"] == 1.0
    assert payload["timings"]["reprobot, warm"]["phases"][0]["environment.install"] > 0


def test_bench_imports_prints_its_table_without_deptry(tmp_path: Path) -> None:
    out_json = tmp_path / "imports.json"
    out = run_benchmark(
        "bench_imports",
        *("--size", "300", "--repeat", "1", "--cache-dir", str(tmp_path / "cache")),
        *("--no-deptry", "--json", str(out_json)),
    )
    assert "## Import scan, 300 files (30 modules, 3 notebooks)" in out
    rows = table_rows(out)
    assert {"scan_imports", "DEP005 via check_repository", "ast.parse every .py"} <= set(rows)
    payload = json.loads(out_json.read_text())
    assert payload["deptry"] is None
    scan = next(t for t in payload["timings"] if t["name"] == "scan_imports")
    assert scan["import_sites"] > 30
    check = next(t for t in payload["timings"] if t["name"] == "DEP005 via check_repository")
    assert check["status"] in ("pass", "warn", "fail")


@pytest.mark.integration
def test_bench_imports_against_deptry_from_the_index(tmp_path: Path) -> None:
    out_json = tmp_path / "imports.json"
    out = run_benchmark(
        "bench_imports",
        *("--size", "300", "--repeat", "1", "--cache-dir", str(tmp_path / "cache")),
        *("--json", str(out_json)),
    )
    assert "deptry ." in table_rows(out)
    payload = json.loads(out_json.read_text())
    assert payload["ratios_vs_deptry"]["deptry ."] == 1.0
    deptry = next(t for t in payload["timings"] if t["name"] == "deptry .")
    assert deptry["summary"].startswith(("Found", "Success"))


def _tiny_study(real_index: Path, place: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One requirement and one test, installed from the local index."""
    from tests.helpers import make_repo

    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))
    files = {"requirements.txt": "six==1.16.0\n", "tests/test_a.py": "def test_a():\n    pass\n"}
    return make_repo(place, files)


def test_bench_check_prints_the_ratio_per_repository(
    real_index: Path, sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _tiny_study(real_index, sandbox_tmp, monkeypatch)
    output = run_benchmark(
        "bench_check", "--repeat", "1", "--repos", str(repo), "--json", str(sandbox_tmp / "c.json")
    )
    row = table_rows(output)["repo"]
    assert all(float(cell) > 0 for cell in row[:4])
    assert float(row[1]) < float(row[0])  # the start-up is part of the whole
    assert "TST002 pass" in row[5]
    payload = json.loads((sandbox_tmp / "c.json").read_text())
    assert payload["results"][0]["paired_ratio"] > 0
    assert payload["results"][0]["startup"]["seconds"]


def test_profile_check_lists_every_process_and_fact(
    real_index: Path, sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _tiny_study(real_index, sandbox_tmp, monkeypatch)
    output = run_benchmark("profile_check", "--warm", "0", str(repo))
    assert output.startswith("whole check, in-process: ")
    assert " -m pytest " in output and " pip install " in output  # the processes, in order
    assert "reprobot.checks.environment.fresh.fresh_environment" in output  # the facts
    assert "TST002 pass" in output  # the checks
