"""The runner's environment and the action's inputs, read in one place.

Everything reprobot takes from the environment of a GitHub Actions job is read here, once,
into frozen data: the `GITHUB_*` variables, the `INPUT_*` values of action.yml (upper-cased,
hyphens kept), and the token. Input values are validated with messages that say what was
given and what is accepted.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from reprobot.bot import exitcode
from reprobot.bot.apierrors import RetrySettings

COMMENT_MODES = ("sticky", "off")
ISSUE_MODES = ("on-failure", "off")
FAIL_ON = exitcode.FAIL_ON
BOOLEANS = {"true": True, "false": False}
TOKEN_VARIABLES = ("INPUT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"


@dataclass(frozen=True)
class Inputs:
    """The action's inputs, with the defaults action.yml declares."""

    path: str = "."
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    comment: str = "sticky"
    issue: str = "on-failure"
    badge_branch: str = "reprobot-badges"
    fix_pr: bool = False
    fail_on: str = "fail"
    sarif: str = ""  # where to write the SARIF file, relative to the workspace; "" for none


@dataclass(frozen=True)
class RunnerEnv:
    event_name: str = ""
    event_path: Path | None = None
    repository: str = ""
    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    run_id: str = ""
    workspace: Path = field(default_factory=Path.cwd)
    output_path: Path | None = None
    summary_path: Path | None = None
    sha: str = ""
    ref: str = ""
    workflow_ref: str = ""  # owner/repo/.github/workflows/file.yml@refs/heads/main
    retry: RetrySettings = field(default_factory=RetrySettings)

    @property
    def run_url(self) -> str | None:
        if not (self.repository and self.run_id):
            return None
        return f"{self.server_url.rstrip('/')}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def repository_url(self) -> str:
        return f"{self.server_url.rstrip('/')}/{self.repository}"

    @property
    def workflow_url(self) -> str:
        """The page of the running workflow (where a badge links), else the Actions tab."""
        path = self.workflow_ref.split("@", 1)[0]
        if path.startswith(f"{self.repository}/.github/workflows/"):
            return f"{self.repository_url}/actions/workflows/{path.rsplit('/', 1)[1]}"
        return f"{self.repository_url}/actions"


@dataclass(frozen=True)
class ActionEnv:
    runner: RunnerEnv
    inputs: Inputs
    token: str = field(default="", repr=False)
    problems: tuple[str, ...] = ()  # invalid inputs; the action stops with exit 2


def _choice(name: str, raw: str, allowed: tuple[str, ...], problems: list[str]) -> str:
    value = raw.strip().lower()
    if value in allowed:
        return value
    problems.append(f"invalid {name} '{raw}' (expected: {', '.join(allowed)})")
    return allowed[0]


def _boolean(name: str, raw: str, problems: list[str]) -> bool:
    value = raw.strip().lower()
    if value in BOOLEANS:
        return BOOLEANS[value]
    problems.append(f"invalid {name} '{raw}' (expected: true, false)")
    return False


def _codes(raw: str) -> tuple[str, ...]:
    """`CIT, LIC` or one code per line -> ("CIT", "LIC")."""
    return tuple(part.strip().upper() for part in raw.replace("\n", ",").split(",") if part.strip())


def _path(name: str) -> Path | None:
    return Path(name) if name else None


def _number(environ: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    """Seconds, 0 or more; NaN, infinities and negative numbers are refused."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        problems.append(f"invalid {name} '{raw}' (expected: a number of seconds >= 0)")
        return default
    return value


def _count(environ: Mapping[str, str], name: str, default: int, problems: list[str]) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit() and int(raw[:5]) <= 1000):
        problems.append(f"invalid {name} '{raw}' (expected: a whole number from 0 to 1000)")
        return default
    return int(raw)


def read_inputs(environ: Mapping[str, str], problems: list[str]) -> Inputs:
    def get(name: str, default: str) -> str:
        value = environ.get(f"INPUT_{name.upper()}")
        return default if value is None else value

    defaults = Inputs()
    path = get("path", defaults.path).strip() or "."
    if Path(path).is_absolute() or ".." in Path(path).parts:
        problems.append(f"invalid path '{path}' (expected: a directory inside the workspace)")
        path = "."
    sarif = get("sarif", "").strip()
    if sarif and (Path(sarif).is_absolute() or ".." in Path(sarif).parts or sarif.endswith("/")):
        problems.append(f"invalid sarif '{sarif}' (expected: a file path inside the workspace)")
        sarif = ""
    return Inputs(
        path=path,
        select=_codes(get("select", "")),
        ignore=_codes(get("ignore", "")),
        comment=_choice("comment", get("comment", defaults.comment), COMMENT_MODES, problems),
        issue=_choice("issue", get("issue", defaults.issue), ISSUE_MODES, problems),
        badge_branch=get("badge_branch", defaults.badge_branch).strip(),
        fix_pr=_boolean("fix_pr", get("fix_pr", "false"), problems),
        fail_on=_choice("fail_on", get("fail_on", defaults.fail_on), FAIL_ON, problems),
        sarif=sarif,
    )


def read_runner(environ: Mapping[str, str], problems: list[str]) -> RunnerEnv:
    def get(name: str, default: str = "") -> str:
        return environ.get(name, "").strip() or default

    retry = RetrySettings(
        attempts=_count(environ, "REPROBOT_RETRY_ATTEMPTS", RetrySettings.attempts, problems),
        backoff=_number(environ, "REPROBOT_RETRY_BACKOFF", RetrySettings.backoff, problems),
        max_wait=_number(environ, "REPROBOT_RETRY_MAX_WAIT", RetrySettings.max_wait, problems),
        secondary_wait=_number(
            environ, "REPROBOT_SECONDARY_RATE_WAIT", RetrySettings.secondary_wait, problems
        ),
        pause=_number(environ, "REPROBOT_WRITE_PAUSE", RetrySettings.pause, problems),
    )
    return RunnerEnv(
        event_name=get("GITHUB_EVENT_NAME"),
        event_path=_path(get("GITHUB_EVENT_PATH")),
        repository=get("GITHUB_REPOSITORY"),
        api_url=get("GITHUB_API_URL", DEFAULT_API_URL).rstrip("/"),
        server_url=get("GITHUB_SERVER_URL", DEFAULT_SERVER_URL).rstrip("/"),
        run_id=get("GITHUB_RUN_ID"),
        workspace=Path(get("GITHUB_WORKSPACE") or os.getcwd()),
        output_path=_path(get("GITHUB_OUTPUT")),
        summary_path=_path(get("GITHUB_STEP_SUMMARY")),
        sha=get("GITHUB_SHA"),
        ref=get("GITHUB_REF"),
        workflow_ref=get("GITHUB_WORKFLOW_REF"),
        retry=retry,
    )


def read_token(environ: Mapping[str, str]) -> str:
    for name in TOKEN_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return value
    return ""


def read_environment(environ: Mapping[str, str]) -> ActionEnv:
    problems: list[str] = []
    inputs = read_inputs(environ, problems)
    runner = read_runner(environ, problems)
    return ActionEnv(runner, inputs, read_token(environ), tuple(problems))


def forget_token(environ: MutableMapping[str, str]) -> None:
    """Remove every variable that may hold the token, so no child process inherits it."""
    for name in TOKEN_VARIABLES:
        environ.pop(name, None)
