"""The model registry: a directory of model directories and an ``active`` pointer.

Layout (``$TRIAGE_MODELS_DIR``, default ``./models``)::

    models/
      triage-default/        a model directory (pipeline.toml, heads.npz, metrics.json, MODEL_CARD.md, ...)
      shop-2024-06/          another one (``triage train --out models/shop-2024-06``)
      active                 one line: the name of the active model
      history                one line per activation (oldest first); ``rollback`` goes back one

Without an ``active`` file (or with an empty one) the active model is the shipped
``models/triage-default``; in ``history`` it is written ``-``, so that a rollback after the first
activation goes back to it (the pointer is then emptied). Activating the model that is already
active records nothing, so the next rollback still goes back to a different model. The pointer
is replaced atomically (write + rename), so a reader sees the old name or the new, never half.
The service compares the pointer's mtime on each request (one ``stat``) and swaps models when
it changes (:class:`ActiveModel`).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from triage.errors import ConfigError, ModelNotFoundError
from triage.paths import DEFAULT_MODEL_DIR

__all__ = ["SHIPPED", "ActiveModel", "ModelInfo", "Registry", "models_dir", "resolve_model_dir"]

#: The shipped model in ``history``: what is active without a pointer (not a valid model name).
SHIPPED = "-"

log = logging.getLogger(__name__)


def resolve_model_dir(explicit: str | Path | None = None) -> Path:
    """The model an entry point should use: ``explicit`` when given, else the registry's active
    model, else the shipped default."""
    if explicit is not None:
        return Path(explicit)
    return Registry().active_path() or DEFAULT_MODEL_DIR


def models_dir() -> Path:
    """``$TRIAGE_MODELS_DIR``, else ``./models``."""
    return Path(os.environ.get("TRIAGE_MODELS_DIR") or "models")


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    model: str  # name-version from pipeline.toml
    tiers: tuple[str, ...]
    created: float
    active: bool
    holdout: dict[str, Any] | None

    def summary(self) -> str:
        head = ""
        if self.holdout:
            head = "  holdout " + ", ".join(f"{k} macro-F1 {v:.3f}" for k, v in self.holdout.items())
        return f"{'*' if self.active else ' '} {self.name:28s} {self.model:30s} tiers {'+'.join(self.tiers):14s}{head}"


class Registry:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root) if root is not None else models_dir()

    @property
    def pointer(self) -> Path:
        return self.root / "active"

    @property
    def history_file(self) -> Path:
        return self.root / "history"

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / "pipeline.toml").is_file())

    def path(self, name: str) -> Path:
        p = self.root / name
        if "/" in name or name in ("", ".", "..") or not (p / "pipeline.toml").is_file():
            raise ModelNotFoundError(
                f"no model {name!r} in {self.root}", hint=f"known: {', '.join(self.names()) or 'none'} (triage models list)"
            )
        return p

    def active_name(self) -> str | None:
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def active_path(self) -> Path | None:
        """The active model's directory, or ``None`` without a pointer."""
        name = self.active_name()
        return None if name is None else self.path(name)

    def info(self, name: str) -> ModelInfo:
        p = self.path(name)
        cfg = tomllib.loads((p / "pipeline.toml").read_text(encoding="utf-8"))
        model = cfg.get("model", {})
        holdout = None
        ev = p / "holdout" / "metrics.json"
        if ev.is_file():
            tasks = json.loads(ev.read_text(encoding="utf-8")).get("tasks", {})
            holdout = {t: v["all"]["macro_f1"] for t, v in tasks.items()}
        return ModelInfo(name, p, f"{model.get('name', name)}-{model.get('version', '0')}",
                         tuple(cfg.get("tiers", {})), (p / "pipeline.toml").stat().st_mtime,
                         name == self.active_name(), holdout)

    def list(self) -> list[ModelInfo]:
        return [self.info(n) for n in self.names()]

    def _write_pointer(self, name: str) -> None:
        """Point at ``name`` (``""``: the shipped model; the file stays, so that a running
        service sees the change)."""
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".active.{os.getpid()}.tmp"
        tmp.write_text(name + "\n" if name else "", encoding="utf-8")
        os.replace(tmp, self.pointer)

    def history(self) -> list[str]:
        try:
            return [x for x in self.history_file.read_text(encoding="utf-8").split("\n") if x]
        except FileNotFoundError:
            return []

    def activate(self, name: str) -> None:
        """Make ``name`` the active model (validated by loading it first). Activating the model
        that is already active changes nothing (and records nothing in the history)."""
        from triage.pipeline.core import load_pipeline

        load_pipeline(self.path(name))  # refuse a broken model before anyone uses it
        previous = self.active_name()
        if previous == name:
            return
        hist = self.history()
        current = previous or SHIPPED
        if not hist or hist[-1] != current:  # the first activation, or a hand-edited pointer
            hist.append(current)
        hist.append(name)
        self._write_history(hist)
        self._write_pointer(name)

    def _write_history(self, hist: list[str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".history.{os.getpid()}.tmp"
        tmp.write_text("".join(h + "\n" for h in hist), encoding="utf-8")
        os.replace(tmp, self.history_file)

    def rollback(self) -> str | None:
        """Re-activate the model that was active before the current one; returns its name, or
        ``None`` for the shipped model (the pointer is emptied)."""
        hist = self.history()
        current = self.active_name() or SHIPPED
        while hist and hist[-1] == current:  # the current model (repeated by older versions)
            hist.pop()
        if not hist:
            raise ConfigError("nothing to roll back to", hint="no earlier activation is recorded in " + str(self.history_file))
        name = hist[-1]
        if name != SHIPPED:
            self.path(name)
        self._write_history(hist)
        self._write_pointer("" if name == SHIPPED else name)
        return None if name == SHIPPED else name


class ActiveModel:
    """The service's current pipeline, following the registry's pointer without a restart.

    :meth:`get` costs one ``stat`` of the pointer per call (at most every ``check_every``
    seconds); when the pointer changed it loads the new model *before* swapping, so requests
    in flight finish on the old one and no request fails during the switch. A model that does
    not load is logged and the old one is kept.
    """

    def __init__(self, pipeline: Any, registry: Registry | None, check_every: float = 0.5) -> None:
        self._pipeline = pipeline
        self._registry = registry
        self._check_every = check_every
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._stamp = self._pointer_stamp()

    def _pointer_stamp(self) -> tuple[int, int] | None:
        if self._registry is None:
            return None
        try:
            st = self._registry.pointer.stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def get(self) -> Any:
        if self._registry is None:
            return self._pipeline
        now = time.monotonic()
        if now < self._next_check:
            return self._pipeline
        self._next_check = now + self._check_every
        stamp = self._pointer_stamp()
        if stamp == self._stamp or stamp is None:
            return self._pipeline
        with self._lock:
            if stamp != self._stamp:
                self.reload(stamp)
        return self._pipeline

    def reload(self, stamp: tuple[int, int] | None = None) -> None:
        from triage.pipeline.core import load_pipeline

        assert self._registry is not None
        try:
            path = self._registry.active_path()
            new = load_pipeline(path)
        except Exception:  # keep serving the old model
            log.exception("could not load the newly activated model; keeping %s", self._pipeline.name)
            self._stamp = stamp or self._pointer_stamp()
            return
        self._pipeline = new
        self._stamp = stamp or self._pointer_stamp()
        gc.collect()  # the old model's objects, then keep the new one out of the collector's walks
        gc.freeze()
        log.warning("switched to model %s", new.name)
