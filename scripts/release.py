#!/usr/bin/env python3
"""Make a reprobot release: the release action.yml, the release notes, and a local dry run.

    python3 scripts/release.py check-version 1.2.3          # the tag agrees with pyproject.toml
    python3 scripts/release.py action-yml 1.2.3 [--owner reprobot] [--output action.yml]
    python3 scripts/release.py notes 1.2.3 [--previous v1.2.2] [--output notes.md]
    python3 scripts/release.py check-lock                   # requirements/*.txt match uv.lock
    python3 scripts/release.py lock                         # uv lock, then write requirements/*.txt
    python3 scripts/release.py dry-run 1.2.3 --out DIR [--skip-image]

On main, action.yml builds the Dockerfile (`image: Dockerfile`). A release's action.yml names
the image the release workflow pushed, by version (`image: docker://ghcr.io/OWNER/reprobot:
1.2.3`), so a workflow that uses the release pulls it instead of building it on every run.

`dry-run` does locally what .github/workflows/release.yml does on a version tag, without
publishing anything: checks the lock's export, builds the sdist and the wheel, builds the
image from the Dockerfile with buildah (scripts/container.sh, on the local base image), and
writes the release action.yml and notes into DIR.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGE_NAME = "reprobot"
REGISTRY = "ghcr.io"
VERSION = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
TAG = re.compile(r"^v(\d+)\.(\d+)\.(\d+)$")
IMAGE_LINE = re.compile(r"""^(?P<indent>[ \t]+)image:[ \t]*(["']?)Dockerfile\2[ \t]*$""", re.M)
# The lock's exports: file -> the `uv export` arguments that make it (also in their headers).
EXPORTS = {
    "requirements/action.txt": ("--no-dev", "--no-emit-project"),
    "requirements/build.txt": ("--only-group", "build", "--no-emit-project"),
}


class ReleaseError(Exception):
    """Something the person releasing must fix; the message says what."""


def parse_version(text: str) -> str:
    """`1.2.3` or `v1.2.3` -> `1.2.3`; anything else is refused with the expected form."""
    match = VERSION.match(text.strip())
    if not match:
        raise ReleaseError(f"version {text!r} is not of the form 1.2.3 (or the tag v1.2.3)")
    return ".".join(match.groups())


def major_tag(version: str) -> str:
    return f"v{parse_version(version).split('.')[0]}"


def project_version(root: Path = ROOT) -> str:
    """project.version in pyproject.toml."""
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    version = tomllib.loads(text).get("project", {}).get("version")
    if not isinstance(version, str):
        raise ReleaseError(f"{root / 'pyproject.toml'}: no [project] version")
    return version


def check_version(version: str, root: Path = ROOT) -> str:
    """The version to release, which must be the one pyproject.toml declares."""
    wanted = parse_version(version)
    declared = project_version(root)
    if declared != wanted:
        raise ReleaseError(
            f"pyproject.toml declares version {declared}, the release is {wanted}: set "
            f'version = "{wanted}" in pyproject.toml (and CITATION.cff), commit, and tag again'
        )
    return wanted


def image_reference(version: str, owner: str) -> str:
    """The image a release's action.yml names: registry names are lower case."""
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", owner):
        raise ReleaseError(f"owner {owner!r} is not a GitHub user or organisation name")
    return f"{REGISTRY}/{owner.lower()}/{IMAGE_NAME}:{parse_version(version)}"


def release_action_yml(text: str, version: str, owner: str) -> str:
    """action.yml as main has it (`image: Dockerfile`), pointed at the release's image.

    Only the one `image:` line changes, so comments and layout stay as they are.
    """
    found = IMAGE_LINE.findall(text)
    if len(found) != 1:
        raise ReleaseError(
            f"action.yml must have exactly one `image: Dockerfile` line under runs: "
            f"found {len(found)}"
        )
    reference = f"docker://{image_reference(version, owner)}"
    return IMAGE_LINE.sub(lambda m: f"{m.group('indent')}image: {reference}", text)


def git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    if done.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def version_tags(cwd: Path = ROOT) -> list[tuple[tuple[int, int, int], str]]:
    """Every vX.Y.Z tag, oldest version first."""
    found: list[tuple[tuple[int, int, int], str]] = []
    for tag in git("tag", "--list", "v*", cwd=cwd).split():
        match = TAG.match(tag)
        if match:
            major, minor, patch = (int(part) for part in match.groups())
            found.append(((major, minor, patch), tag))
    return sorted(found)


def previous_tag(version: str, cwd: Path = ROOT) -> str | None:
    """The highest vX.Y.Z tag below `version`, or None for a first release."""
    major, minor, patch = (int(part) for part in parse_version(version).split("."))
    below = [tag for key, tag in version_tags(cwd) if key < (major, minor, patch)]
    return below[-1] if below else None


def changelog_section(version: str, root: Path = ROOT) -> str | None:
    """The CHANGELOG.md section of `version` (`## 1.2.3`, `## [1.2.3] - date`), if any."""
    path = root / "CHANGELOG.md"
    if not path.is_file():
        return None
    heading = re.compile(rf"^##\s+\[?v?{re.escape(parse_version(version))}\]?(\s|$)")
    lines = path.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        if heading.match(line):
            end = next(
                (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                len(lines),
            )
            body = "\n".join(lines[start + 1 : end]).strip()
            return body or None
    return None


def release_notes(
    version: str,
    owner: str,
    *,
    previous: str | None = None,
    head: str = "HEAD",
    cwd: Path = ROOT,
) -> str:
    """Markdown notes: how to use the release, then the CHANGELOG section or the commits."""
    version = parse_version(version)
    if previous is None:
        previous = previous_tag(version, cwd)
    image = image_reference(version, owner)
    lines = [
        f"## reprobot {version}",
        "",
        f"- Action: `uses: {owner}/reprobot@v{version}` (or `@{major_tag(version)}`, "
        "which follows the latest release of this major version)",
        f"- Image: `{image}`, with build provenance attested by GitHub",
        f"- Python package: `pip install reprobot=={version}`",
        "",
    ]
    section = changelog_section(version, cwd)
    if section:
        lines += ["### Changes", "", section, ""]
    else:
        span = f"{previous}..{head}" if previous else head
        log = git("log", "--no-merges", "--format=%h %s", span, cwd=cwd).splitlines()
        since = f"since {previous}" if previous else "in this first release"
        lines += [f"### Commits {since}", ""]
        lines += [f"- {entry}" for entry in log] or ["- (none)"]
        lines.append("")
    return "\n".join(lines)


def uv_command() -> str:
    """uv beside this Python (a dependency of reprobot) or on PATH."""
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        raise ReleaseError("uv is not installed: pip install uv (reprobot depends on it)")
    return found


def export_command(path: str) -> list[str]:
    return [uv_command(), "export", "--frozen", *EXPORTS[path], "--format", "requirements-txt"]


def stale_exports(root: Path = ROOT) -> list[str]:
    """The exports that differ from what `uv export --frozen` makes from uv.lock now."""
    stale: list[str] = []
    for path in EXPORTS:
        done = subprocess.run(
            export_command(path), cwd=root, capture_output=True, text=True, check=False, timeout=300
        )
        if done.returncode != 0:
            raise ReleaseError(f"uv export for {path} failed: {done.stderr.strip()}")
        committed = root / path
        if not committed.is_file() or committed.read_text(encoding="utf-8") != done.stdout:
            stale.append(path)
    return stale


def write_exports(root: Path = ROOT) -> list[str]:
    """Write requirements/*.txt from uv.lock as it is; returns the files that changed."""
    changed = stale_exports(root)
    for path in changed:
        done = subprocess.run(
            export_command(path), cwd=root, capture_output=True, text=True, check=True, timeout=300
        )
        (root / path).write_text(done.stdout, encoding="utf-8")
    return changed


def relock(root: Path = ROOT) -> list[str]:
    """`uv lock` (after a change to the dependencies), then the exports."""
    done = subprocess.run(
        [uv_command(), "lock"], cwd=root, capture_output=True, text=True, check=False, timeout=900
    )
    if done.returncode != 0:
        raise ReleaseError(f"uv lock failed:\n{done.stderr[-4000:]}")
    return write_exports(root)


def check_lock(root: Path = ROOT) -> None:
    stale = stale_exports(root)
    if stale:
        commands = "; ".join(
            f"uv export --frozen {' '.join(EXPORTS[p])} --format requirements-txt > {p}"
            for p in stale
        )
        raise ReleaseError(f"{', '.join(stale)} out of step with uv.lock: run {commands}")


def build_dists(out: Path, root: Path = ROOT) -> list[Path]:
    """sdist and wheel into `out`, as the release workflow builds them (`uv build`)."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [uv_command(), "build", "--out-dir", str(out), str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    if done.returncode != 0:
        raise ReleaseError(f"uv build failed:\n{done.stderr[-4000:]}")
    dists = sorted([*out.glob("*.tar.gz"), *out.glob("*.whl")])
    if len(dists) != 2:
        raise ReleaseError(f"uv build made {[d.name for d in dists]}, not one sdist and one wheel")
    return dists


def build_image(version: str, root: Path = ROOT) -> str:
    """Build the Dockerfile with buildah (scripts/container.sh); returns the local image."""
    image = f"localhost/{IMAGE_NAME}:{parse_version(version)}"
    done = subprocess.run(
        ["bash", str(root / "scripts" / "container.sh"), "build"],
        cwd=root,
        env={**os.environ, "REPROBOT_IMAGE": image},
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if done.returncode != 0:
        raise ReleaseError(f"the image build failed:\n{(done.stdout + done.stderr)[-4000:]}")
    return image


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dry_run(
    version: str, out: Path, owner: str, *, image: bool = True, root: Path = ROOT
) -> dict[str, object]:
    """Everything a release makes, into `out`, and nothing published."""
    version = check_version(version, root)
    check_lock(root)
    out.mkdir(parents=True, exist_ok=True)
    dists = build_dists(out / "dist", root)
    action = release_action_yml((root / "action.yml").read_text(encoding="utf-8"), version, owner)
    (out / "action.yml").write_text(action, encoding="utf-8")
    notes = release_notes(version, owner, cwd=root)
    (out / "release-notes.md").write_text(notes, encoding="utf-8")
    summary: dict[str, object] = {
        "version": version,
        "major_tag": major_tag(version),
        "image": image_reference(version, owner),
        "dists": {d.name: sha256(d) for d in dists},
        "local_image": build_image(version, root) if image else None,
    }
    (out / "release.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    owner_default = os.environ.get("GITHUB_REPOSITORY_OWNER", "reprobot")
    check = sub.add_parser("check-version", help="the version agrees with pyproject.toml")
    check.add_argument("version")
    action = sub.add_parser("action-yml", help="action.yml of a release")
    action.add_argument("version")
    action.add_argument("--owner", default=owner_default)
    action.add_argument("--output")
    notes = sub.add_parser("notes", help="release notes from the changelog or git log")
    notes.add_argument("version")
    notes.add_argument("--owner", default=owner_default)
    notes.add_argument("--previous", help="the tag before (default: the highest one below)")
    notes.add_argument("--head", default="HEAD")
    notes.add_argument("--output")
    sub.add_parser("check-lock", help="requirements/*.txt are the export of uv.lock")
    sub.add_parser("lock", help="uv lock, then write requirements/*.txt from it")
    dry = sub.add_parser("dry-run", help="build everything locally, publish nothing")
    dry.add_argument("version")
    dry.add_argument("--out", required=True)
    dry.add_argument("--owner", default=owner_default)
    dry.add_argument("--skip-image", action="store_true", help="leave out the buildah build")
    args = parser.parse_args(argv)
    try:
        if args.command == "check-version":
            print(check_version(args.version))
        elif args.command == "action-yml":
            text = (ROOT / "action.yml").read_text(encoding="utf-8")
            write(release_action_yml(text, args.version, args.owner), args.output)
        elif args.command == "notes":
            text = release_notes(args.version, args.owner, previous=args.previous, head=args.head)
            write(text, args.output)
        elif args.command == "lock":
            changed = relock()
            print(f"rewrote {', '.join(changed)}" if changed else "requirements/*.txt unchanged")
        elif args.command == "check-lock":
            check_lock()
            print("requirements/action.txt and requirements/build.txt match uv.lock")
        else:
            summary = dry_run(args.version, Path(args.out), args.owner, image=not args.skip_image)
            print(json.dumps(summary, indent=2))
    except ReleaseError as error:
        print(f"release.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
