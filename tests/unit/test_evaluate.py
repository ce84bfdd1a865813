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
