"""The compiled fast tier (``triage/pipeline/_native.c``) against its references.

The shipped model's heads were trained on scikit-learn's TF-IDF of ``fold()``-ed text and on the
Python cue features: the compiled featurizer must give the same matrix (same columns, values equal
to float32 rounding), and the compiled ``fold``, ``normalize``, cue features and language-ID text
view the very same strings and numbers as the regular-expression versions they replace, or every
score would drift. Awkward multilingual text by hand, then generated text (hypothesis).
"""

from __future__ import annotations

import json
import pickle
import random
import subprocess
import sys
import unicodedata

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.property.strategies import comment_text
from triage.paths import DEFAULT_MODEL_DIR
from triage.pipeline import _native, langid
from triage.pipeline import text as text_module
from triage.pipeline.features import Featurizer, cue_features, cue_features_reference
from triage.pipeline.lexicon import CueMatcher
from triage.pipeline.text import fold, fold_reference, normalize, normalize_reference

VIETNAMESE = "Sản phẩm rất tốt, cảm ơn shop!! Giao hàng nhanhhhh quá 😍 bao nhiêu tiền vậy ạ?"
AWKWARD = [
    VIETNAMESE,
    langid.strip_diacritics(VIETNAMESE),  # Vietnamese typed without diacritics
    unicodedata.normalize("NFD", VIETNAMESE),  # decomposed: combining marks after the letters
    "كَيفَ حالـــك؟ الطلب لم يصل بعد!!! أريد استرجاع المبلغ",  # harakat, tatweel, Arabic ? mark
    "می‌خواهم سفارش بدهم، کی می‌رسه؟ خیلی بد بود\u200c",  # Persian with ZWNJ (and one at the end)
    "ي ى ك ة أ إ آ ٠١٢٣٤٥٦٧٨٩ ۰۱۲",  # Arabic letter variants, Arabic-Indic and Persian digits
    "\u200fمرحبا\u200e hello \u202bembedded\u202c \u2067isolate\u2069 \u202eevil\u202c",  # bidi
    "👍🏽❤️‍🔥 🇻🇳🇷🇴 love it😂😂😂 👨‍👩‍👧‍👦 family",  # modifiers, ZWJ sequences, flags
    "这个产品很好，但是快递太慢了？配送が遅い！！ 배송이 너무 느려요",  # CJK, no spaces
    "a" * 10_000,  # a very long word
    "word " + "x" * 3000 + "y" * 2000 + " https://example.com/" + "z" * 1000,
    "😀" * 3000,  # a long word of characters outside the BMP
    "",
    " \t\n\u3000\u2028 ",
    "\u200b\u200e\u00ad",  # nothing but invisible characters
    "RT @bob: WIN a FREE iPhone http://spam.example www.x.com call +40 721 234 567 or a.b@c.de #promo",
    "ＷＷＷ．ＥＸＡＭＰＬＥ．ＣＯＭ ｆｕｌｌｗｉｄｔｈ １２３",  # NFKC folds these to ASCII
    "see a.ınfo now",  # re.IGNORECASE lets the dotless ı match i: a URL
    "x.İO b.\u212aom K.CO",  # case-insensitive URL matching, Turkish and Kelvin letters
    "क्या यह उपलब्ध है? कितना है १२३ kya ye available hai??",
    "Где мой заказ??? Ужасно!!! İade ne zaman? Çok kötü ııı",
    "a\x00b c\x1fd\x85e\x1cf",  # NUL, control and odd whitespace characters
    "don't rock'n'roll --dash-- 'quoted' ’curly’ e-mail a--b _under_score_",
    "???", "؟!", "!!!!!!", "@user httpurl phonenum emailaddr", "really?)", "چرا؟ !.) ",
    "word\u2060joiner soft\u00adhyphen",
    "how much is it? can you ship? is it available? cât costă? چقدر؟ هل يوجد توصيل",
    "lone \ud83d surrogate",
]


@pytest.fixture(scope="module")
def shipped() -> Featurizer:
    return Featurizer.load(DEFAULT_MODEL_DIR / "fast")


@pytest.fixture(scope="module")
def fitted() -> Featurizer:
    """Fitted on the awkward texts and generated text like the property tests', so that most of
    their n-grams are in its vocabulary (min_df 3 and 2)."""
    rng = random.Random(0)
    corpus = AWKWARD * 3 + ["".join(rng.choices(_PIECES, k=rng.randint(0, 25))) for _ in range(1500)]
    return Featurizer().fit(corpus)


def _reference(f: Featurizer, texts: list[str]) -> sp.csr_matrix:
    raw = [normalize_reference(t) for t in texts]
    return f.transform_reference(raw, [fold_reference(t) for t in raw])


def _assert_same_features(A: sp.csr_matrix, B: sp.csr_matrix) -> None:
    assert A.shape == B.shape
    assert A.dtype == B.dtype == np.float32
    np.testing.assert_array_equal(A.indptr, B.indptr, err_msg="different number of features in a row")
    np.testing.assert_array_equal(A.indices, B.indices, err_msg="different columns")
    assert np.abs(A.data - B.data).max(initial=0.0) <= 1e-6
    assert A.has_sorted_indices


def test_the_compiled_module_is_built() -> None:
    """scripts/setup (pip install -e .) builds it; without it scoring is ten times slower."""
    assert text_module._native is not None


@pytest.mark.parametrize("which", ["shipped", "fitted"])
def test_compiled_features_equal_scikit_learn_on_awkward_text(which: str, request: pytest.FixtureRequest) -> None:
    f: Featurizer = request.getfixturevalue(which)
    assert f._compiled() is not None  # the compiled path is the one measured
    X = f.transform(AWKWARD)
    _assert_same_features(X, _reference(f, AWKWARD))
    assert X.nnz > 1000  # the texts do hit the vocabulary


def test_a_comment_gets_the_same_features_alone_and_in_a_batch(fitted: Featurizer) -> None:
    batch = fitted.transform(AWKWARD)
    for i, text in enumerate(AWKWARD):
        _assert_same_features(fitted.transform([text]), batch[i])


def test_refitting_rebuilds_the_compiled_tables() -> None:
    f = Featurizer().fit(["alpha beta gamma"] * 3)
    f.transform(["alpha"])
    f.fit(["delta epsilon zeta eta"] * 3)
    _assert_same_features(f.transform(["delta eta alpha"]), _reference(f, ["delta eta alpha"]))


def test_cue_features_equal_the_python_ones_on_awkward_text() -> None:
    raw = [normalize(t) for t in AWKWARD]
    folded = [fold(t) for t in raw]
    cues = CueMatcher()
    np.testing.assert_array_equal(cue_features(raw, folded, cues), cue_features_reference(raw, folded, cues))


def test_loading_and_scoring_features_does_not_import_scikit_learn() -> None:
    """Scikit-learn takes 0.6 s to import: only fitting and the reference path need it."""
    code = (
        "import sys\n"
        "from triage.paths import DEFAULT_MODEL_DIR\n"
        "from triage.pipeline.features import Featurizer\n"
        "Featurizer.load(DEFAULT_MODEL_DIR / 'fast').transform(['where is my refund?'])\n"
        "assert 'sklearn' not in sys.modules, 'sklearn was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- generated text

_CHARS = (
    "abcxyzABCXYZ İıſK ăâđơưạảấầẩẫậ \u0300\u0301\u0303\u0309\u0323"
    "ابتثكيىةأإآـ\u064b\u064c\u064e\u0650\u0651\u0652\u0670"
    "پچژگکی\u200c\u200d क्याहैं привет 这个好 😀👍🏽❤️🔥🇻🇳"
    "?؟!.,:;()'’-_@#/+% \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028\u3000"
    "\u200b\u200e\u200f\ufeff\u00ad\u2066\u202e\u2060"
    "0123456789٠١٢٣۴۵\x00"
)
_SNIPPETS = [
    "http://", "https://x.co/a", "www.", "WWW.", ".com", ".io", ".ınfo", ".xyzz", "@bob", "a.b@c.de",
    "RT ", "#tag", "+40 721 234 567", "0912-345-6789", "12.345,6", "1.", ",5", "3,,4", "٣.٤", "1.2.3,4.", "sooooo", "!!!", "???", "aaaa",
    "httpurl", "phonenum", "emailaddr", "@user", "don't", "--", "' ", " ’", "   ", "ok", "hahaha",
    "super", "lol", "merci", "?)", "؟ !.)", "? )", "RT", "haha", "hahax", "ahh",
]
_CUE_PHRASES = sorted({p for phrases in CueMatcher().multi.values() for p in phrases}
                      | {w for words in CueMatcher().words.values() for w in words})
_PIECES = list(_CHARS) + _SNIPPETS + _CUE_PHRASES

_char = st.sampled_from(list(_CHARS))
_piece = st.one_of(_char, _char, st.sampled_from(_SNIPPETS), st.sampled_from(_CUE_PHRASES))
awkward_text = st.one_of(
    st.lists(_piece, max_size=30).map("".join),
    comment_text,
    st.text(max_size=40),
)
_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_SETTINGS
@given(awkward_text)
def test_normalize_and_fold_equal_the_regex_versions(text: str) -> None:
    assert normalize(text) == normalize_reference(text)
    assert text_module._fold(text) == fold_reference(text)  # computed, not remembered
    assert fold(text) == fold_reference(text)


@_SETTINGS
@given(awkward_text)
def test_compiled_steps_equal_their_regexes_on_any_text(text: str) -> None:
    """The compiled steps alone, on text that did not pass NFKC (any whitespace, any runs)."""
    t = text_module
    assert _native.clean(text) == t._SPACE.sub(" ", t._INVISIBLE.sub("", text)).strip()
    tail = t._ELONGATION.sub(r"\1\1", t._ARABIC_DIACRITICS.sub("", text.translate(t._ARABIC_FOLD)))
    assert _native.fold_tail(text) == t._SPACE.sub(" ", tail).strip()
    assert _native.lid_tail(text) == langid._prepare_tail(text)
    assert _native.fold_numbers(text) == t._NUMBER.sub("0", text)


@pytest.mark.parametrize(
    "text", ["a.ınfo", "x.İO", "x.\u212aom", "WWW.", "wWw.x", "ww.x", "x.comx", "x.com_", "x.co.", ".xyz", "a.me/"]
)
def test_url_hint_follows_re_ignorecase(text: str) -> None:
    assert _native.url_hint(text) == (text_module._URL_HINT.search(text) is not None)


@pytest.mark.parametrize("text", ["", "a", "1 a", "é", "aé", "ок", "ok ок", "١", "a١", "कa", "中"])
def test_dominant_script_on_short_text(text: str) -> None:
    assert langid.dominant_script(text) == langid.dominant_script_reference(text)


_URL_PIECES = [
    "http", "https", "HTTP", "httpſ", "://", ":/", "www", "WWW", ".", "..", "com", "co", "io", "ınfo", "İO", "Me",
    "xyz", "biz", "comx", "/", "//", "?", "-", "_", "a", "b1", "ç", "0", " ", "\t", "@", "é", "x.y", "e.g.",
]
url_text = st.lists(st.sampled_from(_URL_PIECES), max_size=25).map("".join)


@pytest.mark.parametrize("text", [
    "see https://x.co/a now", "http:// x", "HTTPſ://x", "www. x", "WWW.X", "a.comx", "a.com/", "a.com/x?",
    "x.community", "a.com.b", "-x.com", " -x.com", "a -x.com", "x--y.com", "a.ınfo", "a.İO/p", "e.g.", "a..com",
])
def test_url_substitution_follows_re_backtracking(text: str) -> None:
    assert _native.url_sub(text, " httpurl ") == text_module._URL.sub(" httpurl ", text)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(url_text, awkward_text))
def test_url_substitution_equals_the_regex(text: str) -> None:
    assert _native.url_sub(text, " httpurl ") == text_module._URL.sub(" httpurl ", text)
    assert _native.url_sub(text, " ") == langid._URL.sub(" ", text)
    stripped = text_module._MENTION.sub(" ", text_module._URL.sub(" ", text))
    assert text_module.has_letters(text) == any(ch.isalpha() for ch in stripped)


@_SETTINGS
@given(awkward_text)
def test_url_hint_equals_the_regex(text: str) -> None:
    assert _native.url_hint(text) == (text_module._URL_HINT.search(text) is not None)
    assert _native.url_hint(text) == (langid._URL_HINT.search(text) is not None)


@_SETTINGS
@given(awkward_text)
def test_language_id_text_view_equals_the_regex_version(text: str) -> None:
    clean = normalize(text)
    prepared = langid.prepare(clean)
    assert prepared == langid.prepare_reference(clean)
    assert langid.dominant_script(prepared) == langid.dominant_script_reference(prepared)
    assert langid.dominant_script(clean) == langid.dominant_script_reference(clean)
    assert langid.only_shared_words(prepared) == langid.only_shared_words_reference(prepared)


@_SETTINGS
@given(st.lists(awkward_text, min_size=1, max_size=5))
def test_cue_features_equal_the_python_ones(texts: list[str]) -> None:
    raw = [normalize(t) for t in texts]
    folded = [fold(t) for t in raw]
    cues = CueMatcher()
    np.testing.assert_array_equal(cue_features(raw, folded, cues), cue_features_reference(raw, folded, cues))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(awkward_text, min_size=1, max_size=6))
def test_compiled_features_equal_scikit_learn(fitted: Featurizer, texts: list[str]) -> None:
    _assert_same_features(fitted.transform(texts), _reference(fitted, texts))


def test_saved_and_loaded_featurizer_gives_the_same_features(tmp_path) -> None:
    # (a lone surrogate cannot be written to vocab.json as UTF-8: leave it out of the fit)
    fitted = Featurizer().fit([t for t in AWKWARD if "\ud83d" not in t] * 3)
    fitted.save(tmp_path)
    loaded = Featurizer.load(tmp_path)
    assert loaded.n_features == fitted.n_features
    assert loaded.word_block() == fitted.word_block()
    _assert_same_features(loaded.transform(AWKWARD), fitted.transform(AWKWARD))
    _assert_same_features(loaded.transform(AWKWARD), _reference(loaded, AWKWARD))


def test_a_vocabulary_with_a_repeated_term_is_refused(tmp_path) -> None:
    Featurizer().fit(["alpha beta gamma"] * 3).save(tmp_path)
    vocab = json.loads((tmp_path / "vocab.json").read_text(encoding="utf-8"))
    vocab["word"][1] = vocab["word"][0]
    (tmp_path / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    with pytest.raises(ValueError, match="repeats a term"):
        Featurizer.load(tmp_path)


@pytest.fixture(scope="module")
def detector() -> langid.LanguageDetector:
    return langid.LanguageDetector(DEFAULT_MODEL_DIR / "langid")


LID_EDGES = [
    "ok ok", "hahaha super", "hahax", "hah", "ahh ok", "aa", "RT ok ok", "RT @x: #MasterChefBR", "www.x.ro",
    "1" * 1000 + " only letters after the first thousand characters",
    "Where is my order " * 60 + " RT http://x.co @someone #late",
    # mentions, "RT" and hashtags are stripped in compiled code unless an e-mail may be there
    "@bob mersi mult", "@bob", "@bob @ana", "@_ ok", "@ hello there", "@@bob salut", "x@bob salut",
    "ana.pop@mail salut", "a+b@c salut", "a-@b salut", "@bob@ana salut", "@123 salut", "@😀 salut",
    "İstanbul @Bob RT", "RTRT salut", "xRT salut", "RT_ salut", "RT:salut", "salut RT", "RT", "RT @x",
    "#tag", "#tag #tag2", "#a#b salut", "salut#tag", "#1 salut", "# salut", "#MasterChefBR 🔥 @x",
    "@ana #promo RT ce mai faci", "cảm ơn @shop #freeship", "مرسی @علی #تخفیف",
]


def _views_reference(texts: list[str]) -> tuple[list[str | None], list[int]]:
    views, codes = [], []
    for text in texts:
        text = text[: langid.MAX_INPUT_CHARS]
        clean = langid.prepare_reference(text) if langid._has_letters(text) else ""
        script = langid.dominant_script_reference(clean[:120])
        if not clean or script is None or langid.only_shared_words_reference(clean):
            views.append(None)
            codes.append(-1)
        else:
            views.append(clean)
            codes.append(langid._SCRIPT_NAMES.index(script))
    return views, codes


def test_language_id_of_a_batch_equals_one_text_at_a_time(detector: langid.LanguageDetector) -> None:
    texts = [normalize(t) for t in AWKWARD + LID_EDGES]
    views, codes = langid._views(texts)
    assert (views, codes.tolist()) == _views_reference(texts)
    assert detector.detect(texts) == detector.detect_reference(texts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(awkward_text, min_size=1, max_size=8))
@example(["@user@user"])  # a mention that prepare() keeps half of: und by the letters rule
def test_language_id_equals_the_per_text_rules(detector: langid.LanguageDetector, texts: list[str]) -> None:
    clean = [normalize(t) for t in texts]
    views, codes = langid._views(clean)
    assert (views, codes.tolist()) == _views_reference(clean)
    assert detector.detect(clean) == detector.detect_reference(clean)


def test_copies_in_a_batch_get_the_language_they_get_alone(detector: langid.LanguageDetector) -> None:
    """Identical texts are read by the models once per batch: same answers as one by one."""
    texts = [normalize(t) for t in ["Cảm ơn shop nhiều!", "thanks a lot!!", "مرسی از شما", "thanks a lot!!"] * 3]
    assert detector.detect(texts) == [detector.detect([t])[0] for t in texts]


def test_a_used_featurizer_can_be_pickled(fitted: Featurizer) -> None:
    """The compiled tables are not pickled: they are made again on first use."""
    fitted.transform(["warm the compiled tables up"])
    copy = pickle.loads(pickle.dumps(fitted))
    _assert_same_features(copy.transform(AWKWARD), fitted.transform(AWKWARD))


def test_fold_remembers_a_bounded_number_of_answers() -> None:
    texts = [f"Comment number {i}, SOOOO late!!! " + "x" * 500 for i in range(3000)]
    assert [fold(t) for t in texts] == [fold_reference(t) for t in texts]
    assert [fold(t) for t in texts[-100:]] == [fold_reference(t) for t in texts[-100:]]  # remembered
    held = text_module._fold_cached_chars
    assert held == sum(map(len, text_module._FOLD_CACHE))
    assert held <= text_module._FOLD_CACHE_CHARS + len(texts[0])


def _match_tokens_regex(folded: str) -> list[str]:
    """urgency_cues.match_tokens without its cache: the regex tokens, each normalized."""
    from triage.pipeline.urgency_cues import _TOKEN, _normalize_token

    return [f for f in map(_normalize_token, _TOKEN.findall(folded)) if f]


@settings(max_examples=300, deadline=None)
@given(st.one_of(comment_text, st.text(alphabet=st.characters(codec="utf-8"), max_size=60)))
def test_cue_tokens_equal_the_regex_tokens(text: str) -> None:
    from triage.pipeline.urgency_cues import match_tokens, match_tokens_batch

    for t in (text, fold(text)):
        assert match_tokens_batch([t, t]) == [_match_tokens_regex(t)] * 2 == [match_tokens(t)] * 2


def test_cue_tokens_on_awkward_text_and_a_full_cache() -> None:
    from triage.pipeline.urgency_cues import _normalize_token

    texts = [*AWKWARD, *(fold(t) for t in AWKWARD), "nahi\u0902 wo\u0301rstt __ x\u200c\u200cy \u0301"]
    cache: dict[str, str] = {}
    got = _native.cue_tokens(texts, cache, _normalize_token, 3)  # cleared again and again
    assert got == [_match_tokens_regex(t) for t in texts]
    assert len(cache) <= 3
    with pytest.raises(TypeError, match="item 1 is not a str"):
        _native.cue_tokens(["ok", None], {}, _normalize_token, 10)
    with pytest.raises(TypeError, match="must return a str"):
        _native.cue_tokens(["ok"], {}, len, 10)


def _cue_sets() -> tuple:
    from triage.pipeline.abuse_cues import AbuseCues
    from triage.pipeline.urgency_cues import UrgencyCues

    return UrgencyCues(), AbuseCues()


CUE_SETS = _cue_sets()


def _python_counts(cues, texts: list[str]) -> np.ndarray:
    return np.array([cues.counts(t) for t in texts], dtype=np.int32).reshape(len(texts), len(cues.categories))


def test_compiled_cue_scan_counts_every_written_cue_as_python_does() -> None:
    """Each cue's own text (and two of them side by side, and one inside a longer profanity cue)
    gets the counts of the Python scan."""
    for cues in CUE_SETS:
        keys = list(cues.source)
        texts = keys + [f"{a} {b}" for a, b in zip(keys, keys[1:], strict=False)] + [f"x {k} {k} y" for k in keys[::7]]
        texts += ["de puta madre", "porca puttana", "ur a fkn idiot idiot", "", " ", "\u200c"]
        np.testing.assert_array_equal(cues.counts_batch(texts), _python_counts(cues, texts))


def test_compiled_cue_scan_on_comments_and_obfuscations() -> None:
    from triage.training.data import seed_examples

    urgency, abuse = CUE_SETS
    clean = [normalize(s.text) for s in seed_examples()] + [normalize(t) for t in AWKWARD]
    clean += ["f.u.c.k you, refund NOW", "sh1t service, s h i t", "f*ck", "ŞTİ ßß ǅ Ǆ ﬁ", "nahiii paise wapas"]
    folded = [fold(t) for t in clean]
    views = [abuse.view(t) for t in clean]
    np.testing.assert_array_equal(urgency.counts_batch(folded), _python_counts(urgency, folded))
    np.testing.assert_array_equal(abuse.counts_batch(views), _python_counts(abuse, views))
    assert urgency.counts_batch(folded).any()
    assert abuse.counts_batch(views).any()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(comment_text, st.text(alphabet="aăâđoơôs ßşkhông ngay ", max_size=30)), min_size=1, max_size=5))
def test_compiled_cue_scan_on_any_text(texts: list[str]) -> None:
    for cues in CUE_SETS:
        folded = [fold(t) for t in texts]
        np.testing.assert_array_equal(cues.counts_batch(folded), _python_counts(cues, folded))


def test_cue_scan_refuses_bad_tables() -> None:
    with pytest.raises(ValueError, match="strip table"):
        _native.CueScan(2, ["a"], [0], {0: 1}, {}, {}, {0x3000: "x"}, -1, 0)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        _native.CueScan(2, ["a"], [3], {}, {}, {}, {}, -1, 0)
    with pytest.raises(TypeError):
        _native.CueScan(2, ["a"], [0], {0: 1}, {}, {}, {}, -1, 0).counts("not a list")


@settings(max_examples=300, deadline=None)
@given(st.one_of(comment_text, st.text(alphabet="ab c.-_*/$!@0134579xé Ş\u0301", max_size=20)))
def test_abuse_suspects_equal_the_regexes(text: str) -> None:
    from triage.pipeline.abuse_cues import _suspect

    assert _native.abuse_suspects([text, text + " a"]) == bytes([_suspect(text), _suspect(text + " a")])


def test_abuse_views_of_a_batch_equal_one_by_one() -> None:
    _, abuse = CUE_SETS
    texts = [*AWKWARD, "f.u.c.k you", "s h i t", "sh1t", "f*ck", "a.b.c", "ok", "", "x s h i t y", "1ab3"]
    assert abuse.views(texts) == [abuse.view(t) for t in texts]
    assert _native.abuse_suspects(texts) == bytes(int(t in {"f.u.c.k you", "s h i t", "sh1t", "f*ck", "a.b.c",
                                                              "1ab3"} or _suspect_ref(t)) for t in texts)


def _suspect_ref(text: str) -> bool:
    from triage.pipeline.abuse_cues import _suspect

    return _suspect(text)


def test_csr_matvecs_is_scipys_loop() -> None:
    """The fast heads' product without scipy: the same float32 sums in the same order as scipy's
    own kernel, on rows long enough for the order to matter."""
    from scipy.sparse._sparsetools import csr_matvecs as scipy_matvecs

    rng = np.random.default_rng(3)
    n, width, k = 40, 500, 14
    lengths = rng.integers(0, 300, n)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
    indices = np.concatenate([np.sort(rng.choice(width, m, replace=False)) for m in lengths]).astype(np.int32)
    data = rng.standard_normal(len(indices)).astype(np.float32) * np.float32(1e3)
    weights = rng.standard_normal((width, k)).astype(np.float32)
    ours, theirs = np.zeros((n, k), np.float32), np.zeros((n, k), np.float32)
    _native.csr_matvecs(n, width, k, indptr, indices, data, weights.ravel(), ours.ravel())
    scipy_matvecs(n, width, k, indptr, indices, data, weights.ravel(), theirs.ravel())
    assert ours.tobytes() == theirs.tobytes()
    with pytest.raises(ValueError, match="column index"):
        _native.csr_matvecs(1, 2, k, np.array([0, 1], np.int32), np.array([5], np.int32),
                            np.ones(1, np.float32), weights[:2].ravel(), ours[:1].ravel())
