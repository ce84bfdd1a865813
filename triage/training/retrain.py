"""``triage train``: a team's labelled comments -> a validated, evaluated, gated model directory.

Steps (docs/training.md):

1. read and validate every file (:mod:`triage.training.labelled`); refuse on errors, print warnings;
2. split the user's rows reproducibly (``seed``): ``holdout`` of them for evaluation and the
   promotion gate, and a fifth of the rest as ``user-dev`` for threshold tuning;
3. build the training data: ``base="default"`` = the shared datasets + seed sets + the user's
   rows; ``base="none"`` = the seed sets (tags *and* sentiment) + the user's rows;
4. fit with :func:`triage.training.fit.fit_model` (fast tier; the accurate tier only with ``embed``);
5. evaluate on the held-out rows (``<out>/holdout/metrics.json`` and ``report.html``), compare
   with the old model on the same rows, refuse promotion on a regression.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from triage.errors import TriageError
from triage.training.data import Example, SeedExample, data_root
from triage.training.fit import TrainConfig, TrainingData, fit_model, read_training_data
from triage.training.labelled import Columns, LabelledExample, counts, read_labelled, split
from triage.training.report import Regression, compare, evaluate_examples, write_report

__all__ = ["PromotionRefused", "TrainOptions", "TrainOutcome", "to_training_data", "train_from_files"]


class PromotionRefused(TriageError):
    """The new model is worse than the old one on the held-out rows."""

    def __init__(self, regressions: Sequence[Regression], max_regression: float) -> None:
        self.regressions = list(regressions)
        lines = "\n".join(f"  {r}" for r in regressions)
        super().__init__(
            f"not promoted: the new model loses more than {max_regression} F1 on the held-out rows:\n{lines}",
            hint="add labelled examples where it lost, or pass a larger --max-regression to accept it",
        )


@dataclass
class TrainOptions:
    base: str = "default"  # "default" | "none"
    seed: int = 0
    holdout: float = 0.2
    dev_fraction: float = 0.2
    max_regression: float = 0.02
    min_examples: int = 20
    embed: bool = False
    version: str = "1"
    data: str | None = None  # the shared datasets folder for base=default
    config: TrainConfig = field(default_factory=TrainConfig)


@dataclass
class TrainOutcome:
    out: Path
    holdout_metrics: dict[str, Any] | None
    old_metrics: dict[str, Any] | None
    regressions: list[Regression]
    warnings: list[str]


def _sentiment_examples(rows: Sequence[LabelledExample], source: str) -> list[Example]:
    return [Example(e.id, e.text, e.lang or "und", e.sentiment, source, "sentiment") for e in rows if e.sentiment]


def _multi(rows: Sequence[LabelledExample]) -> list[SeedExample]:
    return [SeedExample(e.id, e.text, e.lang or "und", e.tags, e.sentiment or "", e.priority)
            for e in rows if e.tags is not None]


def to_training_data(base: TrainingData, train: Sequence[LabelledExample], dev: Sequence[LabelledExample]) -> TrainingData:
    """Add a user's rows to the (possibly empty) base data, in memory (the brand-page corpus is
    part of every base: :func:`triage.training.fit.fit_model` trains on it)."""
    sent = list(base.sent_train)
    dev_sets = {task: dict(sets) for task, sets in base.dev.items()}
    sent += _sentiment_examples(train, "user")
    if any(e.sentiment for e in dev):
        dev_sets["sentiment"]["user-dev"] = _sentiment_examples(dev, "user")
    return TrainingData(base.root, base.seeds, sent, dev_sets, _multi(train), _multi(dev))


def train_from_files(
    paths: Sequence[str | Path],
    out: Path,
    columns: Columns | None = None,
    options: TrainOptions | None = None,
    compare_to: Path | None = None,
    log: Callable[[str], None] = print,
) -> TrainOutcome:
    """Validate, train, evaluate on the held-out rows and run the promotion gate.

    Raises:
        TrainingDataError: the files have errors (every one listed with file:line).
        PromotionRefused: ``compare_to`` is better by more than ``max_regression`` somewhere
            (the new model is written all the same, and can be inspected but is not activated).
    """
    opts = options or TrainOptions()
    if opts.base not in ("default", "none"):
        raise TriageError(f"--base must be default or none, got {opts.base!r}")
    log(f"reading {len(paths)} file(s)")
    report = read_labelled(paths, columns or Columns())
    for issue in report.warnings:
        log(str(issue))
    report.raise_for_errors()
    rest, held = split(report.examples, opts.holdout, opts.seed)
    train, dev = split(rest, opts.dev_fraction, opts.seed + 1)
    log(f"{len(report.examples)} labelled rows: {len(train)} train, {len(dev)} dev (thresholds), {len(held)} held out")
    base = read_training_data(data_root(opts.data) if opts.base == "default" else None)
    data = to_training_data(base, train, dev)
    out.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        from sklearn.exceptions import ConvergenceWarning

        warnings.simplefilter("ignore", ConvergenceWarning)
        fit_model(data, out, opts.config, log, opts.embed, out.name, opts.version)
    from triage.pipeline.core import load_pipeline

    new_metrics = old_metrics = None
    regressions: list[Regression] = []
    if held:
        new_metrics = evaluate_examples(load_pipeline(out), held)
        write_report(new_metrics, out / "holdout")
        log(f"held-out report: {out / 'holdout' / 'report.html'}")
        if compare_to is not None:
            old_metrics = evaluate_examples(load_pipeline(compare_to), held)
            write_report(old_metrics, out / "holdout" / "previous")
            regressions = compare(old_metrics, new_metrics, opts.max_regression, opts.min_examples)
    elif compare_to is not None:
        log("warning: no held-out rows (--holdout 0), so no comparison with the old model")
    record = {
        "files": [str(p) for p in paths],
        "options": {k: v for k, v in asdict(opts).items() if k != "config"},
        "compare_to": str(compare_to) if compare_to else None,
        "rows": {"train": len(train), "dev": len(dev), "holdout": len(held)},
        "labels_per_language": counts(report.examples),
        "regressions": [asdict(r) for r in regressions],
        "warnings": [str(i) for i in report.warnings],
    }
    (out / "training.json").write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    _append_card(out, opts, record, new_metrics)
    outcome = TrainOutcome(out, new_metrics, old_metrics, regressions, record["warnings"])
    if regressions:
        raise PromotionRefused(regressions, opts.max_regression)
    return outcome


def _append_card(out: Path, opts: TrainOptions, record: dict[str, Any], metrics: dict[str, Any] | None) -> None:
    base = ("the shared public datasets and the seed sets listed above" if opts.base == "default"
            else "the project's seed sets only (tags and sentiment); **the public datasets above were not used**")
    lines = ["", "## Retraining (`triage train`)", "",
             f"Trained on {', '.join(record['files'])} on top of {base}.",
             f"Rows: {record['rows']['train']} train, {record['rows']['dev']} dev (threshold tuning), "
             f"{record['rows']['holdout']} held out (seed {opts.seed}).",
             ("Tier: fast only (no accurate tier: trained without embeddings)." if not opts.embed else
              "Tier: fast and accurate (user rows reach the accurate heads only when their embeddings are cached)."),
             ""]
    if metrics:
        lines += ["Held-out macro-F1 (`holdout/report.html`):", ""]
        lines += [f"- {task}: {t['all']['macro_f1']:.3f} (n={t['all']['n']})" for task, t in metrics["tasks"].items()]
    with (out / "MODEL_CARD.md").open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
