"""What a moderator sees with the default settings: queues, ranking and labels, per language.

    python benchmarks/bench_judgement.py                    # in-domain dev + public dev, both tiers
    python benchmarks/bench_judgement.py --tiers fast       # fast tier only (a minute)
    python benchmarks/bench_judgement.py --split test       # the in-domain test split: once, for the note
    python benchmarks/bench_judgement.py --split test --new-since f42834e   # only rows added since then
    python benchmarks/bench_judgement.py --rows-at d7d53c4 --model M --out DIR  # only rows that existed then
    python benchmarks/bench_judgement.py --exclude benchmarks/data/quoted_dev_b10.jsonl --model M --out DIR
    python benchmarks/bench_judgement.py --help

Every figure is computed from what a user gets (``Pipeline.score_batch`` with the model's own
settings): the shown sentiment label, the tags over their thresholds, the priority and the queue.

In-domain (``datasets/domain``, the split chosen by ``--split``), per language and overall:

* **urgent recall @20%**: of the comments labelled ``high``, the share ranked in the top 20% of
  their set by priority (``ceiling`` = the best possible when more than 20% are high);
* **real in spam**: comments not labelled spam that land in the spam queue (share, and how many
  of them are complaints);
* **happy in urgent**: comments labelled positive without a complaint that land in ``urgent``;
* **sentiment macro-F1** of the shown label, **tag F1** per tag, **queue accuracy** against the
  queue the labels call for (``docs/labelling.md``), what each queue holds (the share of it
  whose labels call for it: what a moderator finds on opening it) and where each queue's comments
  land (the share of the comments the labels put in it that reach it);
* **by phenomenon**: per note of the rows (``no-diacritics``, ``arabizi``, ``sarcasm``,
  ``no-qmark``, ...; at least 20 rows), how often the shown language, sentiment and queue are
  right.

Public dev sets: the shown sentiment label on every sentiment set (two-class review sets count a
``neutral`` answer as wrong, and the share shown neutral is reported), with the polarity figure
(positive vs negative only) beside it; UMSAB as the mean over its 8 languages; tag F1 on the
public tag sets. Results go to ``benchmarks/results/judgement.{md,json}`` (``--split test`` writes
``judgement_test.*``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _shown import PER_LANGUAGE, lang_mean_macro_f1  # noqa: E402

from triage.pipeline.core import load_pipeline  # noqa: E402
from triage.pipeline.ranking import GATED, RoutingPolicy, prioritize
from triage.training.card import write_model_card
from triage.training.data import TASKS, data_root, dataset_names, read_examples, sample
from triage.training.domain import domain_examples, true_queue
from triage.training.evaluate import binary_metrics, classification_metrics
from triage.types import Comment, Queue, Tag, Tier

RESULTS = Path(__file__).resolve().parent / "results"
LABELS = ("negative", "neutral", "positive")
POSITIVE = {"spam": "spam", "complaint": "complaint", "question": "question", "abuse": "abusive"}


def judgement(rows: list[Any], results: list[Any]) -> dict[str, Any]:
    """The moderator-facing figures of one set of labelled domain rows."""
    n = len(rows)
    prio = np.array([r.priority.value for r in results], dtype=float)
    p_urgent = np.array([r.urgency.p_high for r in results])
    order = np.lexsort((-p_urgent, -prio))  # priority first, then p_urgent
    top = set(order[: math.ceil(0.2 * n)].tolist())
    high = [i for i, e in enumerate(rows) if e.priority == "high"]
    queue = [r.priority.queue.value for r in results]
    right = [true_queue(e.tags, e.priority) for e in rows]  # the queue the labels call for
    real = [i for i, e in enumerate(rows) if "spam" not in e.tags]
    real_in_spam = [i for i in real if queue[i] == "spam"]
    happy = [i for i, e in enumerate(rows) if e.sentiment == "positive" and "complaint" not in e.tags]
    out: dict[str, Any] = {
        "n": n,
        "high": len(high),
        "urgent_recall_top20": len([i for i in high if i in top]) / len(high) if high else None,
        "urgent_recall_ceiling": min(1.0, math.ceil(0.2 * n) / len(high)) if high else None,
        "real_in_spam": len(real_in_spam) / len(real) if real else 0.0,
        "real_in_spam_n": len(real_in_spam),
        "complaints_in_spam": sum("complaint" in rows[i].tags for i in real_in_spam),
        "happy_in_urgent": sum(queue[i] == "urgent" for i in happy) / len(happy) if happy else None,
        "urgent_queue_share": queue.count("urgent") / n if n else 0.0,
        "sentiment_macro_f1": classification_metrics(
            [e.sentiment for e in rows], [r.sentiment.label.value for r in results], LABELS)["macro_f1"],
        "queue_accuracy": float(np.mean([queue[i] == right[i] for i in range(n)])),
        "tags": {},
        "examples_real_in_spam": [rows[i].text[:100] for i in real_in_spam[:5]],
    }
    # what a moderator finds on opening a queue: the share of it whose labels call for that queue
    out["queue_precision"] = {
        q.value: (sum(right[i] == q.value for i in chosen) / len(chosen), len(chosen))
        for q in Queue if (chosen := [i for i in range(n) if queue[i] == q.value])}
    # and of the comments the labels put in a queue, the share that land there
    out["queue_recall"] = {
        q.value: (sum(queue[i] == q.value for i in wanted) / len(wanted), len(wanted))
        for q in Queue if (wanted := [i for i in range(n) if right[i] == q.value])}
    # comments in a tag's queue without that tag shown (none with [routing] queues_follow_tags),
    # and how many of them the labels put there
    out["queue_without_tag"] = {
        q.value: (len(untagged), sum(right[i] == q.value for i in untagged))
        for q, tag in GATED.items()
        if (untagged := [i for i in range(n) if queue[i] == q.value and Tag(tag) not in results[i].tags.tags])}
    # abuse near-misses (docs/labelling.md): harsh but fair complaints and profanity in praise
    fair = [i for i, e in enumerate(rows) if "complaint" in e.tags and "abuse" not in e.tags]
    fair_near = [i for i in fair if "near-miss" in rows[i].notes]
    swear_praise = [i for i, e in enumerate(rows) if "praise" in e.tags and "abuse" not in e.tags and "near-miss" in e.notes]
    tagged = [Tag.ABUSE in r.tags.tags for r in results]
    out["fair_complaints_tagged_abuse"] = sum(tagged[i] for i in fair) / len(fair) if fair else None
    out["near_miss_complaints_tagged_abuse"] = sum(tagged[i] for i in fair_near) / len(fair_near) if fair_near else None
    out["near_miss_praise_tagged_abuse"] = sum(tagged[i] for i in swear_praise) / len(swear_praise) if swear_praise else None
    for tag in Tag:
        y = [tag.value in e.tags for e in rows]
        if any(y):
            out["tags"][tag.value] = binary_metrics(y, [float(tag in r.tags.tags) for r in results], 0.5)["f1"]
    return out


#: a phenomenon needs this many rows in the split to be reported on its own
MIN_NOTE_ROWS = 20


def by_note(rows: list[Any], results: list[Any]) -> dict[str, dict[str, Any]]:
    """Per phenomenon (the rows' ``notes``, docs/labelling.md: no diacritics, Arabizi, sarcasm,
    questions without a question mark, ...): how often the shown language, sentiment and queue
    are right on the rows that carry it (phenomena with at least :data:`MIN_NOTE_ROWS` rows)."""
    idx: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(rows):
        for note in e.notes:
            idx[note].append(i)
    out = {}
    for note, ii in sorted(idx.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(ii) < MIN_NOTE_ROWS:
            continue
        out[note] = {
            "n": len(ii),
            "lang_accuracy": float(np.mean([results[i].language.lang == rows[i].lang for i in ii])),
            "sentiment_macro_f1": classification_metrics(
                [rows[i].sentiment for i in ii], [results[i].sentiment.label.value for i in ii], LABELS)["macro_f1"],
            "queue_accuracy": float(np.mean([results[i].priority.queue.value == true_queue(rows[i].tags, rows[i].priority)
                                             for i in ii])),
        }
    return out


def cost_sensitivity(rows: list[Any], results: list[Any], policy: RoutingPolicy) -> list[dict[str, Any]]:
    """The same scores routed by the model's own policy with the cost of a false `urgent`
    multiplied: how the urgent queue trades happy customers in it against urgent comments outside
    it (docs/model.md). At x1 the queues are the ones users get."""
    happy = [i for i, e in enumerate(rows) if e.sentiment == "positive" and "complaint" not in e.tags]
    high = [i for i, e in enumerate(rows) if e.priority == "high"]
    out = []
    for k in (1.0, 1.6, 2.4, 3.2):
        costs = {q: dict(row) for q, row in policy.costs.items()}
        costs[Queue.URGENT] = {t: (c if t is Queue.URGENT else c * k) for t, c in policy.costs[Queue.URGENT].items()}
        scaled = dataclasses.replace(policy, costs=costs)
        queue = [prioritize(r.sentiment, r.tags, r.urgency, scaled).queue.value for r in results]
        out.append({"false_urgent_cost_x": k,
                    "happy_in_urgent": sum(queue[i] == "urgent" for i in happy) / max(1, len(happy)),
                    "high_in_urgent_queue": sum(queue[i] == "urgent" for i in high) / max(1, len(high)),
                    "urgent_queue_share": queue.count("urgent") / max(1, len(queue))})
    return out


def in_domain(pipe: Any, tier: Tier, split: str, exclude: frozenset[str] = frozenset(),
              only: frozenset[str] | None = None) -> dict[str, Any]:
    rows = [e for e in domain_examples(parts=(split,))
            if e.text not in exclude and (only is None or e.text in only)]
    if not rows:
        raise SystemExit(f"no in-domain {split} rows left to score (--new-since / --rows-at leave none)")
    results = pipe.score_batch([Comment(e.text) for e in rows], tier)
    by_lang: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(rows):
        by_lang[e.lang].append(i)
    out = {"all": judgement(rows, results)}
    out["all"]["cost_sensitivity"] = cost_sensitivity(rows, results, pipe.routing)
    out["all"]["by_note"] = by_note(rows, results)
    for lang, idx in sorted(by_lang.items()):
        out[lang] = judgement([rows[i] for i in idx], [results[i] for i in idx])
    return out


def corpus_texts_at(rev: str) -> frozenset[str]:
    """Every text of the team's corpus (``datasets/domain/*.jsonl``) at git revision ``rev``."""
    root = Path(__file__).resolve().parent.parent
    try:
        names = subprocess.run(["git", "ls-tree", "--name-only", f"{rev}:datasets/domain"], cwd=root,
                               check=True, capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(f"{rev}: cannot read datasets/domain at that revision ({exc})") from exc
    texts: set[str] = set()
    for name in names:
        if name.endswith(".jsonl"):
            blob = subprocess.run(["git", "show", f"{rev}:datasets/domain/{name}"], cwd=root, check=True,
                                  capture_output=True, text=True).stdout
            texts.update(json.loads(line)["text"] for line in blob.splitlines() if line.strip())
    return frozenset(texts)


def public(pipe: Any, tier: Tier, root: Path, cap: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"sentiment": {}, "tags": {}}
    for task in TASKS:
        for name in dataset_names(root, task, "dev"):
            rows = list(read_examples(root, task, name, "dev"))
            labels = sorted({e.label for e in rows})  # of the whole set, also when a sample is scored
            if cap:
                rows = sample(rows, cap)  # a deterministic hash sample (files are often sorted by label)
            results = pipe.score_batch([Comment(e.text) for e in rows], tier)
            y = [e.label for e in rows]
            if task == "sentiment":
                shown = [r.sentiment.label.value for r in results]
                rec: dict[str, Any] = {"n": len(rows), "classes": len(labels)}
                if len(labels) == 2:
                    rec["metric"] = "accuracy"
                    rec["shown"] = classification_metrics(y, shown, list(LABELS))["accuracy"]
                    rec["shown_neutral"] = shown.count("neutral") / len(shown)
                    polar = ["positive" if r.sentiment.p_positive >= r.sentiment.p_negative else "negative"
                             for r in results]
                    rec["polarity"] = classification_metrics(y, polar, labels)["accuracy"]
                else:
                    rec["metric"] = "macro-F1"
                    rec["shown"] = classification_metrics(y, shown, list(LABELS))["macro_f1"]
                if name == PER_LANGUAGE:
                    rec["lang_mean"] = lang_mean_macro_f1(y, shown, [e.lang for e in rows])
                out["sentiment"][name] = rec
            else:
                tag = Tag(task)
                yt = [v == POSITIVE[task] for v in y]
                out["tags"][name] = {"n": len(rows), "tag": task,
                                     "f1": binary_metrics(yt, [float(tag in r.tags.tags) for r in results], 0.5)["f1"]}
    return out


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def markdown(res: dict[str, Any]) -> str:
    lines = [f"# Judgement benchmark ({res['split']} split)", "",
             f"`{res['command']}`; model `{res['model']}`; {res['date']}; load average {res['load']}.", ""]
    for tier, dom in res["domain"].items():
        lines += [f"## In-domain {res['split']} split, {tier} tier", "",
                  "| lang | n | high | urgent recall @20% (ceiling) | real in spam (complaints) | happy in urgent "
                  "| urgent share | sentiment macro-F1 | queue acc. | " + " | ".join(f"{t.value} F1" for t in Tag) + " |",
                  "|---" * (9 + len(Tag)) + "|"]
        for lang, m in dom.items():
            lines.append(
                f"| {lang} | {m['n']} | {m['high']} | {_f(m['urgent_recall_top20'])} ({_f(m['urgent_recall_ceiling'])}) "
                f"| {_pct(m['real_in_spam'])} ({m['complaints_in_spam']}) | {_pct(m['happy_in_urgent'])} "
                f"| {_pct(m['urgent_queue_share'])} | {_f(m['sentiment_macro_f1'])} | {_f(m['queue_accuracy'])} | "
                + " | ".join(_f(m["tags"].get(t.value)) for t in Tag) + " |")
        lines += ["", "Cost of a false `urgent` multiplied (the same scores; docs/model.md): "
                  + "; ".join(f"x{c['false_urgent_cost_x']:g}: happy in urgent {_pct(c['happy_in_urgent'])}, "
                              f"high in the urgent queue {_pct(c['high_in_urgent_queue'])}, urgent share "
                              f"{_pct(c['urgent_queue_share'])}" for c in dom["all"]["cost_sensitivity"])]
        a = dom["all"]
        if "queue_precision" in a:
            lines += ["", "What each queue holds (share of it whose labels call for that queue, of n): "
                      + "; ".join(f"`{q}` {_pct(v)} of {k}" for q, (v, k) in a["queue_precision"].items())]
        if a.get("queue_without_tag"):
            lines += ["", "Comments in a tag's queue without that tag shown (of them, the labels put there): "
                      + "; ".join(f"`{q}` {k} ({r})" for q, (k, r) in a["queue_without_tag"].items())]
        if "queue_recall" in a:
            lines += ["", "Where each queue's comments land (share of the comments the labels put in it that reach it, "
                      "of n): " + "; ".join(f"`{q}` {_pct(v)} of {k}" for q, (v, k) in a["queue_recall"].items())]
        lines += ["", f"Abuse near-misses: fair complaints tagged abuse {_pct(a['fair_complaints_tagged_abuse'])} "
                  f"(of the harsh ones marked near-miss: {_pct(a['near_miss_complaints_tagged_abuse'])}); praise "
                  f"with a swear word (near-miss) tagged abuse {_pct(a['near_miss_praise_tagged_abuse'])}."]
        notes = a.get("by_note")
        if notes:
            lines += ["", f"By phenomenon (the rows' notes, docs/labelling.md; at least {MIN_NOTE_ROWS} rows):", "",
                      "| note | n | language right | sentiment macro-F1 | queue acc. |", "|---|---|---|---|---|"]
            lines += [f"| {note} | {m['n']} | {_pct(m['lang_accuracy'])} | {_f(m['sentiment_macro_f1'])} "
                      f"| {_f(m['queue_accuracy'])} |" for note, m in notes.items()]
        ex = dom["all"]["examples_real_in_spam"]
        if ex:
            lines += ["", "Real comments sent to spam (first 5): " + "; ".join(f"`{t}`" for t in ex)]
        lines.append("")
    for tier, pub in res.get("public", {}).items():
        lines += [f"## Public dev sets, {tier} tier (the label users see)", "",
                  "| dev set | n | metric | shown label | shown neutral (2-class) | polarity only |", "|---|---|---|---|---|---|"]
        for name, m in pub["sentiment"].items():
            shown = m.get("lang_mean", m["shown"])
            lines.append(f"| {name}{' (mean of 8 languages)' if 'lang_mean' in m else ''} | {m['n']} | {m['metric']} "
                         f"| {_f(shown)} | {_pct(m.get('shown_neutral'))} | {_f(m.get('polarity'))} |")
        lines += ["", "| tag set | n | tag | F1 |", "|---|---|---|---|"]
        for name, m in pub["tags"].items():
            lines.append(f"| {name} | {m['n']} | {m['tag']} | {_f(m['f1'])} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="model directory (default: the shipped model)")
    parser.add_argument("--tiers", default="fast,accurate", help="comma-separated tiers (default: %(default)s)")
    parser.add_argument("--split", default="dev", choices=("dev", "test"), help="in-domain split (test: once, at the end)")
    parser.add_argument("--data", help="shared datasets folder (default: $TRIAGE_DATA or ../shared/datasets)")
    parser.add_argument("--public-cap", type=int, default=None, help="at most this many rows per public dev set")
    parser.add_argument("--accurate-public-cap", type=int, default=400,
                        help="rows per public dev set for the accurate tier (default: %(default)s)")
    parser.add_argument("--skip-public", action="store_true", help="in-domain figures only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (default: %(default)s)")
    parser.add_argument("--new-since", metavar="REV",
                        help="in-domain rows added to the corpus after git revision REV only (e.g. a batch "
                             "nobody has scored yet); writes judgement[_test]_new.*; implies --skip-public")
    parser.add_argument("--rows-at", metavar="REV",
                        help="in-domain rows that were in the corpus at git revision REV only (compare a "
                             "model built then with a later one on rows neither trained on a paraphrase "
                             "of); implies --skip-public")
    parser.add_argument("--exclude", type=Path, metavar="JSONL",
                        help="leave out the in-domain rows whose text is in this file (one JSON object with "
                             "a text per line: e.g. dev rows a writers' brief quoted); implies --skip-public")
    args = parser.parse_args()
    exclude = corpus_texts_at(args.new_since) if args.new_since else frozenset()
    left_out = frozenset(json.loads(line)["text"] for line in args.exclude.read_text(encoding="utf-8").splitlines()
                         if line.strip()) if args.exclude else frozenset()
    exclude |= left_out
    only = corpus_texts_at(args.rows_at) if args.rows_at else None
    pipe = load_pipeline(args.model)
    tiers = [Tier(t) for t in args.tiers.split(",") if Tier(t) in pipe.tiers]
    res: dict[str, Any] = {
        "command": "python benchmarks/bench_judgement.py " + " ".join(sys.argv[1:]),
        "model": pipe.name, "split": args.split, "date": time.strftime("%Y-%m-%d %H:%M"),
        "load": [round(x, 2) for x in os.getloadavg()], "domain": {}, "public": {},
    }
    for tier in tiers:
        t = time.time()
        res["domain"][tier.value] = in_domain(pipe, tier, args.split, exclude, only)
        print(f"{tier.value}: in-domain {args.split} in {time.time() - t:.0f}s", file=sys.stderr)
        if not args.skip_public and not (args.new_since or args.rows_at or args.exclude) and args.split == "dev":
            t = time.time()
            cap = args.accurate_public_cap if tier is Tier.ACCURATE else args.public_cap
            res["public"][tier.value] = public(pipe, tier, data_root(args.data), cap)
            print(f"{tier.value}: public dev in {time.time() - t:.0f}s", file=sys.stderr)
    stem = (("judgement" if args.split == "dev" else "judgement_test") + ("_new" if args.new_since else "")
            + ("_at" if args.rows_at else "") + ("_excl" if args.exclude else ""))
    if args.new_since:
        res["new_since"] = args.new_since
    if args.rows_at:
        res["rows_at"] = args.rows_at
    if args.exclude:
        res["excluded"] = {"file": str(args.exclude), "texts": len(left_out)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stem}.json").write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    md = markdown(res)
    (args.out / f"{stem}.md").write_text(md, encoding="utf-8")
    print(md)
    if args.out.resolve() == RESULTS.resolve() and not (args.new_since or args.rows_at or args.exclude):  # the card shows the figures of its own model
        refresh_model_card(pipe.directory, pipe.name)


def refresh_model_card(directory: Path, name: str) -> None:
    """Rewrite ``MODEL_CARD.md`` of the benchmarked model (its "What a moderator sees" table
    comes from these results); models without ``metrics.json`` are left alone."""
    metrics_path = directory / "metrics.json"
    if metrics_path.exists():
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        write_model_card(directory, name, metrics, metrics.get("seeds_per_language", {}))


if __name__ == "__main__":
    main()
