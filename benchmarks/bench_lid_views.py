"""Language ID's rule pass before the models (``triage.pipeline.langid._views``): how many texts
still take the per-text Python path, and what the compiled batch pass costs against doing every
text the per-text way, on dev-like rows (``bench_pipeline.py``'s input), in one run.

    python benchmarks/bench_lid_views.py                  # 20,000 rows, 5 repeats; a few seconds
    python benchmarks/bench_lid_views.py --rows 50000 --repeats 9

The compiled pass (``_native.lid_views``) strips URLs, @mentions, "RT" and hashtags itself; a
text goes to Python only when an ``@`` follows a word character, ``.``, ``+`` or ``-`` (an
e-mail address may be there). Both paths give the same views (``tests/unit/test_native.py``
checks). CPU seconds, the median of ``--repeats``, on one core. Writes
``benchmarks/results/lid_views.{md,json}``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402
from bench_pipeline import dev_like_texts  # noqa: E402  (pins this process to one core)

from triage.pipeline import langid  # noqa: E402
from triage.pipeline.text import normalize  # noqa: E402
from triage.training.data import data_root  # noqa: E402


def cpu_median(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000, help="dev-like rows (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats, median kept (default: %(default)s)")
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "lid_views")
    args = parser.parse_args()
    pool = dev_like_texts(data_root(args.data))
    texts = [normalize(pool[i % len(pool)]) for i in range(args.rows)]
    _, raw = langid._native.lid_views(texts, langid.SHARED_WORDS, langid.MAX_INPUT_CHARS, langid.MAX_CHARS,
                                      langid._SCRIPT_CHARS)
    python_rows = int((np.frombuffer(raw, dtype=np.int8) == langid._LID_PYTHON).sum())
    social = sum(("@" in t or "#" in t or "RT" in t or "/" in t) for t in texts)
    batch = cpu_median(lambda: langid._views(texts), args.repeats)
    per_text = cpu_median(lambda: [langid._view(t) for t in texts], args.repeats)
    res = {"command": "python benchmarks/bench_lid_views.py " + " ".join(sys.argv[1:]),
           "date": time.strftime("%Y-%m-%d %H:%M"), "rows": args.rows,
           "rows_with_url_mention_hashtag_or_rt": social, "rows_to_python": python_rows,
           "batch_pass_cpu_s": round(batch, 4), "per_text_cpu_s": round(per_text, 4)}
    lines = ["# Language ID's rule pass: compiled batch against per text", "",
             f"`{res['command']}`; {res['date']}; {args.rows:,} dev-like rows; CPU seconds, median of "
             f"{args.repeats}, one core.", "",
             "| | figure |", "|---|---|",
             f"| rows with a URL, @, # or \"RT\" | {social:,} |",
             f"| rows the compiled pass leaves to Python (an e-mail may be there) | {python_rows:,} |",
             f"| compiled batch pass (`_views`) | {batch:.3f} s |",
             f"| every row the per-text way (`_view`) | {per_text:.3f} s ({per_text / batch:.1f}x) |", ""]
    write_results(args.out, res, lines)


if __name__ == "__main__":
    main()
