"""environment.yml."""

from __future__ import annotations

from pathlib import Path

from tests.manifests.reading import read


def test_exported_conda_environment(tmp_path: Path) -> None:
    found = read(
        tmp_path,
        {
            "environment.yml": """
                name: study
                channels:
                  - conda-forge
                dependencies:
                  - python=3.9.7=h12debd9_1
                  - numpy=1.21.2=py39h20f2e39_0
                  - cudatoolkit=11.3.1=h2bc3f7f_2
                  - pip
                  - pip:
                      - requests==2.31.0
                      - -r requirements-extra.txt
                prefix: /home/ada/miniconda3/envs/study
            """,
            "requirements-extra.txt": "tqdm\n",
        },
    )
    assert found.kind == "conda" and found.primary == "environment.yml"
    unverified = {d.name: (d.path, d.line) for d in found.unverified}
    assert unverified == {"numpy": ("environment.yml", 6), "cudatoolkit": ("environment.yml", 7)}
    assert {d.name for d in found.requirements} >= {"requests", "tqdm"}
    messages = " ".join(f.message for f in found.portability)
    assert "platform build string" in messages and "/home/ada/miniconda3" in messages
    lines = {f.line for f in found.portability}
    assert 12 in lines
    assert found.install_lines == ("requests==2.31.0", "-r requirements-extra.txt")
    assert found.python is not None and found.python.spec == "==3.9.7"


def test_hostile_environment_file_gives_a_problem(tmp_path: Path) -> None:
    found = read(tmp_path, {"environment.yml": "dependencies: [numpy\n  - : :\n"})
    assert found.problems and found.problems[0].path == "environment.yml"
    assert "not valid YAML" in found.problems[0].message
