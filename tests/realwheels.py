"""A local package index with the real test runner and build backend in it.

The shared wheelhouse (tests/wheelhouse.py) holds tiny stand-in packages; running a real
test suite or a real setuptools build needs the real pytest and setuptools. Their wheels
are downloaded once from the package index into a cache directory and copied next to the
stand-ins, without the stand-in pytest.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from reprobot.checks.core import runner
from tests.wheelhouse import standard_wheelhouse

REAL_WHEELS = (
    "pytest==8.3.5",
    "pluggy==1.5.0",
    "iniconfig==2.0.0",
    "packaging==24.2",
    "exceptiongroup==1.2.2",
    "tomli==2.2.1",
    "setuptools==75.3.0",
)
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reprobot-test-wheels"


def real_wheels() -> list[Path]:
    """The wheels of REAL_WHEELS, downloaded into the cache the first time."""
    CACHE.mkdir(parents=True, exist_ok=True)
    names = [spec.split("==")[0].replace("-", "_") for spec in REAL_WHEELS]
    versions = [spec.split("==")[1] for spec in REAL_WHEELS]
    wanted = [f"{n}-{v}-" for n, v in zip(names, versions, strict=True)]
    have = [p for p in CACHE.glob("*.whl") if any(p.name.startswith(w) for w in wanted)]
    if len(have) < len(wanted):
        out = runner.run(
            (sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", str(CACHE), *REAL_WHEELS),
            timeout=300,
        )  # fmt: skip
        assert out.ok, f"could not download the test wheels: {out.tail(10)}"
        have = [p for p in CACHE.glob("*.whl") if any(p.name.startswith(w) for w in wanted)]
    return have


def real_wheelhouse(dest: Path) -> Path:
    """The standard stand-ins (minus the stand-in pytest) plus the real wheels."""
    standard_wheelhouse(dest)
    for fake in dest.glob("pytest-*.whl"):
        fake.unlink()
    for wheel in real_wheels():
        shutil.copy2(wheel, dest / wheel.name)
    os.chmod(dest, 0o755)
    for path in dest.iterdir():
        os.chmod(path, 0o644)
    return dest
