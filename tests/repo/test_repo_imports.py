from __future__ import annotations

import json
import textwrap
from pathlib import Path

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.environment.distributions import environment_names
from reprobot.checks.repo.import_names import accepted, distribution_for
from reprobot.checks.repo.imports import ImportScan, scan_imports, scan_notebook, scan_source
from tests.helpers import make_repo
from tests.wheelhouse import wheel_bytes


def _sites(source: str) -> list[tuple[str, int | None, bool]]:
    data = textwrap.dedent(source).lstrip("\n").encode()
    return [(s.module, s.line, s.optional) for s in scan_source(data, "x.py")]


def test_import_forms_and_lines() -> None:
    assert _sites(
        """
        import os, numpy as np
        from pandas.api import types
        from . import sibling
        from .pkg import thing
        import matplotlib.pyplot as plt  # comment
        from scipy import (
            stats,
        )
        x = 1; import_this = 2
        """
    ) == [
        ("os", 1, False),
        ("numpy", 1, False),
        ("pandas", 2, False),
        ("matplotlib", 5, False),
        ("scipy", 6, False),
    ]


def test_imports_in_strings_are_not_imports() -> None:
    assert _sites(
        '''
        """Example:

        import notreal
        """
        TEMPLATE = """
        from fake import thing
        """
        import real
        '''
    ) == [("real", 8, False)]


def test_unbalanced_quotes_fall_back_to_a_full_parse() -> None:
    assert _sites(
        """
        text = "a triple quote: \\"\\"\\" inside a string"
        import numpy
        """
    ) == [("numpy", 2, False)]


def test_guarded_imports_are_optional() -> None:
    assert _sites(
        """
        try:
            import ujson as json
        except ImportError:
            import json
        try:
            import torch
        except (ImportError, OSError):
            torch = None
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            import pandas
        def run():
            import sklearn
            try:
                import numba
            except Exception:
                pass
        try:
            import needed
        except KeyError:
            pass
        """
    ) == [
        ("ujson", 2, True),
        ("json", 4, True),
        ("torch", 6, True),
        ("typing", 9, False),
        ("pandas", 11, True),
        ("sklearn", 13, False),
        ("numba", 15, True),
        ("needed", 19, False),
    ]


def test_notebook_code_cells_without_magics() -> None:
    notebook = {
        "cells": [
            {"cell_type": "code", "source": ["%matplotlib inline\n", "import numpy as np\n"]},
            {"cell_type": "code", "source": "!pip install seaborn\nimport seaborn\n"},
            {"cell_type": "code", "source": ["%%bash\n", "import shellstuff\n"]},
            {"cell_type": "code", "source": ["%%time\n", "from sklearn import svm\n"]},
            {"cell_type": "markdown", "source": ["import notcode\n"]},
        ],
        "nbformat": 4,
    }
    sites, problem = scan_notebook(json.dumps(notebook).encode(), "nb.ipynb")
    assert problem is None
    assert [(s.module, s.cell, s.line) for s in sites] == [
        ("numpy", 1, 2),
        ("seaborn", 2, 2),
        ("sklearn", 4, 2),
    ]
    assert sites[0].where == "nb.ipynb cell 1, line 2"


def test_hostile_notebooks_give_findings_not_crashes() -> None:
    cases = {
        b"{not json": "not JSON",
        b"[1, 2]": "no list of cells",
        b'{"cells": {"a": 1}}': "no list of cells",
        b"[" * 100000: "not JSON",
    }
    for data, words in cases.items():
        sites, problem = scan_notebook(data, "bad.ipynb")
        assert sites == [] and problem is not None and words in problem.message
    odd = {"cells": [None, 3, {"cell_type": "code", "source": [1, 2]}, {"cell_type": "code"}]}
    sites, problem = scan_notebook(json.dumps(odd).encode(), "odd.ipynb")
    assert sites == [] and problem is None


def test_repository_scan_excludes_stdlib_and_first_party(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path,
        {
            "analysis.py": "import os\nimport numpy\nimport helpers\nfrom study import model\n",
            "helpers.py": "import yaml\n",
            "src/study/__init__.py": "",
            "src/study/model.py": "import sklearn.linear_model\nfrom study import helpers\n",
            "notebooks/explore.ipynb": json.dumps(
                {"cells": [{"cell_type": "code", "source": "import cv2\n"}]}
            ),
            "broken.ipynb": "{",
        },
    )
    scan = scan_imports(Snapshot(repo))
    third = scan.third_party()
    assert list(third) == ["numpy", "yaml", "cv2", "sklearn"]
    assert [(s.path, s.line) for s in third["sklearn"]] == [("src/study/model.py", 1)]
    assert third["sklearn"][0].dotted == "sklearn.linear_model"
    assert {"study", "helpers", "analysis"} <= scan.first_party
    assert scan.problems[0].path == "broken.ipynb"
    assert scan.files == 6


def test_distribution_names_from_the_table_and_namespaces() -> None:
    assert distribution_for("sklearn") == "scikit-learn"
    assert distribution_for("cv2") == "opencv-python"
    assert distribution_for("PIL") == "Pillow"
    assert distribution_for("yaml") == "PyYAML"
    assert distribution_for("bs4") == "beautifulsoup4"
    assert distribution_for("skimage") == "scikit-image"
    assert distribution_for("dateutil", "dateutil.parser") == "python-dateutil"
    assert distribution_for("Bio") == "biopython"
    assert distribution_for("google", "google.cloud.storage") == "google-cloud-storage"
    assert distribution_for("google", "google.protobuf.message") == "protobuf"
    assert distribution_for("typing_extensions") == "typing-extensions"
    assert "opencv-python-headless" in accepted("cv2")


def test_distribution_names_from_installed_metadata(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    site.mkdir(parents=True)
    for name, files in (
        ("opencv-python-headless", {"cv2/__init__.py": ""}),
        ("mylab-tools", {"labtools/__init__.py": "", "labcli.py": ""}),
    ):
        import io
        import zipfile

        with zipfile.ZipFile(io.BytesIO(wheel_bytes(name, "1.0", files=files))) as wheel:
            wheel.extractall(site)
    (next(site.glob("mylab_tools-*.dist-info")) / "top_level.txt").unlink()  # RECORD only
    names = environment_names(tmp_path / "venv")
    assert names["cv2"] == ("opencv-python-headless",)
    assert names["labtools"] == ("mylab-tools",)
    assert names["labcli"] == ("mylab-tools",)
    assert distribution_for("labtools", installed=names) == "mylab-tools"


def test_third_party_order_is_first_appearance() -> None:
    scan = ImportScan(
        tuple(scan_source(b"import zlib\nimport b_pkg\nimport a_pkg\n", "m.py")),
        frozenset(),
    )
    assert list(scan.third_party()) == ["b_pkg", "a_pkg"]
