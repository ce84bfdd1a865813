"""The batch path of the fast tier (one ``X @ W`` for every head, columns instead of a record per
comment) gives exactly the numbers and the output rows of the head-by-head, record-by-record path
it replaced, which is spelled out here as the reference."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.pipeline.core import (
    MAX_TEXT_CHARS,
    Pipeline,
    _abuse_cues,
    _head_languages,
    fast_tag_probs,
    urgency_cue_columns,
    urgency_features,
    urgency_probs,
)
from triage.pipeline.fastheads import FastHeads
from triage.pipeline.heads import LinearHead
from triage.pipeline.ranking import QUEUES, RoutingPolicy, prioritize, prioritize_arrays
from triage.pipeline.sentiment import calibrate_neutral, head_sentiment, specialize, to_scores
from triage.pipeline.tagging import calibrate, to_tag_scores
from triage.pipeline.text import normalize
from triage.pipeline.uncertainty import uncertainty
from triage.types import Comment, Queue, SentimentScores, Tag, TagScores, Tier, Urgency

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden_sample.jsonl"
TEXTS = [json.loads(line)["text"] for line in GOLDEN.read_text(encoding="utf-8").splitlines()] + [
    "They charged my card twice and nobody answers, I want my money back NOW",
    "Ur tech guy is an absolute d0nkey, f*ck this",
    "Saya sangat kecewa, pesanan belum sampai juga",  # id: a polarity specialist
    "Produsul a venit stricat, vreau banii inapoi!!!",  # ro: a polarity specialist
    "", "   ", "a" * 6000, "no internet since yesterday, outage again, call me 0722 555 012",
]


def _reference(pipe: Pipeline, texts: list[str]) -> list[dict]:
    """The fast tier as it was scored before the stacked heads: head by head, then a
    TriageResult-like record per comment, prioritize() and uncertainty() row by row."""
    clean = [normalize(t[:MAX_TEXT_CHARS]) for t in texts]
    languages = pipe.detector.detect(clean)
    X = pipe.featurizer.transform(clean)
    sent = specialize(head_sentiment(pipe.heads, "fast", X), pipe.heads, X, _head_languages(languages, clean),
                      pipe.specialists)
    tags = {tag: fast_tag_probs(pipe.heads, tag, X, clean) for tag in Tag}
    urg = urgency_probs(pipe.heads["fast.urgency"], urgency_features(X, clean))
    config = pipe.tiers[Tier.FAST]
    for tag, (a, b) in config.calibration.items():
        tags[tag] = calibrate(tags[tag], a, b)
    sentiments = to_scores(calibrate_neutral(sent, pipe.neutral_scale))
    tag_scores = to_tag_scores(tags, config.thresholds)
    out = []
    for i, (lang, s, t, u) in enumerate(zip(languages, sentiments, tag_scores, urg, strict=True)):
        u = Urgency(float(u[0]), float(u[1]), float(u[2]))
        drivers = pipe._drivers(X, i, clean[i]) if u.p_high >= 0.5 else ()
        pr = prioritize(s, t, u, pipe.routing, drivers)
        rec = {"lang": lang.lang, "lang_score": round(lang.score, 4), "sentiment": s.label.value,
               "sentiment_score": round(s.score, 4), "p_negative": round(s.p_negative, 4),
               "p_neutral": round(s.p_neutral, 4), "p_positive": round(s.p_positive, 4),
               **{f"p_{tag.value}": round(t[tag], 4) for tag in Tag}, "tags": [x.value for x in t.tags],
               "p_urgent": round(u.p_high, 4), "priority": pr.value, "queue": pr.queue.value,
               "model": f"{pipe.name}/fast", "reasons": list(pr.reasons),
               "uncertainty": round(uncertainty(s, t, config.thresholds).score, 4),
               "_raw": (s, t, u)}
        out.append(rec)
    return out


def _compare(pipe: Pipeline, texts: list[str]) -> None:
    want = _reference(pipe, texts)
    scored = pipe.score_arrays([Comment(t) for t in texts])
    got = scored.records()
    results = scored.results()
    for w, g, r in zip(want, got, results, strict=True):
        s, t, u = w.pop("_raw")
        assert list(g) == list(w)  # the same fields in the same order
        assert g == w
        assert (r.sentiment, r.tags, r.urgency) == (s, t, u)  # the very floats, not only the rounded ones
        assert r.to_record() == {k: v for k, v in w.items() if k not in ("reasons", "uncertainty")}
        assert list(r.priority.reasons) == w["reasons"]


def test_stacked_heads_and_columns_are_the_record_path_exactly(pipeline: Pipeline) -> None:
    _compare(pipeline, TEXTS)


def test_dev_like_texts_score_exactly_as_before(pipeline: Pipeline) -> None:
    """Many real comments (the seed corpus) in one batch: every output row the same."""
    from triage.training.data import seed_examples

    _compare(pipeline, [s.text for s in seed_examples()][:1500])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=6))
def test_any_text_scores_exactly_as_before(pipeline: Pipeline, texts: list[str]) -> None:
    _compare(pipeline, texts)


def test_one_product_gives_each_heads_own_decision(pipeline: Pipeline) -> None:
    fast = pipeline.fast_heads()
    clean = [normalize(t) for t in TEXTS]
    X = pipeline.featurizer.transform(clean)
    z = X @ fast.weights
    for name, cols in fast.columns.items():
        head = pipeline.heads[name]
        np.testing.assert_array_equal(z[:, cols], X @ head.coef[:, : X.shape[1]].T)
    assert fast.weights.shape == (X.shape[1], sum(h.coef.shape[0] for h in map(pipeline.heads.get, fast.columns)))
    sent, tags, urg = fast.probabilities(X, ["en"] * len(clean), lambda: urgency_cue_columns(clean),
                                         lambda: _abuse_cues(clean))
    np.testing.assert_array_equal(urg, urgency_probs(pipeline.heads["fast.urgency"], urgency_features(X, clean)))
    np.testing.assert_array_equal(tags[Tag.ABUSE], fast_tag_probs(pipeline.heads, Tag.ABUSE, X, clean))


def test_shared_heads_are_views_of_the_stack(pipeline: Pipeline) -> None:
    fast = pipeline.fast_heads()
    shared = fast.shared(pipeline.heads)
    polarity = shared["fast.polarity"]
    assert np.shares_memory(polarity.coef, fast.weights)
    assert np.shares_memory(pipeline.heads["fast.polarity"].coef, fast.weights)  # as loaded
    np.testing.assert_array_equal(polarity.coef, pipeline.heads["fast.polarity"].coef)
    others = [name for name in pipeline.heads if name not in fast.columns]
    assert all(shared[name] is pipeline.heads[name] for name in others)


def test_a_head_narrower_than_the_features_is_refused(pipeline: Pipeline) -> None:
    heads = dict(pipeline.heads)
    old = heads["fast.spam"]
    heads["fast.spam"] = LinearHead(old.classes, old.coef[:, :10], old.intercept)
    with pytest.raises(ValueError, match="fast.spam reads 10 features"):
        FastHeads(heads, pipeline.featurizer.n_features, pipeline.specialists)


def test_empty_batch(pipeline: Pipeline) -> None:
    scored = pipeline.score_arrays([])
    assert scored.records() == []
    assert scored.results() == []
    assert pipeline.score_batch([]) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=11, max_size=11),
    st.sampled_from([RoutingPolicy(), RoutingPolicy(complaint_needs_negative=0.0),
                     RoutingPolicy(queues_follow_tags=False),
                     RoutingPolicy.from_mapping({"costs": {"spam": {"other": 0}, "other": {"spam": 0}}})]),
    st.lists(st.sampled_from([0.0, 0.3, 0.5, 0.575, 1.0]), min_size=5, max_size=5),
)
def test_prioritize_arrays_is_prioritize_row_by_row(values: list[float], policy: RoutingPolicy,
                                                    cuts: list[float]) -> None:
    neg, neu, q, c, s, p, a, hi, no = values[:9]
    sent = SentimentScores(neg, neu, 1.0 - neg)
    probs = {Tag.QUESTION: q, Tag.COMPLAINT: c, Tag.SPAM: s, Tag.PRAISE: p, Tag.ABUSE: a}
    thresholds = {tag.value: cut for tag, cut in zip(probs, cuts, strict=True)}
    tags = TagScores(q, c, s, p, a, tuple(t for t, v in probs.items() if v >= thresholds[t.value]))
    urg = Urgency(hi, no, values[9])
    want = prioritize(sent, tags, urg, policy)
    value, queue = prioritize_arrays(np.array([neg]), {"question": np.array([q]), "complaint": np.array([c]),
                                     "spam": np.array([s]), "praise": np.array([p]), "abuse": np.array([a])},
                                     np.array([[hi, no, values[9]]]), policy, thresholds)
    assert (int(value[0]), QUEUES[queue[0]]) == (want.value, want.queue)
    batch_value, batch_queue = prioritize_arrays(  # the batch path (two rows) gives the same answer
        np.array([neg, neg]), {t.value: np.array([v, v]) for t, v in probs.items()},
        np.array([[hi, no, values[9]]] * 2), policy, thresholds)
    assert (int(batch_value[1]), QUEUES[batch_queue[1]]) == (want.value, want.queue)


def test_equal_costs_go_to_the_first_queue() -> None:
    flat = RoutingPolicy.from_mapping({"costs": {q.value: {r.value: 1 for r in Queue} for q in Queue}})
    _, queue = prioritize_arrays(np.array([0.5]), dict.fromkeys(("question", "complaint", "spam", "praise", "abuse"),
                                 np.array([0.5])), np.array([[0.5, 0.3, 0.2]]), flat)
    assert QUEUES[queue[0]] is Queue.URGENT is list(Queue)[0]


def test_both_cue_sets_from_shared_tokens_are_each_sets_own() -> None:
    from triage.pipeline.abuse_cues import AbuseCues, cue_columns
    from triage.pipeline.text import fold
    from triage.pipeline.urgency_cues import UrgencyCues

    urgency, abuse = UrgencyCues(), AbuseCues()
    clean = [normalize(t) for t in TEXTS + ["f.u.c.k you, refund NOW", "sh1t service, s h i t", "f*ck"]]
    u, a = cue_columns(clean, urgency, abuse)
    np.testing.assert_array_equal(u, urgency.features([fold(t) for t in clean]))
    np.testing.assert_array_equal(a, abuse.features([abuse.view(t) for t in clean]))
    assert a[-3:].any()  # the obfuscated ones were read from their own view


def test_loaded_heads_keep_their_stack(pipeline: Pipeline) -> None:
    import dataclasses
    import pickle

    from triage.pipeline import core

    fast = pipeline.fast_heads()
    core._FAST_HEADS.clear()  # other pipelines came and went: the loaded one keeps its stack
    assert pipeline.fast_heads() is fast
    same = Pipeline(**pipeline.__dict__)
    assert same.fast_heads() is fast
    other = dataclasses.replace(pipeline, heads={**pipeline.heads})  # a new mapping: its own stack
    assert other.fast_heads() is not fast
    heads = pickle.loads(pickle.dumps(pipeline.heads))  # (a Pipeline holds fastText: not picklable)
    assert heads.stack.made_for == fast.made_for
    assert set(heads) == set(pipeline.heads)
    np.testing.assert_array_equal(heads.stack.weights, fast.weights)
