"""What act runs: the example workflow without remote actions, and a copy of the action.

act cannot fetch actions here (no route to github.com), so the workflow act runs is made from
the example by replacing every remote `uses:` step by a local stand-in, except two that act
resolves itself: `actions/checkout` (act copies the repository into the job instead, whatever
the pinned ref) and reprobot's own step, which `--local-repository` maps to a copy of this
checkout. The example's structure is otherwise kept as written.

The copy holds the repository's files (tracked, or new and not ignored), as the runner
downloads an action's whole repository; the build reads what .dockerignore lets through.
act builds a Dockerfile action without
build arguments, so the copy's Dockerfile has the local base image as the default of its
`BASE_IMAGE` argument, which is what `--build-arg BASE_IMAGE=...` gives scripts/container.sh;
with `image=`, action.yml names a prebuilt image (`docker://...`) instead.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "examples" / "workflows" / "reprobot.yml"
WORKFLOW_PATH = Path(".github") / "workflows" / "reprobot.yml"  # in the repository act runs on
ACTION_NAME = "reprobot/reprobot"
CHECKOUT = "actions/checkout"
BASE_ARG = re.compile(r"(?m)^ARG BASE_IMAGE=\S*$")


@dataclass(frozen=True)
class ActWorkflow:
    text: str  # the workflow act runs
    action_ref: str  # `owner/name@ref` of reprobot's step, for --local-repository
    stand_ins: tuple[str, ...]  # the remote `uses:` replaced by local steps


def _repository(uses: str) -> str:
    return uses.partition("@")[0].lower()


def _stand_in(step: dict[str, Any]) -> dict[str, Any]:
    """A local step in place of a remote action, with the step's name, id and condition.

    For an action given a `with.path` (an upload), it says whether the path exists, and
    fails when it does not only where the action would (`if-no-files-found: error`)."""
    uses = str(step["uses"])
    local: dict[str, Any] = {}
    for key in ("name", "id", "if"):
        if key in step:
            local[key] = step[key]
    local.setdefault("name", f"Stand-in for {uses}")
    given = step.get("with") or {}
    path = given.get("path")
    if path is None:
        local["run"] = f"echo {shlex.quote(f'{uses} is not run here')}"
        return local
    missing = "exit 1" if given.get("if-no-files-found") == "error" else "true"
    local["run"] = (
        f'if test -e "{path}"; then echo "{uses} would read {path}"; '
        f'else echo "{uses} finds nothing at {path}"; {missing}; fi'
    )
    return local


def act_workflow(example: Path = EXAMPLE) -> ActWorkflow:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # a long stand-in command stays on one line
    doc = yaml.load(example.read_text(encoding="utf-8"))
    refs: list[str] = []
    replaced: list[str] = []
    for job in doc["jobs"].values():
        steps = job.get("steps", [])
        for index, step in enumerate(steps):
            uses = str(step.get("uses", ""))
            if not uses or uses.startswith(("./", "docker://")):
                continue
            if _repository(uses) == ACTION_NAME:
                refs.append(uses)
            elif _repository(uses) == CHECKOUT:
                if "repository" in (step.get("with") or {}):
                    raise ValueError(f"{example}: act cannot check out another repository")
            else:
                steps[index] = _stand_in(step)
                replaced.append(uses)
    if len(set(refs)) != 1:
        raise ValueError(f"{example}: expected one `uses: {ACTION_NAME}@...`, found {refs}")
    out = io.StringIO()
    yaml.dump(doc, out)
    return ActWorkflow(out.getvalue(), refs[0], tuple(replaced))


def _action_sources() -> list[str]:
    """The repository's files as the working tree has them (tracked or new, not ignored)."""
    done = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    return [name for name in done.stdout.decode().split("\0") if name]


def action_copy(dest: Path, *, base_image: str, image: str | None = None) -> Path:
    """Copy the action to `dest`: Dockerfile on `base_image`, or action.yml on `image`."""
    for name in _action_sources():
        source = REPO_ROOT / name
        if source.is_file() or source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    dockerfile = dest / "Dockerfile"
    text, count = BASE_ARG.subn(f"ARG BASE_IMAGE={base_image}", dockerfile.read_text())
    if count != 1:
        raise ValueError("the Dockerfile has no single `ARG BASE_IMAGE=...` line to replace")
    dockerfile.write_text(text, encoding="utf-8")
    if image is not None:
        yaml = YAML()
        metadata = dest / "action.yml"
        doc = yaml.load(metadata.read_text(encoding="utf-8"))
        if doc["runs"]["image"] != "Dockerfile":
            raise ValueError(f"action.yml runs.image is {doc['runs']['image']!r}, not Dockerfile")
        doc["runs"]["image"] = f"docker://{image}"
        with metadata.open("w", encoding="utf-8") as stream:
            yaml.dump(doc, stream)
    return dest
