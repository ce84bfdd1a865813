"""Language identification with the shipped models (lid.176 + second opinion); fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.errors import ConfigError, ModelNotFoundError, UnsupportedLanguageError
from triage.pipeline.langid import SUPPORTED_LANGUAGES, LanguageDetector, prepare, strip_diacritics
from triage.pipeline.text import normalize
from triage.types import UNDETERMINED, LanguageGuess

MODEL_DIR = Path(__file__).resolve().parents[2] / "models" / "triage-default" / "langid"


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(MODEL_DIR)


def detect_one(detector: LanguageDetector, text: str) -> LanguageGuess:
    (guess,) = detector.detect([normalize(text)])
    return guess


def test_second_opinion_is_shipped(detector: LanguageDetector) -> None:
    assert detector.has_second_opinion


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀👍",
        "??",
        "?!...",
        "https://shop.example.com/p/123",
        "www.example.ro",
        "12345",
        "0912 345 678",
        "@anna_m",
        "@shop @minh",
        "❤️🔥",
    ],
)
def test_nothing_to_tell_is_und(detector: LanguageDetector, text: str) -> None:
    assert detect_one(detector, text) == LanguageGuess(UNDETERMINED, 1.0)


@pytest.mark.parametrize(
    "text",
    ["ok", "OK!", "merci", "super 👍", "lol", "hahaha", "hello", "bravo", "ok ok", "aaaaa", "hmm"],
)
def test_words_many_languages_share_are_und(detector: LanguageDetector, text: str) -> None:
    assert detect_one(detector, text).lang == UNDETERMINED


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("I ordered two weeks ago and nothing has arrived yet", "en"),
        ("Sản phẩm rất tốt, giao hàng nhanh, cảm ơn shop nhiều", "vi"),
        ("Produsul a ajuns repede și arată exact ca în poze", "ro"),
        ("المنتج جميل جدا والتوصيل كان سريع، شكرا لكم", "ar"),
        ("کیفیتش خیلی خوبه و به موقع رسید، ممنون از شما", "fa"),
        ("¿Hacen envíos a Buenos Aires? Quiero dos", "es"),
        ("Сколько стоит доставка в Москву?", "ru"),
        ("क्या आप दिल्ली में डिलीवरी करते हैं?", "hi"),
        ("İki hafta önce sipariş verdim, hala gelmedi", "tr"),
    ],
)
def test_clear_sentences(detector: LanguageDetector, text: str, lang: str) -> None:
    guess = detect_one(detector, text)
    assert guess.lang == lang
    assert guess.score >= 0.9


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("san pham dung rat tot gia hop ly", "vi"),
        ("cam on shop", "vi"),
        ("dep qua", "vi"),
        ("ship ve ha noi mat bao lau shop", "vi"),
        ("multumesc frumos", "ro"),
        ("cat costa livrarea in Cluj?", "ro"),
        ("am comandat acum o saptamana si nu a ajuns", "ro"),
    ],
)
def test_vietnamese_and_romanian_without_diacritics(
    detector: LanguageDetector, text: str, lang: str
) -> None:
    assert detect_one(detector, text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("شكرا جزيلا", "ar"),
        ("كم السعر", "ar"),
        ("ما شاء الله", "ar"),
        ("خیلی ممنون", "fa"),
        ("قیمتش چنده", "fa"),
        ("چقدر قشنگه", "fa"),
    ],
)
def test_arabic_versus_persian(detector: LanguageDetector, text: str, lang: str) -> None:
    assert detect_one(detector, text).lang == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("wallah el akl kan tayeb w el delivery sari3, shukran", "ar"),
        ("ya jama3a el tatbee2 msh shaghal men embare7", "ar"),
        ("3afakoum fin wsel lcolis dyali", "ar"),
        ("kheili mamnoon, sefaresham zood resid", "fa"),
        ("chera javab nemidin? pool ro kam kardin", "fa"),
        ("ghazatoon kheili khoshmaze bood merci", "fa"),
    ],
)
def test_arabic_and_persian_in_latin_letters(detector: LanguageDetector, text: str, lang: str) -> None:
    # Arabizi and Finglish: the script allows ar and fa in Latin letters, and the second opinion
    # learnt them (the corpus's own rows and romanized public rows, training/build_langid.py)
    assert detect_one(detector, text).lang == lang


@pytest.mark.parametrize(
    "text",
    ["thank you so much, the food was great", "am comandat ieri si a ajuns azi, multumesc",
     "giao hang nhanh lam shop oi", "pesanan sudah sampai, terima kasih kak"],
)
def test_latin_letters_do_not_turn_into_arabic_or_persian(detector: LanguageDetector, text: str) -> None:
    assert detect_one(detector, text).lang not in ("ar", "fa")


def test_all_caps_is_read_like_lower_case(detector: LanguageDetector) -> None:
    assert detect_one(detector, "MULTUMESC FRUMOS PENTRU COLET").lang == "ro"


MIXED = [
    "",
    "ok",
    "cam on shop",
    "Thank you so much!",
    "شكرا",
    "خیلی ممنون",
    "👍",
    "multumesc",
    "Сколько стоит?",
    "gracias",
    "cảm ơn",
    "#MasterChefBR que delícia",
    "http://x.co",
    "danke schön",
]


def test_deterministic_and_batch_equals_one_by_one(detector: LanguageDetector) -> None:
    texts = [normalize(t) for t in MIXED]
    batch = detector.detect(texts)
    assert batch == detector.detect(texts)
    assert batch == [detector.detect([t])[0] for t in texts]
    assert detector.detect([]) == []


def test_scores_in_range_and_codes_supported(detector: LanguageDetector) -> None:
    allowed = {*SUPPORTED_LANGUAGES, UNDETERMINED}
    for guess in detector.detect([normalize(t) for t in MIXED]):
        assert guess.lang in allowed
        assert 0.0 <= guess.score <= 1.0


def test_configured_languages_restrict_answers() -> None:
    detector = LanguageDetector(MODEL_DIR, languages=("en", "fr"))
    guesses = detector.detect(["Das ist sehr schön und gut", "merci beaucoup", "Сколько стоит?"])
    assert {g.lang for g in guesses} <= {"en", "fr", UNDETERMINED}
    assert guesses[1].lang == "fr"
    assert guesses[2].lang == UNDETERMINED  # Cyrillic: none of the configured languages


def test_lid_only_mode() -> None:
    detector = LanguageDetector(MODEL_DIR / "lid.176.ftz", use_second_opinion=False)
    assert not detector.has_second_opinion
    # lid.176 knows no feature of "harika": it answers its prior, which the detector treats as und.
    assert detector.detect(["the delivery was late again", "harika"]) == [
        detector.detect(["the delivery was late again"])[0],
        LanguageGuess(UNDETERMINED, 1.0),
    ]
    assert detector.detect(["the delivery was late again"])[0].lang == "en"


def test_bad_configuration(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        LanguageDetector(tmp_path)
    with pytest.raises(UnsupportedLanguageError):
        LanguageDetector(MODEL_DIR, languages=("en", "xx"))
    with pytest.raises(ModelNotFoundError):
        LanguageDetector(MODEL_DIR, second_opinion_path=tmp_path / "missing.ftz")
    with pytest.raises(ConfigError):
        LanguageDetector(MODEL_DIR, min_confidence=1.5)


def test_prepare_and_strip_diacritics() -> None:
    assert prepare("RT @bob: GIÁ BAO NHIÊU??? 👍 https://x.co/a #sale") == "giá bao nhiêu"
    assert prepare("#only #hashtags") == "only hashtags"
    assert strip_diacritics("Đẹp quá, mulțumesc, şi ĂÂÎ") == "Dep qua, multumesc, si AAI"


# A script that allows one configured language (Devanagari -> hi, Cyrillic -> ru) is answered
# without the models; these texts are what could make the models disagree with that answer.
ONE_LANGUAGE_SCRIPTS = [
    "बहुत अच्छा",
    "नमस्ते दोस्तों, यह वीडियो बहुत बढ़िया है!!! 👍",
    "क",  # one letter: und by rule before any model
    "ok ठीक है",
    "привет",
    "Сколько стоит? Доставка в Москву??? 😡",
    "ЗДРАВСТВУЙТЕ, ЭТО СПАМ http://x.ru @bob #акция",
    "Ћирилица на српском",  # Serbian: a Cyrillic language lid.176 knows but that is not configured
    "Қазақша жазылған пікір",  # Kazakh
    "ok ok привет",
    "hello мир",  # Latin and Cyrillic: the script of most letters decides
    "бббббб",
    "ru ru ru",
    "नमस्ते hello नमस्ते",
    "bahut badhiya hai bhai",  # Hindi in Latin letters: the models decide
]


def test_one_language_scripts_equal_the_models_answer(detector: LanguageDetector) -> None:
    texts = [normalize(t) for t in ONE_LANGUAGE_SCRIPTS + MIXED]
    reference = detector.detect_reference(texts)  # both models on every row
    assert detector.detect(texts) == reference
    assert [detector.detect([t])[0] for t in texts] == reference
    assert [(g.lang, g.score) for g in reference[:2]] == [("hi", 1.0), ("hi", 1.0)]
    assert reference[4] == LanguageGuess("ru", 1.0)


def test_one_language_script_needs_the_second_opinion() -> None:
    # lid.176 alone: a text it knows nothing of is und, even in a one-language script.
    alone = LanguageDetector(MODEL_DIR / "lid.176.ftz", use_second_opinion=False)
    texts = [normalize(t) for t in ONE_LANGUAGE_SCRIPTS]
    assert alone.detect(texts) == alone.detect_reference(texts)
    two = LanguageDetector(MODEL_DIR, languages=("ru", "en", "uk"))  # Cyrillic: two languages
    assert two.detect(texts) == two.detect_reference(texts)
    assert {g.lang for g in two.detect(texts)} <= {"ru", "en", "uk", UNDETERMINED}


def _awkward_views() -> list[str]:
    views = [prepare(normalize(t)) for t in ONE_LANGUAGE_SCRIPTS + MIXED]
    return [v for v in views if v] + [
        "", "a", "</s>", "x </s> y", "__label__en hello", "ab\tcd\x0bef", "ñ", "日本語のテキスト",
        "😀 😀",
        "a" * 400, "hocam bursayı eskişehire bağlayamaz mıyız", "sapte tineri se duc in padure",
        "duyguların kaynağı kişilik personality person kişi demektir", "xin chao cac ban", "ok",
        # the softmax's exp() in float instead of double changes the last bit of these
        "hâhhaa", "rt me pegou pilantra", "ben artık insanlardan soğumaya başladım",
    ]


@pytest.mark.parametrize(
    ("name", "k", "threshold"),
    [("lid.176.ftz", 5, 1e-3), ("lid.176.ftz", 1, 0.0), ("lid.176.ftz", -1, 0.0),
     ("second_opinion.ftz", -1, 0.0), ("second_opinion.ftz", 3, 0.1)],
)
def test_compiled_fasttext_gives_the_fasttext_packages_numbers(
    name: str, k: int, threshold: float
) -> None:
    import fasttext
    import numpy as np

    from triage.pipeline import ftz

    native = ftz.load(MODEL_DIR / name)
    assert native is not None  # the shipped models are read by the compiled path
    reference = fasttext.load_model(str(MODEL_DIR / name))
    assert native.get_labels() == reference.get_labels()
    views = _awkward_views()
    labels, probs = native.predict(views, k=k, threshold=threshold)
    expected_labels, expected_probs = reference.predict(views, k=k, threshold=threshold)
    rows = zip(labels, probs, expected_labels, expected_probs, strict=True)
    for got_l, got_p, exp_l, exp_p in rows:
        got = dict(zip(got_l, got_p.tolist(), strict=True))
        assert got == dict(zip(exp_l, exp_p.tolist(), strict=True))  # bit for bit
        assert got_p.tolist() == exp_p.tolist()  # best first
    # predict_into: the same numbers, by column
    all_labels = reference.get_labels()
    out, top = np.zeros((len(views), len(all_labels))), np.zeros(len(views))
    native.predict_into(views, k, threshold, np.arange(len(all_labels), dtype=np.int32), out, top)
    for i, (exp_l, exp_p) in enumerate(zip(expected_labels, expected_probs, strict=True)):
        expected = np.zeros(len(all_labels))
        expected[[all_labels.index(label) for label in exp_l]] = exp_p
        assert out[i].tolist() == expected.tolist()
        assert top[i] == float(exp_p[0])


def test_a_model_the_compiled_path_does_not_read_falls_back(tmp_path: Path) -> None:
    from triage.pipeline import ftz

    odd = tmp_path / "odd.ftz"
    odd.write_bytes((MODEL_DIR / "lid.176.ftz").read_bytes()[:-8])  # truncated
    assert ftz.load(odd) is None
    zeros = tmp_path / "x.bin"
    zeros.write_bytes(b"\0" * 64)
    assert ftz.load(zeros) is None
