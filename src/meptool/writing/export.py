"""Copy the shipped templates out, for customisation."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from meptool.errors import UsageError
from meptool.labels import count
from meptool.writing.templating import package_templates, template_names


def export(folder: Path, *, force: bool = False) -> list[Path]:
    """Copy every shipped template into `folder`; refuse to overwrite unless `force`."""
    root = package_templates()
    names = [n for n, _ in template_names(None)]
    targets = [folder / n for n in names]
    # lexists: a dangling symlink counts, copying through it would write where it points.
    existing = [t for t in targets if os.path.lexists(t)]
    if existing and not force:
        many = count(len(existing), "file", "files", "en")
        raise UsageError(
            f"{existing[0]} already exists ({many} would be overwritten)",
            hint="choose an empty folder, or pass --force",
        )
    for name, target in zip(names, targets, strict=True):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, target)
    return targets
