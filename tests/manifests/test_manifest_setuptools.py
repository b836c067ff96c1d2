"""setup.py (read, never run) and setup.cfg."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import by_name, read


def test_setup_py_is_read_without_running_it(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "setup.py": """
                import os
                from setuptools import setup
                os.system("echo this must never run")
                REQUIRES = ["numpy>=1.20", "scipy"]
                setup(
                    name="study",
                    install_requires=REQUIRES,
                    extras_require={"plots": ["matplotlib"]},
                    python_requires=">=3.8",
                )
            """
        },
    )
    names = by_name(found)
    assert names["numpy"] == ("numpy>=1.20", "setup.py", 4, False, "main")
    assert names["matplotlib"][4] == "extra:plots"
    assert found.kind == "setuptools" and found.package_file == "setup.py"
    assert found.python is not None and found.python.spec == ">=3.8"


def test_setup_cfg_install_requires(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "setup.cfg": """
                [metadata]
                name = study

                [options]
                python_requires = >=3.9
                install_requires =
                    numpy>=1.24
                    pandas
            """,
            "setup.py": "from setuptools import setup\nsetup()\n",
        },
    )
    names = by_name(found)
    assert names["numpy"][1:3] == ("setup.cfg", 7)
    assert names["pandas"][1:3] == ("setup.cfg", 8)
    assert found.package
