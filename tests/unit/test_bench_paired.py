"""benchmarks/bench_paired.py: its fast figures are the evaluation module's, and "worse" knows
which way each figure points."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.scripts import load_script
from triage.training.evaluate import binary_metrics, classification_metrics

paired = load_script("benchmarks/bench_paired.py")
LABELS = ("negative", "neutral", "positive")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=60))
def test_macro_f1_equals_classification_metrics(pairs: list[tuple[int, int]]) -> None:
    y = np.array([a for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    expected = classification_metrics([LABELS[i] for i in y], [LABELS[i] for i in p], LABELS)["macro_f1"]
    assert abs(paired.macro_f1(y, p) - expected) < 1e-12


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=60))
def test_f1_equals_binary_metrics(pairs: list[tuple[bool, bool]]) -> None:
    y = np.array([a for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    assert abs(paired.f1(y, p) - binary_metrics(y, p.astype(float), 0.5)["f1"]) < 1e-12


def test_worse_means_lower_unless_lower_is_better() -> None:
    deltas = np.array([-0.02, -0.01, 0.01, 0.03])
    assert paired.summary("queue_accuracy", 0.8, 0.81, deltas, lower_better=False)["p_worse"] == 0.5
    falling = paired.summary("happy_in_urgent", 0.10, 0.08, np.array([-0.03, -0.02, -0.01, 0.01]), lower_better=True)
    assert falling["p_worse"] == 0.25
    assert falling["delta"] == -0.02


def test_task_means_average_the_sets_resample_by_resample() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(-0.02, 0.01, 500), rng.normal(0.01, 0.03, 500)
    [one] = paired.task_means([("abuse", 0.7, 0.68, a)])
    assert one == {**paired.summary("abuse", 0.7, 0.68, a, False), "sets": 1}
    [both, other] = paired.task_means([("abuse", 0.7, 0.68, a), ("spam", 0.9, 0.9, b), ("abuse", 0.5, 0.53, b)])
    assert (both["figure"], both["sets"], other["figure"]) == ("abuse", 2, "spam")
    assert abs(both["delta"] - 0.005) < 1e-9  # (-0.02 + 0.03) / 2
    # the interval is the mean's, narrower than either set's alone when they vary independently
    assert both["high"] - both["low"] < paired.summary("abuse", 0.5, 0.53, b, False)["high"] - paired.summary("abuse", 0.5, 0.53, b, False)["low"]


def test_abuse_near_miss_shares_count_fair_complaints_and_swearing_praise() -> None:
    from types import SimpleNamespace as NS

    from triage.types import Tag

    def row(tags: set[str], notes: tuple[str, ...] = ()) -> NS:
        return NS(tags=frozenset(tags), priority="normal", sentiment="negative", notes=notes)

    def result(tagged_abuse: bool) -> NS:
        return NS(priority=NS(queue=NS(value="urgent"), value=50), urgency=NS(p_high=0.5),
                  sentiment=NS(label=NS(value="negative")), tags=NS(tags={Tag.ABUSE} if tagged_abuse else set()))

    rows = [row({"complaint"}), row({"complaint"}), row({"complaint", "abuse"}), row({"praise"}, ("near-miss",)),
            row({"praise"}), row({"abuse"})]
    shown = [True, False, True, True, True, True]
    figs = paired.Domain(rows, [result(t) for t in shown]).figures(np.arange(len(rows)))
    assert figs["fair_complaints_tagged_abuse"] == 0.5  # 1 of the 2 complaints not labelled abuse
    assert figs["near_miss_praise_tagged_abuse"] == 1.0  # praise not marked near-miss is not counted
    assert {"fair_complaints_tagged_abuse", "near_miss_praise_tagged_abuse"} <= paired.LOWER_IS_BETTER
