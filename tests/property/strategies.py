"""Shared hypothesis strategies: comment-like text with RTL scripts, emoji and odd whitespace."""

from hypothesis import strategies as st

_ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz ABCXYZ",
    "ăâîșțşţ đơưạảấầẩẫậắằẳẵặ",
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآ ؤئء",
    "پچژگکی\u200cیک",
    "😀👍❤️🔥🙏\u200d🏽",
    "?؟!.,:;()\"'@#/-_ \t\n",
    "\u200b\u200e\u200f\ufeff\u00ad\u2066",
    "0123456789٠١٢٣",
]

comment_text = st.one_of(
    st.text(alphabet=st.sampled_from("".join(_ALPHABETS)), max_size=80),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
)
