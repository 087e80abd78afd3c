"""The build context Docker sends for the repository root, computed from `.dockerignore`.

Follows the semantics of moby's patternmatcher (used by BuildKit): patterns are cleaned
paths relative to the context root, `*` and `?` do not cross `/`, `**` crosses any number
of folders, a leading `!` re-includes, the last matching pattern wins, and a pattern that
matches a folder matches everything below it.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

#: Folders never worth walking (they are excluded by the allow-list anyway, and big).
_PRUNE = {".git", ".venv", "node_modules", ".pytest_cache", ".ruff_cache", "var"}


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    exclusion: bool  # True for `!pattern` (re-include)


def _translate(pattern: str) -> re.Pattern[str]:
    out = ["^"]
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            if pattern[i : i + 2] == "**":
                i += 2
                if pattern[i : i + 1] == "/":  # `**/` : zero or more folders
                    i += 1
                    out.append("(?:.*/)?")
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i)
            if end == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(ch))
        i += 1
    out.append("$")
    return re.compile("".join(out))


def read_patterns(dockerignore: Path) -> list[_Pattern]:
    patterns = []
    for raw in dockerignore.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        line = posixpath.normpath(line).lstrip("/")
        patterns.append(_Pattern(_translate(line), exclusion))
    return patterns


def is_ignored(relpath: str, patterns: list[_Pattern]) -> bool:
    parts = relpath.split("/")
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for pattern in patterns:
        if any(pattern.regex.match(candidate) for candidate in candidates):
            ignored = not pattern.exclusion
    return ignored


def context_files(root: Path) -> list[str]:
    """Every file (relative, `/`-separated) that a build with context `root` receives."""
    patterns = read_patterns(root / ".dockerignore")
    files = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _PRUNE)
        for name in sorted(filenames):
            rel = Path(folder, name).relative_to(root).as_posix()
            if not is_ignored(rel, patterns):
                files.append(rel)
    return files


def copy_context(root: Path, destination: Path) -> list[str]:
    files = context_files(root)
    for rel in files:
        target = destination / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / rel, target)
    return files
