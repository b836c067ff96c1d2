"""Tiny wheels and sdists built at test time, for a hermetic local package index.

Point the fresh environment at the directory with `REPROBOT_FIND_LINKS=<dir>`
(`--no-index --find-links <dir>`). Sdists carry an in-tree build backend
(`backend-path = ["."]`), so building them needs nothing from any index.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import textwrap
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name


def _dist(name: str) -> str:
    return canonicalize_name(name).replace("-", "_")


def metadata(
    name: str, version: str, requires: Sequence[str] = (), python_requires: str | None = None
) -> str:
    lines = ["Metadata-Version: 2.2", f"Name: {name}", f"Version: {version}"]
    if python_requires:
        lines.append(f"Requires-Python: {python_requires}")
    lines += [f"Requires-Dist: {r}" for r in requires]
    return "\n".join(lines) + "\n\n"


def wheel_bytes(
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    files: Mapping[str, str] | None = None,
    python_requires: str | None = None,
    tag: str = "py3-none-any",
) -> bytes:
    """A valid wheel: the given files plus METADATA, WHEEL, top_level.txt and RECORD."""
    dist = _dist(name)
    info = f"{dist}-{version}.dist-info"
    contents = dict(files if files is not None else {f"{dist}/__init__.py": ""})
    tops = sorted({p.split("/")[0].removesuffix(".py") for p in contents})
    contents[f"{info}/METADATA"] = metadata(name, version, requires, python_requires)
    contents[f"{info}/WHEEL"] = (
        f"Wheel-Version: 1.0\nGenerator: wheelhouse\nRoot-Is-Purelib: true\nTag: {tag}\n"
    )
    contents[f"{info}/top_level.txt"] = "\n".join(tops) + "\n"
    record = []
    for path, text in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = "\n".join(record) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in contents.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def build_wheel(dest: Path, name: str, version: str, **options: object) -> Path:
    tag = str(options.get("tag", "py3-none-any"))
    path = dest / f"{_dist(name)}-{version}-{tag}.whl"
    path.write_bytes(wheel_bytes(name, version, **options))  # type: ignore[arg-type]
    return path


BACKEND = '''
"""An in-tree build backend: builds a wheel of the package with the standard library."""
import base64, hashlib, os, zipfile

NAME, VERSION, REQUIRES = {name!r}, {version!r}, {requires!r}
DIST = NAME.replace("-", "_")


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
{before_build}
    info = f"{{DIST}}-{{VERSION}}.dist-info"
    meta = f"Metadata-Version: 2.2\\nName: {{NAME}}\\nVersion: {{VERSION}}\\n"
    meta += "".join(f"Requires-Dist: {{r}}\\n" for r in REQUIRES)
    wheel = "Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    files = {{f"{{DIST}}/__init__.py": "", f"{{info}}/METADATA": meta, f"{{info}}/WHEEL": wheel}}
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{{path}},sha256={{digest.decode()}},{{len(text.encode())}}")
    files[f"{{info}}/RECORD"] = "\\n".join(record + [f"{{info}}/RECORD,,"]) + "\\n"
    name = f"{{DIST}}-{{VERSION}}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return name
'''

FAILING_BUILD = """
    import sys
    print("building the C extension _fast.c", file=sys.stderr)
    print("error: command 'gcc' failed: No such file or directory", file=sys.stderr)
    raise SystemExit(1)
"""


def sdist_bytes(
    name: str,
    version: str,
    *,
    requires: Sequence[str] = (),
    before_build: str = "",
    wheel_requires: Sequence[str] | None = None,
) -> bytes:
    """An sdist with static PKG-INFO and an in-tree backend; `before_build` is code
    (indented four spaces) the backend runs before writing the wheel. `wheel_requires`
    makes the built wheel declare other requirements than PKG-INFO (metadata that lies)."""
    root = f"{_dist(name)}-{version}"
    backend = BACKEND.format(
        name=name,
        version=version,
        requires=list(requires if wheel_requires is None else wheel_requires),
        before_build=textwrap.indent(textwrap.dedent(before_build), "    ") or "    pass",
    )
    files = {
        f"{root}/PKG-INFO": metadata(name, version, requires),
        f"{root}/pyproject.toml": (
            '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
        ),
        f"{root}/backend.py": backend,
        f"{root}/{_dist(name)}/__init__.py": "",
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, text in files.items():
            data = text.encode()
            member = tarfile.TarInfo(path)
            member.size = len(data)
            member.mode = 0o644
            archive.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def build_sdist(dest: Path, name: str, version: str, **options: object) -> Path:
    path = dest / f"{_dist(name)}-{version}.tar.gz"
    path.write_bytes(sdist_bytes(name, version, **options))  # type: ignore[arg-type]
    return path


def standard_wheelhouse(dest: Path) -> Path:
    """The shared local index: healthy packages; requests 2.31.0 needing urllib3>=1.21.1,<3
    next to urllib3 1.20 (a conflict); `oldonly` with only a Python 2.7 wheel; `futurepy`
    needing Python >=3.99; `brokenbuild`, an sdist whose build fails; `fromsource`, an
    sdist that builds; `liar`, whose built wheel needs idna<3 though its sdist says
    nothing (an inconsistent environment)."""
    dest.mkdir(parents=True, exist_ok=True)
    build_wheel(dest, "requests", "2.31.0", requires=["urllib3>=1.21.1,<3", "idna>=2.5"])
    build_wheel(dest, "idna", "3.6")
    for version in ("1.20", "1.26.18", "2.0.7"):
        build_wheel(dest, "urllib3", version)
    build_wheel(dest, "numpy", "1.26.4")
    build_wheel(dest, "pandas", "2.1.4", requires=["numpy>=1.22"])
    build_wheel(dest, "scikit-learn", "1.3.2", files={"sklearn/__init__.py": ""})
    build_wheel(dest, "pyyaml", "6.0.1", files={"yaml/__init__.py": ""})
    build_wheel(
        dest, "pytest", "8.0.0", files={"pytest/__init__.py": "", "_pytest/__init__.py": ""}
    )
    build_wheel(dest, "six", "1.16.0", files={"six.py": ""})
    build_wheel(dest, "oldonly", "1.0", tag="cp27-cp27mu-manylinux1_x86_64")
    build_sdist(dest, "brokenbuild", "0.1", before_build=FAILING_BUILD)
    build_sdist(dest, "fromsource", "1.0", requires=["six"])
    build_sdist(dest, "liar", "1.0", wheel_requires=["idna<3"])
    build_wheel(dest, "futurepy", "1.0", python_requires=">=3.99")
    return dest
