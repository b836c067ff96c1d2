from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

from reprobot.bot import secrets
from reprobot.checks.core.model import CheckResult, Finding, Fix, Report, Status

TOKEN = "ghs_" + "Q" * 36

# Re-executed by hand_over: says whether it got the token back, and cleaned up after.
PROBE = """
import json, os
from reprobot.bot import secrets
secrets.take_over(os.environ)
print(json.dumps({"token": os.environ.get("GITHUB_TOKEN"),
                  "fd_left": secrets.HANDOVER_FD in os.environ}))
"""


def _run_probe(shares_user: bool) -> dict[str, object]:
    launcher = (
        "import os, sys\n"
        "from bot import secrets\n"
        f"secrets.hand_over(os.environ, [sys.executable, '-c', {PROBE!r}], "
        f"shares_user={shares_user})\n"
        f"exec({PROBE!r})\n"
    )
    env = {**os.environ, "GITHUB_TOKEN": TOKEN}
    env.pop(secrets.HANDOVER_FD, None)
    done = subprocess.run(
        [sys.executable, "-c", launcher],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_token_is_handed_over_outside_the_environment_when_the_user_is_shared() -> None:
    result = _run_probe(shares_user=True)
    assert result["token"] == TOKEN and result["fd_left"] is False
    kept = _run_probe(shares_user=False)  # another user runs the code: nothing to hide
    assert kept["token"] == TOKEN


def test_handed_over_environment_has_no_token_variable(tmp_path: Path) -> None:
    out = tmp_path / "environ.bin"
    probe = f"import os; open({str(out)!r}, 'wb').write(open('/proc/self/environ', 'rb').read())"
    launcher = (
        "import os, sys\nfrom bot import secrets\n"
        f"secrets.hand_over(os.environ, [sys.executable, '-c', {probe!r}], shares_user=True)\n"
    )
    env = {**os.environ, "GITHUB_TOKEN": TOKEN, "INPUT_TOKEN": TOKEN}
    subprocess.run(
        [sys.executable, "-c", launcher],
        env=env,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    visible = out.read_bytes()
    assert TOKEN.encode() not in visible
    assert b"REPROBOT_SECRETS_FD=" in visible


def _report(text: str) -> Report:
    result = CheckResult(
        code="TST002",
        family="tests",
        title="The tests pass",
        status=Status.FAIL,
        message=text,
        findings=(Finding(f"printed {text}", "tests/test_x.py", 3),),
        fixes=(Fix("f", files={"a.txt": text}, commands=(f"echo {text}",)),),
    )
    return Report("0.1.0", "/repo", None, (result,), "2026-01-01T00:00:00+00:00", 1.0)


def test_every_form_of_the_token_is_masked_in_the_report() -> None:
    header = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    for leaked in (TOKEN, f"AUTHORIZATION: basic {header}"):
        report = secrets.redact(_report(leaked), secrets.secret_forms(TOKEN))
        dumped = json.dumps(report.to_dict())
        assert TOKEN not in dumped and header not in dumped
        assert secrets.MASK in report.checks[0].message
        assert secrets.MASK in report.checks[0].fixes[0].files["a.txt"]
    assert secrets.secret_forms("short") == ()  # never mask ordinary words
