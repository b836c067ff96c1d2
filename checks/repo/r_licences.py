"""An R package's licence, as its DESCRIPTION names it (`License: GPL-2`, `MIT + file
LICENSE`): R ships the texts of the licences it names, so such a package needs no licence
file of its own, and CRAN's `MIT + file LICENSE` file holds only the year and the holder."""

from __future__ import annotations

import re

from reprobot.checks.core.snapshot import Snapshot
from reprobot.checks.repo.r_source import Field, dcf_fields

# R's names for the licences in its share/licenses (DESCRIPTION's `License:` field), keyed
# by `_r_key`; "MIT", "BSD_2_clause" and "BSD_3_clause" come with `+ file LICENSE`.
_R_LICENCES = {
    "gpl2": "GPL-2.0", "gpl3": "GPL-3.0", "gpl>=2": "GPL-2.0-or-later OR GPL-3.0",
    "gpl>=3": "GPL-3.0-or-later", "gpl": "GPL-2.0-or-later OR GPL-3.0",
    "gpl>=20": "GPL-2.0-or-later OR GPL-3.0", "gpl>=30": "GPL-3.0-or-later",
    "lgpl2": "LGPL-2.0", "lgpl21": "LGPL-2.1", "lgpl3": "LGPL-3.0",
    "lgpl>=2": "LGPL-2.0-or-later OR LGPL-2.1 OR LGPL-3.0",
    "lgpl>=21": "LGPL-2.1-or-later OR LGPL-3.0", "lgpl>=3": "LGPL-3.0-or-later",
    "agpl3": "AGPL-3.0", "agpl>=3": "AGPL-3.0-or-later",
    "mit": "MIT", "bsd2clause": "BSD-2-Clause", "bsd3clause": "BSD-3-Clause",
    "apache20": "Apache-2.0", "apache==20": "Apache-2.0", "apache>=2": "Apache-2.0",
    "artistic20": "Artistic-2.0", "cc0": "CC0-1.0", "ccby40": "CC-BY-4.0",
    "ccbysa40": "CC-BY-SA-4.0", "mpl20": "MPL-2.0", "unlimited": None,
}  # fmt: skip
_CRAN_STUB = re.compile(r"^\s*YEAR:.*\n\s*COPYRIGHT HOLDER:", re.MULTILINE | re.IGNORECASE)


def _r_key(name: str) -> str:
    return re.sub(r"[\s()_.\-]|license|licence|version", "", name.lower())


def r_licence(value: str) -> tuple[str | None, bool]:
    """(SPDX id, whether DESCRIPTION also points to a file) of a `License:` value such as
    `GPL (>= 2)`, `MIT + file LICENSE` or `GPL-2 | GPL-3` (the first alternative)."""
    first = value.split("|", maxsplit=1)[0]
    name, plus, rest = first.partition("+")
    return _R_LICENCES.get(_r_key(name)), bool(plus) and "file" in rest.lower()


def is_cran_stub(text: str) -> bool:
    """Whether a licence file is CRAN's template: `YEAR: ...` and `COPYRIGHT HOLDER: ...`."""
    return _CRAN_STUB.search(text) is not None


def description_licence(snapshot: Snapshot, cap: int) -> Field | None:
    """The `License:` field of the R package at the root (a DESCRIPTION with `Package:`)."""
    if not snapshot.exists("DESCRIPTION"):
        return None
    read = snapshot.read_text("DESCRIPTION", cap=cap)
    fields, _ = dcf_fields(read.text) if read.ok else ((), None)
    if not any(f.name == "Package" for f in fields):
        return None
    return next((f for f in fields if f.name == "License"), None)
