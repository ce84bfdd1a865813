"""Rebuild the shipped default model from the labelled datasets and print its dev metrics.

    python training/build_default.py                 # writes models/triage-default
    python training/build_default.py --out /tmp/m    # anywhere else
    TRIAGE_DATA=/path/to/datasets python training/build_default.py

The accurate tier needs multilingual-e5 embeddings of about 61,000 texts (capped training
subsets, the seeds, the dev rows it is tuned and measured on). They are cached in
~/.cache/triage/e5 (--cache); whatever the cache lacks is embedded during the build, alongside
the fast tier, so a first build on a new machine takes longer than the next ones
(benchmarks/results/training.md has both figures).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from triage.paths import DEFAULT_MODEL_DIR
from triage.training.data import data_root
from triage.training.fit import TrainConfig, build_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="labelled datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR, help="model directory to write")
    parser.add_argument("--fast-only", action="store_true", help="skip the accurate (embedding) tier")
    parser.add_argument("--cache", default=TrainConfig().cache_dir, help="embedding cache folder")
    parser.add_argument("--tuned", default=TrainConfig().encoder_tuned or "none",
                        help="the encoder's fine-tuned layers the accurate tier reads (training/finetune_encoder.py; "
                             "'none': the encoder as shipped in the wheel; default: %(default)s)")
    parser.add_argument("--abuse-max-fair-complaints", type=float, default=TrainConfig().abuse_max_fair_complaints,
                        metavar="SHARE",
                        help="the abuse threshold tags at most this share of the in-domain dev part's fair "
                             "complaints (issue #15's limit is 0.02; default: %(default)s)")
    parser.add_argument("--romanized-public", type=float, default=TrainConfig().romanized_public, metavar="SHARE",
                        help="add this share of the public Arabic and Persian train rows again in Latin "
                             "letters (Arabizi, Finglish; default: %(default)s)")
    parser.add_argument("--blend-tie-level", type=float, default=TrainConfig().head_weight_tie_level,
                        metavar="SHARE",
                        help="a tag head's blend weight leaves the anchor model's only when the best weight beats "
                             "it in this share of resamples of the in-domain dev part (0: off, only the 0.5-point "
                             "margin; default: %(default)s)")
    args = parser.parse_args()
    if not 0 <= args.blend_tie_level < 1:
        parser.error(f"--blend-tie-level must be a share in [0, 1), got {args.blend_tie_level}")
    if not 0 <= args.romanized_public <= 1:
        parser.error(f"--romanized-public must be a share between 0 and 1, got {args.romanized_public}")
    if args.abuse_max_fair_complaints is not None and not 0 <= args.abuse_max_fair_complaints <= 1:
        parser.error(f"--abuse-max-fair-complaints must be a share between 0 and 1, got {args.abuse_max_fair_complaints}")
    cfg = TrainConfig(cache_dir=args.cache, encoder_tuned=None if args.tuned == "none" else args.tuned,
                      abuse_max_fair_complaints=args.abuse_max_fair_complaints,
                      romanized_public=args.romanized_public, head_weight_tie_level=args.blend_tie_level)
    metrics = build_model(data_root(args.data), args.out, cfg, embed=not args.fast_only)
    print_summary(metrics)
    return 0


def print_summary(metrics: dict) -> None:
    """One line per dev set and tier: the headline metric."""
    for tier, m in metrics["tiers"].items():
        print(f"\n[{tier}] UMSAB mean macro-F1 over languages: {m.get('umsab_lang_mean_macro_f1', float('nan')):.3f}")
        for name, r in m["sentiment"].items():
            key = "accuracy" if r["classes"] == 2 else "macro_f1"
            print(f"  sentiment {name:28s} {key:9s} {r[key]:.3f}  (n={r['n']})")
        for tag, sets in m["tags"].items():
            for name, r in sets.items():
                if name != "threshold":
                    print(f"  {tag:9s} {name:38s} F1 {r['f1']:.3f}  P {r['precision']:.3f}  R {r['recall']:.3f}  (n={r['n']})")


if __name__ == "__main__":
    sys.exit(main())
