"""`reprobot audit` for real: tiny git repositories cloned, checked in child processes in
two slots, one that hangs and one that fills the disk stopped, the audit interrupted and
resumed, and the page's numbers those of the reports."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reprobot.bot.audit.pool import FIRST_SLOT_UID
from reprobot.bot.cli import main
from tests.helpers import make_repo

pytestmark = pytest.mark.integration

README = "# Study\n\nInstall: `pip install -r requirements.txt`. Run: `python analysis.py`.\n"
HEALTHY = {
    "README.md": README,
    "requirements.txt": "",
    "analysis.py": "print(sum(range(10)))\n",
    "tests/test_analysis.py": "def test_sum():\n    assert sum(range(10)) == 45\n",
}
HANGS = {
    **HEALTHY,
    "tests/test_analysis.py": "import time\n\ndef test_forever():\n    time.sleep(3600)\n",
}
FILLS = {
    **HEALTHY,
    "tests/test_analysis.py": (
        "import time\n\ndef test_fill():\n"
        "    with open('big.bin', 'wb') as out:\n"
        "        for _ in range(400):\n"
        "            out.write(b'x' * 5_000_000)\n"
        "            out.flush()\n"
        "            time.sleep(0.05)\n"
    ),
}


def _repos(root: Path, count: int) -> list[Path]:
    return [
        make_repo(root, {**HEALTHY, "analysis.py": f"print({i})\n"}, name=f"lab+s{i}")
        for i in range(count)
    ]


def _slot_processes() -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if FIRST_SLOT_UID <= entry.stat().st_uid < FIRST_SLOT_UID + 16:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _reports(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in (out / "reports").glob("*.json")}


def test_an_audit_survives_a_hang_and_a_disk_filler_and_tabulates_them(
    sandbox_tmp: Path, real_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))
    healthy = make_repo(sandbox_tmp, HEALTHY, name="lab+healthy")
    hangs = make_repo(sandbox_tmp, HANGS, name="lab+hangs")
    fills = make_repo(sandbox_tmp, FILLS, name="lab+fills")
    out = sandbox_tmp / "audit"
    code = main(
        [
            "audit",
            str(healthy),
            str(hangs),
            str(fills),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "60",
            "--disk-mb",
            "100",
        ]
    )
    assert code == 0
    reports = _reports(out)
    assert set(reports) == {"lab+healthy", "lab+hangs", "lab+fills"}
    assert reports["lab+healthy"]["audit"]["outcome"] == "checked"
    assert {c["code"]: c["status"] for c in reports["lab+healthy"]["checks"]}["TST002"] == "pass"
    assert reports["lab+hangs"]["status"] == "error"
    assert reports["lab+hangs"]["audit"]["outcome"] == "timed out"
    assert reports["lab+fills"]["status"] == "error"
    assert reports["lab+fills"]["audit"]["outcome"] == "disk limit"
    assert "MB of disk" in reports["lab+fills"]["error"]
    assert _slot_processes() == []
    assert not any((out / "work").iterdir())  # clones and clean rooms are gone

    document = json.loads((out / "audit.json").read_text())
    assert document["schema"] == "reprobot.audit/1"
    rows = {r["repository"]: r for r in document["rows"]}
    assert rows["lab+hangs"]["causes"] == ["could not be checked"]
    assert document["headline"]["tests pass"] == {"examined": 1, "passed": 1, "of": 3}
    page = (out / "index.html").read_text()
    assert page.count('<tr>\n<td><a href="reports/') == 3
    assert "1 of 1 examined (2 not checked)" in page
    assert page.count("<svg") >= 5  # the questions, causes, years, languages, each family
    # self-contained: nothing is fetched from elsewhere
    assert not re.search(r"""(src|href)=["']?(https?:)?//|<link\b|url\(\s*["']?https?:""", page)
    csv_lines = (out / "audit.csv").read_text().splitlines()
    assert len(csv_lines) == 4


def test_an_interrupted_audit_resumes_without_redoing_finished_repositories(
    sandbox_tmp: Path, real_index: Path
) -> None:
    repos = _repos(sandbox_tmp, 3)
    out = sandbox_tmp / "audit"
    command = [
        sys.executable,
        "-m",
        "reprobot.bot.cli",
        "audit",
        *map(str, repos),
        "--out",
        str(out),
    ]
    env = {**os.environ, "REPROBOT_FIND_LINKS": str(real_index), "CI": "1"}
    audit = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 240
    while not list((out / "reports").glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.2)
    audit.send_signal(signal.SIGTERM)
    _, err = audit.communicate(timeout=60)
    assert audit.returncode == 130, err
    assert "run the same command again to resume" in err
    first = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert 1 <= len(first) < 3
    assert _slot_processes() == []

    again = subprocess.run(
        command, check=False, env=env, stderr=subprocess.PIPE, text=True, timeout=600
    )
    assert again.returncode == 0, again.stderr
    assert again.stderr.count("already done") == len(first)
    after = {p.name: p.stat().st_mtime_ns for p in (out / "reports").glob("*.json")}
    assert len(after) == 3
    assert all(after[name] == stamp for name, stamp in first.items())


def test_merge_joins_the_reports_of_chunks(
    sandbox_tmp: Path, real_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))
    one, two = _repos(sandbox_tmp, 2)
    assert main(["audit", str(one), "--out", str(sandbox_tmp / "chunk-1")]) == 0
    assert main(["audit", str(two), "--out", str(sandbox_tmp / "chunk-2")]) == 0
    merged = sandbox_tmp / "merged"
    assert (
        main(
            [
                "audit",
                "merge",
                str(sandbox_tmp / "chunk-1"),
                str(sandbox_tmp / "chunk-2"),
                "--out",
                str(merged),
            ]
        )
        == 0
    )
    document = json.loads((merged / "audit.json").read_text())
    assert sorted(r["repository"] for r in document["rows"]) == ["lab+s0", "lab+s1"]
    assert sorted(p.name for p in (merged / "reports").iterdir()) == ["lab+s0.json", "lab+s1.json"]


def test_two_repositories_checked_at_once_cannot_see_each_other(
    sandbox_tmp: Path, real_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() != 0:
        pytest.skip("slots run as users of their own only when reprobot runs as root")
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(real_index))
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_audit_token_never_seen")
    out = sandbox_tmp / "audit"
    secret = make_repo(sandbox_tmp, {**HEALTHY, "secret.txt": "the other lab's data\n"},
                       name="lab+secret")  # fmt: skip
    spy_test = (
        "import os, pytest\n\n"
        "def test_cannot_look():\n"
        f"    assert 'GITHUB_TOKEN' not in os.environ\n"
        f"    with pytest.raises(PermissionError):\n"
        f"        os.listdir({str(out / 'work')!r})\n"
        f"    with pytest.raises(PermissionError):\n"
        f"        os.listdir({str(out / 'reports')!r})\n"
        f"    with pytest.raises((PermissionError, FileNotFoundError)):\n"
        f"        open({str(out / 'work' / 'lab+secret' / 'repo' / 'secret.txt')!r}).read()\n"
    )
    spy = make_repo(sandbox_tmp, {**HEALTHY, "tests/test_analysis.py": spy_test}, name="lab+spy")
    assert main(["audit", str(secret), str(spy), "--out", str(out), "--jobs", "2"]) == 0
    reports = _reports(out)
    statuses = {c["code"]: c for c in reports["lab+spy"]["checks"]}
    assert statuses["TST002"]["status"] == "pass", statuses["TST002"]["message"]
    assert "ghs_audit_token_never_seen" not in json.dumps(reports)
