"""Fill the embedding cache of the accurate tier ahead of a build (optional; resumable; safe to kill).

    python training/cache_embeddings.py --help

``training/build_default.py`` embeds whatever the cache lacks by itself, alongside the fast
tier; run this first only to split the work (e.g. overnight, or on a bigger machine sharing the
cache folder). It embeds exactly the texts a build would (``triage.training.fit.embedding_texts``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from triage.pipeline.embed import Embedder, EmbeddingCache
from triage.training.data import data_root
from triage.training.fit import TrainConfig, embedding_texts, read_training_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--cache", default=TrainConfig().cache_dir, help="cache folder (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="embedding threads")
    parser.add_argument("--chunk", type=int, default=500, help="texts per shard")
    parser.add_argument("--layers", default=",".join(map(str, TrainConfig().embedding_layers)),
                        help="encoder layers the build reads, comma-separated (default: %(default)s)")
    parser.add_argument("--tuned", default=TrainConfig().encoder_tuned or "none",
                        help="the encoder's fine-tuned layers the build reads ('none': as shipped in the wheel; "
                             "default: %(default)s)")
    args = parser.parse_args()
    tuned = None if args.tuned == "none" else Path(args.tuned)
    cache = EmbeddingCache(Path(args.cache), layers=[int(x) for x in args.layers.split(",")], tuned=tuned)
    texts = embedding_texts(read_training_data(data_root(args.data)))
    print(f"{len(cache)} cached, {len(cache.missing(texts))} to embed", flush=True)
    start = time.time()

    def progress(done: int, total: int) -> None:
        rate = done / (time.time() - start)
        print(f"{done}/{total} {rate:.1f}/s eta {(total - done) / rate / 60:.1f} min", flush=True)

    cache.fill(texts, Embedder(num_threads=args.threads, tuned=tuned), chunk=args.chunk, progress=progress)

if __name__ == "__main__":
    main()
