"""Does a first name alone make a comment abusive? Names put in front of praise and untagged comments.

    python benchmarks/bench_names.py                          # the shipped model
    python benchmarks/bench_names.py --model A --model B      # side by side
    python benchmarks/bench_names.py --help

A customer who thanks a member of staff by name ("Priya, thank you!") must not be blurred as
abusive because a corpus row that insulted a Priya taught the model her name. This takes the
in-domain dev comments labelled praise or with no tag (never abuse), at most ``--rows`` of them,
and scores each as written and with a first name put in front ("<name> <comment>"), for two
lists of names:

* **listed**: names on ``triage.training.names.GIVEN_NAMES``, the list the build takes out of
  the corpus's training rows (``TrainConfig.mask_names``);
* **not listed**: names that are not on it (the mask cannot help with them; what a name the
  model never learned from the corpus does).

For each model, tier and list: the mean change of P(abuse), its 95th percentile, and the share of
(comment, name) pairs that gain the abuse tag (shown at the tier's threshold) though the comment
as written did not have it, with the names that moved P(abuse) most. The pairs come in clumps (a
comment just under the threshold gains the tag with many names), so the share's 90% interval
resamples comments, not pairs (``--boot`` times, with replacement); with two or more models, each
model after the first also gets the paired difference of its share against the first model's on
the same resampled comments. Dev split only. Writes ``--out``/names.{md,json}.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_results  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.training.domain import domain_examples  # noqa: E402
from triage.training.names import GIVEN_NAMES  # noqa: E402
from triage.types import Comment, Tag, Tier  # noqa: E402

#: On GIVEN_NAMES: one or two from each language's list.
LISTED = ("Priya", "Rodrigo", "Ana", "Ionuț", "Andrei", "Mariana", "Ahmed", "Fatma", "Reza", "Sara", "John",
          "Kevin", "Ivan", "Mehmet", "Budi", "Lucas", "Giulia", "Pierre", "Stefan", "Carlos", "Omar",
          "Emma", "Rahul", "Olga", "Marco", "Chloe", "Jürgen", "Léa", "Elif", "Tony")
#: Not on it: real first names of the same languages that the mask leaves in.
NOT_LISTED = ("Bianca", "Kofi", "Yusuf", "Leila", "Tiago", "Oana", "Bich", "Thao", "Huong", "Mihnea",
              "Dorin", "Samira", "Farid", "Babak", "Shirin", "Dwayne", "Seun", "Arturo", "Ignacio",
              "Loïc", "Gaëlle", "Torsten", "Wiebke", "Ilaria", "Gennaro", "Heitor", "Sakshi", "Tanvir",
              "Bagus", "Yevgeny")


def probe(pipe: Any, tier: Tier, texts: list[str], names: tuple[str, ...]) -> dict[str, Any]:
    base = pipe.score_batch([Comment(t) for t in texts], tier)
    p0 = np.array([r.tags.abuse for r in base])
    shown0 = np.array([Tag.ABUSE in r.tags.tags for r in base])
    deltas, per_name = [], {}
    per_comment = np.zeros(len(texts), dtype=np.int64)  # names that gave each comment the tag
    for name in names:
        res = pipe.score_batch([Comment(f"{name} {t}") for t in texts], tier)
        p = np.array([r.tags.abuse for r in res])
        shown = np.array([Tag.ABUSE in r.tags.tags for r in res])
        deltas.append(p - p0)
        per_comment += shown & ~shown0
        per_name[name] = float((p - p0).mean())
    d = np.concatenate(deltas)
    gained = int(per_comment.sum())
    return {"pairs": int(d.size), "mean_delta": float(d.mean()), "p95_delta": float(np.percentile(d, 95)),
            "gained_abuse_tag": gained, "gained_share": gained / d.size,
            "comments_gaining": int((per_comment > 0).sum()), "per_comment": per_comment.tolist(),
            "worst_names": sorted(per_name.items(), key=lambda kv: -kv[1])[:5]}


def resampled_shares(per_comment: np.ndarray, n_names: int, idx: np.ndarray) -> np.ndarray:
    """The gained share in each resample of comments (``idx``: resamples x comments).

    >>> resampled_shares(np.array([2, 0]), 2, np.array([[0, 0], [1, 1], [0, 1]])).tolist()
    [1.0, 0.0, 0.5]
    """
    return per_comment[idx].sum(axis=1) / (idx.shape[1] * n_names)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", help="model directory (repeat; default: the shipped model)")
    parser.add_argument("--rows", type=int, default=300, help="dev comments per probe (default: %(default)s)")
    parser.add_argument("--boot", type=int, default=1000, help="resamples of the comments (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results",
                        help="folder for names.md/json (default: %(default)s)")
    args = parser.parse_args()
    if not set(LISTED) <= GIVEN_NAMES or set(NOT_LISTED) & GIVEN_NAMES:
        raise SystemExit("bench_names.py: LISTED must be on triage.training.names.GIVEN_NAMES and NOT_LISTED off it: "
                         f"{sorted(set(LISTED) - GIVEN_NAMES)} {sorted(set(NOT_LISTED) & GIVEN_NAMES)}")
    rows = [e for e in domain_examples(parts=("dev",)) if "abuse" not in e.tags and ("praise" in e.tags or not e.tags)]
    texts = [e.text for e in rows][: args.rows]
    res: dict[str, Any] = {"command": "python benchmarks/bench_names.py " + " ".join(sys.argv[1:]),
                           "date": time.strftime("%Y-%m-%d %H:%M"), "comments": len(texts), "models": []}
    lines = ["# A first name in front of a comment: does it become abusive?", ""]
    table = ["| model | tier | names | pairs | mean ΔP(abuse) | 95th pct | gained the abuse tag (90% interval; comments) | names that moved it most |",
             "|---|---|---|---|---|---|---|---|"]
    idx = np.random.default_rng(0).integers(0, len(texts), size=(args.boot, len(texts)))
    first: dict[tuple[str, str], tuple[np.ndarray, float]] = {}  # the first model's resampled and point shares
    diffs = ["| model | tier | names | gained share, difference to the first model | 90% interval | worse in |",
             "|---|---|---|---|---|---|"]
    for model in args.model or [None]:
        pipe = load_pipeline(model)
        for tier in (Tier.FAST, Tier.ACCURATE):
            if tier not in pipe.tiers:
                continue
            for label, names in (("listed", LISTED), ("not listed", NOT_LISTED)):
                r = probe(pipe, tier, texts, names)
                shares = resampled_shares(np.array(r["per_comment"]), len(names), idx)
                lo, hi = np.percentile(shares, [5, 95])
                r["gained_share_interval"] = [float(lo), float(hi)]
                res["models"].append({"model": pipe.name, "tier": tier.value, "names": label, **r})
                worst = ", ".join(f"{n} {d:+.3f}" for n, d in r["worst_names"][:3])
                table.append(f"| `{pipe.name}` | {tier.value} | {label} | {r['pairs']} | {r['mean_delta']:+.3f} | "
                             f"{r['p95_delta']:+.3f} | {100 * r['gained_share']:.2f}% ({r['gained_abuse_tag']}; "
                             f"{100 * lo:.2f}-{100 * hi:.2f}%; {r['comments_gaining']} comments) | {worst} |")
                key = (tier.value, label)
                if key not in first:
                    first[key] = (shares, r["gained_share"])
                else:
                    delta = shares - first[key][0]
                    dlo, dhi = np.percentile(delta, [5, 95])
                    point = r["gained_share"] - first[key][1]
                    diffs.append(f"| `{pipe.name}` | {tier.value} | {label} | {100 * point:+.2f} points | "
                                 f"{100 * dlo:+.2f} to {100 * dhi:+.2f} | {100 * float(np.mean(delta > 0)):.0f}% |")
            print(f"{pipe.name} {tier.value}: done", file=sys.stderr)
    lines += [f"`{res['command']}`; {res['date']}; {len(texts)} in-domain dev comments labelled praise or "
              f"untagged, each with {len(LISTED)} names on the build's list and {len(NOT_LISTED)} not on it "
              "put in front (\"<name> <comment>\"). \"Gained the abuse tag\": pairs tagged abuse whose comment "
              "as written was not; the interval resamples the comments " + f"({args.boot} times).", "", *table, ""]
    if len(diffs) > 2:
        lines += ["Paired differences against the first model (the same resampled comments; \"worse in\": the "
                  "share of resamples in which the model gives the tag to more pairs):", "", *diffs, ""]
    write_results(args.out / "names", res, lines)


if __name__ == "__main__":
    main()
