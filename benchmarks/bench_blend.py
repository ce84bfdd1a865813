"""What each of the accurate tier's two heads brings, tag by tag and language by language.

    python benchmarks/bench_blend.py                      # the shipped model, in-domain dev
    python benchmarks/bench_blend.py --model /tmp/m14 --tag abuse --out benchmarks/results/blend_m14
    python benchmarks/bench_blend.py --help

The accurate tier shows, for each tag, ``(1 - w) * P_fast + w * P_embedding`` through its
calibration and threshold (``pipeline.toml``, ``embedding_weights``). This scores the corpus's
dev part with both heads once and reports each tag's F1 per language: the fast tier as users see
it, the embedding head alone and the blend at w = 0.2 ... 0.8 (through the accurate tier's
calibration and threshold, which were tuned for the shipped w, so the other weights are a
sketch, not a tuned alternative). A language where the embedding head alone is weak gains little
from the blend, whatever the fast tier does. Dev split only; writes ``--out``.{md,json}.
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from triage.pipeline.core import MAX_TEXT_CHARS, load_pipeline  # noqa: E402
from triage.pipeline.tagging import calibrate  # noqa: E402
from triage.pipeline.text import normalize  # noqa: E402
from triage.training.domain import domain_examples  # noqa: E402
from triage.types import Tag, Tier  # noqa: E402

CORE = ("en", "vi", "ro", "ar", "fa")
WEIGHTS = (0.2, 0.4, 0.6, 0.8)


def f1(y: np.ndarray, p: np.ndarray) -> float:
    tp = int((y & p).sum())
    return 2 * tp / max(1, int(y.sum()) + int(p.sum()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model folder (default: the shipped model)")
    parser.add_argument("--tag", action="append", choices=[t.value for t in Tag],
                        help="tags to report (repeatable; default: all)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/blend_by_language"))
    args = parser.parse_args()
    pipe = load_pipeline(args.model)
    if Tier.ACCURATE not in pipe.tiers:
        sys.exit(f"Error: model {pipe.name} has no accurate tier")
    rows = domain_examples(parts=("dev",))
    clean = [normalize(e.text[:MAX_TEXT_CHARS]) for e in rows]
    langs = [g.lang for g in pipe.detector.detect(clean)]
    X = pipe.featurizer.transform_rows(clean)
    _, fast, _ = pipe.fast_heads().probabilities(X, langs, *_cues(clean))
    E = pipe.embedder.embed(clean, pipe.embedding_layers)
    lang = np.array([e.lang for e in rows])
    groups = [*(g for g in CORE if (lang == g).any()), "other", "all"]
    masks = {"all": np.ones(len(rows), bool), "other": ~np.isin(lang, CORE)} | {g: lang == g for g in CORE}
    fcfg, acfg = pipe.tiers[Tier.FAST], pipe.tiers[Tier.ACCURATE]
    res: dict = {"model": pipe.name, "rows": len(rows), "date": time.strftime("%Y-%m-%d %H:%M"),
                 "tags": {}}
    lines = [f"# The accurate tier's blend, tag by tag and language by language: `{pipe.name}`", "",
             f"`{' '.join(['python benchmarks/bench_blend.py', *sys.argv[1:]])}`; {res['date']}; in-domain dev, "
             f"{len(rows)} rows. F1 of the tag: the fast tier as shown; the "
             "embedding head alone and the blend at weight w through the accurate tier's calibration and "
             "threshold (tuned for the shipped w, marked *).", ""]
    for tag in [Tag(t) for t in args.tag] if args.tag else list(Tag):
        y = np.array([tag.value in e.tags for e in rows])
        pf_raw, pe = fast[tag], pipe.heads[f"emb.{tag.value}"].proba_of(E, "1")
        shown_fast = calibrate(pf_raw, *fcfg.calibration[tag.value]) >= fcfg.thresholds[tag.value]
        a, b = acfg.calibration[tag.value]
        thr, w_shipped = acfg.thresholds[tag.value], acfg.weight(tag.value)
        cols = {"fast": shown_fast, "embedding": calibrate(pe, a, b) >= thr}
        for w in sorted({*WEIGHTS, w_shipped}):
            cols[f"w={w:g}{'*' if w == w_shipped else ''}"] = calibrate((1 - w) * pf_raw + w * pe, a, b) >= thr
        table = {g: {"n": int(masks[g].sum()), "positives": int(y[masks[g]].sum()),
                     **{k: round(f1(y[masks[g]], v[masks[g]]), 4) for k, v in cols.items()}} for g in groups}
        res["tags"][tag.value] = {"weight": w_shipped, "threshold": thr, "by_language": table}
        lines += [f"## {tag.value}", "", "| language | rows | positives | " + " | ".join(cols) + " |",
                  "|---|---|---|" + "---|" * len(cols)]
        lines += [f"| {g} | {t['n']} | {t['positives']} | " + " | ".join(f"{t[k]:.3f}" for k in cols) + " |"
                  for g, t in table.items()]
        lines.append("")
    write_results(args.out, res, lines)


def _cues(clean: list[str]) -> tuple:
    """The lazy cue columns the fast heads ask for (abuse, urgency), made once as the pipeline
    makes them (``Pipeline._probabilities``)."""
    from triage.pipeline.core import _both_cues

    both = functools.cache(lambda: _both_cues(clean))
    return (lambda: both()[0], lambda: both()[1])


if __name__ == "__main__":
    main()
