"""What the as-of-date pass (DEP007) costs, and that it is paid only when something failed.

Side by side in one run, against a dated package index on 127.0.0.1 (the one the tests
use: `glacier` 1.0 from 2020 has `melt()`, 2.0 from 2023 does not):

* a healthy study (it pins `glacier<2`): `reprobot check` with `dependencies.as_of` at
  `auto` and at `off` — nothing fails today, so the two should take the same time;
* a rotted study (unpinned `glacier`, committed in 2021): the same two — with `auto` the
  failing tests are run again as of 2021, the culprit searched for and its pin tried.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_asof --repeat 3
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    conditions,
    conditions_line,
    interleaved,
    parser,
    ratio,
    table,
    write_json,
)
from reprobot.checks import check_repository
from reprobot.checks.environment.uv import cache_root
from tests.datedindex import DatedIndex
from tests.families.dependencies.test_as_of import OLD, STUDY, _committed, _pure
from tests.realwheels import real_wheels
from tests.wheelhouse import wheel_bytes

WHEN = "2021-06-01T12:00:00+00:00"
SELECT = ("DEP", "TST")


def _forgetting(repo: Path) -> object:
    """A check whose as-of-date pass is not remembered from an earlier round."""
    shutil.rmtree(cache_root() / "as-of", ignore_errors=True)
    return check_repository(repo, select=SELECT)


def _index() -> DatedIndex:
    index = DatedIndex()
    for wheel in [*real_wheels(), *_pure(("tomli==2.2.1",))]:
        if "-none-any" in wheel.name:
            index.add(wheel.name, wheel.read_bytes(), OLD)
    for version, body, when in (
        ("1.0", "def melt():\n    return 1\n", "2020-01-10T00:00:00Z"),
        ("2.0", "def thaw():\n    return 2\n", "2023-06-01T00:00:00Z"),
    ):
        data = wheel_bytes("glacier", version, files={"glacier/__init__.py": body})
        index.add(f"glacier-{version}-py3-none-any.whl", data, when)
    return index


def _study(root: Path, name: str, requirement: str, as_of: str) -> Path:
    files = {**STUDY, "requirements.txt": f"{requirement}\n",
             ".reprobot.yml": f"dependencies:\n  as_of: {as_of}\n"}  # fmt: skip
    return _committed(root / name, files, WHEN)


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__, size=1, repeat=3).parse_args(argv)
    info = conditions()
    work = Path(tempfile.mkdtemp(prefix="reprobot-bench-asof-"))
    work.chmod(0o755)
    index = _index()
    rows = []
    try:
        with index.serving():
            os.environ.pop("REPROBOT_FIND_LINKS", None)
            os.environ["UV_INDEX_URL"] = os.environ["UV_DEFAULT_INDEX"] = index.url
            for label, requirement in (("healthy (pinned)", "glacier<2"), ("rotted", "glacier")):
                repos = {mode: _study(work, f"{label[:4]}-{mode}", requirement, mode)
                         for mode in ("auto", "off")}  # fmt: skip
                for repo in repos.values():  # warm the caches
                    check_repository(repo, select=("DEP", "TST"))
                timings, _ = interleaved(
                    {
                        "auto": lambda r=repos["auto"]: _forgetting(r),
                        "remembered": lambda r=repos["auto"]: check_repository(r, select=SELECT),
                        "off": lambda r=repos["off"]: check_repository(r, select=SELECT),
                    },
                    args.repeat,
                )
                auto, kept, off = timings["auto"], timings["remembered"], timings["off"]
                medians = [auto.median, kept.median, off.median]
                rows.append([label, *medians, ratio(medians[0], medians[2]),
                             ratio(medians[1], medians[2])])  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("## The as-of-date pass: `dependencies.as_of: auto` against `off`\n")
    print(conditions_line(info) + f"; repeats {args.repeat}\n")
    print(table(["study", "as_of auto s", "auto, remembered s", "as_of off s", "auto ÷ off",
                 "remembered ÷ off"], rows))  # fmt: skip
    write_json(args.json, {"benchmark": "asof", "conditions": info, "rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
