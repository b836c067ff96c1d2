"""A large, realistic research repository, generated once and kept in the cache dir.

For `size` files: one in ten is a Python module (stdlib, scientific and local imports,
50 to 600 lines, a few imports inside functions or behind try/except), one in a hundred a
notebook of a few cells, one in two hundred a Markdown page, and the rest data files (CSV,
JSON, text, small binaries). A README, LICENSE, CITATION.cff and requirements.txt sit at
the root. There is no pyproject.toml or setup.py, so the repository is a collection of
scripts, not a package. Output is deterministic for a given size.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import must
from reprobot.checks.core import runner

VERSION = 3  # bump when the generated content changes, so caches are rebuilt
DECLARED = ("numpy", "pandas", "scipy", "matplotlib", "scikit-learn")
STDLIB = ("os", "sys", "json", "math", "time", "logging", "itertools", "functools", "re")
STDLIB_FROM = (
    ("pathlib", "Path"),
    ("dataclasses", "dataclass"),
    ("collections", "defaultdict"),
    ("typing", "Any"),
    ("datetime", "datetime"),
)
THIRD_PARTY = (
    "import numpy as np",
    "import pandas as pd",
    "import matplotlib.pyplot as plt",
    "from scipy import stats",
    "from scipy.optimize import minimize",
    "from sklearn.linear_model import LinearRegression",
    "from sklearn.model_selection import train_test_split",
)
UNDECLARED = ("import yaml", "from tqdm import tqdm", "import requests")


@dataclass(frozen=True)
class Layout:
    """How many files of each kind a repository of `size` files holds."""

    size: int

    @property
    def modules(self) -> int:
        return max(4, self.size // 10)

    @property
    def notebooks(self) -> int:
        return max(1, self.size // 100)

    @property
    def docs(self) -> int:
        return max(1, self.size // 200)

    @property
    def packages(self) -> int:
        return max(2, self.modules // 40)

    @property
    def data(self) -> int:
        root_files = 5
        return max(1, self.size - self.modules - self.notebooks - self.docs - root_files)


def _function(rng: random.Random, index: int) -> list[str]:
    name = f"{rng.choice(('load', 'fit', 'clean', 'plot', 'score', 'merge'))}_{index}"
    kind = rng.randrange(4)
    if kind == 0:
        body = [
            f"def {name}(frame, column='value', threshold={rng.random():.3f}):",
            f'    """Keep rows of `frame` whose {{column}} passes threshold {index}."""',
            "    mask = frame[column] > threshold",
            "    kept = frame.loc[mask].copy()",
            "    kept['z'] = (kept[column] - kept[column].mean()) / kept[column].std()",
            "    for key, group in kept.groupby('site'):",
            "        logging.debug('site %s: %d rows', key, len(group))",
            "    return kept",
        ]
    elif kind == 1:
        body = [
            f"def {name}(values, weights=None):",
            "    total = 0.0",
            "    seen = defaultdict(int)",
            "    for i, value in enumerate(values):",
            "        weight = 1.0 if weights is None else weights[i]",
            "        if value is None or math.isnan(value):",
            "            continue",
            "        seen[round(value, 2)] += 1",
            "        total += weight * value",
            f"    return total / max(1, len(seen)) + {rng.randint(0, 99)}",
        ]
    elif kind == 2:
        body = [
            f"def {name}(path):",
            "    import csv",
            "",
            "    rows = []",
            "    with open(path, newline='') as handle:",
            "        for row in csv.DictReader(handle):",
            "            rows.append({k: float(v) for k, v in row.items() if v})",
            f"    return [r for r in rows if r.get('x', 0) > {rng.random():.2f}]",
        ]
    else:
        body = [
            f"class Model{index}:",
            f'    """Parameters of model {index}."""',
            "",
            "    def __init__(self, alpha=0.5, beta=None):",
            "        self.alpha = alpha",
            "        self.beta = beta or {}",
            "",
            "    def predict(self, xs):",
            "        return [self.alpha * x + self.beta.get('offset', 0) for x in xs]",
            "",
            "    def __repr__(self):",
            f"        return f'Model{index}(alpha={{self.alpha}})'",
        ]
    return [*body, "", ""]


def module_text(rng: random.Random, package: str, layout: Layout, index: int) -> str:
    lines = [f'"""Analysis step {index} of {package}: load, fit and plot."""', ""]
    lines += [f"import {m}" for m in sorted(rng.sample(STDLIB, rng.randint(2, 5)))]
    lines += [f"from {m} import {n}" for m, n in rng.sample(STDLIB_FROM, rng.randint(1, 3))]
    if "from collections import defaultdict" not in lines:
        lines.append("from collections import defaultdict")
    lines.append("import logging")
    lines.append("import math")
    lines.append("")
    lines += sorted(rng.sample(THIRD_PARTY, rng.randint(1, 4)))
    if rng.random() < 0.03:
        lines.append(rng.choice(UNDECLARED))
    lines.append("")
    for _ in range(rng.randint(0, 3)):
        other = f"pkg{rng.randrange(layout.packages):02d}"
        lines.append(f"from analysis.{other} import step{rng.randrange(40):03d}")
    if rng.random() < 0.3:
        lines.append(f"from .step{rng.randrange(40):03d} import *  # noqa: F403")
    if rng.random() < 0.1:
        lines += ["", "try:", "    import numba", "except ImportError:", "    numba = None"]
    lines += ["", f"SEED = {rng.randint(0, 10_000)}", f"DATA = Path('data/raw/{index}.csv')", ""]
    target = int(min(600, max(50, rng.lognormvariate(4.8, 0.6))))
    number = 0
    while len(lines) < target:
        lines += _function(rng, number)
        number += 1
    lines += ["if __name__ == '__main__':", f"    print({number}, SEED)", ""]
    return "\n".join(lines)


def test_text(rng: random.Random, package: str, layout: Layout, index: int) -> str:
    """A test module: the helpers of a step, then pytest tests that use them."""
    lines = [module_text(rng, package, layout, index).rstrip(), ""]
    for number in range(rng.randint(2, 8)):
        lines += [
            "",
            f"def test_step_{index}_{number}():",
            f"    values = [{rng.random():.3f}, {rng.random():.3f}, float('nan')]",
            "    assert math.isnan(values[-1])",
            f"    assert SEED >= {number - 100}",
        ]
    return "\n".join(lines) + "\n"


def notebook_text(rng: random.Random, index: int) -> str:
    cells: list[dict[str, object]] = [
        {
            "cell_type": "markdown",
            "id": f"md-{index}-0",
            "metadata": {},
            "source": [f"# Figure {index}\n", "\n", "Reproduces the figure from the raw data."],
        }
    ]
    imports = sorted(rng.sample(THIRD_PARTY, rng.randint(1, 3)))
    if rng.random() < 0.05:
        imports.append(rng.choice(UNDECLARED))
    sources = [
        "\n".join(imports),
        f"frame = pd.read_csv('data/raw/{index}.csv')\nframe.describe()",
        "fig, ax = plt.subplots()\nax.plot(frame['x'], frame['y'])\nfig.savefig('out.png')",
    ][: rng.randint(2, 3)]
    for number, source in enumerate(sources, start=1):
        cells.append(
            {
                "cell_type": "code",
                "execution_count": number,
                "id": f"code-{index}-{number}",
                "metadata": {},
                "outputs": [
                    {
                        "name": "stdout",
                        "output_type": "stream",
                        "text": [f"{rng.random():.6f}\n" for _ in range(rng.randint(1, 20))],
                    }
                ],
                "source": source.splitlines(keepends=True),
            }
        )
    notebook = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python", "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1) + "\n"


def data_file(rng: random.Random, index: int) -> tuple[str, bytes]:
    site = f"site{index % 50:02d}"
    kind = rng.random()
    if kind < 0.6:
        rows = ["x,y,value,site"] + [
            f"{rng.random():.5f},{rng.random():.5f},{rng.gauss(0, 1):.5f},{site}"
            for _ in range(rng.randint(10, 80))
        ]
        return f"data/raw/{site}/{index}.csv", ("\n".join(rows) + "\n").encode()
    if kind < 0.8:
        payload = {"run": index, "params": {"alpha": rng.random(), "n": rng.randint(1, 999)}}
        return f"results/{site}/{index}.json", json.dumps(payload).encode()
    if kind < 0.9:
        text = f"instrument log {index}\n" + "".join(
            f"t={t} ok\n" for t in range(rng.randint(5, 40))
        )
        return f"data/logs/{site}/{index}.txt", text.encode()
    return f"data/processed/{site}/{index}.npy", b"\x93NUMPY" + rng.randbytes(rng.randint(64, 2048))


MIT = """MIT License

Copyright (c) 2024 The field study authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

ROOT_FILES = {
    "README.md": "# Field study analysis\n\n## Installation\n\n```\npip install -r "
    "requirements.txt\n```\n\n## Usage\n\nRun `python scripts/run_all.py` to reproduce the "
    "figures.\n",
    "LICENSE": MIT,
    "CITATION.cff": "cff-version: 1.2.0\nmessage: If you use this software, please cite it "
    "as below.\ntitle: Field study analysis\nauthors:\n  - family-names: Doe\n    given-names: "
    "Jane\nversion: 1.0.0\ndate-released: 2024-05-01\nlicense: MIT\n",
    "requirements.txt": "".join(f"{name}\n" for name in DECLARED),
    ".gitignore": "__pycache__/\n*.pyc\n.venv/\n",
}


def generate(root: Path, size: int, *, seed: int = 0, tests: bool = True) -> int:
    """Write the repository under `root`; returns the number of files written. Without
    `tests`, the would-be test modules are plain scripts and nothing defines a test."""
    rng = random.Random(seed)
    layout = Layout(size)
    files: dict[str, bytes] = {name: text.encode() for name, text in ROOT_FILES.items()}
    for package in range(layout.packages):
        files[f"analysis/pkg{package:02d}/__init__.py"] = b""
    for index in range(layout.modules - layout.packages):
        package = f"pkg{index % layout.packages:02d}"
        if index % 20 == 19 and tests:
            files[f"tests/test_step{index:04d}.py"] = test_text(
                rng, package, layout, index
            ).encode()
            continue
        if index % 20 >= 18:
            path = f"scripts/run_{index:04d}.py"
        else:
            path = f"analysis/{package}/step{index // layout.packages:03d}.py"
        files[path] = module_text(rng, package, layout, index).encode()
    for index in range(layout.notebooks):
        files[f"notebooks/figure_{index:03d}.ipynb"] = notebook_text(rng, index).encode()
    for index in range(layout.docs):
        files[f"docs/page_{index:03d}.md"] = f"# Page {index}\n\nMethods, part {index}.\n".encode()
    for index in range(layout.data):
        path, content = data_file(rng, index)
        files[path] = content
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return len(files)


def commit_all(root: Path) -> None:
    git = ("git", "-C", str(root), "-c", "user.name=Bench", "-c", "user.email=bench@example.org")
    must(runner.run((*git, "init", "-q", "-b", "main"), timeout=120), "git init")
    must(runner.run((*git, "add", "-A"), timeout=600), "git add")
    must(runner.run((*git, "commit", "-q", "-m", "Generated study"), timeout=600), "git commit")


def cached_repository(cache_dir: Path, size: int, *, git: bool, tests: bool = True) -> Path:
    """The generated repository for `size`, built on first use (git or plain directory)."""
    name = f"study-v{VERSION}-{size}-{'git' if git else 'plain'}{'' if tests else '-notests'}"
    root = cache_dir / "repos" / name
    done = root.with_name(root.name + ".done")
    if done.exists() and root.is_dir():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    generate(root, size, tests=tests)
    if git:
        commit_all(root)
    done.write_text("complete\n")
    return root
