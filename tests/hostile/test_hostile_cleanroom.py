"""Code under test that reaches out of its clean room: litter in shared temporary places,
a poisoned uv cache, a tracked link to `/`. Each attempt is contained, removed or
refused, reported, and leaves no process behind."""

from __future__ import annotations

import os
import shutil
import textwrap
import uuid
from pathlib import Path

import pytest

from reprobot.checks import check_repository
from reprobot.checks.core import runner
from reprobot.checks.core.model import Report, Status
from tests.helpers import git, make_repo
from tests.wheelhouse import build_wheel

AS_ROOT = runner.drops_privileges()
needs_root = pytest.mark.skipif(not AS_ROOT, reason="a separate sandbox user needs root")


@pytest.fixture
def index(real_index: Path, sandbox_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real pytest and the stand-ins, plus `tinydep`, and a uv cache of the test's own."""
    directory = sandbox_tmp / "index"
    shutil.copytree(real_index, directory)
    build_wheel(directory, "tinydep", "1.0", files={"tinydep/__init__.py": 'VALUE = "pristine"\n'})
    os.chmod(directory, 0o755)
    for path in directory.iterdir():
        os.chmod(path, 0o644)
    monkeypatch.setenv("REPROBOT_FIND_LINKS", str(directory))
    monkeypatch.setenv("REPROBOT_UV_CACHE", str(sandbox_tmp / "shared-uv"))
    return directory


def _run(repo: Path) -> Report:
    return check_repository(repo, select=("TST001", "TST002"))


def _result(report: Report, code: str) -> tuple[Status, str]:
    found = next(r for r in report.checks if r.code == code)
    return found.status, found.message


def _sandbox_processes(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/cmdline", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


@needs_root
def test_litter_in_shared_temporary_places_is_removed_and_reported(
    tmp_path: Path, index: Path
) -> None:
    name = f"reprobot-litter-{uuid.uuid4().hex[:12]}"
    places = [Path(p) / name for p in ("/tmp", "/var/tmp", "/dev/shm")]
    linger = f"3{uuid.uuid4().int % 1000}.25"  # a sleep nobody else runs
    test = textwrap.dedent(
        f"""
        import os, subprocess

        def test_litter():
            wrote = []
            for place in {[str(p) for p in places]!r}:
                try:
                    with open(place, "w") as handle:
                        handle.write("left for the next repository")
                    wrote.append(place)
                except OSError:
                    pass
            os.makedirs("/var/tmp/{name}-dir/deep", exist_ok=True)
            open("/var/tmp/{name}-dir/deep/file", "w").close()
            subprocess.Popen(["sleep", "{linger}"], start_new_session=True)
            assert wrote
        """
    )
    repo = make_repo(tmp_path, {"tests/test_litter.py": test})
    report = _run(repo)
    status, message = _result(report, "TST002")
    assert status is Status.PASS, message
    for path in [*places, Path(f"/var/tmp/{name}-dir")]:
        assert not os.path.lexists(path), f"{path} was left behind"
    assert "wrote outside its clean room" in report.isolation
    assert f"/var/tmp/{name}" in report.isolation and f"/var/tmp/{name}-dir" in report.isolation
    assert f"/dev/shm/{name}" in report.isolation
    assert _sandbox_processes(linger) == []


POISONER = textwrap.dedent(
    """
    import os, pathlib

    import tinydep

    POISON = 'VALUE = "poisoned"\\n'


    def _try(path):
        try:
            pathlib.Path(path).write_text(POISON)
        except OSError:
            pass


    def test_poison_the_cache():
        installed = pathlib.Path(tinydep.__file__)
        _try(installed)
        real = pathlib.Path(os.path.realpath(installed))
        _try(real)
        for parent in real.parents:  # every unpacked wheel of the cache it can find
            if parent.name.startswith("archive-v"):
                for found in parent.glob("*/tinydep/__init__.py"):
                    _try(found)
                    try:
                        found.unlink()
                        found.write_text(POISON)
                    except OSError:
                        pass
                break
    """
)
VICTIM = textwrap.dedent(
    """
    import tinydep


    def test_the_dependency_is_as_published():
        assert tinydep.VALUE == "pristine"
    """
)


@needs_root
def test_a_poisoned_cache_is_not_seen_by_a_later_run(
    tmp_path: Path, index: Path, sandbox_tmp: Path
) -> None:
    files = {"requirements.txt": "tinydep==1.0\n"}
    poisoner = make_repo(tmp_path, {**files, "tests/test_poison.py": POISONER}, name="poisoner")
    victim = make_repo(tmp_path, {**files, "tests/test_victim.py": VICTIM}, name="victim")
    for _ in range(2):  # the second time tinydep is in the shared cache already
        status, message = _result(_run(poisoner), "TST002")
        assert status is Status.PASS, message
    status, message = _result(_run(victim), "TST002")
    assert status is Status.PASS, message
    shared = sandbox_tmp / "shared-uv"
    cached = list(shared.glob("archive-v*/*/tinydep/__init__.py"))
    assert cached, "the wheel was not kept in the shared cache: later runs would start cold"
    assert {p.read_text() for p in cached} == {'VALUE = "pristine"\n'}
    assert all(p.stat().st_uid == 0 for p in cached)
    for path in shared.rglob("*"):  # nothing of the sandbox user is left in it
        assert path.lstat().st_uid != runner.UNPRIVILEGED_UID, path


def test_a_tracked_link_to_the_root_is_not_followed(tmp_path: Path, index: Path) -> None:
    repo = make_repo(
        tmp_path, {"tests/test_one.py": "def test_one():\n    assert True\n", "data/x.csv": "a\n"}
    )
    os.symlink("/", repo / "everything")
    os.symlink("../../..", repo / "data" / "up")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "links out")
    report = _run(repo)
    status, message = _result(report, "TST002")
    assert status is Status.PASS, message
    assert message.startswith("1 passed")  # pytest collected the repository, not `/`
    assert "2 link(s) out of the repository were left out" in report.isolation
    assert "`everything -> /`" in report.isolation and "`data/up -> ../../..`" in report.isolation
    assert os.readlink(repo / "everything") == "/"  # the checkout itself is untouched
