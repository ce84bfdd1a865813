"""Where the fast tier's logistic regressions stop: does the solver's tolerance, not the data,
decide what a tag head says about other people's comments?

    python benchmarks/bench_solver_tol.py                         # spam and question; ~5 minutes
    python benchmarks/bench_solver_tol.py --tag spam --tol 1e-4 --tol 1e-6

For each tag head, the build's training rows (public sets by the audit's weights, the corpus at its
share) are fitted twice per tolerance: with the corpus's first names taken out (the build's
``mask_names``) and without (144 of 12,038 corpus rows differ), by scikit-learn's L-BFGS with the
build's ``tag_c``. Both fits are then scored on the task's public dev sets (the abuse cue
features are left out, and the featurizer is fitted on this head's texts only, so the figures
are this benchmark's, not a model's). Reported per tolerance: L-BFGS iterations and seconds,
and between the two fits (masked, unmasked) the mean and largest change of P(tag) on the public
dev rows, and the share of rows whose P(tag) crosses 0.5; and how far the unmasked fit's P(tag)
lies from the one at the tightest tolerance asked for (the optimum, as near as it is reached). Two
fits that differ in 1% of the corpus rows should say nearly the same thing; where they do not, the
stopping point decides.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from triage.pipeline.features import Featurizer  # noqa: E402
from triage.training.data import data_root, dataset_names, read_examples  # noqa: E402
from triage.training.fit import (  # noqa: E402
    TAG_TASKS,
    TrainConfig,
    _tag_train,
    _training_rows,
    read_training_data,
)
from triage.types import Tag  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tag", action="append", choices=[t.value for t in TAG_TASKS],
                        help="tag head (repeat; default: spam and question)")
    parser.add_argument("--tol", action="append", type=float, help="L-BFGS tolerance (repeat; default: 1e-4, 1e-5, 1e-6)")
    parser.add_argument("--data", type=Path, help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    args = parser.parse_args()
    tags = [Tag(t) for t in (args.tag or ["spam", "question"])]
    tols = args.tol or [1e-4, 1e-5, 1e-6]
    root = data_root(args.data)
    cfg = TrainConfig(anchor=None)
    data = read_training_data(root)
    corpus = {m: _training_rows(data.seed_train, replace(cfg, mask_names=m)) for m in (False, True)}
    changed = sum(a.text != b.text for a, b in zip(corpus[False], corpus[True], strict=True))
    started = time.strftime("%Y-%m-%d %H:%M")
    lines = [
        "# The fast tier's solver tolerance: does where L-BFGS stops decide what a tag head says?", "",
        f"`{' '.join(['python benchmarks/bench_solver_tol.py', *sys.argv[1:]])}`; {started}. Each head fitted on the build's rows twice per tolerance, with the corpus's first"
        f" names taken out and without ({changed} of {len(corpus[False])} corpus rows differ), C = {cfg.tag_c};"
        " both fits scored on the task's public dev sets (featurizer fitted on the head's texts, no abuse cues).", "",
        "| tag | tol | iterations (unmasked / masked) | seconds | public dev rows | masked vs unmasked: mean abs. change of P | largest | rows crossing 0.5 | from the tightest tol: mean abs. change | largest |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    res: dict[str, object] = {"corpus_rows": len(corpus[False]), "rows_changed": changed, "tag_c": cfg.tag_c, "heads": {}}
    for tag in tags:
        task, _ = TAG_TASKS[tag]
        sets = {m: _tag_train(root, tag, corpus[m], cfg) for m in (False, True)}
        featurizer = Featurizer()
        featurizer.fit_transform(list(dict.fromkeys(sets[False].texts + sets[True].texts)))
        dev = [e.text for name in dataset_names(root, task, "dev") for e in read_examples(root, task, name, "dev")]
        X_dev = featurizer.transform(dev)
        Xs = {m: featurizer.transform(d.texts) for m, d in sets.items()}
        rows = []
        fits: dict[float, np.ndarray] = {}
        for tol in sorted(tols, reverse=True):
            probs, iters, secs = {}, {}, 0.0
            for m, d in sets.items():
                t = time.time()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    est = LogisticRegression(C=cfg.tag_c, max_iter=5000, tol=tol).fit(Xs[m], d.y, sample_weight=d.weight)
                secs += time.time() - t
                iters[m] = int(est.n_iter_[0])
                probs[m] = est.predict_proba(X_dev)[:, 1]
            delta = np.abs(probs[True] - probs[False])
            crossed = float(np.mean((probs[True] >= 0.5) != (probs[False] >= 0.5)))
            fits[tol] = probs[False]
            row = {"tol": tol, "iterations": [iters[False], iters[True]], "seconds": round(secs, 1), "dev_rows": len(dev),
                   "mean_abs_change": float(delta.mean()), "max_abs_change": float(delta.max()), "crossing_share": crossed}
            rows.append(row)
            print(row, flush=True)
        tightest = fits[min(fits)]
        for row in rows:
            off = np.abs(fits[row["tol"]] - tightest)
            row["from_tightest_mean"], row["from_tightest_max"] = float(off.mean()), float(off.max())
            lines.append(f"| {tag.value} | {row['tol']:g} | {row['iterations'][0]} / {row['iterations'][1]} | "
                         f"{row['seconds']:.0f} | {row['dev_rows']} | {row['mean_abs_change']:.4f} | "
                         f"{row['max_abs_change']:.3f} | {100 * row['crossing_share']:.2f}% | "
                         f"{row['from_tightest_mean']:.4f} | {row['from_tightest_max']:.3f} |")
        res["heads"][tag.value] = rows  # type: ignore[index]
    write_results(args.out / "solver_tol", res, [*lines, ""])


if __name__ == "__main__":
    main()
