"""A local package index with the real ipykernel and nbclient (and what they need), for the
tests that run notebooks for real.

The wheels are downloaded once from the package index into a cache directory, pinned so
that every run resolves the same; wheels with compiled parts are for the Python running the
tests, which is the Python the fresh environment gets here.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from reprobot.checks.core import runner
from tests.wheelhouse import build_wheel, standard_wheelhouse

KERNEL_WHEELS = (
    "asttokens==3.0.2", "attrs==26.1.0", "comm==0.2.3", "debugpy==1.8.22",
    "executing==2.3.0", "fastjsonschema==2.22.3", "ipykernel==7.4.0", "ipython==9.18.1",
    "ipython_pygments_lexers==1.1.1", "jedi==0.20.1", "jsonschema==4.26.0",
    "jsonschema_specifications==2025.9.1", "jupyter_client==8.10.0", "jupyter_core==5.9.1",
    "matplotlib_inline==0.2.2", "nbclient==0.11.0", "nbformat==5.11.1",
    "nest_asyncio2==1.7.4", "packaging==26.4", "parso==0.8.7", "pexpect==4.9.0",
    "platformdirs==4.14.9", "prompt_toolkit==3.0.53", "psutil==7.2.2", "ptyprocess==0.7.0",
    "pure_eval==0.2.4", "pygments==2.21.0", "python_dateutil==4.0.0", "pyzmq==27.3.0",
    "referencing==0.37.0", "rpds_py==2026.9.1", "stack_data==0.6.3", "tornado==6.6.1",
    "traitlets==5.16.1", "typing_extensions==4.16.0", "tzdata==2026.6", "wcwidth==0.9.4",
)  # fmt: skip
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reprobot-kernel-wheels"


def _prefix(spec: str) -> str:
    name, version = spec.split("==")
    return f"{name.lower().replace('-', '_')}-{version}-"


def kernel_wheels() -> list[Path]:
    """The wheels of KERNEL_WHEELS, downloaded into the cache the first time."""
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = [_prefix(spec) for spec in KERNEL_WHEELS]

    def have() -> list[Path]:
        return [p for p in CACHE.glob("*.whl") if any(p.name.lower().startswith(w) for w in wanted)]

    if len(have()) < len(wanted):
        out = runner.run(
            (sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", str(CACHE), *KERNEL_WHEELS),
            timeout=600,
        )  # fmt: skip
        assert out.ok, f"could not download the kernel wheels: {out.tail(10)}"
    return have()


def kernel_wheelhouse(dest: Path) -> Path:
    """The standard stand-ins, a library whose API moved, and the kernel's wheels."""
    standard_wheelhouse(dest)
    for spec in KERNEL_WHEELS:  # the real ones win over any stand-in of the same name
        for fake in dest.glob(f"{spec.split('==')[0]}-*"):
            fake.unlink()
    build_wheel(
        dest, "oldapi", "2.3.0", files={"oldapi/__init__.py": "def modern():\n    return 1\n"}
    )
    for wheel in kernel_wheels():
        shutil.copy2(wheel, dest / wheel.name)
    os.chmod(dest, 0o755)
    for path in dest.iterdir():
        os.chmod(path, 0o644)
    return dest
