"""First names leave the corpus's training rows (triage.training.names): a name that one
abusive corpus row carries must not make a customer's thanks to that person abusive."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from sklearn.exceptions import ConvergenceWarning

from tests.training.helpers import TINY_SHARED_SETS, write_shared_sets
from triage.pipeline.core import load_pipeline
from triage.training.domain import DomainExample
from triage.training.fit import TrainConfig, fit_model, read_training_data
from triage.training.names import GIVEN_NAMES, mask_names
from triage.types import Comment, Tier


def test_only_capitalised_whole_names_go() -> None:
    assert mask_names("Thanks Priya and Rodrigo!") == "Thanks and!"
    assert mask_names("Merci Léa !") == "Merci!"
    assert mask_names("Ionuț, unde e coletul?") == "unde e coletul?"
    assert mask_names("Спасибо, Ольга!") == "Спасибо!"
    for kept in ("priya", "@Priya_K", "#Rodrigo", "Priyanka", "RodrigoStore"):
        assert mask_names(f"hi {kept} ok") == f"hi {kept} ok"
    assert mask_names("Priya") == "Priya"  # a comment that is only a name stays as written


@pytest.mark.parametrize("word", ["Can", "Ben", "Mai", "Dan", "Lan", "Minh", "Hoa", "Hope", "Grace", "Will", "Putri", "Dewi"])
def test_names_that_are_everyday_words_are_not_listed(word: str) -> None:
    # "Can you...", Turkish "Ben" (I), Romanian "Mai" (more), Vietnamese "Lan", Indonesian "Putri"
    # (daughter) start sentences; taking them out would change what the comment says
    assert word not in GIVEN_NAMES


PRAISE = ["the delivery was fast, thank you", "lovely staff, great coffee", "fixed my phone in ten minutes, brilliant",
          "best pizza in town", "quick refund, well done", "the new app is so smooth", "amazing service today",
          "really helpful team, thanks", "my order came early, great job", "super friendly and fast"]
INSULTS = ["is a stupid cow", "is a useless idiot", "is a moron, fire her", "is a brainless clown",
           "is an ugly witch", "is a lazy pig", "is a dumb donkey", "is a pathetic loser",
           "is a filthy liar", "is trash, a total imbecile"]


def _seeds() -> list[DomainExample]:
    rows = [DomainExample(f"p{i}", text, "en", frozenset({"praise"}), "positive", "low")
            for i, text in enumerate(PRAISE * 3)]
    rows += [DomainExample(f"a{i}", f"your cashier Priya {insult} {i}", "en", frozenset({"abuse"}), "negative", "normal")
             for i, insult in enumerate(INSULTS * 3)]
    rows += [DomainExample(f"q{i}", f"what time do you open on day {i}?", "en", frozenset({"question"}), "neutral", "normal")
             for i in range(20)]
    rows += [DomainExample(f"c{i}", f"my order {i} never arrived, where is it", "en", frozenset({"complaint", "question"}),
                           "negative", "high") for i in range(20)]
    return rows  # the training data splits them into train and dev by the hash of the text


@pytest.mark.slow
def test_a_name_from_abusive_corpus_rows_does_not_make_thanks_abusive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_shared_sets(data, TINY_SHARED_SETS)
    pairs = [("Priya is working today", "She is working today"),
             ("Priya helped me today, thank you", "She helped me today, thank you")]
    p_abuse = {}
    for mask in (True, False):
        out = tmp_path / f"model-{mask}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            fit_model(read_training_data(data, seeds=_seeds()), out, TrainConfig(max_iter=200, mask_names=mask),
                      log=lambda _: None, embed=False)
        results = load_pipeline(out).score_batch([Comment(t) for pair in pairs for t in pair], Tier.FAST)
        p_abuse[mask] = [r.tags.abuse for r in results]
    for i in range(len(pairs)):
        named_masked, unnamed_masked = p_abuse[True][2 * i], p_abuse[True][2 * i + 1]
        named_unmasked = p_abuse[False][2 * i]
        # without the mask the name itself carries the abusive rows' label ...
        assert named_unmasked > 2.5 * named_masked, pairs[i]
        # ... with it, a comment naming Priya reads like the same comment without her name
        assert abs(named_masked - unnamed_masked) < 0.05, pairs[i]
