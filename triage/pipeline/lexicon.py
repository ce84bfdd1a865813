"""Cue words that carry a tag across languages.

The n-gram features learn words only in the languages that have labelled data. These lists map
the words that signal a question, a complaint, praise or spam in every supported language onto
one shared feature each, so a weight learned from English and Vietnamese data applies to Persian.
Entries are matched on :func:`triage.pipeline.text.fold` output (lower case, Arabic variants unified), as
whole words or phrases. Keep them short and high-precision; the classifiers do the rest.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triage.pipeline.text import _native, fold

__all__ = ["CUES", "CueMatcher"]

CUES: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "question": {
        "en": ("what", "when", "where", "how", "why", "which", "who", "how much", "how long", "do you",
               "does it", "is it", "is there", "are you", "can i", "can you", "could you", "any update",
               "anyone know", "price pls", "pm price"),
        "vi": ("không ạ", "ko ạ", "k ạ", "bao nhiêu", "bao nhieu", "bao giờ", "bao gio", "ở đâu", "o dau",
               "khi nào", "khi nao", "thế nào", "the nao", "sao vậy", "sao vay", "được không", "dc ko",
               "có không", "co ko", "chưa ạ", "chua a", "giá sao", "gia sao", "có ship", "co ship",
               "làm sao", "lam sao", "nhiêu", "nhieu", "hỏi", "hoi", "mấy", "may ngay", "ib giá"),
        "ro": ("cât costă", "cat costa", "când", "cand", "unde", "cum", "de ce", "care", "aveți", "aveti",
               "se poate", "este disponibil", "e disponibil", "ce preț", "ce pret", "cât", "cat", "livrați",
               "livrati", "puteți", "puteti", "mă puteți", "stie cineva", "știe cineva"),
        "ar": ("هل", "کم", "متی", "این", "وین", "کیف", "کیفاش", "لماذا", "لیش", "لیه", "لوین", "شو", "ایش",
               "اش", "ماذا", "ما هو", "ما هی", "بکام", "بکم", "فین", "امتی", "ازای", "مین", "اشلون", "شلون",
               "ممکن", "عندکم", "عندکو", "فی توصیل", "السعر"),
        "fa": ("آیا", "ایا", "چند", "چقدر", "کی", "کجا", "چطور", "چطوری", "چرا", "چه", "چی", "کدام", "کدوم",
               "قیمت", "موجود", "دارید", "دارین", "میشه", "می‌شه", "ممکنه", "چیه", "کیه", "نمیشه"),
        "es": ("qué", "que precio", "cuándo", "cuando", "dónde", "donde", "cómo", "como", "cuánto", "cuanto",
               "por qué", "hay", "tienen", "se puede"),
        "fr": ("quand", "où", "comment", "combien", "pourquoi", "quel", "quelle", "est-ce", "est ce",
               "avez-vous", "avez vous", "c'est combien", "y a-t-il"),
        "de": ("wann", "wo", "wie", "warum", "was kostet", "welche", "gibt es", "habt ihr", "haben sie",
               "kann man", "könnt ihr", "wieviel", "wie viel"),
        "it": ("quando", "dove", "come", "quanto", "perché", "perche", "quale", "avete", "si può", "c'è"),
        "pt": ("quando", "onde", "como", "quanto", "por que", "porque", "qual", "vocês têm", "tem", "dá pra"),
        "hi": ("क्या", "कब", "कहाँ", "कहां", "कैसे", "क्यों", "कितना", "कितने", "कौन", "kya", "kab", "kitna",
               "kaise", "kyu", "kyon"),
        "id": ("apa", "kapan", "dimana", "di mana", "bagaimana", "gimana", "kenapa", "mengapa", "berapa",
               "brp", "ada", "bisa", "apakah", "kak ready"),
        "ru": ("что", "когда", "где", "как", "почему", "сколько", "какой", "какая", "есть ли", "можно",
               "подскажите", "а есть"),
        "tr": ("ne zaman", "nerede", "nasıl", "neden", "niye", "kaç", "ne kadar", "hangi", "var mı",
               "mı", "mi", "mu", "mü", "fiyat"),
    },
    "complaint": {
        "en": ("refund", "broken", "damaged", "never arrived", "not arrived", "still waiting", "worst",
               "terrible", "awful", "scam", "rude", "disappointed", "cancel", "charged twice", "not working",
               "doesn't work", "didn't receive", "no reply", "no response", "late", "delay", "delayed",
               "wrong item", "poor service", "complaint", "unacceptable", "ripped off", "useless", "crash"),
        "vi": ("lừa đảo", "lua dao", "thất vọng", "that vong", "tệ", "te qua", "chán", "chan", "chậm",
               "cham", "lỗi", "loi", "hỏng", "hong", "hư", "bể", "vỡ", "không nhận được", "ko nhan dc",
               "chưa nhận", "chua nhan", "hoàn tiền", "hoan tien", "đổi trả", "doi tra", "giao sai",
               "thiếu", "kém", "kem chat luong", "không trả lời", "ko tra loi", "bực", "buc", "phốt", "mãi"),
        "ro": ("rambursare", "returnare", "defect", "stricat", "întârziere", "intarziere", "nu a ajuns",
               "n-a ajuns", "nu am primit", "n-am primit", "dezamăgit", "dezamagit", "dezamăgită",
               "dezamagita", "cel mai prost", "groaznic", "nasol", "țeapă", "teapa", "nesimțit", "nesimtit",
               "reclamație", "reclamatie", "nu funcționează", "nu functioneaza", "nimeni nu răspunde",
               "nu raspunde", "bani înapoi", "banii inapoi", "rușine", "rusine", "jalnic"),
        "ar": ("سیء", "سیی", "زفت", "نصب", "نصابین", "حرامیه", "استرجاع", "استرداد", "مرتجع", "تاخیر",
               "متاخر", "لم یصل", "ما وصل", "موصلش", "خربان", "خربانه", "عطلان", "عطل", "مکسور", "اسوا",
               "فاشل", "مش شغال", "مو شغال", "ما یشتغل", "شکوی", "حسبی الله", "ولا رد", "محد یرد",
               "ما حد یرد", "خصم", "خصموا", "مبلغ", "فلوسی", "زباله", "مقرف"),
        "fa": ("افتضاح", "افتضاحه", "بد", "خیلی بد", "خراب", "خرابه", "شکسته", "تاخیر", "دیر", "نرسیده",
               "نرسید", "نیومده", "پس بدید", "مرجوع", "برگشت پول", "پولم", "کلاهبردار", "کلاهبرداری",
               "شکایت", "جواب نمیدید", "جواب نمی‌دید", "پاسخگو نیست", "قطع", "قطعه", "بی‌کیفیت", "بی کیفیت",
               "ناراضی", "ناراضیم", "داغون", "مزخرف", "گرون", "اعصاب"),
        "es": ("reembolso", "roto", "estafa", "pésimo", "pesimo", "no llegó", "no llego", "tarde",
               "decepcionado", "queja", "no funciona", "nadie responde", "devolución", "horrible"),
        "fr": ("remboursement", "cassé", "arnaque", "nul", "toujours pas reçu", "pas reçu", "retard",
               "déçu", "déçue", "plainte", "ne marche pas", "ne fonctionne pas", "aucune réponse", "honteux"),
        "de": ("rückerstattung", "kaputt", "betrug", "schlecht", "nicht angekommen", "verspätung",
               "enttäuscht", "beschwerde", "funktioniert nicht", "keine antwort", "unverschämt", "frechheit"),
        "it": ("rimborso", "rotto", "truffa", "pessimo", "non è arrivato", "non arrivato", "ritardo",
               "deluso", "delusa", "reclamo", "non funziona", "nessuna risposta", "vergogna"),
        "pt": ("reembolso", "quebrado", "golpe", "péssimo", "pessimo", "não chegou", "nao chegou", "atraso",
               "decepcionado", "reclamação", "não funciona", "ninguém responde", "vergonha", "horrível"),
        "hi": ("रिफंड", "खराब", "टूटा", "धोखा", "नहीं आया", "देरी", "शिकायत", "बेकार", "घटिया", "refund",
               "kharab", "bekar", "dhokha", "nahi aaya"),
        "id": ("refund", "rusak", "penipuan", "kecewa", "belum sampai", "belum datang", "lama banget",
               "komplain", "tidak berfungsi", "gak bisa", "ga bisa", "jelek", "parah", "lambat"),
        "ru": ("возврат", "сломан", "сломался", "обман", "мошенники", "ужасно", "ужасный", "не пришел",
               "не пришёл", "задержка", "разочарован", "жалоба", "не работает", "никто не отвечает", "позор"),
        "tr": ("iade", "bozuk", "kırık", "dolandırıcı", "rezalet", "berbat", "gelmedi", "gecikme",
               "hayal kırıklığı", "şikayet", "çalışmıyor", "cevap yok", "yazık", "kötü"),
    },
    "praise": {
        "en": ("amazing", "awesome", "excellent", "fantastic", "love it", "love this", "loved", "best",
               "great service", "highly recommend", "recommend", "perfect", "thank you so much",
               "thanks so much", "well done", "outstanding", "brilliant", "superb", "5 stars", "saved my day",
               "keep it up", "impressed", "delicious", "wonderful", "top notch"),
        "vi": ("tuyệt vời", "tuyet voi", "rất tốt", "rat tot", "đẹp", "dep", "xuất sắc", "xuat sac",
               "ưng", "ung y", "hài lòng", "hai long", "cảm ơn shop", "cam on shop", "ủng hộ", "ung ho",
               "chất lượng", "chat luong", "nhiệt tình", "nhiet tinh", "ngon", "yêu", "iu", "recommend",
               "10 điểm", "10d", "sẽ quay lại", "se quay lai", "giao nhanh", "đáng tiền", "dang tien"),
        "ro": ("super", "minunat", "minunată", "excelent", "excelentă", "perfect", "recomand", "cel mai bun",
               "cea mai bună", "cea mai buna", "mulțumesc mult", "multumesc mult", "bravo", "felicitări",
               "felicitari", "delicios", "delicioasă", "foarte bun", "foarte bună", "mă întorc", "ma intorc",
               "top", "impecabil", "profesioniști", "profesionisti", "amabil", "amabili"),
        "ar": ("ممتاز", "ممتازه", "رائع", "رایع", "روعه", "جمیل", "تحفه", "افضل", "احسن", "شکرا جزیلا",
               "الله یعطیکم العافیه", "یعطیکم العافیه", "انصح", "انصح به", "تسلم", "تسلموا", "خدمه ممتازه",
               "حلو", "لذیذ", "مبدعین", "ابداع", "اسطوره", "عالمی", "بالتوفیق", "فخم", "خرافی"),
        "fa": ("عالی", "عالیه", "فوق العاده", "فوق‌العاده", "ممنون از", "دستتون درد نکنه", "دمتون گرم",
               "بهترین", "خوشمزه", "پیشنهاد می‌کنم", "پیشنهاد میکنم", "راضی", "راضیم", "حرف نداره",
               "محشر", "ایول", "خسته نباشید", "باکیفیت", "با کیفیت", "سپاس", "مرسی از", "خیلی خوب", "قشنگ"),
        "es": ("excelente", "increíble", "genial", "me encanta", "encantó", "el mejor", "la mejor",
               "recomiendo", "perfecto", "muchas gracias", "buenísimo", "delicioso", "felicidades"),
        "fr": ("excellent", "génial", "super", "parfait", "j'adore", "le meilleur", "la meilleure",
               "je recommande", "merci beaucoup", "bravo", "délicieux", "top", "au top"),
        "de": ("super", "toll", "klasse", "perfekt", "ausgezeichnet", "hervorragend", "empfehlen",
               "empfehlenswert", "vielen dank", "beste", "lecker", "spitze", "großartig"),
        "it": ("ottimo", "ottima", "eccellente", "fantastico", "perfetto", "consiglio", "il migliore",
               "la migliore", "grazie mille", "bravissimi", "buonissimo", "stupendo"),
        "pt": ("ótimo", "otimo", "excelente", "maravilhoso", "perfeito", "recomendo", "o melhor",
               "a melhor", "muito obrigado", "muito obrigada", "parabéns", "delicioso", "top demais"),
        "hi": ("बहुत अच्छा", "शानदार", "बेहतरीन", "धन्यवाद", "मस्त", "बढ़िया", "badhiya", "shandaar",
               "bahut accha", "mast", "zabardast"),
        "id": ("mantap", "bagus", "keren", "rekomen", "recommended", "terbaik", "puas", "makasih banyak",
               "terima kasih banyak", "enak", "mantul", "top"),
        "ru": ("отлично", "супер", "класс", "прекрасно", "рекомендую", "лучший", "лучшая", "спасибо большое",
               "большое спасибо", "молодцы", "вкусно", "восторг", "идеально"),
        "tr": ("harika", "mükemmel", "süper", "çok güzel", "tavsiye ederim", "en iyi", "çok teşekkürler",
               "teşekkürler", "bayıldım", "lezzetli", "muhteşem", "efsane"),
    },
    "spam": {
        "*": ("httpurl", "phonenum", "emailaddr", "whatsapp", "telegram", "t.me", "dm me", "inbox me",
              "subscribe", "sub4sub", "follow me", "check my", "my channel", "click", "link in bio", "bitcoin",
              "crypto", "forex", "btc", "usdt", "investment", "earn money", "giveaway", "promo code",
              "free", "100%", "casino", "bet", "loan", "viagra", "onlyfans", "واتساب", "تلگرام", "تلغرام"),
        "vi": ("kiếm tiền", "kiem tien", "thu nhập", "thu nhap", "việc nhẹ lương cao", "viec nhe luong cao",
               "vay tiền", "vay tien", "zalo", "kết bạn", "ket ban", "inbox", "sale sốc", "free ship"),
        "ro": ("câștigă", "castiga", "bani rapid", "bani rapizi", "împrumut", "imprumut", "abonează-te",
               "aboneaza-te", "intră pe", "intra pe", "ofertă", "oferta"),
        "ar": ("للتواصل", "تواصل", "ربح", "ارباح", "اربح", "سعودی", "علاج", "مجانا", "خصم", "اشترک",
               "تابعونی", "رابط", "الرابط", "منشطات", "تسمین", "تکبیر"),
        "fa": ("درآمد", "درامد", "کسب درآمد", "رایگان", "فالو", "عضو شوید", "لینک", "وام", "سرمایه گذاری",
               "سرمایه‌گذاری", "کانال"),
    },
}


_TOKEN = re.compile(r"\w+")


class CueMatcher:
    """Counts cue words of each tag in a folded text.

    Single-word cues are looked up in a set (one pass over the tokens); only the multi-word or
    punctuated cues go through a regular expression. Much faster than one big alternation.
    """

    def __init__(self, cues: Mapping[str, Mapping[str, tuple[str, ...]]] = CUES) -> None:
        self.words: dict[str, frozenset[str]] = {}
        #: the multi-word or punctuated cues of each tag, longest first (the regex's order)
        self.multi: dict[str, tuple[str, ...]] = {}
        self.phrases: dict[str, re.Pattern[str] | None] = {}
        for tag, by_lang in cues.items():
            folded = {fold(w) for words in by_lang.values() for w in words} - {""}
            single = {w for w in folded if _TOKEN.fullmatch(w)}
            multi = sorted(folded - single, key=len, reverse=True)
            self.words[tag] = frozenset(single)
            self.multi[tag] = tuple(multi)
            body = "|".join(re.escape(w) for w in multi)
            self.phrases[tag] = re.compile(rf"(?<!\w)(?:{body})(?!\w)") if multi else None
        self._table: tuple[tuple[str, ...], Any] | None = None

    def native(self, tags: tuple[str, ...]) -> Any:
        """The same cues as a compiled table for ``tags`` (in that order; made once, then kept).

        Counts exactly what :meth:`count` counts: a token of a single-word cue, and each
        non-overlapping phrase match, longest first, not inside a word.
        """
        if self._table is None or self._table[0] != tags:
            masks: dict[str, int] = {}
            for i, tag in enumerate(tags):
                for w in self.words[tag]:
                    masks[w] = masks.get(w, 0) | 1 << i
            phrases = [(p, i) for i, tag in enumerate(tags) for p in self.multi[tag]]
            assert _native is not None, "the compiled module is not built (scripts/setup)"
            self._table = (tags, _native.CueTable(len(tags), masks, phrases))
        return self._table[1]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_table": None}  # the compiled table is remade on first use

    def count(self, tag: str, tokens: list[str], folded: str) -> int:
        """Number of cue occurrences of ``tag``; ``tokens`` are ``\\w+`` runs of ``folded``."""
        words = self.words[tag]
        n = sum(1 for t in tokens if t in words)
        phrases = self.phrases[tag]
        if phrases is not None:
            n += len(phrases.findall(folded))
        return n

    @staticmethod
    def tokens(folded: str) -> list[str]:
        """The word tokens the single-word cues are matched against."""
        return _TOKEN.findall(folded)
