"""A cache of a model's loaded arrays, so that a process loads the model in milliseconds.

Loading ``models/triage-default`` from its shipped files spends about 0.3 CPU-seconds in work
whose result never changes: decompressing ``heads.npz`` and widening its float16 weights,
stacking the fast heads into one matrix, parsing ``vocab.json`` and hashing its 545,000 terms
into the featurizer's lookup tables. That is a seventh of a 20,000-row ``triage score`` run and
most of a one-comment one. The first load writes what it built, uncompressed, into a folder of
the cache; later loads map those files into memory read-only (``numpy.load(mmap_mode="r")``),
so that several processes on one machine (API workers, Dask workers) share one copy in the page
cache.

* **Where:** ``$TRIAGE_LOAD_CACHE``, else ``~/.cache/triage/load``; ``TRIAGE_LOAD_CACHE=off``
  turns the cache off (every load builds from the model's files, as before).
* **When it is used:** an entry's name is a hash of the source files' paths, sizes and
  modification times, this module's format number and the platform (the featurizer's tables
  are stored in the machine's byte order), so a changed or retrained model is never read from
  a stale entry. The newest :data:`KEEP` entries are kept.
* **Safety:** an entry is written into a temporary folder and renamed into place when complete
  (a killed process leaves no half entry); an entry that cannot be read (a damaged or foreign
  file) is ignored and rebuilt; a cache that cannot be written (read-only home, full disk) costs
  nothing but the speed. The answers are the same numbers either way
  (``tests/unit/test_loadcache.py`` compares them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["KEEP", "LoadCache", "cache_root"]

log = logging.getLogger(__name__)

#: bump when what an entry holds, or how it is laid out, changes
FORMAT = 1
#: how many entries (models, versions) the cache keeps; older ones are removed on write
KEEP = 6
_OFF = {"", "0", "off", "false", "no", "none"}


def cache_root() -> Path | None:
    """The cache folder: ``$TRIAGE_LOAD_CACHE``, else ``~/.cache/triage/load``; None when off."""
    env = os.environ.get("TRIAGE_LOAD_CACHE")
    if env is not None:
        return None if env.strip().lower() in _OFF else Path(env)
    return Path.home() / ".cache" / "triage" / "load"


class LoadCache:
    """One entry of the cache: the arrays built from ``sources`` (files that must exist).

    Args:
        kind: what the entry holds (a readable prefix of its folder's name).
        sources: the files the arrays are built from; any change to one of them (size or
            modification time) names another entry.
        identity: a name of the sources' content (a hash) to use instead of their paths, sizes
            and times: for files just written to a temporary folder, as a Dask worker's copy.
    """

    def __init__(self, kind: str, sources: Sequence[Path], identity: str | None = None) -> None:
        root = cache_root()
        self.path: Path | None = None
        if root is None:
            return
        digest = hashlib.sha256(
            json.dumps([FORMAT, kind, sys.byteorder, platform.machine(), sys.version_info[:2]]).encode()
        )
        if identity is not None:  # the caller knows the content (a hash of the files)
            digest.update(b"\1" + identity.encode())
        else:
            for source in sources:
                st = Path(source).stat()  # FileNotFoundError for a missing source
                digest.update(f"\0{Path(source).resolve()}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        self.path = root / f"{kind}-{digest.hexdigest()[:24]}"

    def read(self) -> tuple[dict[str, np.ndarray], dict[str, Any]] | None:
        """The entry's arrays (read-only, memory-mapped) and its metadata; None when there is no
        usable entry (none yet, the cache is off, or the entry cannot be read)."""
        if self.path is None:
            return None
        try:
            manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("format") != FORMAT:
                return None
            arrays = {
                name: np.load(self.path / f"{i}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
                for i, name in enumerate(manifest["arrays"])
            }
            return arrays, manifest["meta"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("load cache entry %s is unreadable (%s); rebuilding it", self.path, exc)
            self.discard()
            return None

    def discard(self) -> None:
        """Remove this entry (one whose arrays did not fit together), so that :meth:`write` can
        store a good one."""
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)

    def write(self, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any]) -> bool:
        """Store ``arrays`` and the JSON-able ``meta`` as this entry (atomically); True if stored.
        Errors (no space, no permission) are logged, never raised: the cache only saves time."""
        if self.path is None:
            return False
        tmp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.", dir=self.path.parent))
            names = list(arrays)
            for i, name in enumerate(names):
                np.save(tmp / f"{i}.npy", np.ascontiguousarray(arrays[name]), allow_pickle=False)
            manifest = {"format": FORMAT, "arrays": names, "meta": dict(meta)}
            (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
            try:
                os.replace(tmp, self.path)
            except OSError:
                if (self.path / "manifest.json").is_file():  # another process stored it first: the same
                    return True
                shutil.rmtree(self.path, ignore_errors=True)  # a half folder of an older triage
                os.replace(tmp, self.path)
            tmp = None
            self._prune()
            return True
        except (OSError, ValueError, TypeError) as exc:
            log.info("could not write the load cache entry %s (%s); loading stays uncached", self.path, exc)
            return False
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)

    def _prune(self) -> None:
        """Remove all but the newest :data:`KEEP` entries (and temporary folders a killed process left)."""
        assert self.path is not None
        root = self.path.parent
        entries = []
        for child in root.iterdir():
            with contextlib.suppress(OSError):
                if child.name.startswith("."):
                    if child.stat().st_mtime < self.path.stat().st_mtime - 3600:
                        shutil.rmtree(child, ignore_errors=True)
                elif child.is_dir():
                    entries.append((child.stat().st_mtime, child))
        for _, old in sorted(entries, reverse=True)[KEEP:]:
            if old != self.path:
                shutil.rmtree(old, ignore_errors=True)
