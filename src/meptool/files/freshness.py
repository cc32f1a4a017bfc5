"""When a cached result still holds: file stamps, row checksums, the code fingerprint.

The cache of parsed incidents (`meptool.files.cache`) and the cached facts of
`meptool.yaml` (`meptool.files.workspace`) both trust a stored result only while
the file's stamp, the row's checksum and the fingerprint of the code that
computed it are unchanged.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path

from meptool import __version__

FORMAT = 4  # 2: the portfolio's facts per file; 3: a checksum for the data on its own;
# 4: one for the facts on their own
RACY_NS = 2_000_000_000
# Modules whose code decides what a file parses to (incident files, and the facts kept
# of meptool.yaml): editing one invalidates the cache.
_CODE = (
    "model/incident.py",
    "model/config.py",
    "model/enums.py",
    "model/texts.py",
    "files/cache.py",
    "files/bulk.py",
    "files/yamlio.py",
    "files/yamlfast.py",
    "files/yamldoc.py",
    "files/validation.py",
    "safetext.py",
    "model/numbers.py",
    "timeutil.py",
    "incident/summary.py",
    "incident/facts.py",
    "incident/reading.py",
    "incident/registry.py",
    "incident/timing.py",
    "__init__.py",
)


Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def stat_key(st: os.stat_result) -> Key:
    """The key a cache row is valid for: size, mtime_ns, ctime_ns, inode."""
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def enabled() -> bool:
    """False when `MEPTOOL_NO_CACHE` is set (for comparisons and troubleshooting)."""
    return not os.environ.get("MEPTOOL_NO_CACHE")


def fingerprint() -> str:
    """meptool's version, the cache format, Python, and the code that validates."""
    here = Path(__file__).resolve().parents[1]
    parts = [__version__, str(FORMAT), f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for name in _CODE:
        try:
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return "|".join(parts)


def crc(*texts: str | None) -> int:
    """Checksum of a row's texts (a damaged row is parsed again)."""
    value = 0
    for text in texts:
        value = zlib.crc32((text or "\x00").encode("utf-8"), value)
    return value
