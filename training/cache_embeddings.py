"""Fill the embedding cache used to train the accurate tier (resumable; safe to kill).

    python training/cache_embeddings.py --help
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from triage.data import TASKS, data_root, dataset_names, read_examples, sample, seed_examples
from triage.embed import EmbeddingCache, Embedder
from triage.train import TrainConfig

#: Training rows per dataset that the accurate tier's heads are fitted on (embedding runs at
#: ~25-50 texts/s on 2 cores, so all 200k rows would take hours); see TrainConfig.
CAPS = TrainConfig().embedding_train_cap
DEV_CAP = TrainConfig().embedding_dev_cap
DEV_FULL = {"umsab_xlm-t", "uit-vsfc", "laroseda", "snappfood-sentiment", "astd", "youtube-spam-collection",
            "complaints-twitter-preotiuc2019", "tweet-act-tac"}


def planned_texts(root: Path) -> list[str]:
    """Texts in priority order: seeds, target dev sets, train subsets, other dev sets."""
    first: list[str] = [s.text for s in seed_examples()]
    train: list[str] = []
    later: list[str] = []
    for task in TASKS:
        for name in dataset_names(root, task, "dev"):
            rows = list(read_examples(root, task, name, "dev"))
            if name in DEV_FULL:
                first += [e.text for e in rows]
            else:
                later += [e.text for e in sample(rows, DEV_CAP)]
        for name in dataset_names(root, task, "train"):
            rows = list(read_examples(root, task, name, "train"))
            cap = CAPS.get(name, CAPS[task])
            train += [e.text for e in sample(rows, cap)]
    return list(dict.fromkeys(first + train + later))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "triage" / "e5"), help="cache folder")
    parser.add_argument("--threads", type=int, default=2, help="embedding threads")
    parser.add_argument("--chunk", type=int, default=500, help="texts per shard")
    args = parser.parse_args()
    cache = EmbeddingCache(Path(args.cache))
    todo = [t for t in planned_texts(data_root(args.data)) if t not in cache]
    print(f"{len(cache)} cached, {len(todo)} to embed", flush=True)
    embedder = Embedder(num_threads=args.threads)
    start = time.time()
    for i in range(0, len(todo), args.chunk):
        chunk = todo[i : i + args.chunk]
        cache.add(chunk, embedder.embed(chunk))
        done = i + len(chunk)
        rate = done / (time.time() - start)
        print(f"{done}/{len(todo)} {rate:.1f}/s eta {(len(todo) - done) / rate / 60:.1f} min", flush=True)


if __name__ == "__main__":
    main()
