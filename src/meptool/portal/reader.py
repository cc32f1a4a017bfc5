"""Reading a build's incidents through the cache of parsed files, opened only when one changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from meptool.files.cache import Index
    from meptool.files.workspace import Workspace


class Reader:
    """Incidents from the cache, opened only when a file changed."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.index: Index | None = None
        self.names: list[tuple[str, Any]] | None = None  # what `row` will be asked for

    def want(self, names: list[tuple[str, Any]]) -> None:
        """The files (folder names, stat keys) whose rows the build reads: only theirs are
        brought up to date in the cache."""
        self.names = names

    def row(self, path: Path, key: Any) -> Any:
        from meptool.incident import reading

        if self.index is None:
            self.index = reading.index(self.ws, self.names)
        return self.index.row(path.parent.name, key)

    def data(self, path: Path, key: Any) -> str | None:
        """The cached data of a valid file (None: read the file itself)."""
        row = self.row(path, key)
        if self.index is None:
            return None
        found: str | None = self.index.data(path.parent.name, key, row)
        return found

    def close(self) -> None:
        if self.index is not None:
            self.index.close()


def problems(ws: Workspace, path: Path, row: Any) -> list[str]:
    """The located problems of an invalid file, as `incident validate` prints them."""
    from meptool.errors import Problem

    shown = ws.display(path)
    return [
        str(Problem(file if file is not None else shown, line, col, name, message))
        for line, col, name, message, file in json.loads(row.problems or "[]")
    ]
