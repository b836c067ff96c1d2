"""A fix's description, split into blocks that cannot break the body they are put in.

Descriptions are Markdown-like text made by the checks, quoting the repository (a README
section to add, a snippet of code, the command to run). Shown as they are, their headings
and fences would become the comment's own. So each block is rebuilt: prose as inert text
(code spans kept), list items as a list whose marker is reprobot's, code (fenced or
indented) in a fence longer than any backtick run inside it, and from the first heading
on, what is a Markdown document of its own (README sections) as its source in one
`markdown` fence. A command the fix also lists is shown once: in the description's code
when it is there, else in a block of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from reprobot.bot import markdown
from reprobot.bot.markdown import Safe

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)[^`]*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_ITEM = re.compile(r"^ {0,3}[-*+]\s+(.*)$")


@dataclass(frozen=True)
class Block:
    kind: str  # "prose", "item" (of a list), "code" or "markdown"
    text: str
    lang: str = ""


def split(description: str) -> list[Block]:
    """The blocks of `description`, in order."""
    lines = markdown.clean(description).split("\n")
    blocks: list[Block] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            blocks.append(Block("prose", "\n".join(prose)))
            prose.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        opener = _FENCE.match(line)
        if opener:
            flush()
            fence, lang = opener.group(1), opener.group(2)
            end = next(
                (j for j in range(index + 1, len(lines)) if _fence_end(lines[j], fence)),
                len(lines),
            )
            blocks.append(Block("code", "\n".join(lines[index + 1 : end]), lang))
            index = end + 1
        elif _HEADING.match(line):
            flush()
            blocks.append(Block("markdown", "\n".join(lines[index:]).strip("\n"), "markdown"))
            break
        elif not prose and (line.startswith("    ") or line.startswith("\t")):
            end = index
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t"):
                end += 1
            code = [ln[4:] if ln.startswith("    ") else ln.lstrip("\t") for ln in lines[index:end]]
            blocks.append(Block("code", "\n".join(code).strip("\n")))
            index = end
        elif item := _ITEM.match(line):
            flush()
            blocks.append(Block("item", item.group(1)))
            index += 1
        elif blocks and blocks[-1].kind == "item" and not prose and line[:2] == "  ":
            blocks[-1] = Block("item", f"{blocks[-1].text} {line.strip()}")
            index += 1
        elif not line.strip():
            flush()
            index += 1
        else:
            prose.append(line)
            index += 1
    flush()
    return [b for b in blocks if b.text.strip()]


def _fence_end(line: str, fence: str) -> bool:
    stripped = line.strip()
    if line.startswith("    ") or not stripped.startswith(fence[0] * len(fence)):
        return False
    run = len(stripped) - len(stripped.lstrip(fence[0]))
    return not stripped[run:].strip()


def _in_code(command: str, blocks: Sequence[Block]) -> bool:
    wanted = command.strip()
    return any(
        b.kind == "code" and wanted in (ln.strip() for ln in b.text.split("\n")) for b in blocks
    )


def new_commands(description: str, commands: Sequence[str]) -> list[str]:
    """The fix's commands its description does not already show as code."""
    blocks = split(description)
    return [c for c in commands if not _in_code(c, blocks)]


def to_markdown(description: str, commands: Sequence[str] = ()) -> Safe:
    """The description as Markdown that keeps the outline of the body around it."""
    blocks = split(description)
    parts: list[str] = []
    for block in blocks:
        if block.kind == "item":  # the list marker is reprobot's, the words inert
            item = f"- {markdown.line(block.text)}"
            if parts and parts[-1].startswith("- "):
                parts[-1] += f"\n{item}"
            else:
                parts.append(item)
        elif block.kind == "prose":
            parts.append(markdown.text(block.text))
        else:
            lang = block.lang or ("sh" if any(_in_code(c, [block]) for c in commands) else "")
            parts.append(markdown.fence(block.text, lang))
    return Safe("\n\n".join(parts))


_LANGUAGES = {
    ".md": "markdown",
    ".cff": "yaml",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".toml": "toml",
    ".py": "python",
    ".json": "json",
    ".r": "r",
    ".jl": "julia",
    ".sh": "sh",
}


def language(path: str) -> str:
    """The fence's language for a file's contents, from its name ("" when unknown)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name in ("description", "namespace"):
        return "dcf" if name == "description" else "r"
    return next((lang for ext, lang in _LANGUAGES.items() if name.endswith(ext)), "")
