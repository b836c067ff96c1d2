"""Fixes for undeclared R and Julia packages: edited DESCRIPTION and install.R files, a new
DESCRIPTION, and the renv and Pkg commands. Pure text functions over the facts."""

from __future__ import annotations

import re

from reprobot.checks.core.model import Fix
from reprobot.checks.core.templates import render
from reprobot.checks.repo.r_source import dcf_fields, package_list


def _names(packages: list[str]) -> str:
    quoted = [f"`{p}`" for p in packages]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def description_with(text: str, packages: list[str], field: str = "Imports") -> str:
    """`text` (a DESCRIPTION) with `packages` added to its `field` (Imports, Remotes),
    which is made when it is missing. The result stays a valid DCF record."""
    if not packages:
        return text
    fields, _ = dcf_fields(text)
    lines = text.splitlines()
    addition = [f"    {p}" for p in packages]
    imports = next((f for f in fields if f.name == field), None)
    if imports is None:
        end = fields[-1].end if fields else 0
        block = [f"{field}:", *[f"{a}," for a in addition[:-1]], addition[-1]]
        lines[end:end] = block
    else:
        present = package_list(imports.value)
        last = lines[imports.end - 1].rstrip()
        if present and not last.endswith(","):
            lines[imports.end - 1] = last + ","
        elif not present:
            lines[imports.end - 1] = re.sub(r",\s*$", "", last)
        block = [f"{a}," for a in addition[:-1]] + [addition[-1]]
        lines[imports.end : imports.end] = block
    return "\n".join(lines) + "\n"


def new_description(
    root_name: str, packages: list[str], remotes: tuple[str, ...] | list[str] = ()
) -> str:
    name = re.sub(r"[^A-Za-z0-9.]", ".", root_name).strip(".")
    name = re.sub(r"\.+", ".", name)
    if not re.match(r"^[A-Za-z][A-Za-z0-9.]*[A-Za-z0-9]$", name):
        name = "analysis"
    return render("DESCRIPTION.j2", package=name, packages=packages, remotes=list(remotes))


def install_r_with(text: str, packages: list[str]) -> str:
    quoted = ", ".join(f'"{p}"' for p in packages)
    return text.rstrip("\n") + f"\ninstall.packages(c({quoted}))\n"


def r_fix(
    kind: str | None,
    target: str | None,
    packages: list[str],
    text: str,
    root_name: str,
    *,
    lock: bool = False,
    remotes: dict[str, str] | None = None,
) -> Fix:
    """The fix that declares `packages` in `target` (a declaration of `kind`), or a new
    DESCRIPTION and the renv steps when nothing declares R packages."""
    packages = sorted(set(packages), key=str.lower)
    names = _names(packages)
    quoted = ", ".join(f'"{p}"' for p in packages)
    github = sorted((remotes or {})[p] for p in packages if p in (remotes or {}))
    values = {"kind": kind, "target": target, "names": names, "quoted": quoted, "lock": lock}
    if kind == "DESCRIPTION" and target:
        description = render("r-declare.md.j2", **values).strip()
        return Fix(
            f"Add {names} to {target}",
            description,
            {target: description_with(description_with(text, packages), github, "Remotes")},
        )
    if kind == "install.R" and target:
        description = render("r-declare.md.j2", **values).strip()
        return Fix(
            f"Add {names} to {target}", description, {target: install_r_with(text, packages)}
        )
    if kind == "renv.lock" and target:
        folder = target.rpartition("/")[0] or "."
        command = f"cd {folder} && Rscript -e 'renv::install(c({quoted}))' -e 'renv::snapshot()'"
        return Fix(
            f"Record {names} in {target}",
            render("r-declare.md.j2", **values).strip(),
            commands=(command,),
        )
    return Fix(
        "Declare the R packages in a DESCRIPTION file, or record them with renv",
        render("r-declare.md.j2", **values).strip(),
        {"DESCRIPTION": new_description(root_name, packages, github)},
        commands=(
            "Rscript -e 'install.packages(\"renv\")'",
            "Rscript -e 'renv::init()'",
        ),
    )


def julia_fix(project: str | None, packages: list[str]) -> Fix:
    packages = sorted(set(packages))
    names = _names(packages)
    folder = project.rpartition("/")[0] if project else ""
    listed = ", ".join(f'"{p}"' for p in packages)
    command = f"julia --project=. -e 'using Pkg; Pkg.add([{listed}])'"
    if folder:
        command = f"cd {folder} && {command}"
    return Fix(
        f"Add {names} to {project or 'a new Project.toml'}",
        render("julia-declare.md.j2", project=project, names=names, command=command).strip(),
        commands=(command,),
    )
