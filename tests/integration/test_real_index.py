"""The dependency checks against the real package index (uv's configured index).

Skipped when the index cannot be reached, except in CI, where they must run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reprobot.checks.core.model import CheckResult, Status
from tests.helpers import check_files

pytestmark = pytest.mark.integration

NETWORK_WORDS = ("connect", "dns", "network", "timed out", "offline", "no route", "tls")


@pytest.fixture(autouse=True)
def _real_index(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPROBOT_FIND_LINKS", raising=False)


def _check(tmp_path: Path, files: dict[str, str]) -> dict[str, CheckResult]:
    results = check_files(tmp_path, files)
    dep002 = results["DEP002"]
    said = " ".join(f.message for f in dep002.findings).lower()
    unreachable = any(word in said for word in NETWORK_WORDS)
    if dep002.status is Status.FAIL and unreachable and not os.environ.get("CI"):
        pytest.skip(f"package index unreachable: {dep002.message}")
    return results


def test_small_healthy_study(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "six==1.16.0\nattrs==23.2.0\n",
            "analysis.py": "import six\nimport attr\n",
        },
    )
    assert {c: r.status for c, r in results.items()} == {
        "DEP001": Status.PASS,
        "DEP002": Status.PASS,
        "DEP003": Status.PASS,
        "DEP004": Status.PASS,
        "DEP005": Status.PASS,
        "DEP006": Status.PASS,
        "DEP007": Status.SKIP,  # nothing failed today
    }, {c: r.message for c, r in results.items()}


def test_requests_with_an_old_urllib3_conflicts(tmp_path: Path) -> None:
    results = _check(tmp_path, {"requirements.txt": "requests==2.31.0\nurllib3==1.20\n"})
    dep002 = results["DEP002"]
    assert dep002.status is Status.FAIL
    assert dep002.message.startswith("urllib3 is asked for in incompatible ways")
    assert "requests==2.31.0 (requirements.txt line 1) needs urllib3>=1.21.1,<3" in dep002.message
    assert "requirements.txt line 2 asks for urllib3==1.20" in dep002.message


def test_a_name_that_does_not_exist(tmp_path: Path) -> None:
    results = _check(
        tmp_path, {"requirements.txt": "six\nreprobot-no-such-distribution-xq7==1.0\n"}
    )
    dep002 = results["DEP002"]
    assert dep002.status is Status.FAIL
    assert dep002.message == (
        "reprobot-no-such-distribution-xq7 (requirements.txt line 2) does not exist on the "
        "package index"
    )


def test_import_name_is_mapped_and_the_lock_is_real(tmp_path: Path) -> None:
    results = _check(
        tmp_path,
        {
            "requirements.txt": "python-dateutil\nrequests==2.31.0\n",
            "analysis.py": "from dateutil import parser\nimport requests\nimport idna\n",
        },
    )
    assert results["DEP003"].status is Status.PASS
    dep005 = results["DEP005"]
    assert dep005.status is Status.FAIL
    assert dep005.findings[0].message == (
        "`idna` is imported but idna is not declared "
        "(installed today only as a dependency of requests)"
    )
    dep006 = results["DEP006"]
    assert dep006.status is Status.WARN
    lock = dep006.fixes[0].files["requirements.lock"]
    assert "python-dateutil==" in lock and "idna==" in lock


def test_asked_python_is_downloaded_where_uv_can_fetch_it(tmp_path: Path) -> None:
    """On GitHub's runners uv fetches a managed Python; where its builds are out of reach
    (a closed network), reprobot falls back to the nearest local Python instead."""
    from packaging.specifiers import SpecifierSet

    from reprobot.checks.environment import python as interpreters
    from reprobot.checks.environment.uv import uv_binary

    got = interpreters.download(uv_binary(), SpecifierSet("==3.9.*"), tmp_path / "pythons")
    if got is None:
        assert not (tmp_path / "pythons").exists() or not any(
            (tmp_path / "pythons").glob("cpython-3.9*/bin/python3.9")
        )
    else:
        assert (got.version.major, got.version.minor) == (3, 9)
        assert got.path.is_file()
