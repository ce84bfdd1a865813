"""Urgency cues: the hand-written multilingual lexicon finds urgent phrasings it was not shown.

The positive sentences are written for these tests (full comments, not the cue strings), so they
check that the cues generalise to how people write: other words around them, missing diacritics,
Arabic letter variants, Persian with or without ZWNJ, elongated letters.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from triage.pipeline.text import fold
from triage.pipeline.urgency_cues import (
    CATEGORIES,
    FEATURE_NAMES,
    URGENCY_CUES,
    UrgencyCues,
    match_tokens,
)

CORE = ("en", "vi", "ro", "ar", "fa")
LANGS = ("en", "vi", "ro", "ar", "fa", "es", "fr", "de", "it", "pt", "hi", "id", "ru", "tr")


@pytest.fixture(scope="module")
def cues() -> UrgencyCues:
    return UrgencyCues()


def categories_hit(cues: UrgencyCues, text: str) -> set[str]:
    return {c for c, n in zip(CATEGORIES, cues.counts(fold(text)), strict=True) if n}


POSITIVES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "money": ("I was charged twice for the same pizza order, please fix this",
                  "You overcharged me on this month's bill by 40 dollars",
                  "Still no refund after I returned the shoes two weeks ago"),
        "lost": ("My parcel never arrived even though the app says it was delivered",
                 "Ordered a blue jacket and you sent me the wrong item",
                 "Half the groceries were missing from my order today"),
        "outage": ("There's been no internet in our whole street since this morning",
                   "I can't log in to the app, it keeps crashing",
                   "My card was declined at the till even though I have money"),
        "safety": ("My daughter got food poisoning after eating your chicken wrap",
                   "Found a piece of glass in my salad!!",
                   "The charger caught fire overnight, this is dangerous"),
        "fraud": ("My account got hacked and someone ordered stuff with my card",
                  "There is a fake page impersonating you and asking for card details",
                  "Unauthorized transaction on my statement from your store"),
        "threat": ("If this isn't sorted today I'm cancelling my subscription",
                   "I'm going to report you to trading standards",
                   "My lawyer will be in touch about this"),
        "waiting": ("Still waiting for someone to answer my email from last week",
                    "I've called 5 times and nobody answers",
                    "Hello?? Nobody replies to my messages"),
        "anger": ("Absolutely disgusting customer service",
                  "This is unacceptable and frankly ridiculous",
                  "Worst company I have ever dealt with"),
    },
    "vi": {
        "money": ("Shop ơi em bị trừ tiền hai lần cho cùng một đơn",
                  "Đã hủy đơn 2 tuần mà vẫn chưa hoàn tiền cho em",
                  "Tháng này nhà mạng tính cước sai, cao gấp đôi"),
        "lost": ("Đặt hàng 10 ngày rồi mà vẫn chưa nhận được hàng",
                 "Shop giao sai màu, em đặt đen mà nhận màu trắng",
                 "App báo đã giao nhưng em không nhận được gì cả"),
        "outage": ("Từ sáng tới giờ mất mạng hoàn toàn, không làm việc được",
                   "Ứng dụng ngân hàng bị lỗi, không đăng nhập được",
                   "Tự nhiên thẻ bị khóa mà không báo trước"),
        "safety": ("Cả nhà bị ngộ độc sau khi ăn bánh mì ở quán",
                   "Con tôi bị dị ứng nổi mẩn khắp người sau khi dùng kem",
                   "Sữa mua về đã hết hạn sử dụng từ tháng trước"),
        "fraud": ("Có page giả mạo shop đang lừa khách chuyển khoản",
                  "Tài khoản của tôi bị hack và mất hết tiền",
                  "Tôi bị lừa đảo qua một tin nhắn giả"),
        "threat": ("Nếu không giải quyết tôi sẽ kiện ra tòa",
                   "Tôi sẽ hủy hợp đồng và chuyển sang nhà mạng khác",
                   "Mình sẽ bóc phốt lên group cho mọi người biết"),
        "waiting": ("Nhắn tin cho shop ba ngày rồi mà không ai trả lời",
                    "Gọi tổng đài cả chục lần không ai nghe máy",
                    "Chờ mãi mà vẫn chưa thấy phản hồi gì"),
        "anger": ("Dịch vụ quá tệ, thật sự không chấp nhận được",
                  "Nhân viên thái độ láo, bực mình ghê",
                  "Làm ăn kiểu gì vậy, vô trách nhiệm"),
    },
    "ro": {
        "money": ("M-ați taxat de două ori pentru aceeași comandă!",
                  "Am returnat produsul acum o lună și nu mi-ați returnat banii",
                  "Factura umflată luna asta, de trei ori mai mare ca de obicei"),
        "lost": ("Coletul nu a ajuns nici după două săptămâni",
                 "Am primit alt produs decât am comandat",
                 "Apare ca livrat dar eu n-am primit coletul"),
        "outage": ("Nu am internet de ieri seară în tot blocul",
                   "Aplicația nu funcționează, nu mă pot loga deloc",
                   "Mi-au blocat cardul fără niciun motiv"),
        "safety": ("Ne-am intoxicat toată familia după pizza de aseară",
                   "Am găsit gândaci în pachetul de orez",
                   "Copilul a făcut alergie după crema voastră"),
        "fraud": ("Am luat țeapă de la o pagină care se dă drept voi",
                  "Mi-au spart contul și au comandat pe numele meu",
                  "Tranzacție neautorizată pe card de la magazinul vostru"),
        "threat": ("Reziliez contractul dacă nu rezolvați azi",
                   "Fac sesizare la ANPC, nu mai suport",
                   "Vă dau în judecată pentru asta"),
        "waiting": ("Tot aștept un răspuns de o săptămână",
                    "Am sunat de 10 ori și nu răspunde nimeni",
                    "V-am scris de mai multe ori pe privat"),
        "anger": ("E o bătaie de joc ce faceți cu clienții",
                  "Rușine să vă fie, sunteți penibili",
                  "Cel mai prost serviciu din țară"),
    },
    "ar": {
        "money": ("انخصم المبلغ مرتين من حسابي والله",
                  "رجعولي فلوسي لأني لغيت الطلب من أسبوعين",
                  "الفاتورة غلط وفيها رسوم مخفية"),
        "lost": ("الطلب ما وصل لحد الآن",
                 "وصلني منتج غلط غير اللي طلبته",
                 "الأوردر موصلش ومكتوب تم التوصيل"),
        "outage": ("مفيش نت من امبارح في المنطقة كلها",
                   "التطبيق مش شغال ومش قادر ادخل على حسابي",
                   "البطاقة مرفوضة مع إن فيها رصيد"),
        "safety": ("جالي تسمم بعد الأكل من عندكم",
                   "لقيت صرصور في الأكل",
                   "المنتج منتهي الصلاحية يا جماعة"),
        "fraud": ("حسابي اتهكر وحد سحب فلوس",
                  "في صفحة مزيفة بتنتحل اسمكم",
                  "نصابين وحرامية"),
        "threat": ("هلغي الاشتراك لو ما اتحلت المشكلة",
                   "راح أشتكي لحماية المستهلك",
                   "هرفع قضية عليكم في المحكمة"),
        "waiting": ("بقالي أسبوع مستني رد ومحدش بيرد",
                    "اتصلت ٥ مرات ولا رد",
                    "صارلي يومين ناطر وما في رد"),
        "anger": ("أسوأ خدمة عملاء شفتها بحياتي",
                  "حسبي الله ونعم الوكيل فيكم",
                  "مهزلة والله، خدمة زفت"),
    },
    "fa": {
        "money": ("دو بار از حسابم کسر شد ولی سفارش ثبت نشد",
                  "بعد از لغو سفارش پولم برنگشته",
                  "مبلغ اشتباه از کارتم کم کردید"),
        "lost": ("سفارشم بعد از ده روز هنوز نرسیده",
                 "رنگ اشتباه برام فرستادید",
                 "نوشته تحویل شده ولی به دستم نرسیده"),
        "outage": ("از دیشب اینترنت قطعه",
                   "اپلیکیشن کار نمی‌کنه و نمی‌تونم وارد بشم",
                   "کارتم مسدود شده بدون هیچ دلیلی"),
        "safety": ("بعد از خوردن پیتزا مسموم شدم",
                   "توی غذا سوسک بود",
                   "شیر تاریخ مصرف گذشته فروختید"),
        "fraud": ("یه پیج جعلی به اسم شما داره کلاهبرداری می‌کنه",
                  "اکانتم هک شده",
                  "برداشت غیرمجاز از حسابم انجام شده"),
        "threat": ("ازتون شکایت می‌کنم به تعزیرات",
                   "قرارداد رو فسخ می‌کنم",
                   "اگه درست نشه میرم ایرانسل"),
        "waiting": ("یه هفته‌ست منتظرم و کسی جواب نمیده",
                    "چند بار زنگ زدم هیچکس جواب نداد",
                    "پشتیبانی اصلا پاسخگو نیست"),
        "anger": ("واقعا افتضاحه این خدمات",
                  "خیلی بی‌مسئولیت هستید، خجالت بکشید",
                  "بدترین خرید عمرم بود"),
    },
}

OTHER_POSITIVES = [
    ("es", "money", "Me cobraron dos veces la misma compra"),
    ("es", "lost", "Mi pedido nunca llegó y ya pasó un mes"),
    ("es", "anger", "Pésimo servicio, una vergüenza"),
    ("fr", "waiting", "J'attends toujours une réponse depuis une semaine"),
    ("fr", "outage", "Ça fait deux jours que je n'ai plus d'internet"),
    ("fr", "threat", "Je vais porter plainte"),
    ("de", "money", "Ihr habt doppelt abgebucht!"),
    ("de", "outage", "Seit heute morgen kein Internet, die Störung nervt"),
    ("de", "anger", "Eine Frechheit, was ihr da macht"),
    ("it", "lost", "Il pacco non è mai arrivato"),
    ("it", "safety", "Ho trovato la muffa nel pane"),
    ("pt", "fraud", "Clonaram meu cartão depois de comprar no site de vocês"),
    ("pt", "threat", "Vou abrir reclamação no Procon"),
    ("hi", "money", "Mere paise kat gaye lekin order nahi hua"),
    ("hi", "waiting", "3 din se koi jawab nahi de raha"),
    ("hi", "fraud", "यह तो सीधा धोखा है"),
    ("id", "lost", "Paket belum sampai padahal udah seminggu"),
    ("id", "outage", "Dari pagi gak ada sinyal sama sekali"),
    ("ru", "money", "Списали деньги дважды за один заказ"),
    ("ru", "waiting", "Никто не отвечает уже неделю"),
    ("ru", "safety", "Отравился после вашей шаурмы"),
    ("tr", "lost", "Siparişim hala gelmedi"),
    ("tr", "threat", "Tüketici hakem heyetine başvuracağım"),
    ("tr", "anger", "Rezalet bir hizmet"),
]

NEGATIVES = {
    "en": ("Love the new menu, the burger was amazing!", "What time do you open on Sundays?",
           "Happy birthday to the whole team 🎉", "Is the blue one available in size M?",
           "thanks for the quick delivery, see you next week"),
    "vi": ("Sản phẩm rất tốt, giao hàng nhanh, cảm ơn shop!", "Shop ơi áo này còn size L không ạ?",
           "Quán dễ thương quá, lần sau ghé tiếp", "Giá bao nhiêu vậy shop?"),
    "ro": ("Mulțumesc, livrare rapidă și produs excelent!", "Aveți și mărimea 42?",
           "Ce frumos arată noul magazin", "La ce oră deschideți mâine?"),
    "ar": ("الأكل ممتاز والخدمة رائعة، شكراً", "بكم هذا المنتج؟", "كل عام وأنتم بخير",
           "هل يوجد توصيل للرياض؟"),
    "fa": ("خیلی ممنون، کیفیت عالی بود", "قیمت این مدل چنده؟", "تولدتون مبارک",
           "شعبه جدید کجاست؟"),
    "es": ("¡Me encanta este lugar!", "¿Tienen envío a Valencia?"),
    "fr": ("Merci, super service", "Vous ouvrez à quelle heure ?"),
    "de": ("Wann öffnet ihr morgen?", "Sehr lecker, danke!"),
    "it": ("Buonissimo, grazie!", "Avete la taglia 40?"),
    "pt": ("Adorei o produto", "Vocês entregam em Campinas?"),
    "hi": ("bahut badhiya product hai", "यह कितने का है?"),
    "id": ("Mantap, barangnya bagus", "Kak ready warna hitam?"),
    "ru": ("Спасибо, всё отлично", "Сколько стоит доставка?"),
    "tr": ("Çok güzel, teşekkürler", "Bu ürünün fiyatı ne kadar?"),
}


@pytest.mark.parametrize(
    ("lang", "category", "text"),
    [(lang, cat, text) for lang, by_cat in POSITIVES.items() for cat, texts in by_cat.items()
     for text in texts] + OTHER_POSITIVES,
)
def test_positive_comments_hit_their_category(cues: UrgencyCues, lang: str, category: str,
                                              text: str) -> None:
    assert category in categories_hit(cues, text), (lang, text, cues.hits(fold(text)))


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, t) for lang, ts in NEGATIVES.items() for t in ts]
)
def test_praise_questions_and_chitchat_hit_nothing(cues: UrgencyCues, lang: str, text: str) -> None:
    assert categories_hit(cues, text) == set(), (lang, text, cues.hits(fold(text)))


def test_every_core_language_has_positives_for_every_category() -> None:
    for lang in CORE:
        assert set(POSITIVES[lang]) == set(CATEGORIES), lang


@pytest.mark.parametrize(
    ("with_diacritics", "without"),
    [
        ("Shop ơi em bị trừ tiền hai lần rồi", "shop oi em bi tru tien hai lan roi"),
        ("Đặt hàng lâu rồi mà chưa nhận được hàng", "dat hang lau roi ma chua nhan dc hang"),
        ("Mất mạng từ sáng tới giờ", "mat mang tu sang toi gio"),
        ("Cả nhà bị ngộ độc sau khi ăn", "ca nha bi ngo doc sau khi an"),
        ("Tài khoản bị hack hết tiền", "tai khoan bi hack het tien"),
        ("Tôi sẽ kiện ra tòa", "toi se kien ra toa"),
        ("Nhắn tin không ai trả lời", "nhan tin ko ai tra loi"),
        ("Dịch vụ quá tệ", "dich vu qua te"),
        ("M-ați taxat de două ori", "m-ati taxat de doua ori"),
        ("Coletul nu a ajuns nici azi", "coletul nu a ajuns nici azi"),
        ("Nu am internet de ieri", "nu am internet de ieri"),
        ("Ne-am intoxicat după cină", "ne-am intoxicat dupa cina"),
        ("Am luat țeapă de la voi", "am luat teapa de la voi"),
        ("Reziliez contractul mâine", "reziliez contractul maine"),
        ("La telefon nu răspunde nimeni", "la telefon nu raspunde nimeni"),
        ("E o bătaie de joc", "e o bataie de joc"),
    ],
)
def test_diacritic_free_vietnamese_and_romanian_match_like_the_diacritic_forms(
    cues: UrgencyCues, with_diacritics: str, without: str
) -> None:
    found = categories_hit(cues, with_diacritics)
    assert found, with_diacritics
    assert categories_hit(cues, without) == found


def test_romanian_cedilla_and_comma_below_letters_match_alike(cues: UrgencyCues) -> None:
    comma = "Am luat \u021beap\u0103, ru\u0219ine"  # ț, ș (comma below)
    cedilla = "Am luat \u0163eap\u0103, ru\u015fine"  # ţ, ş (cedilla), as old keyboards type
    assert categories_hit(cues, comma) == categories_hit(cues, cedilla) == {"fraud", "anger"}


@pytest.mark.parametrize(
    "variants",
    [
        ("أسوأ خدمة", "اسوا خدمه", "اسوء خدمة", "أسوء خدمه"),  # hamza seats, teh marbuta
        ("ما وصلني الطلب", "ما وصلنى الطلب", "ماوصلني الطلب"),  # alef maksura, joined negation
        ("البطاقة مرفوضة", "البطاقه مرفوضه", "البطاقة مرفوضة"),
        ("مُقْرِف جداً", "مقرف جدا", "مقـــرف جدا"),  # harakat, tatweel
        ("الشبكة واقعة", "الشبکه واقعه"),  # Persian keheh for kaf
        ("وفلوسي راحت", "فلوسي راحت"),  # conjunction attached
        ("mesh sha8al", "msh sha8al"),  # Arabizi
    ],
)
def test_arabic_letter_variants_match_alike(cues: UrgencyCues, variants: tuple[str, ...]) -> None:
    found = [categories_hit(cues, v) for v in variants]
    assert found[0], variants[0]
    assert all(f == found[0] for f in found), list(zip(variants, found, strict=True))


@pytest.mark.parametrize(
    "variants",
    [
        ("کار نمی\u200cکنه", "کار نمیکنه", "کار نمی کنه"),
        ("جواب نمی\u200cدید", "جواب نمیدید", "جواب نمی دید"),
        ("یه هفته\u200cست منتظرم", "یه هفتهست منتظرم", "یه هفته ست منتظرم"),
        ("ازتون شکایت می\u200cکنم", "ازتون شکایت میکنم"),
    ],
)
def test_persian_with_and_without_zwnj_match_alike(cues: UrgencyCues,
                                                   variants: tuple[str, ...]) -> None:
    found = [categories_hit(cues, v) for v in variants]
    assert found[0], variants[0]
    assert all(f == found[0] for f in found), list(zip(variants, found, strict=True))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("İPTAL EDİYORUM", "iptal ediyorum"),  # dotted capital I lower-cases to i + combining dot
        ("Siparişim gelmedi, dolandırıcılar", "siparisim gelmedi, dolandiricilar"),
        ("paise kat gaye aur refund nahi mila", "paisa kat gya aur refund nhi mila"),
        ("Worst service ever", "WORSTTTTT service ever"),
        ("Не пришёл заказ", "не пришел заказ"),
        ("Geld doppelt abgebucht", "geld doppelt abgebucht"),
    ],
)
def test_spelling_variants_match_alike(cues: UrgencyCues, a: str, b: str) -> None:
    assert categories_hit(cues, a)
    assert categories_hit(cues, a) == categories_hit(cues, b)


def test_features_shape_dtype_and_range(cues: UrgencyCues) -> None:
    texts = [fold(t) for t in (
        "",
        "great food, thanks",
        "charged twice, double charged again and still no refund",
        "my parcel never arrived, no one answers, this is unacceptable and I will sue you",
    )]
    X = cues.features(texts)
    assert X.shape == (4, len(CATEGORIES) + 1) == (4, len(FEATURE_NAMES))
    assert X.dtype == np.float32
    assert ((X >= 0) & (X <= 1)).all()
    assert set(np.unique(X[:, :-1])) <= {0.0, 0.5, 1.0}
    assert set(np.round(np.unique(X[:, -1]) * 3, 6)) <= {0.0, 1.0, 2.0, 3.0}
    assert not X[0].any()
    assert not X[1].any()
    money = CATEGORIES.index("money")
    assert X[2, money] == 1.0  # two or more money cues saturate
    assert X[3, -1] == 1.0  # lost, waiting, anger, threat: capped at three categories
    assert cues.features([]).shape == (0, len(CATEGORIES) + 1)


def test_features_agree_with_counts(cues: UrgencyCues) -> None:
    texts = [fold(t) for by_cat in POSITIVES.values() for ts in by_cat.values() for t in ts]
    X = cues.features(texts)
    for row, text in zip(X, texts, strict=True):
        counts = cues.counts(text)
        assert list(row[:-1]) == [min(c, 2) / 2 for c in counts]
        assert row[-1] == pytest.approx(min(sum(c > 0 for c in counts), 3) / 3)


def test_matches_are_on_word_boundaries(cues: UrgencyCues) -> None:
    # "scam" must not fire inside "scampi", nor "hacked" inside "whacked"
    assert categories_hit(cues, "the scampi was lovely") == set()
    assert categories_hit(cues, "I whacked my knee, my own fault lol") == set()
    # a phrase matches across punctuation and spacing between its words
    assert "lost" in categories_hit(cues, "it NEVER... arrived")


def test_a_phrase_counts_once_per_category(cues: UrgencyCues) -> None:
    # "still no refund" holds "no refund"; the longest cue wins, counted once
    assert cues.counts(fold("still no refund"))[CATEGORIES.index("money")] == 1


def test_lexicon_covers_every_category_and_language_with_enough_cues() -> None:
    assert tuple(URGENCY_CUES) == CATEGORIES
    for cat, by_lang in URGENCY_CUES.items():
        assert set(by_lang) == set(LANGS), cat
        for lang, words in by_lang.items():
            floor = 15 if lang in CORE else 8
            assert len(words) >= floor, (cat, lang, len(words))
            assert len(set(words)) == len(words), (cat, lang)
            for w in words:
                assert w == w.strip(), (cat, lang, w)
                assert w == w.lower(), (cat, lang, w)


def test_every_written_cue_matches_itself(cues: UrgencyCues) -> None:
    for cat, by_lang in URGENCY_CUES.items():
        for lang, words in by_lang.items():
            for w in words:
                assert cues.counts(fold(w))[CATEGORIES.index(cat)] >= 1, (cat, lang, w)


def test_no_cue_is_too_short_to_stand_alone() -> None:
    # one-token cues this short are dropped (Latin under 3 letters: "bbb" -> "b"); none is written
    for by_lang in URGENCY_CUES.values():
        for words in by_lang.values():
            for w in words:
                toks = match_tokens(fold(w))
                assert toks, w
                if len(toks) == 1:
                    assert len(toks[0]) >= (3 if toks[0].isascii() else 2), w


def test_fast_enough_for_the_scoring_path(cues: UrgencyCues) -> None:
    texts = [fold(t) for by_cat in POSITIVES.values() for ts in by_cat.values() for t in ts]
    texts += [fold(t) for ts in NEGATIVES.values() for t in ts]
    texts = texts * (4000 // len(texts) + 1)
    cues.features(texts[:100])  # warm the token cache
    start = time.process_time()
    cues.features(texts)
    rate = len(texts) / max(time.process_time() - start, 1e-9)
    # about 135,000/s of CPU time on the development machine; the floor only catches a blow-up
    assert rate > 10_000, rate
