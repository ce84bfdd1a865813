"""The model card shows the judgement figures measured on its own model, and only those."""

import json
from pathlib import Path

from triage.training.card import judgement_lines


def _result(path: Path, model: str, happy: float) -> None:
    tier = {"all": {"urgent_recall_top20": 0.8, "real_in_spam": 0.0, "happy_in_urgent": happy,
                    "queue_accuracy": 0.75, "sentiment_macro_f1": 0.8, "tags": {"spam": 0.9}}}
    path.write_text(json.dumps({"model": model, "date": "2026-12-06 06:42", "domain": {"fast": tier}}))


def test_the_card_reports_the_benchmark_of_its_model(tmp_path: Path) -> None:
    _result(tmp_path / "judgement.json", "triage-default-9.9.9", 0.158)
    lines = judgement_lines("triage-default-9.9.9", tmp_path)
    assert "| in-domain, all languages | fast, dev |" in lines
    assert "| happy customers in `urgent` | 15.8% |" in lines
    assert "| abuse F1 | – |" in lines  # not measured: said so, not invented


def test_figures_of_another_model_are_left_out(tmp_path: Path) -> None:
    _result(tmp_path / "judgement.json", "triage-default-0.2.0", 0.2)
    assert judgement_lines("triage-default-9.9.9", tmp_path) == []


def test_the_corpus_size_in_the_card_is_what_the_model_was_trained_on() -> None:
    # a card refreshed after the corpus grew must not count rows its model never saw
    from triage.training.card import model_card

    metrics = {"tiers": {"fast": {"sentiment": {}, "tags": {}}}}
    card = model_card("triage-test", metrics, {"en": 1558, "ro": 1559, "de": 588})
    assert "rest on the team's corpus (588-1,559 comments per language)" in card
