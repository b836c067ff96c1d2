"""The environment layer's pure parts: the machine's settings, uv's failures, dist-info."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reprobot.checks.core.runner import RunOutcome
from reprobot.checks.environment.distributions import (
    environment_names,
    read_distributions,
    required_by,
)
from reprobot.checks.environment.failures import classify
from reprobot.checks.environment.lock import lock_command, lock_text
from reprobot.checks.environment.machine import MachineSettings
from reprobot.checks.environment.uv import uv_env, uv_index_args
from reprobot.checks.manifests import Manifest


def test_machine_settings_are_read_from_the_environment() -> None:
    home = Path.home()
    assert MachineSettings.from_environ({}) == MachineSettings(
        cache_home=home / ".cache", pyenv_root=home / ".pyenv"
    )
    read = MachineSettings.from_environ(
        {
            "REPROBOT_UV_CACHE": "/cache/uv",
            "REPROBOT_FIND_LINKS": f"/a{os.pathsep}{os.pathsep}/b ",
            "REPROBOT_PYTHON_DOWNLOADS": "never",
            "PYENV_ROOT": "/opt/pyenv",
            "XDG_CACHE_HOME": "/xdg",
            "PIP_CERT": "/ca.pem",
            "HOME": "/ignored",
        }
    )
    assert read.uv_cache == Path("/cache/uv")
    assert read.find_links == ("/a", "/b")
    assert not read.python_downloads
    assert read.pyenv_root == Path("/opt/pyenv")
    assert read.cache_home == Path("/xdg")
    assert read.pip == {"PIP_CERT": "/ca.pem"}
    assert uv_index_args(read) == ["--no-index", "--find-links", "/a", "--find-links", "/b"]


def test_a_blank_local_index_is_no_local_index() -> None:
    assert MachineSettings.from_environ({"REPROBOT_FIND_LINKS": "  "}).find_links is None
    assert uv_index_args({"REPROBOT_FIND_LINKS": os.pathsep}) == ["--no-index"]


def test_uv_gets_pip_certificate_and_the_configured_cache(tmp_path: Path) -> None:
    settings = {"REPROBOT_UV_CACHE": str(tmp_path / "uv"), "PIP_CERT": "/ca.pem"}
    env = uv_env(settings)
    assert env["UV_CACHE_DIR"] == str(tmp_path / "uv")
    assert env["SSL_CERT_FILE"] == "/ca.pem"
    assert "SSL_CERT_FILE" not in uv_env({**settings, "SSL_CERT_FILE": "/other.pem"})


@pytest.mark.parametrize(
    ("output", "kind", "names", "summary"),
    [
        (
            "Because requests==2.31.0 depends on urllib3>=1.21.1,<3 and you require "
            "urllib3==1.20, we can conclude that your requirements are unsatisfiable.",
            "conflict",
            ("urllib3", "requests"),
            "conflicting requirements: requests==2.31.0 needs urllib3>=1.21.1,<3 but the "
            "repository needs urllib3==1.20",
        ),
        (
            "Because foo==1.0 depends on bar>=2 and only bar<=1.5 is available, we can "
            "conclude that foo==1.0 cannot be used. And because you require foo==1.0, we can "
            "conclude",
            "no-version",
            ("bar", "foo"),
            "foo needs bar>=2, but only bar<=1.5 exists",
        ),
        (
            "Because numpy==2.0 requires Python >=3.9 and you require numpy==2.0, we can conclude",
            "python",
            ("numpy",),
            "numpy 2.0 needs Python >=3.9",
        ),
        (
            "Because torch==2.0 has no wheels with a matching platform tag and you require "
            "torch==2.0\nhint: try a different platform",
            "no-wheel",
            ("torch",),
            "torch has no wheel for this platform and no source distribution to build",
        ),
        (
            "error: Failed to download `foo==1.0`\n network down",
            "download",
            ("foo",),
            "foo could not be downloaded",
        ),
        ("something odd happened\nreally odd", "other", (), "really odd"),
    ],
)
def test_each_kind_of_uv_failure(
    output: str, kind: str, names: tuple[str, ...], summary: str
) -> None:
    failure = classify(RunOutcome(("uv",), 1, output, "", 0.1))
    assert (failure.kind, failure.names, failure.summary) == (kind, names, summary)


def test_a_timeout_says_how_long() -> None:
    failure = classify(RunOutcome(("uv",), None, "", "", 0.1, timed_out=True), seconds=12)
    assert (failure.kind, failure.summary) == ("timeout", "uv did not finish after 12 seconds")


def _dist_info(site: Path, name: str, version: str, metadata: str, files: dict[str, str]) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Name: {name}\nVersion: {version}\n{metadata}")
    for file, text in files.items():
        (info / file).write_text(text)


def test_installed_distributions_are_read_once_for_everything(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    _dist_info(
        site,
        "requests",
        "2.31.0",
        "Requires-Dist: urllib3<3\nRequires-Dist: PySocks; extra == 'socks'\n",
        {"top_level.txt": "requests\n"},
    )
    _dist_info(site, "urllib3", "2.0.7", "", {"RECORD": "urllib3/__init__.py,,\n"})
    dists = read_distributions(tmp_path / "venv")
    assert [(d.name, d.version, d.requires) for d in dists] == [
        ("requests", "2.31.0", ("urllib3",)),
        ("urllib3", "2.0.7", ()),
    ]
    assert required_by(dists) == {"urllib3": ("requests",)}
    assert environment_names(tmp_path / "venv") == {
        "requests": ("requests",),
        "urllib3": ("urllib3",),
    }
    found = Manifest("requirements", install_files=("requirements.txt",))
    assert lock_command(found) == "uv pip compile requirements.txt -o requirements.lock"
    lock = lock_text(dists, found, "3.11.7")
    assert "requests==2.31.0\nurllib3==2.0.7" in lock


def test_unreadable_old_metadata_is_named_not_quoted_as_a_caret_line() -> None:
    from reprobot.checks.core.runner import RunOutcome
    from reprobot.checks.environment.failures import classify

    text = (
        "error: No solution found when resolving dependencies\n"
        "  cause: Because pandas==0.18.1 has invalid metadata and you require pandas==0.18.1,"
        " we can conclude that your requirements are unsatisfiable.\n\n"
        "hint: Metadata for `pandas` (v0.18.1) could not be parsed:\n"
        "  after parsing `2011`, found `k`, which is not part of a valid version\n"
        "  pytz (>=2011k)\n"
        "        ^^^^^^^\n"
    )
    failure = classify(RunOutcome(("uv",), 1, "", text, 1.0))
    assert failure.names == ("pandas",)
    assert failure.summary.startswith("pandas 0.18.1 has metadata that today's tools cannot read")
    odd = classify(RunOutcome(("uv",), 1, "", "error: something new\n   ^^^^\n", 1.0))
    assert odd.summary == "error: something new"
