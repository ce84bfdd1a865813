"""Metric helpers."""

from triage.training.evaluate import best_threshold, binary_metrics, classification_metrics


def test_binary_metrics_counts() -> None:
    m = binary_metrics([True, True, False, False], [0.9, 0.2, 0.7, 0.1], 0.5)
    assert (m["precision"], m["recall"], m["f1"]) == (0.5, 0.5, 0.5)


def test_best_threshold_separates_clean_data() -> None:
    t = best_threshold([([True, True, False, False], [0.9, 0.8, 0.3, 0.2])])
    assert 0.3 < t <= 0.8


def test_macro_f1_ignores_labels_absent_from_gold() -> None:
    m = classification_metrics(["a", "a"], ["a", "a"], ["a", "b"])
    assert m["macro_f1"] == 1.0


def test_best_threshold_keeps_rows_to_avoid_under_their_limit() -> None:
    # F1 alone picks a low threshold that also tags two of the four fair complaints (0.45, 0.5);
    # with at most 25% of them allowed, the threshold rises above 0.45 at some cost in recall.
    groups = [([True, True, True, False, False, False], [0.9, 0.6, 0.42, 0.4, 0.1, 0.1])]
    fair = [0.5, 0.45, 0.2, 0.1]
    free = best_threshold(groups)
    limited = best_threshold(groups, (fair, 0.25))
    assert free <= 0.42
    assert limited > 0.45
    assert sum(s >= limited for s in fair) <= 1


def test_best_threshold_with_an_impossible_limit_is_the_most_cautious() -> None:
    assert best_threshold([([True, False], [0.95, 0.1])], ([0.99], 0.0)) == 0.9


def test_best_threshold_keeps_every_group_to_avoid_under_its_limit() -> None:
    # fair complaints alone allow 0.45; praise near-misses (one of two at 0.5) push it past 0.5
    groups = [([True, True, True, False, False, False], [0.9, 0.6, 0.42, 0.4, 0.1, 0.1])]
    fair, near = [0.5, 0.45, 0.2, 0.1], [0.52, 0.1]
    one = best_threshold(groups, [(fair, 0.25)])
    both = best_threshold(groups, [(fair, 0.25), (near, 0.0)])
    assert one == best_threshold(groups, (fair, 0.25))  # a single limit, as a pair or in a list
    assert both > 0.52 >= one


def test_best_threshold_breaks_a_flat_in_domain_curve_by_the_public_sets() -> None:
    # in-domain F1 is 1.0 anywhere in (0.2, 0.6]: the argmax takes the lowest such threshold;
    # a public set that needs a cut above 0.5 moves it there, still inside the flat stretch
    domain = [([True, True, False, False], [0.9, 0.62, 0.2, 0.1])]
    public = [([True, True, False, False, False], [0.95, 0.7, 0.5, 0.45, 0.1])]
    argmax = best_threshold(domain)
    tied = best_threshold(domain, min_gain=0.005, public=public)
    assert argmax <= 0.225
    assert 0.5 < tied <= 0.6
    assert best_threshold(domain, public=public) == argmax  # no margin, no tie-break
    # a public set that wants a cut above the plateau (0.8) does not move it off the plateau
    assert best_threshold(domain, min_gain=0.005, public=[([True, False], [0.9, 0.75])]) == argmax


def test_best_threshold_keeps_an_earlier_models_cut_only_inside_the_tie() -> None:
    # in-domain F1 is 1.0 anywhere in (0.2, 0.6]: an earlier model's 0.4 is kept over the
    # public sets' choice; a cut off the plateau (0.7) or one the limits forbid is not
    domain = [([True, True, False, False], [0.9, 0.62, 0.2, 0.1])]
    public = [([True, True, False, False, False], [0.95, 0.7, 0.5, 0.45, 0.1])]
    free = best_threshold(domain, min_gain=0.005, public=public)
    assert best_threshold(domain, min_gain=0.005, public=public, prefer=0.4) == 0.4
    assert best_threshold(domain, min_gain=0.005, public=public, prefer=0.7) == free
    assert best_threshold(domain, ([0.45], 0.0), 0.005, public, prefer=0.4) != 0.4  # 0.4 would tag the fair row
