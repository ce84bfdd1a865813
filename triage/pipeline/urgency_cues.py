"""Urgency cues: a hand-written multilingual lexicon of urgent phrasings, as dense features.

The urgency head learns its words from about 6,000 labelled rows, so a phrasing it has not seen
carries no weight. These lists name, in each of the 14 languages, the common ways people write
that something needs a human now (docs/labelling.md, "Priority"), one feature per kind of urgency:

* ``money``: charged twice, money deducted or taken, refund not received, overcharged, wrong amount;
* ``lost``: order or parcel lost, missing, never arrived, not delivered, wrong item received;
* ``outage``: no internet / signal / network, site or app down, not working, cannot log in, app
  crashes, card declined or blocked, account blocked or locked, power cut;
* ``safety``: food poisoning, sick or vomiting after eating, allergic reaction, injury, burn, fire,
  explosion, electric shock, expired or mouldy product, insects or glass in food, raw meat, danger;
* ``fraud``: hacked account, scam, stolen money or data, phishing, someone impersonating the brand,
  unauthorised transaction;
* ``threat``: cancelling a subscription or contract, switching provider, suing, lawyer, court,
  consumer authority or regulator, police, the press, bad reviews everywhere, boycott;
* ``waiting``: still waiting, days or weeks without an answer, nobody replies, called N times,
  ignored;
* ``anger``: worst, disgusting, unacceptable, ridiculous, shame on you, swearing, fed up.

Every cue was written by hand from knowledge of how people complain in each language (colloquial
forms, Vietnamese and Romanian with and without diacritics, Egyptian / Gulf / Levantine Arabic and
Arabizi, Persian with and without ZWNJ and Finglish, Hinglish, Turkish without its special
letters, Russian transliteration). Nothing was copied from a corpus, ours included: the point is
to generalise beyond ``datasets/domain``.

Matching. :class:`UrgencyCues` reads :func:`triage.pipeline.text.fold` output (lower case, numbers
as ``0``, URLs, phones and mentions as placeholder tokens, Arabic letter variants unified,
elongations cut to two letters). :data:`URGENCY_CUES` holds every written cue passed through
``fold`` at import; then cues and texts alike go through one more "match view" step
(:func:`match_tokens`):

1. split into word tokens: ``\\w+`` runs as in :class:`triage.pipeline.lexicon.CueMatcher`, with
   combining marks and ZWNJ kept inside the word (a Devanagari vowel sign, the dot that
   ``"İ".lower()`` leaves, or a Persian ZWNJ does not split a word);
2. in each token, ZWNJ removed (Persian ``می‌کنه`` = ``میکنه``), Latin diacritics stripped
   (``hoàn tiền`` = ``hoan tien``, ``ş``/``ș`` = ``s``, ``ı`` = ``i``, ``đ`` = ``d``, ``ß`` =
   ``ss``), ``ё`` = ``е``, Arabic hamza seats unified (``ؤ`` = ``و``, ``ئ`` = ``ی``, ``ء``
   dropped), doubled letters collapsed (``worsttt`` -> fold ``worstt`` -> ``worst``; ``aaya`` =
   ``aya``). Each distinct token is normalized once (a bounded cache).

A cue is a sequence of tokens: a one-word cue matches a token, a phrase matches a run of
consecutive tokens (so on word boundaries, whatever punctuation or spacing sits between them). In
each category matches do not overlap, and at each position the longest cue wins, as a regex
alternation sorted longest first would. To cover spelling habits without listing every form, a few
variants are generated at import: Vietnamese teen code (``không`` = ``ko``/``k``/``kh``/``hok``,
``được`` = ``dc``, ``rồi`` = ``r``), Hinglish spellings (``nahi`` = ``nhi``/``nahin``, ``gaya`` =
``gya``), Persian prefixes and suffixes written joined, with ZWNJ or with a space (``نمی کنه`` =
``نمیکنه``), and Arabic cues with the conjunction ``و`` attached.

Features: for each category ``min(count, 2) / 2``, then ``min(categories hit, 3) / 3``
(:data:`FEATURE_NAMES`).

A one-token cue shorter than three Latin letters (or two letters of another script) is ignored:
collapsing doubled letters would make ``bbb`` match any lone ``b``.

Speed: a dict lookup per token, and a join only where two tokens start a known phrase. Measured
with ``timeit`` on 8,234 folded comments of all 14 languages (mean 58 characters), one process on
the 2-core development machine while it was loaded (load average about 6): 70,000-95,000 comments
per second of wall-clock time, 135,000-150,000 per second of process CPU time
(``timer=time.process_time``). ``tests/unit/test_urgency_cues.py`` keeps a loose floor.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import os
import pickle
import re
import sys
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from triage.pipeline.text import _native, fold

# URGENCY_CUES comes from the module's __getattr__ (made on first use)
__all__ = ["CATEGORIES", "FEATURE_NAMES", "URGENCY_CUES", "UrgencyCues", "cue_cache_dir", "load_cues", "match_tokens"]  # noqa: F822

CATEGORIES: tuple[str, ...] = (
    "money", "lost", "outage", "safety", "fraud", "threat", "waiting", "anger",
)

#: column names of :meth:`UrgencyCues.features`
FEATURE_NAMES: tuple[str, ...] = tuple(f"urgency_{c}" for c in CATEGORIES) + ("urgency_categories",)


def _s(block: str) -> tuple[str, ...]:
    """Cues written one per ``|`` or line, for readability."""
    return tuple(c.strip() for line in block.splitlines() for c in line.split("|") if c.strip())


# Numbers are written as ``0``, the token fold() leaves for any number ("called 3 times" ->
# "called 0 times"). Vietnamese and Romanian are written with diacritics: the match view strips
# them from cues and texts alike, so the diacritic-free spelling matches too.
_WRITTEN: dict[str, dict[str, tuple[str, ...]]] = {
    "money": {
        "en": _s("""
            charged twice | charged me twice | charged 2 times | charged two times
            double charged | double charge | charged double | billed twice | double billed
            debited twice | deducted twice | overcharged | over charged | overcharging
            charged me extra | charged extra | hidden fees | hidden charges | wrong amount
            charged the wrong amount | took my money | taken my money | money was taken
            money deducted | amount deducted | amount debited | deducted from my account
            money is gone | money disappeared | refund not received | still no refund
            never got my refund | where is my refund | wheres my refund | where's my refund
            haven't received my refund | havent received my refund | waiting for my refund
            want my money back | give me my money back | give my money back | refund my money
            still charged | charged after cancelling | charged after i cancelled
            keep charging me | keeps charging me | paid but never | paid twice | money stuck
            payment deducted | no refund yet | not been refunded | haven't been refunded
            havent been refunded | still not refunded | never refunded | want a refund
            demand a refund | full refund now | charged me for | took the money
            payment taken twice | billing error | wrong bill | bill is wrong | my bill doubled
            charged for something i didn't order
        """),
        "vi": _s("""
            trừ tiền 0 lần | trừ tiền hai lần | bị trừ 0 lần | bị trừ hai lần | trừ hai lần
            bị trừ tiền | tiền bị trừ | tài khoản bị trừ | trừ tiền oan | trừ tiền mà không
            thanh toán 0 lần | thanh toán hai lần | tính tiền 0 lần | tính tiền hai lần
            tính sai tiền | tính tiền sai | thu sai tiền | thu thêm tiền | thu tiền oan
            sai số tiền | phí ẩn | chưa hoàn tiền | chưa được hoàn tiền | không hoàn tiền
            hoàn tiền chưa | bao giờ hoàn tiền | khi nào hoàn tiền | chưa nhận được tiền hoàn
            trả lại tiền | trả tiền lại | hoàn lại tiền cho tôi | đòi tiền | mất tiền oan
            bị mất tiền | tiền chưa về | chuyển khoản rồi mà | ck rồi mà | đã thanh toán mà
            thanh toán rồi mà | nạp tiền không vào | nạp tiền bị lỗi | tiền đi đâu | trừ tiền
            trừ tiền tài khoản | hoàn tiền cho tôi | hoàn tiền cho mình | hoàn tiền cho em
            hoàn tiền đi | đòi hoàn tiền | yêu cầu hoàn tiền | tiền chưa hoàn
            chưa thấy hoàn tiền | chưa thấy tiền | trả lại tiền cho tôi | lấy tiền mà không
            thu phí vô lý | tính cước sai | cước phí cao bất thường | bị trừ cước | trừ cước
        """),
        "ro": _s("""
            de două ori taxat | taxat de două ori | m-au taxat de două ori | plătit de două ori
            am plătit de două ori | retras de două ori | debitat de două ori | plată dublă
            dublă plată | debitare dublă | taxare dublă | mi-au retras banii
            mi-ați retras banii | mi-au luat banii | mi-ați luat banii | mi-au luat bani
            mi s-au retras | mi s-a retras | banii retrași | bani retrași | suma greșită
            sumă greșită | taxat greșit | facturat greșit | factură greșită | factura greșită
            factură umflată | factura umflată | facturi umflate | suprataxat | taxe ascunse
            nu mi-au returnat banii | nu mi-ați returnat banii | nu am primit banii înapoi
            n-am primit banii înapoi | încă aștept banii | aștept banii | vreau banii înapoi
            dați-mi banii înapoi | dati banii inapoi | unde sunt banii | unde-s banii
            nu am primit rambursarea | n-am primit rambursarea | rambursarea nu a venit
            banii nu au mai venit | banii înapoi | returnați banii | returnarea banilor
            nu mi-ați dat banii | mi-ați luat | mi-a luat banii | taxat de 0 ori | m-ați taxat
            taxă nejustificată | taxe nejustificate | factura prea mare | factura dublă
            am plătit dar | am plătit și nu
        """),
        "ar": _s("""
            انخصم مرتين | خصم مرتين | خصموا مرتين | اتخصم مرتين | انسحب مرتين | سحبوا مرتين
            حاسبوني مرتين | دفعت مرتين | اتسحب مني | انسحب مني | اتخصم مني | انخصم مني
            انخصم من حسابي | خصم من حسابي | خصموا من حسابي | سحبوا من حسابي | تم خصم المبلغ
            المبلغ انخصم | سحبوا الفلوس | سحبوا فلوسي | فلوسي راحت | راحت فلوسي | فلوسي فين
            فين فلوسي | وين فلوسي | فلوسي وين | رجعولي فلوسي | رجعوا فلوسي | ابي فلوسي
            ابغى فلوسي | عايز فلوسي | بدي مصرياتي | وين مصرياتي | رجعولي مصاريي | المبلغ ما رجع
            ما رجعوا المبلغ | لم يتم استرجاع المبلغ | لم استلم المبلغ | ما وصلني الاسترجاع
            الاسترجاع ما وصل | الاسترداد ما وصل | مبلغ غلط | المبلغ غلط | مبلغ خطا
            الفاتوره غلط | فاتوره غلط | الفاتوره عاليه | رسوم مخفيه | رسوم زياده
            اخذوا فلوس زياده | et5asam | et5asamt | flousi fein | floosi fen | rag3oli floosi
            masariye | انخصم | اتخصم | اتسحب | انسحب رصيدي | سحبوا الرصيد | الرصيد راح
            رصيدي راح | استرجاع فلوسي | ارجاع المبلغ | ابي استرجاع | ابغى استرجاع | عايز استرجاع
            بدي استرجاع | ما رجعولي | فلوسي | مصاريي | مصرياتي | فلوسنا | رصيدي اختفى
            الرصيد اختفى | رصيدي خلص | الفلوس انسحبت | الفلوس اتسحبت | تم سحب | تم الخصم
            خصم بدون | سحب بدون
        """),
        "fa": _s("""
            دوبار کسر شد | دو بار کسر شد | دوبار کم شد | دو بار کم شد | دوبار از حسابم
            دو بار از حسابم | دوبار پرداخت | دو بار پرداخت | از حسابم کم شد | از کارتم کم شد
            از حسابم کسر شد | از کارتم کسر شد | پولم کسر شد | پولم کم شد | مبلغ کسر شد
            پول کسر شده | پولم برنگشت | پولم برنگشته | پول برنگشت | وجه برنگشت | برگشت نخورده
            پولمو پس بدید | پولم رو پس بدید | پولمو برگردونید | پولم کو | پولم کجاست
            پولم چی شد | پولم رفت | پولم پرید | مبلغ اشتباه | اضافه کم کردید | اضافه کسر
            اضافه حساب کردید | پول اضافه گرفتید | بازگشت وجه | عودت وجه | استرداد وجه
            پرداخت کردم ولی | شارژ نشد | pulam kam shod | pool kasr shod
            pulam bargasht nakhord | pulamo pas bedid | کسر شد | کسر شده | برداشت شد
            برداشت شده | از حسابم برداشت | هزینه اضافه | گرون حساب کردید | قبض اشتباه
            قبض نجومی | قبضم اشتباه | پولمو بدید | پولمو بدین | پولمو پس بدین
            پولم رو برگردونید | هنوز واریز نشده | واریز نشد | واریز نشده | برگشت نخورد
        """),
        "es": _s("""
            cobrado dos veces | me cobraron dos veces | cobro doble | doble cobro | cargo doble
            me cobraron de más | cobro indebido | cobro de más | me descontaron
            me quitaron dinero | mi reembolso | no me devolvieron | devuélvanme mi dinero
            devuelvan mi dinero | quiero mi dinero | monto incorrecto | importe incorrecto
            pagué dos veces | cobran de más | quiero la devolución | devolución de mi dinero
            mi dinero
        """),
        "fr": _s("""
            débité deux fois | prélevé deux fois | double prélèvement | double débit
            facturé deux fois | payé deux fois | prélèvement en double | trop facturé
            surfacturé | surfacturation | mon remboursement | toujours pas remboursé
            pas été remboursé | jamais remboursé | rendez-moi mon argent | je veux mon argent
            mauvais montant | montant incorrect | on m'a prélevé | mon argent | remboursez-moi
            je veux être remboursé
        """),
        "de": _s("""
            doppelt abgebucht | zweimal abgebucht | doppelt berechnet | zweimal berechnet
            doppelte abbuchung | falscher betrag | zu viel berechnet | zu viel abgebucht
            zuviel abgebucht | mein geld zurück | mein geld zurueck | meine rückerstattung
            keine rückerstattung | keine rueckerstattung | rückerstattung nicht erhalten
            noch keine erstattung | geld nicht zurück | geld abgebucht | überhöhte rechnung
            wo bleibt meine erstattung | wo bleibt mein geld | wo ist mein geld | inkasso
            mahnung trotz
        """),
        "it": _s("""
            addebitato due volte | addebito doppio | doppio addebito | pagato due volte
            mi hanno addebitato | importo sbagliato | importo errato | rimborso non ricevuto
            ancora nessun rimborso | mai rimborsato | voglio i miei soldi | ridatemi i soldi
            rivoglio i miei soldi | soldi scalati | mi hanno scalato | mi hanno tolto soldi
            soldi spariti | il mio rimborso | aspetto il rimborso | voglio il rimborso
            soldi indietro | i miei soldi
        """),
        "pt": _s("""
            cobrado duas vezes | cobraram duas vezes | cobrança duplicada | cobrança em dobro
            cobrança indevida | cobraram a mais | valor errado | valor incorreto | meu reembolso
            não recebi o reembolso | nao recebi reembolso | cadê meu estorno | cade meu dinheiro
            quero meu dinheiro de volta | devolvam meu dinheiro | paguei duas vezes
            meu estorno | descontaram do meu | descontaram duas vezes | descontaram a mais
        """),
        "hi": _s("""
            पैसे कट गए | पैसा कट गया | दो बार पैसे कटे | दो बार कट गया | रिफंड नहीं मिला
            पैसे वापस नहीं | मेरे पैसे वापस | ज्यादा पैसे काटे | गलत अमाउंट | paise kat gaye
            paisa kat gaya | paise katt gaye | do baar paise | 0 baar kata | refund nahi mila
            refund abhi tak nahi | paise wapas | paise vapas | mera paisa | mere paise
            amount deduct ho gaya | paisa deduct | deduct ho gaya | debit ho gaya
            zyada paise kaate | paisa wapas karo | paise wapas do | refund kab milega
            refund kab aayega | paise kab milenge | refund nahi aaya | account se paise kat
            bank se paise kat | do baar payment | paise atak gaye | paisa atka | पैसे अटक गए
            पैसे वापस करो | रिफंड कब मिलेगा
        """),
        "id": _s("""
            saldo terpotong | terpotong dua kali | kepotong dua kali | dipotong dua kali
            ditagih dua kali | tagihan ganda | uang belum kembali | dana belum kembali
            refund belum masuk | refund belum diterima | belum di refund | kembalikan uang saya
            balikin duit | uang saya hilang | saldo hilang | nominal salah | salah potong
            sudah bayar tapi | udah bayar tapi | saldo berkurang | saldo kepotong | terpotong
            kepotong | dana tidak masuk | dana belum masuk | saldo belum masuk
            top up belum masuk | pulsa kepotong | pulsa tersedot | pulsa hilang | kuota hilang
            tagihan membengkak | tagihan tidak sesuai | kapan refund | mana refund
        """),
        "ru": _s("""
            списали дважды | списали два раза | двойное списание | списали деньги
            деньги списали | сняли деньги | сняли дважды | верните деньги | верните мои деньги
            где мои деньги | где возврат | возврат не пришел | деньги не вернули
            не вернули деньги | неправильная сумма | не та сумма | обсчитали | spisali dvazhdy
            spisali dengi | vernite dengi | списали | двойная оплата | оплатил дважды
            оплатила дважды | деньги не вернулись | деньги не пришли | деньги зависли
            деньги пропали | вернуть деньги | требую вернуть | возврат средств | где мой возврат
            возврат до сих пор | завысили
        """),
        "tr": _s("""
            iki kez çekildi | iki kere çekildi | iki defa çekildi | çift çekim | param çekildi
            kartımdan çekildi | hesabımdan çekildi | fazla ücret | fazladan ücret
            fazla para çekildi | yanlış tutar | iadem yapılmadı | iade yapılmadı | iade gelmedi
            param iade edilmedi | paramı geri | paramı iade edin | param nerede | param nerde
            param yandı | param geri verilmedi | paramı alamadım | paramı vermiyorlar
            iade edilmedi | iadem gelmedi | iademi alamadım | para iadesi yapılmadı
            hesabımdan para çekildi | kartımdan para çekildi | iki kez ödeme | fazla çekim
            haksız ücret | faturam yanlış | fatura yanlış | fahiş fatura | ekstra ücret
        """),
    },
    "lost": {
        "en": _s("""
            never arrived | never came | never received | never got my order
            never got my package | never got my parcel | never delivered | not delivered
            wasn't delivered | wasnt delivered | hasn't arrived | hasnt arrived
            has not arrived | still not arrived | haven't received | havent received
            have not received | didn't receive | didnt receive | did not receive
            still not received | order is missing | parcel is missing | package is missing
            missing item | missing items | items missing | missing from my order
            lost my package | lost my parcel | lost my order | package lost | parcel lost
            order lost | lost in transit | where is my order | where is my package
            where is my parcel | wheres my order | where's my order | marked as delivered
            says delivered | shows delivered | delivered to the wrong | wrong address
            wrong item | wrong order | wrong product | sent the wrong | sent me the wrong
            received the wrong | got the wrong | empty box | empty package | stuck in transit
            still haven't got | still not here | still hasn't arrived | still hasnt arrived
            didn't arrive | didnt arrive | did not arrive | never showed up | nothing arrived
            no sign of my order | no sign of my parcel | tracking hasn't moved
            tracking hasnt moved | tracking hasn't updated | tracking not updated | is missing
            are missing | was missing | were missing | only got half | half my order
            wrong colour | wrong color | wrong size
        """),
        "vi": _s("""
            chưa nhận được hàng | chưa nhận hàng | chưa nhận được đơn | chưa thấy hàng
            không nhận được hàng | không nhận được đơn | chưa giao hàng | chưa thấy giao
            không giao hàng | mãi chưa giao | mãi không giao | giao thiếu | thiếu hàng
            bị thiếu hàng | giao sai | giao nhầm | gửi sai | gửi nhầm | nhận sai hàng | sai hàng
            sai màu | sai size | mất hàng | mất đơn | thất lạc | hàng thất lạc | đơn hàng đâu
            hàng đâu rồi | đơn đâu rồi | báo đã giao | báo giao thành công | giao thành công mà
            hộp rỗng | hộp trống | hàng chưa tới | đơn hàng chưa tới | hàng chưa về
            không thấy hàng | kiện hàng bị mất | đơn hàng của tôi đâu | hàng của tôi đâu
            mãi chưa nhận được | chưa nhận được | không nhận được | shipper không giao
            shipper không gọi | tự hủy đơn | thiếu sản phẩm | thiếu món | giao thiếu món
            đưa nhầm | nhầm đơn | nhầm món
        """),
        "ro": _s("""
            nu am primit coletul | n-am primit coletul | nu am primit comanda
            n-am primit comanda | nu am primit produsul | nu mi-a ajuns | nu a ajuns | n-a ajuns
            nu a mai ajuns | nici acum nu a ajuns | coletul nu a ajuns | comanda nu a ajuns
            colet pierdut | coletul pierdut | comanda pierdută | s-a pierdut coletul
            au pierdut coletul | lipsă din colet | lipsesc produse | lipsește un produs
            produs lipsă | produse lipsă | produs greșit | produsul greșit | comandă greșită
            comanda greșită | am primit alt produs | mi-ați trimis alt | mi-au trimis altceva
            mărime greșită | apare livrat | apare ca livrat | figurează livrat
            marcat ca livrat | unde este coletul | unde e coletul | unde-i coletul
            unde este comanda | unde e comanda | unde-i comanda | colet gol | cutie goală
            curierul nu a venit | nu a venit curierul | nu s-a livrat | nelivrat | nelivrată
            nu mi s-a livrat | nu am primit nimic | încă nu am primit | tot nu am primit
            nici acum nu am primit | nu se mișcă | stă în depozit | blocat în depozit
        """),
        "ar": _s("""
            ما وصلني الطلب | ما وصلني | ما وصلتني | الطلب ما وصل | الطلبيه ما وصلت
            ما وصلتني الطلبيه | لم يصل الطلب | لم يصلني | لم استلم الطلب | ما استلمت
            ما استلمت الطلب | مستلمتش | موصلش | موصلتش | موصلنيش | الاوردر موصلش
            الاوردر ما وصل | لسه موصلش | الطلب مفقود | الشحنه ضاعت | ضاعت الشحنه | ضاع الطلب
            الطرد ضاع | شحنه مفقوده | وين الطلب | وين طلبي | فين الاوردر | فين الطلب | فين طلبي
            طلبي وين | الطلب ناقص | ناقصه قطعه | غلط في الطلب | طلب غلط | وصلني غلط
            وصلني منتج غلط | منتج غلط | بعتولي غلط | ارسلتوا غلط | مكتوب تم التوصيل
            مكتوب انه اتسلم | الكرتون فاضي | العلبه فاضيه | mawsalsh | mawsalnish
            lessa mawsalsh | fein el order | talabi wen | ما وصل | ما وصلت | لم يصل | لم تصل
            لسه ما وصل | لسا ما وصل | لحد الان ما وصل | الى الان لم يصل | الشحنه ما وصلت
            المندوب ما جا | المندوب ما اجا | الطلب اتاخر | لم يتم التوصيل | ما تم التوصيل
            ما جاني الطلب | ما جاني | ما جا الطلب | المندوب ما وصل | الشحنه متاخره | الطلب ضايع
            طلبيتي ما وصلت | ناقص قطعه | القطعه ناقصه | مقاس غلط | لون غلط
        """),
        "fa": _s("""
            سفارشم نرسیده | سفارشم نرسید | سفارش نرسیده | بسته نرسیده | بسته‌ام نرسیده
            بستم نرسیده | مرسوله نرسیده | هنوز نرسیده | هنوز به دستم نرسیده | به دستم نرسیده
            تحویل نشده | تحویل داده نشده | هنوز ارسال نشده | ارسال نشده | هنوز نیومده
            سفارشم نیومده | بسته گم شده | مرسوله گم شده | سفارشم گم شده | سفارش اشتباه
            اشتباه ارسال شده | اشتباهی فرستادید | اشتباهی فرستادن | کالای اشتباه | جنس اشتباه
            رنگ اشتباه | سایز اشتباه | ناقص ارسال | ناقص رسید | کسری داشت | سفارشم کو
            سفارشم کجاست | بسته‌ام کجاست | سفارشم چی شد | زده تحویل شده | نوشته تحویل شده
            جعبه خالی | کارتن خالی | sefaresham naresideh | baste naresideh | hanooz naresideh
            نرسیده | تحویل ندادن | تحویلم ندادن | پیک نیومد | پیک نیومده | ناقص اومد | ناقص بود
            گم شده | پیک نیاورد
        """),
        "es": _s("""
            no ha llegado | no me ha llegado | no llegó mi pedido | no me llegó | nunca llegó
            nunca me llegó | pedido perdido | paquete perdido | se perdió el paquete
            no recibí mi pedido | no he recibido | falta un producto | faltan productos
            producto equivocado | me enviaron otro | pedido incorrecto | talla equivocada
            figura como entregado | aparece entregado | dónde está mi pedido | caja vacía
            sigue sin llegar | todavía no llega | aún no llega | no llega
        """),
        "fr": _s("""
            jamais reçu | jamais arrivé | toujours pas reçu | pas reçu ma commande
            pas reçu mon colis | colis perdu | commande perdue | pas été livré | pas livré
            non livré | non reçu | il manque | article manquant | produit manquant
            mauvais article | mauvais produit | mauvaise taille | mauvaise commande
            indiqué livré | marqué livré | où est mon colis | où est ma commande | colis vide
        """),
        "de": _s("""
            nicht angekommen | nie angekommen | noch nicht angekommen | paket verloren
            paket ist weg | sendung verloren | bestellung verloren | nicht geliefert
            nie geliefert | nicht erhalten | nie erhalten | noch nicht erhalten | artikel fehlt
            fehlende artikel | falscher artikel | falsche ware | falsche größe
            falsch geliefert | als zugestellt markiert | angeblich zugestellt
            wo ist mein paket | wo bleibt meine bestellung | wo bleibt mein paket | leeres paket
            paket nicht bekommen | nichts bekommen | nie bekommen
        """),
        "it": _s("""
            non è mai arrivato | mai arrivato | mai arrivata | non mi è arrivato
            non è arrivato | non ho ricevuto | mai ricevuto | pacco perso | pacco smarrito
            ordine perso | ordine smarrito | spedizione smarrita | non consegnato
            manca un articolo | articolo mancante | prodotto sbagliato | articolo sbagliato
            taglia sbagliata | ordine sbagliato | risulta consegnato | dov'è il mio pacco
            pacco vuoto | non è ancora arrivato | ancora non arrivato | non arriva
            dov'è il mio ordine
        """),
        "pt": _s("""
            nunca chegou | ainda não chegou | meu pedido não chegou | não recebi meu pedido
            nunca recebi | pedido extraviado | encomenda extraviada | extraviado
            pacote perdido | encomenda perdida | produto errado | pedido errado | veio errado
            mandaram errado | veio faltando | tamanho errado | consta como entregue
            aparece entregue | cadê meu pedido | cadê minha encomenda | caixa vazia | não chegou
            até agora não | cadê o | cadê a | cadê meu | cadê minha | não recebi
        """),
        "hi": _s("""
            ऑर्डर नहीं आया | आर्डर नहीं आया | पार्सल नहीं आया | अभी तक नहीं आया
            डिलीवरी नहीं हुई | गलत प्रोडक्ट | गलत सामान | सामान नहीं मिला | ऑर्डर नहीं मिला
            order nahi aaya | parcel nahi aaya | abhi tak nahi aaya | delivery nahi hui
            galat product | galat saman | galat item | saman nahi mila | order nahi mila
            delivered dikha raha | order kab aayega | mera order kahan hai | order kahan hai
            parcel kahan hai | abhi tak order nahi | delivery kab hogi | galat order | khali box
            khali dabba | saman gayab | order gayab | ऑर्डर कहाँ है | मेरा ऑर्डर कहां है
            गलत ऑर्डर | खाली डिब्बा
        """),
        "id": _s("""
            belum datang | paket belum sampai | pesanan belum sampai | pesanan belum diterima
            barang belum diterima | tidak sampai | gak nyampe | ga nyampe | paket hilang
            barang hilang | pesanan hilang | salah kirim | barang salah | warna salah
            ukuran salah | barang kurang | status terkirim | paket kosong | mana pesanan saya
            barang belum sampai | belum nyampe | paketnya hilang | paket nyasar | nyasar
            pesanan tidak sesuai | barang tidak sesuai | tidak sesuai pesanan | isinya kosong
        """),
        "ru": _s("""
            не пришел заказ | заказ не пришел | посылка не пришла | не доставили | не доставлен
            так и не пришел | так и не пришла | потеряли посылку | посылка потерялась
            заказ потерялся | потеряли заказ | не тот товар | прислали не то | привезли не то
            не тот размер | пустая коробка | где мой заказ | где моя посылка | не получил заказ
            не получила заказ | заказ не доставлен | не привезли | курьер не приехал
            курьер не пришел | пропал заказ | пропала посылка | не хватает товара
            прислали другой | перепутали заказ
        """),
        "tr": _s("""
            siparişim gelmedi | sipariş gelmedi | kargo gelmedi | kargom gelmedi | hala gelmedi
            teslim edilmedi | teslim edildi görünüyor | kargo kayboldu | paket kayboldu
            siparişim kayboldu | eksik ürün | eksik geldi | yanlış ürün | yanlış geldi
            yanlış beden | farklı ürün geldi | siparişim nerede | kargom nerede | kargom nerde
            boş kutu | kargo nerede | sipariş nerede | teslim edildi diyor
            teslim edildi yazıyor | bana ulaşmadı | ulaşmadı | elime ulaşmadı | elime geçmedi
        """),
    },
    "outage": {
        "en": _s("""
            no internet | no signal | no network | no service | no connection | no wifi
            no wi-fi | internet is down | internet down | internet not working
            wifi not working | network down | network is down | site is down | site down
            website is down | website down | app is down | app down | server down
            servers are down | service down | system down | down again | still down | net down
            outage | outages | power cut | no power | blackout | not working | doesn't work
            doesnt work | does not work | stopped working | won't load | wont load
            can't log in | cant log in | can't login | cant login | cannot log in | cannot login
            unable to log in | unable to login | can't sign in | cant sign in
            can't access my account | cant access my account | locked out | account locked
            account blocked | account suspended | account disabled | blocked my account
            locked my account | froze my account | account frozen | card declined
            card was declined | card got declined | card blocked | card is blocked
            payment failed | payment keeps failing | transaction failed | keeps crashing
            app crashes | app crashed | crashing | keeps logging me out | otp not received
            not receiving otp | can't make calls | cant make calls | calls keep dropping
            keeps dropping | connection keeps dropping | keeps disconnecting | no bars
            been down | can't connect | cant connect | cannot connect | unable to connect
            won't connect | wont connect | won't open | wont open | won't let me | wont let me
            getting an error | error message | error code | keeps freezing | app is buggy
            glitching | payment declined | declined my card | atm swallowed my card
            atm ate my card | no water | no electricity
        """),
        "vi": _s("""
            mất mạng | mất sóng | mất wifi | mất internet | mất kết nối | rớt mạng | sập mạng
            không có sóng | không có mạng | không vào được mạng | không vào được app
            không vào được | không truy cập được | không đăng nhập được | không login được
            app bị lỗi | app lỗi | ứng dụng bị lỗi | văng app | app bị văng | bị văng ra
            app bị treo | bị sập | sập app | sập web | web sập | lỗi hệ thống | hệ thống lỗi
            mất điện | cúp điện | cắt điện | thẻ bị khóa | khóa thẻ | thẻ bị chặn
            khóa tài khoản | tài khoản bị khóa | tk bị khóa | acc bị khóa
            không thanh toán được | giao dịch thất bại | giao dịch lỗi | không nhận được otp
            không nhận được mã | không gọi được | không hoạt động | không dùng được
            không xài được | mạng chập chờn | chập chờn | mạng lag | wifi chập chờn
            không kết nối được | không load được | không tải được | báo lỗi | không mở được app
            không mở được | không chuyển khoản được | không rút được tiền | không rút tiền được
            nuốt thẻ | atm nuốt thẻ | mất nước | cúp nước
        """),
        "ro": _s("""
            nu am internet | n-am internet | nu am semnal | n-am semnal | fără semnal
            fără internet | fără rețea | nu am rețea | nu merge internetul | nu merge netul
            nu îmi merge | nu-mi merge | nu merge aplicația | nu merge nimic | nu funcționează
            nu mai funcționează | nu mai merge | a picat site-ul | site-ul a picat
            a picat aplicația | a picat rețeaua | a căzut rețeaua | a căzut netul | pică netul
            cade netul | cade internetul | întrerupere | avarie | pană de curent | fără curent
            nu avem curent | nu mă pot loga | nu pot să mă loghez | nu pot intra în cont
            nu pot intra în aplicație | nu pot accesa | cont blocat | contul blocat
            mi-au blocat contul | mi-ați blocat contul | card blocat | cardul blocat
            mi-au blocat cardul | card refuzat | cardul a fost refuzat | tranzacție refuzată
            plata nu trece | plată eșuată | eroare la plată | aplicația se închide
            se blochează aplicația | dă eroare | nu primesc codul | nu merge | nu pot plăti
            nu pot face plata | tot dă eroare | nu se încarcă | nu se deschide | nu pot să intru
            nu pot intra | cade semnalul | pică internetul | pică mereu | fără apă | nu avem apă
            fără gaz | nu avem gaz | nu avem lumină | fără lumină
        """),
        "ar": _s("""
            مافي نت | ما في نت | مفيش نت | مفيش انترنت | مافي انترنت | ما في انترنت
            لا يوجد انترنت | لا يوجد شبكه | مافي شبكه | مفيش شبكه | مفيش ارسال | الشبكه طايحه
            الشبكه واقعه | النت واقع | النت فاصل | النت قاطع | النت مقطوع | انقطاع الانترنت
            انقطاع النت | انقطاع الخدمه | الخدمه مقطوعه | الخدمه واقفه | التطبيق ما يشتغل
            التطبيق مش شغال | التطبيق واقف | التطبيق يقفل | التطبيق يطلعني | الابلكيشن مش شغال
            البرنامج معلق | السيستم واقع | السيستم واقف | الموقع واقع | الموقع مش شغال
            الموقع لا يعمل | لا يعمل | مش شغال | مو شغال | ما يشتغل | مابيشتغل | ما عم يشتغل
            عطلان | معطل | فيه عطل | ما اقدر ادخل | مش قادر ادخل | لا استطيع الدخول
            تعذر الدخول | الحساب مقفول | حسابي مقفول | حسابي موقوف | قفلوا حسابي
            تم ايقاف حسابي | تم حظر حسابي | حسابي محظور | البطاقه مرفوضه | الكرت مرفوض
            الفيزا مرفوضه | البطاقه موقوفه | الكارت اتوقف | فشل الدفع | الكهربا قاطعه
            الكهرباء مقطوعه | انقطاع الكهرباء | الكود ما يوصل | mafi net | mafish net
            el net wa2e3 | msh sha8al | mesh sha8al | mish shaghal | mosh shaghal
            ma yeshta3'al | الانترنت فاصل | الانترنت قاطع | الانترنت مقطوع | ما في تغطيه
            مفيش تغطيه | مافي تغطيه | الشبكه ضعيفه | الخط مقطوع | الخط فاصل | الخط واقف
            الخط اتقفل | الرقم موقوف | ما يفتح | مش بيفتح | التطبيق ما يفتح | ما قدرت ادخل
            ما قدرت اسجل | التحويل ما تم | التحويل فشل | العمليه فشلت | فشلت العمليه
            الصراف بلع البطاقه | المكينه بلعت الكرت | بلع الكرت | بلع البطاقه | مافي كهربا
            مفيش كهربا | مفيش مايه | مافي مي | النت يقطع | النت بيقطع | النت يفصل | النت بيفصل
            الخدمه معطله | الشبكه مقطوعه | ما في شبكه | التطبيق خربان | الموقع خربان
            مش راضي يفتح | مش راضي يدخل | ما يرضى يفتح | يطلع خطا | يطلعلي خطا | رساله خطا
            الكود ما وصل | ما وصلني الكود | رمز التحقق ما | البطاقه انقفلت | البطاقه اتقفلت
            الكرت انقفل | الحساب اتقفل | حسابي اتقفل | حسابي انقفل | حسابي اتوقف | الكهربا قطعت
            مافي مويه | المويه مقطوعه | المياه مقطوعه
        """),
        "fa": _s("""
            اینترنت قطعه | اینترنت قطع شده | نت قطعه | نت قطع شده | نت ندارم | اینترنت ندارم
            آنتن ندارم | آنتن نمیده | آنتن نداره | شبکه قطعه | قطعی اینترنت | قطعی نت
            قطعی شبکه | قطعی برق | برق رفته | برق قطعه | برق نداریم | کار نمی‌کنه | کار نمیکنه
            کار نمی‌کند | از کار افتاده | باز نمی‌شه | باز نمیشه | برنامه بسته میشه | کرش می‌کنه
            هنگ می‌کنه | هنگ کرده | سایت بالا نمیاد | از دسترس خارج | سرور قطعه | وارد نمی‌شه
            نمی‌تونم وارد بشم | نمیتونم وارد شم | لاگین نمیشه | حسابم مسدود شده | حسابم مسدوده
            حساب مسدود | کارتم مسدود شده | کارت مسدود | کارتم بلاک شده | اکانتم بسته شده
            اکانتم بن شده | تراکنش ناموفق | پرداخت ناموفق | خطای پرداخت | درگاه کار نمیکنه
            رمز پویا نمیاد | کد نمیاد | ارور میده | خطا میده | net ghate | internet ghate
            kar nemikone | baz nemishe | hesabam masdood | قطع شد | قطع شده | قطع میشه
            قطع و وصل | وصل نمیشه | بالا نمیاد | لود نمیشه | ارور | وارد حسابم نمیشم
            نمیتونم وارد حسابم بشم | کد تایید نمیاد | پیامک نمیاد | سیگنال نداره | بدون آنتن
            نت نداریم | اینترنت نداریم | وای فای قطع | آب قطعه | گاز قطعه | قطعی داریم
            قطعی دارید | باز قطعی | قطعی مکرر | کار نمیده | درگاه خطا | کارت به کارت نمیشه
            کارت به کارت انجام نشد | انتقال انجام نشد | تراکنش انجام نشد | عابربانک کارتمو خورد
            کارتمو خورد
        """),
        "es": _s("""
            sin internet | sin señal | sin servicio | sin conexión | no hay internet
            no hay señal | no hay luz | se fue la luz | sin luz | caída del servicio
            está caído | se cayó la app | se cae la app | no funciona | no puedo entrar
            no puedo iniciar sesión | no me deja entrar | cuenta bloqueada
            me bloquearon la cuenta | tarjeta rechazada | tarjeta bloqueada | pago rechazado
            error al pagar | se cierra sola | no tengo internet | no tengo señal | no tengo luz
            no tengo servicio | la app no abre | no carga | no puedo pagar
        """),
        "fr": _s("""
            pas d'internet | pas de réseau | pas de connexion | plus d'internet | plus de réseau
            plus de connexion | pas de signal | en panne | coupure | coupure de courant
            ne marche plus | ne marche pas | ne fonctionne plus | ne fonctionne pas
            impossible de me connecter | impossible de se connecter
            je n'arrive pas à me connecter | compte bloqué | compte suspendu | carte bloquée
            carte refusée | paiement refusé | l'application plante | l'appli plante
            site inaccessible | panne de | panne internet | encore une panne | ça ne marche pas
            ça marche pas | marche pas | ne charge pas | l'appli bug | ça beug
        """),
        "de": _s("""
            kein internet | kein netz | kein empfang | kein signal | keine verbindung
            internet weg | netz weg | störung | netzstörung | ausfall | stromausfall
            kein strom | funktioniert nicht | funktioniert nicht mehr | geht nicht mehr
            app stürzt ab | stürzt ständig ab | kann mich nicht einloggen
            kann mich nicht anmelden | login geht nicht | konto gesperrt | account gesperrt
            karte gesperrt | karte abgelehnt | zahlung fehlgeschlagen | geht gar nichts
            nichts geht mehr | kein dsl | internet ausgefallen | ist ausgefallen
            sind ausgefallen | lädt nicht
        """),
        "it": _s("""
            niente internet | senza internet | senza linea | niente linea | non c'è linea
            non c'è campo | senza campo | internet non funziona | non funziona
            non funziona più | disservizio | guasto | senza corrente | manca la corrente
            non riesco ad accedere | non riesco a entrare | account bloccato | conto bloccato
            carta bloccata | carta rifiutata | pagamento rifiutato | l'app si blocca
            sito non funziona | non riesco a pagare | non carica | non si apre
            app non funziona | linea assente | linea isolata | senza connessione
            internet assente
        """),
        "pt": _s("""
            sem internet | sem sinal | sem rede | sem conexão | sem serviço | internet caiu
            caiu a internet | caiu o sistema | sistema fora do ar | fora do ar | sem luz
            faltou luz | queda de energia | não funciona | parou de funcionar
            não consigo entrar | não consigo acessar | não consigo logar | conta bloqueada
            bloquearam minha conta | cartão bloqueado | cartão recusado | pagamento recusado
            app travando | aplicativo trava | app não abre | internet caindo | caindo toda hora
            cai toda hora | não conecta | não carrega | não consigo pagar
        """),
        "hi": _s("""
            नेटवर्क नहीं | नेट नहीं चल रहा | इंटरनेट नहीं चल रहा | सिग्नल नहीं | काम नहीं कर रहा
            ऐप नहीं चल रहा | लॉगिन नहीं हो रहा | अकाउंट ब्लॉक | कार्ड ब्लॉक | बिजली नहीं
            लाइट नहीं है | network nahi | network nahi aa raha | net nahi chal raha
            internet nahi chal raha | signal nahi | kaam nahi kar raha | kam nahi kar raha
            app nahi chal raha | app nahi khul raha | login nahi ho raha | account block ho gaya
            card block ho gaya | light nahi hai | bijli nahi | network hi nahi | network gayab
            net band | internet band | service band | app crash | app open nahi ho raha
            otp nahi aa raha | otp nahi aaya | call nahi lag raha | call drop | light gayi
            bijli gayi | light chali gayi | payment fail | payment fail ho gaya
            transaction fail | नेटवर्क गायब | नेट बंद | ओटीपी नहीं आ रहा | कॉल ड्रॉप | बिजली गई
            लाइट चली गई | पेमेंट फेल
        """),
        "id": _s("""
            gak ada sinyal | ga ada sinyal | tidak ada sinyal | sinyal hilang | internet mati
            jaringan down | jaringan error | gangguan | wifi mati | listrik padam | mati lampu
            aplikasi error | apk error | aplikasi tidak bisa dibuka | gak bisa login
            ga bisa login | tidak bisa login | akun diblokir | akun terblokir | kartu diblokir
            transaksi gagal | pembayaran gagal | force close | gak ada jaringan | error terus
            error mulu | gagal login | gak bisa dibuka | ga bisa dibuka | tidak bisa dibuka
            otp tidak masuk | otp gak masuk | akun terkunci | akun dibekukan | rekening diblokir
            mati listrik | air mati
        """),
        "ru": _s("""
            нет интернета | нет связи | нет сети | пропал интернет | пропала связь
            не работает интернет | интернет не работает | не работает приложение
            приложение не работает | приложение вылетает | вылетает | сайт не работает
            сайт лежит | все лежит | сбой | нет света | отключили свет | не могу войти
            не могу зайти | заблокировали аккаунт | аккаунт заблокирован | карта заблокирована
            заблокировали карту | платеж не проходит | оплата не проходит | net interneta
            ne rabotaet | не грузит | не загружается | не открывается | не могу оплатить
            не проходит оплата | выдает ошибку | пишет ошибку | связь пропадает
            интернет пропадает | интернет отваливается | нет сигнала | нет воды | отключили воду
            нет газа
        """),
        "tr": _s("""
            internet yok | internet gitti | internetim yok | çekmiyor | şebeke yok | sinyal yok
            bağlantı yok | kesinti | internet kesintisi | elektrik kesintisi | elektrik yok
            elektrikler gitti | uygulama çalışmıyor | uygulama açılmıyor | uygulama çöktü
            sürekli çöküyor | site çöktü | sistem çöktü | giriş yapamıyorum | giremiyorum
            hesabım kilitlendi | hesabım bloke | kartım bloke | kart reddedildi
            ödeme başarısız | çalışmıyor | internet kesik | internetim kesik
            internet gidip geliyor | sürekli kopuyor | bağlantı kopuyor | hat kesildi
            hattım kapatıldı | uygulama donuyor | uygulama hata veriyor | hata veriyor
            hata alıyorum | giriş yapılamıyor | şifre gelmiyor | sms gelmiyor | kod gelmiyor
            kartım geçmiyor | ödeme geçmiyor | elektrikler kesildi | sular kesildi | su yok
        """),
    },
    "safety": {
        "en": _s("""
            food poisoning | got food poisoning | poisoned | sick after eating | got sick
            fell sick | made me sick | made us sick | made my kid sick | throwing up | vomiting
            threw up | diarrhea | diarrhoea | stomach ache | stomach pain | allergic reaction
            anaphylaxis | anaphylactic | epipen | broke out in hives | in hospital
            ended up in hospital | went to the hospital | hospitalised | hospitalized
            emergency room | injured | injury | burned my | burnt my | caught fire | on fire
            exploded | electric shock | electrocuted | expired products | expired product
            expired food | expired milk | expired meat | sold me expired | selling expired
            past the expiry | past expiry | mould | mold | moldy | mouldy | hair in my food
            glass in my | piece of glass | plastic in my food | foreign object | cockroach
            cockroaches | insect in | worm in | maggots | raw chicken | undercooked
            raw in the middle | pink chicken | dangerous | unsafe | choking hazard | gas leak
            smell of gas | feel sick | feeling sick | i was sick | puking | the hospital
            had an allergic | severe allergy | poison | rat in | mouse droppings | blood in
            rotten food | was rotten | rotten meat | rotten eggs
        """),
        "vi": _s("""
            ngộ độc | ngộ độc thực phẩm | bị ngộ độc | đau bụng | tiêu chảy | bị đi ngoài
            nôn mửa | buồn nôn | bị nôn | nôn ói | bị ói | ói mửa | dị ứng | bị dị ứng | nổi mẩn
            nổi mề đay | bị ngứa | ngứa ngáy | nhập viện | vào viện | đi cấp cứu | cấp cứu
            phải đi viện | bị thương | chảy máu | bị bỏng | bỏng nặng | bốc cháy | cháy nổ
            phát nổ | chập điện | bị điện giật | giật điện | hết hạn sử dụng | quá hạn sử dụng
            hàng hết hạn | đồ hết hạn | hết date | quá date | bị mốc | nấm mốc | mốc meo
            bị thiu | ôi thiu | có dòi | có gián | con gián | có sâu | có tóc | sợi tóc
            mảnh thủy tinh | dị vật | thịt còn sống | chưa chín | nguy hiểm | mất an toàn
            độc hại | rò rỉ gas | rò gas | hở gas | ăn xong bị | ăn xong đau bụng | uống xong bị
            đi viện | bị sốt sau khi
        """),
        "ro": _s("""
            toxiinfecție | toxiinfecție alimentară | intoxicație | intoxicație alimentară
            intoxicat | intoxicată | m-am intoxicat | ne-am intoxicat | m-am îmbolnăvit
            ne-am îmbolnăvit | mi s-a făcut rău | mi-a fost rău | ne-a fost rău | am vomitat
            vărsături | diaree | dureri de burtă | dureri de stomac | reacție alergică
            am făcut alergie | a făcut alergie | șoc anafilactic | am ajuns la urgențe
            la urgențe | am ajuns la spital | internat în spital | rănit | rănită | m-am rănit
            m-am tăiat | m-am ars | arsuri | a luat foc | incendiu | a explodat | explodat
            scurtcircuit | m-a electrocutat | electrocutat | produs expirat | produse expirate
            mâncare expirată | lapte expirat | era expirat | erau expirate | mucegai | mucegăit
            mucegăită | alterat | alterată | gândaci | gândac | viermi | fir de păr
            păr în mâncare | bucată de sticlă | cioburi | corp străin | carne crudă | pui crud
            necoaptă | periculos | periculoasă | pericol | scurgere de gaz | miroase a gaz
        """),
        "ar": _s("""
            تسمم | تسمم غذائي | تسممت | اتسممت | انسممت | تسممنا | تعبت بعد الاكل
            تعبت من الاكل | مرضت بعد | استفرغت | استفراغ | ترجيع | اسهال | مغص | وجع بطن
            الم في البطن | حساسيه | طفح جلدي | رحت المستشفى | دخلت المستشفى | ودوني المستشفى
            نقلوه المستشفى | الطوارئ | الاسعاف | انجرحت | انجرح | اتعورت | انحرق | انحرقت | حروق
            حريق | ولعت | اشتعل | احترق | انفجر | انفجار | ماس كهربائي | كهربني | منتهي الصلاحيه
            منتهيه الصلاحيه | انتهت صلاحيته | انتهاء الصلاحيه | فاسد | فاسده | معفن | معفنه
            عفن | ريحته خايسه | خايس | صرصور | صراصير | حشره | دود | دوده | شعره في الاكل
            شعر في الاكل | قزاز في | زجاج في | لحم ني | الدجاج ني | الدجاج نيء | مش مستوي
            مو مستوي | خطر على | تسريب غاز | ريحه غاز | tasamom | tasammom | بطني توجعني
            بطني يوجعني | وجعني بطني | عيالي تعبوا | ابني تعب | بنتي تعبت | صار عندي حساسيه
            طلعت لي حبوب | لقيت شعره | لقيت صرصور | لقيت دوده | لقيت حشره | اكل بايت
            الاكل بايت | مش مطبوخ | مو مطبوخ | نص سوا | الفراخ نيه
        """),
        "fa": _s("""
            مسمومیت | مسموم شدم | مسموم شدیم | مسمومیت غذایی | حالم بد شد | حالمون بد شد
            استفراغ | بالا آوردم | اسهال | دل درد | دلدرد | معده درد | حساسیت | آلرژی | کهیر
            رفتم بیمارستان | کارم به بیمارستان کشید | بستری شدم | بستری شد | اورژانس | زخمی
            آسیب دیدم | دستم برید | سوختم | سوختگی | آتش گرفت | آتیش گرفت | آتش سوزی | منفجر شد
            انفجار | برق منو گرفت | برق گرفتم | اتصالی کرد | تاریخ انقضا گذشته
            تاریخ مصرف گذشته | تاریخ گذشته | تاریخش گذشته | منقضی شده | کپک | کپک زده | فاسد
            گندیده | سوسک | حشره | کرم داشت | مو توش بود | مو تو غذا | شیشه توش | گوشت خام
            مرغ خام | خام بود | نپخته | خطرناک | نشت گاز | بوی گاز | masmoomiat | masmum shodam
            مسموم
        """),
        "es": _s("""
            intoxicación | intoxicación alimentaria | me intoxiqué | nos intoxicamos
            me enfermé | me puse mal | vómitos | vomité | diarrea | dolor de estómago
            reacción alérgica | terminé en urgencias | en el hospital | me quemé | quemadura
            se incendió | prendió fuego | explotó | caducado | caducada | producto vencido
            moho | podrido | cucaracha | pelo en la comida | vidrio en | carne cruda
            pollo crudo | peligroso | fuga de gas
        """),
        "fr": _s("""
            intoxication alimentaire | intoxiqué | intoxiquée | malade après | tombé malade
            tombée malade | j'ai vomi | vomissements | diarrhée | mal au ventre
            réaction allergique | aux urgences | à l'hôpital | brûlure | brûlé | blessé
            blessée | a pris feu | incendie | a explosé | périmé | périmés | périmée
            date dépassée | moisi | moisissure | avarié | viande pourrie | cafards | cheveu dans
            morceau de verre | viande crue | poulet cru | pas cuit | dangereux | fuite de gaz
            un cafard dans
        """),
        "de": _s("""
            lebensmittelvergiftung | vergiftung | mir ist schlecht geworden | erbrochen
            durchfall | bauchschmerzen | magenschmerzen | allergische reaktion | notaufnahme
            im krankenhaus | verbrannt | verbrennung | verletzt | feuer gefangen | explodiert
            abgelaufene | mhd abgelaufen | schimmel | schimmelig | verschimmelt | verdorben
            kakerlake | haar im essen | glassplitter | rohes fleisch | gefährlich | gasgeruch
            musste mich übergeben | mich übergeben
        """),
        "it": _s("""
            intossicazione alimentare | intossicazione | intossicato | sono stato male
            sono stata male | ho vomitato | vomito | diarrea | mal di pancia
            reazione allergica | pronto soccorso | in ospedale | ustionato | ustione
            mi sono bruciato | ferito | preso fuoco | esploso | prodotto scaduto | era scaduto
            muffa | ammuffito | avariato | scarafaggio | capello nel | pezzo di vetro
            carne cruda | pollo crudo | pericoloso | fuga di gas
        """),
        "pt": _s("""
            intoxicação alimentar | intoxicação | passei mal | passamos mal | vomitei | vômito
            diarreia | dor de barriga | reação alérgica | pronto socorro | fui parar no hospital
            me queimei | queimadura | pegou fogo | explodiu | fora da validade
            validade vencida | estava vencido | mofo | mofado | estragado | estragada
            cabelo na comida | carne crua | frango cru | perigoso | vazamento de gás
            uma barata | barata na comida | achei uma barata | estava podre | comida podre
            carne podre
        """),
        "hi": _s("""
            फूड पॉइजनिंग | तबीयत खराब | तबियत खराब | उल्टी | दस्त | पेट दर्द | पेट में दर्द
            एलर्जी | अस्पताल | हॉस्पिटल में | जल गया | जल गई | आग लग गई | आग लगी | करंट लगा
            एक्सपायरी | एक्सपायर | सड़ा हुआ | फफूंद | कीड़ा | कॉकरोच | बाल निकला
            tabiyat kharab | tabiyat kharaab | ulti | pet dard | pet me dard | allergy ho gayi
            hospital jana pada | jal gaya | aag lag gayi | current laga | expire ho gaya
            sada hua | keeda nikla | kida nikla | cockroach nikla | baal nikla | bimar ho gaya
            bimaar pad gaya | beemar ho gaye | बीमार हो गया | बीमार पड़ गया | pet kharab ho gaya
            पेट खराब हो गया | ulti ho gayi | उल्टी हो गई | shock laga | expiry date nikal
        """),
        "id": _s("""
            keracunan | keracunan makanan | sakit perut | mencret | diare | muntah | alergi
            gatal gatal | bentol | masuk rumah sakit | dilarikan ke rumah sakit | ugd | terluka
            kebakaran | terbakar | meledak | kesetrum | kadaluarsa | kedaluwarsa | makanan basi
            sudah basi | udah basi | nasi basi | berjamur | jamuran | ada kecoa | ada rambut
            ada ulat | belatung | pecahan kaca | daging mentah | ayam mentah | masih mentah
            berbahaya | bocor gas | masuk rs | dirawat di rumah sakit | melepuh | busuk
            bau busuk | berulat | ada kecoak | kecoak | ada lalat | ada beling
        """),
        "ru": _s("""
            отравление | отравился | отравилась | отравились | траванулся | стало плохо | рвота
            рвало | стошнило | понос | диарея | болит живот | аллергия | аллергическая реакция
            скорая | в больнице | ожог | обжегся | загорелся | загорелась | пожар | взорвался
            ударило током | просрочка | просроченный | просроченная | просрочен | плесень
            заплесневел | тухлый | тухлое | испорченный | таракан | тараканы | волос в
            стекло в | сырое мясо | сырая курица | утечка газа | otravilsya | prosrochka
            это опасно | опасно для | плохо стало | тошнит | вырвало | попал в больницу
            скорую вызывали | порезался | травма | волосы в еде | черви | недоваренный
            несвежий | несвежее | истек срок годности | срок годности истек
        """),
        "tr": _s("""
            zehirlenme | gıda zehirlenmesi | zehirlendim | zehirlendik | midem bulandı | kustum
            kusma | ishal | karın ağrısı | alerji | alerjik reaksiyon | hastanelik oldum
            hastaneye kaldırıldı | acile | acil servis | yaralandı | yaralandım | elim yandı
            yanık | yangın | alev aldı | patladı | elektrik çarptı | son kullanma tarihi geçmiş
            tarihi geçmiş | skt geçmiş | bozulmuş | küflü | küf kokuyor | kokmuş | hamam böceği
            böcek çıktı | saç çıktı | cam parçası | çiğ et | çiğ tavuk | pişmemiş | tehlikeli
            gaz kaçağı | zehirlendi | hastalandım | hastalandık | midem bozuldu | alerjim tuttu
            içinden böcek | içinden kıl çıktı | tavuk çiğ | pişmemişti
        """),
    },
    "fraud": {
        "en": _s("""
            hacked | got hacked | been hacked | account hacked | hacker | hackers | scam
            scammed | scammer | scammers | fraud | fraudulent | stolen | stole | phishing
            fake page | fake account | fake profile | fake website | fake link | impersonating
            pretending to be you | posing as | unauthorized transaction
            unauthorised transaction | unauthorized charge | unauthorised charge
            unauthorized payment | i didn't authorize | i did not authorize | i didn't authorise
            transactions i didn't make | charges i didn't make | someone used my card
            someone logged into my account | someone accessed my account | identity theft
            suspicious sms | suspicious link | fake sms | asked for my otp | asked for my pin
            asked for my password | con artists | using your name | this page is fake
            not the real page | fake giveaway | someone is pretending
            took money from my account without
        """),
        "vi": _s("""
            lừa đảo | bị lừa | lừa tiền | lừa gạt | lùa gà | bị hack | hack mất | hack acc
            hack tài khoản | mất acc | mất tài khoản | tài khoản bị hack | bị chiếm tài khoản
            chiếm quyền | giả mạo | mạo danh | trang giả | page giả | fanpage giả | link giả
            tin nhắn giả | bị đánh cắp | đánh cắp | trộm tiền | ăn cắp | bị trộm | giao dịch lạ
            giao dịch không phải của tôi | tự nhiên bị trừ tiền | tự dưng mất tiền
            tự nhiên mất tiền | không phải tôi giao dịch | lộ thông tin | lộ mã otp | xin mã otp
            đòi mã otp | scam
        """),
        "ro": _s("""
            țeapă | țepari | am luat țeapă | escrocherie | escroci | escroc | înșelătorie
            fraudă | fraudat | furt | furat | mi-au furat | am fost furat | hackuit | hack-uit
            spart contul | mi-a spart contul | mi-au spart contul | contul spart | phishing
            pagină falsă | cont fals | site fals | se dau drept | se dă drept | în numele vostru
            tranzacție neautorizată | tranzacții neautorizate | plată neautorizată
            tranzacții pe care nu le-am făcut | nu am făcut eu | cineva mi-a folosit cardul
            cineva a intrat în cont | sms fals | mesaj fals | mi-au cerut codul | card clonat
            cardul clonat | hoție | furtișag
        """),
        "ar": _s("""
            نصبوا علي | نصبوا عليا | نصب عليا | اتنصب عليا | نصابين | نصاب | نصابه | احتيال
            محتال | محتالين | حراميه | حرامي | سرقه | سرقوا | سرقوني | انسرق | اتسرق | مسروق
            اختراق | اخترقوا | تم اختراق | اتهكر | انهكر | حسابي اتهكر | تهكير | هكر | هاكر
            مهكر | صفحه مزيفه | صفحه وهميه | حساب وهمي | حساب مزيف | موقع مزيف | رابط مزيف
            رسائل احتيال | ينتحل | انتحال | انتحال شخصيه | عمليه غير مصرح | عمليات غير مصرح بها
            سحب بدون علمي | بدون علمي | بدون اذني | عمليه ما سويتها | ما عملتهاش | طلبوا الرمز
            طلبوا الكود | طلبوا رقم البطاقه | نصب واحتيال | nasb | nasabin | 7aramiya | harameya
            et7aked | ethaked | حد سحب | في حد سحب | حد دخل حسابي | احد دخل على حسابي
            حسابي اخترق | حسابي مخترق | انسرق حسابي | سرقوا حسابي | مزيف | مزيفه | سحب رصيد
            سرقوا رصيدي
        """),
        "fa": _s("""
            کلاهبرداری | کلاهبردار | کلاهبردارا | کلاه برداری | کلاه‌برداری | سرم کلاه گذاشتن
            کلاه سرم رفت | دزدی | دزد | دزدا | دزدیدن | دزدیده | سرقت | هک شد | هک شده
            هکم کردن | هک کردن | پیجم هک | اکانتم هک | حسابم هک | هکر | فیشینگ | صفحه جعلی
            پیج جعلی | پیج فیک | سایت جعلی | لینک جعلی | درگاه جعلی | به اسم شما
            از طرف شما پیام | تراکنش مشکوک | برداشت غیرمجاز | برداشت بدون اجازه
            بدون اجازه از حسابم | بدون اطلاع من | کسی با کارتم | رمزمو گرفتن | کد تایید خواستن
            پیامک جعلی | پیامک مشکوک | kolahbardari | kolahbardar | dozd | hack shod
            پولمو دزدیدن | پولمو خوردن | پولمو بالا کشیدن | بالا کشیدن | هک
        """),
        "es": _s("""
            estafa | estafadores | me estafaron | fraude | hackearon | me hackearon
            cuenta hackeada | robaron | me robaron | página falsa | perfil falso
            se hacen pasar | suplantación | cargo no reconocido | cargos no reconocidos
            compra no reconocida | no autoricé | transacción no autorizada | timo | timadores
        """),
        "fr": _s("""
            arnaque | arnaqueurs | arnaqué | escroquerie | escrocs | fraude | compte piraté
            on m'a volé | faux site | fausse page | faux compte | usurpation
            se font passer pour | prélèvement frauduleux | transaction non autorisée
            paiement non autorisé | je n'ai pas autorisé | hameçonnage | j'ai été piraté
            piraté mon compte | compte hacké
        """),
        "de": _s("""
            betrug | betrüger | betrogen | gehackt | konto gehackt | account gehackt | gestohlen
            geklaut | fake seite | fake profil | gefälschte | gibt sich als
            nicht autorisierte abbuchung | unautorisierte abbuchung | abbuchung die ich nicht
            identitätsdiebstahl | datendiebstahl
        """),
        "it": _s("""
            truffa | truffatori | truffato | frode | hackerato | account hackerato | rubato
            rubati | mi hanno rubato | furto | pagina falsa | profilo falso | si spacciano per
            addebito non autorizzato | transazione non autorizzata | carta clonata
        """),
        "pt": _s("""
            golpista | golpistas | caí num golpe | fraude | hackearam | conta hackeada
            invadiram minha conta | conta invadida | roubaram | roubo | página falsa
            perfil falso | se passando por | compra não reconhecida | transação não reconhecida
            não autorizei | clonaram meu cartão | cartão clonado | é golpe | isso é golpe
            golpe do pix | fui roubado | roubaram meu | me roubaram
        """),
        "hi": _s("""
            धोखा | धोखाधड़ी | फ्रॉड | ठगी | ठग | हैक | हैक हो गया | चोरी | नकली पेज | फर्जी
            dhokha | dhoka | dhokhebaaz | dhokebaj | thagi | chori | hack ho gaya | account hack
            farzi | bina permission | otp maang rahe | otp manga | fraud hai | fraud company
            scam hai | loot rahe | loot macha | लूट रहे | लूट मचा | paise le ke bhaag
            nakli saman
        """),
        "id": _s("""
            penipuan | penipu | ditipu | kena tipu | dihack | di hack | akun dihack | kena hack
            dibobol | akun dibobol | dicuri | pencurian | maling | akun palsu | page palsu
            web palsu | mengatasnamakan | transaksi tidak dikenal | transaksi mencurigakan
            minta kode otp | ketipu | tertipu | nipu | akun diretas | diretas | kebobolan
            saldo dicuri | uang dicuri | modus penipuan | ngaku ngaku
        """),
        "ru": _s("""
            мошенники | мошенничество | мошенник | развод | развели | обман | обманули
            кидалово | взломали | взлом | аккаунт взломан | украли | кража | фишинг
            фейковая страница | поддельный | выдают себя за | от вашего имени
            несанкционированное списание | не совершал | не совершала | moshenniki | razvod
            нас кинули | меня кинули | лохотрон | разводилово | аферисты | взломали аккаунт
            украли деньги | без моего согласия | фейк | подделка
        """),
        "tr": _s("""
            dolandırıcı | dolandırıcılar | dolandırıldım | dolandırıcılık | sahtekar | hacklendi
            hesabım hacklendi | hesabım çalındı | çalındı | çaldılar | hırsız | hırsızlık
            oltalama | sahte sayfa | sahte hesap | sahte site | sahte mesaj | izinsiz çekim
            bilgim dışında | yetkisiz işlem | kartım kopyalanmış | hesabıma girilmiş
            hesabıma biri girdi | kartımdan izinsiz | haberim olmadan | bilgim olmadan | sahte
        """),
    },
    "threat": {
        "en": _s("""
            cancel my subscription | cancel my account | cancel my contract | cancelling my
            canceling my | i'm cancelling | im cancelling | i will cancel | i'll cancel
            going to cancel | gonna cancel | terminate my contract | close my account
            switching to | switch provider | switching provider | switching providers
            leaving you | i'm done with you | never again | never ordering again
            never buying again | never coming back | lost a customer | suing | lawsuit | lawyer
            attorney | legal action | take you to court | see you in court | small claims
            report you | reporting you | report this to | consumer protection
            trading standards | ombudsman | ftc | better business bureau | citizens advice
            chargeback | dispute the charge | formal complaint | going to the press
            going to the media | contact the media | post this everywhere | bad review
            one star | zero stars | leaving a review | call the police | report to the police
            police | boycott | i will report | i'll report | reporting this
            cancelled my subscription | canceled my subscription | never use you again
            will never use | won't be using | taking my business elsewhere
            take my business elsewhere | going elsewhere | solicitor | small claims court
            ofcom | ofgem | cfpb | attorney general | the news | make this viral
            tell all my friends | warn everyone | take legal action | legal steps | sue you
            will sue | going to sue | gonna sue | i'll sue | sue your
        """),
        "vi": _s("""
            hủy hợp đồng | hủy dịch vụ | cắt hợp đồng | cắt dịch vụ | hủy gói | hủy thẻ
            hủy tài khoản | chuyển mạng | chuyển sang nhà mạng khác | chuyển sang bên khác
            chuyển qua bên khác | không bao giờ mua nữa | không mua nữa | không bao giờ quay lại
            tẩy chay | sẽ kiện | khởi kiện | đi kiện | kiện ra tòa | kiện shop | kiện công ty
            luật sư | tòa án | ra tòa | báo công an | trình báo | công an | lên báo
            đưa lên báo | bóc phốt | đăng phốt | cho mọi người biết | cảnh báo mọi người
            khiếu nại lên | gửi đơn khiếu nại | bảo vệ người tiêu dùng | cục cạnh tranh
            vinastas | bộ công thương | sở công thương | báo lên | không bao giờ dùng nữa
            không dùng nữa | bỏ luôn | chuyển qua viettel | chuyển qua vina | chuyển qua mobi
            chuyển sang viettel | chuyển sang fpt | chuyển sang vnpt | đăng lên mạng
            đăng lên group | đưa lên mạng | share cho mọi người | cho cả thế giới biết
            mọi người né | né gấp | đừng mua | đừng bao giờ mua
        """),
        "ro": _s("""
            reziliez contractul | reziliez | reziliere | rezilierea contractului
            anulez abonamentul | îmi anulez | închid contul | renunț la abonament
            trec la altă rețea | trec la alt operator | schimb operatorul | schimb furnizorul
            plec de la voi | plec la concurență | nu mai cumpăr | nu mai comand | nu mai calc
            vă dau în judecată | dau în judecată | în judecată | avocatul meu | instanță
            tribunal | anpc | ancom | anre | protecția consumatorului | fac sesizare
            depun plângere | plângere penală | poliție | la poliție | chem poliția
            dau la presă | merg la presă | la televizor | să afle toată lumea
            recenzie negativă | review negativ | o stea | chargeback | vă reclam
            fac reclamație | depun reclamație | reclamație oficială | o să vă fac reclamație
            trec la digi | trec la orange | trec la vodafone | trec la telekom | mă mut la digi
            mă mut la orange | portez numărul | nu mai vin niciodată | ultima comandă de la voi
            niciodată nu mai | un avocat | prin avocat | vorbesc cu un avocat
        """),
        "ar": _s("""
            الغي الاشتراك | بلغي الاشتراك | هلغي الاشتراك | راح الغي | رح الغي | حلغي
            الغاء الاشتراك | الغاء العقد | هلغي الخط | بلغي الخط | انقل الخط | راح احول
            بحول على | حغير الشركه | هغير الشبكه | اخر مره اتعامل | مش هتعامل معاكم | لن اتعامل
            ما راح اتعامل | ما عاد اتعامل | مقاطعه | قاطعوا | ساقاضيكم | مقاضاه | محامي
            المحكمه | محكمه | ارفع قضيه | هرفع قضيه | حمايه المستهلك | جهاز حمايه المستهلك
            وزاره التجاره | البنك المركزي | هيئه الاتصالات | تنظيم الاتصالات | ساشتكي | هشتكي
            بشتكي عليكم | راح اشتكي | شكوى رسميه | الشرطه | البوليس | قسم الشرطه | ابلغ عنكم
            هبلغ عنكم | النيابه | الصحافه | الاعلام | هفضحكم | بفضحكم | راح افضحكم | hafda7kom
            hashtaky | هقدم شكوى | ساقدم شكوى | بقدم شكوى | تقديم شكوى | هعمل شكوى | هعمل محضر
            محضر | بعمل بلاغ | هعمل بلاغ | ساقدم بلاغ | بلاغ | هسيب الشركه | بسيب الشركه
            راح اترك الشركه | مش هشتري تاني | مش هطلب تاني | ما راح اطلب مره ثانيه
            اخر مره اطلب | اخر مره اشتري | لن اشتري | هنشر | راح انشر | بنشر | هرفع عليكم قضيه
            قضيه عليكم | اشتكي عليكم | حشتكي | راح اشتكي عليكم | اقدم شكوى | سوف اقدم شكوى
            الغي اشتراكي | بلغي اشتراكي | ما بتعامل معكم | ما راح ارجع | مش راجع تاني
            اخر تعامل | السوشيال ميديا | بنشر على | رح انشر | هنشرها
        """),
        "fa": _s("""
            فسخ قرارداد | قرارداد رو فسخ | فسخ می‌کنم | لغو اشتراک | اشتراکمو لغو | لغو می‌کنم
            خطمو عوض | سیم کارتمو عوض | میرم ایرانسل | میرم همراه اول | میرم رایتل
            دیگه خرید نمی‌کنم | دیگه نمی‌خرم | دیگه ازتون خرید نمی‌کنم | آخرین بار بود
            شکایت می‌کنم | ازتون شکایت | شکایت کنم | سازمان حمایت | حمایت از مصرف کننده
            حمایت از حقوق مصرف کننده | تعزیرات | سازمان تنظیم مقررات | رگولاتوری | پلیس
            پلیس فتا | دادگاه | وکیل | دادسرا | شکایت قضایی | آبروتونو می‌برم
            همه جا پخش می‌کنم | اطلاع رسانی می‌کنم | shekayat mikonam | tazirat | lagv mikonam
            شکایت کردم | شکایت خواهم کرد | سامانه 0 | اینماد | دیگه سفارش نمیدم
            دیگه استفاده نمیکنم | خطمو میسوزونم | سیم کارتمو میسوزونم | تحریمتون میکنم
            پیگیری قانونی | از طریق قانونی | اقدام قانونی | تو اینستا میذارم | همه جا میگم
            استوری میکنم
        """),
        "es": _s("""
            cancelar mi suscripción | voy a cancelar | darme de baja | me doy de baja
            me voy a la competencia | me cambio de compañía | no vuelvo a comprar | nunca más
            los voy a demandar | demandar | abogado | los voy a denunciar | poner una denuncia
            profeco | defensa del consumidor | oficina del consumidor | policía
            reseña negativa
        """),
        "fr": _s("""
            résilier | résiliation | je résilie | annuler mon abonnement | je me désabonne
            changer d'opérateur | plus jamais | porter plainte | je porte plainte | tribunal
            faire un procès | intenter un procès | mise en demeure | dgccrf | ufc que choisir
            médiateur | signalconso | arcep | la police | les médias | la presse | avis négatif
            mon avocat | contacter un avocat | voir avec un avocat | 0 millions de consommateurs
        """),
        "de": _s("""
            kündigen | kündige | ich kündige | kündigung | vertrag kündigen | abo kündigen
            anbieter wechseln | nie wieder | anwalt | rechtsanwalt | verklagen | klage
            verbraucherzentrale | bundesnetzagentur | schlichtungsstelle | anzeige erstatten
            polizei | schlechte bewertung | an die presse | zur presse | vor gericht
            gerichtlich | sonderkündigungsrecht | widerruf | widerrufe
        """),
        "it": _s("""
            disdetta | disdire | annullare l'abbonamento | cambio operatore | mai più | avvocato
            denuncia | vi denuncio | tribunale | vi faccio causa | fare causa | agcom
            antitrust | altroconsumo | codacons | associazione consumatori | carabinieri
            polizia | striscia la notizia | recensione negativa | diritto di recesso
            recesso dal contratto
        """),
        "pt": _s("""
            cancelar minha assinatura | vou cancelar | cancelar o plano | trocar de operadora
            mudar de operadora | portabilidade | nunca mais compro | vou processar | processar
            advogado | procon | reclame aqui | anatel | consumidor gov | polícia
            boletim de ocorrência | vou denunciar | na justiça | entrar na justiça
            vou na justiça | quero cancelar
        """),
        "hi": _s("""
            कैंसिल कर दूंगा | केस करूंगा | कोर्ट | वकील | उपभोक्ता फोरम | कंज्यूमर फोरम
            कंज्यूमर कोर्ट | पुलिस | शिकायत करूंगा | case karunga | case kar dunga
            court jaunga | consumer court | consumer forum | police complaint | fir karunga
            vakil | port kar dunga | sim port | cancel kar dunga | dobara nahi lunga
            trai me complaint | trai ko complaint | complaint karunga | complaint kar dunga
            shikayat karunga | police me complaint | legal action lunga | legal notice
            notice bhejunga | social media pe daalunga | viral kar dunga | port karwa lunga
            number port | chhod dunga | कंप्लेंट करूंगा | शिकायत दर्ज करूंगा
        """),
        "id": _s("""
            berhenti langganan | putus langganan | batalkan langganan | pindah provider
            ganti provider | ganti operator | gak akan beli lagi | ga bakal beli lagi | kapok
            lapor polisi | polisi | pengacara | tuntut | menuntut | gugat | ylki | bpkn
            lapor ojk | viralkan | saya laporkan | akan saya laporkan | bpsk | somasi
            jalur hukum | viralin | saya viralkan | kapok beli | ga mau lagi beli
        """),
        "ru": _s("""
            расторгнуть договор | расторгаю | отказываюсь от услуг | перейду к | перехожу к
            ухожу к | больше никогда | ноги моей | подам в суд | в суд | суд | юрист | адвокат
            роспотребнадзор | прокуратура | полиция | заявление в полицию | отзыв везде | v sud
            rospotrebnadzor | напишу жалобу | подам жалобу | пожалуюсь | буду жаловаться
            обращусь в суд | обращусь в полицию | в прокуратуру | расторгну договор
            уйду к конкурентам | больше не закажу | больше ни ногой | напишу везде
        """),
        "tr": _s("""
            aboneliğimi iptal | iptal edeceğim | iptal ediyorum | hattımı taşıyacağım
            başka operatöre | operatör değiştireceğim | bir daha asla | bir daha almam | avukat
            dava açacağım | dava | mahkeme | tüketici hakem heyeti | tüketici hakları | btk
            cimer | şikayetvar | polise | savcılık | suç duyurusu | sosyal medyada
            basına vereceğim | basına gideceğim | şikayet edeceğim | şikayetçiyim
            tüketici mahkemesi | avukatıma | hukuki süreç | yasal işlem | yasal yollara
            dava edeceğim | bir daha sipariş vermem | bir daha alışveriş yapmam
            iptal etmek istiyorum | numara taşıma | başka firmaya | tüketici hakem | mahkemeye
            savcılığa | avukatımla | dava açıyorum
        """),
    },
    "waiting": {
        "en": _s("""
            still waiting | been waiting | waiting for days | waiting for weeks
            waiting for a week | waiting since | for 0 days now | for 0 weeks now | 0 days now
            0 weeks now | for days now | for weeks now | still no answer | still no reply
            still no response | still nothing | no answer | no reply | no response
            nobody answers | nobody replies | nobody responds | no one answers | no one replies
            no one responds | nobody is answering | no one is answering | nobody gets back
            never got back | never replied | never responded | haven't heard back
            havent heard back | no update | no updates | ignored | ignoring me | ignoring my
            left on read | on hold for | called 0 times | called you 0 times | emailed 0 times
            messaged 0 times | called several times | called multiple times
            emailed multiple times | messaged multiple times | is anyone there | anybody there
            answer me | reply to me | respond to my | check your dm | check your inbox
            hung up on me | waited 0 hours | how much longer | still no | still not
            still haven't | still hasn't | it's been 0 days | its been 0 days
            it has been 0 days | it's been a week | its been a week | over a week | over 0 weeks
            over a month | more than a week | been on hold | hours on hold | no callback
            never called back | no call back | promised a call back | automated reply
            same reply | copy paste | please respond | please reply | please answer
            reply please | any update on my | for the third time | again and again
            same problem again | same issue again | still the same | hello anyone
            for the 0rd time | for the 0th time | third time this week | third time this month
            third time i've | 0rd time i've
        """),
        "vi": _s("""
            chờ mãi | đợi mãi | chờ hoài | đợi hoài | chờ lâu quá | đợi lâu quá | chờ cả tuần
            đợi cả tuần | cả tuần rồi mà | mấy ngày rồi mà | mấy tuần rồi mà | mấy hôm rồi mà
            0 ngày rồi mà | 0 tuần rồi mà | 0 hôm rồi mà | mấy ngày rồi vẫn | 0 ngày rồi vẫn
            mấy ngày rồi chưa | 0 ngày rồi chưa | 0 ngày nay chưa | không ai trả lời
            không ai rep | không ai tl | chưa ai trả lời | chưa thấy trả lời | chưa trả lời
            không trả lời | không phản hồi | chưa phản hồi | chưa được phản hồi
            không thấy phản hồi | không rep | chưa rep | rep đi | rep tin nhắn
            trả lời tin nhắn | seen không rep | xem mà không trả lời | inbox mãi | ib mãi
            nhắn tin mãi | nhắn mấy lần | gọi mấy lần | gọi 0 lần | gọi bao nhiêu lần
            không ai nghe máy | không nghe máy | làm lơ | phớt lờ | bơ tin nhắn | bơ khách
            vẫn chưa thấy | đến giờ vẫn chưa | tới giờ vẫn chưa | tới giờ chưa
            không ai bắt máy | gọi không ai nghe | tổng đài không ai nghe | trả lời giùm
            trả lời giúp | rep giùm | rep giúp | trả lời đi | sao không trả lời | sao không rep
            check inbox | check ib | check tin nhắn | xem tin nhắn giúp | lần nào cũng vậy
            gọi mấy lần rồi | nhắn mấy lần rồi | báo mấy lần rồi | nhắn bao nhiêu lần
            nhắn nhiều lần | gọi nhiều lần | liên hệ nhiều lần
        """),
        "ro": _s("""
            tot aștept | încă aștept | aștept de | aștept răspuns | de o săptămână nimic
            de 0 zile nimic | de o lună nimic | nu răspunde nimeni | nimeni nu răspunde
            nu răspundeți | nu-mi răspunde | nu mi-a răspuns nimeni | niciun răspuns
            nici un răspuns | fără răspuns | nu primesc răspuns | am sunat de 0 ori
            am sunat de zeci de ori | am sunat de nenumărate ori | am sunat de mai multe ori
            am scris de 0 ori | am scris de mai multe ori | v-am scris | v-am trimis mesaj
            v-am dat mesaj | răspundeți la mesaje | răspundeți odată | vă rog răspundeți
            mă ignorați | m-ați ignorat | ignorați | seen și nimic | nimic de la voi
            nicio reacție | mă plimbați | tot mă amânați | fără niciun răspuns | de zile bune
            de săptămâni întregi | de luni de zile | mi-ați promis | ne tot promiteți
            mi s-a promis | a câta oară | pentru a treia oară | pentru a 0-a oară | tot revin
        """),
        "ar": _s("""
            لسه مستني | لسا مستني | لسه بستنى | لسه منتظر | لسا ناطر | ناطر من | صرلي | صارلي
            صار لي | بقالي | لي اسبوع انتظر | ولا رد | ما في رد | مافي رد | مفيش رد | محد يرد
            ما حد يرد | محدش بيرد | محدش رد | ماحد رد | لا احد يرد | لم يرد احد | بدون رد
            دون رد | لا يوجد رد | ما تردون | مش بتردوا | ليش ما تردون | ليه مش بتردوا
            اتصلت 0 مرات | كلمتكم 0 مرات | اتصلت اكثر من مره | اتصلت كذا مره | كذا مره | طنشتوني
            تطنيش | مطنشين | متجاهلين | راسلتكم | راسلتكم على الخاص | بعتلكم خاص
            لا حياه لمن تنادي | mafi rad | mafish rad | ma7adesh byrod | bali usbu3
            ولا حد بيرد | ولا احد يرد | ما يردون | ما بيردوا | مش بيردوا | مش بترد
            ليش ما في رد | كل يوم اتصل | كل يوم بتصل | خدمه العملاء ما ترد
            خدمه العملاء مش بترد | طال الانتظار | ساعات انتظار | وانا انتظر | وانا ناطر
            تالت مره | ثالث مره | للمره الثالثه | للمره 0 | كل مره نفس | نفس المشكله
            اتصلت الف مره | كلمتكم الف مره | قلتلكم الف مره | اتصلت مليون مره | ولا حد عبرني
            محدش عبرني | ما حد عبرني | مش معبرني | ما في اهتمام | مافي اهتمام | ولا اهتمام
            ما تردون علينا | ما احد رد | كم مره
        """),
        "fa": _s("""
            هنوز منتظرم | هنوز جواب | هنوز جوابی | چند روزه منتظرم | یه هفته‌ست منتظرم
            یه ماهه منتظرم | 0 روزه منتظرم | 0 روزه جواب | چند روزه جواب | جواب نمیدید
            جواب نمیدن | جوابگو نیستید | پاسخگو نیستید | پاسخگو نیست | کسی جواب نمیده
            هیچکس جواب | هیچ کس جواب | هیچ جوابی | جوابی ندادید | جواب ندادید
            پاسخی دریافت نکردم | پاسخ ندادید | تلفن رو جواب نمیدن | هر چی زنگ میزنم | هرچی زنگ
            چند بار زنگ زدم | 0 بار زنگ زدم | صد بار زنگ زدم | چند بار پیام دادم | دایرکت دادم
            پیام دادم جواب | تیکت زدم | محل نمیدید | محل نمیذارید | اعتنا نمی‌کنید
            نادیده گرفتید | جواب بدید | جواب بدین | یکی جواب بده | javab nemidid | javab nemidan
            hanooz montazeram | پشتیبانی جواب نمیده | پشتیبانی پاسخگو نیست | چرا جواب نمیدید
            جواب منو بدید | هر روز زنگ | هیچ خبری نیست | خبری نشد | هیچ خبری نشد
            هنوز خبری نیست | پیگیری کردم | بارها پیگیری | بار سومه | برای بار سوم | بار چندمه
            چندمین بار | دوباره همون مشکل | هزار بار زنگ زدم | هزار بار پیام دادم | پاسخ نمیدید
            پاسخ نمی‌دهید | پاسخی نیست | جوابی نیست | کسی پاسخگو نیست | تا کی باید
            چقدر باید صبر
        """),
        "es": _s("""
            sigo esperando | llevo esperando | llevo 0 días | llevo una semana | llevo semanas
            desde hace días | nadie responde | nadie contesta | nadie me responde
            sin respuesta | no contestan | no responden | no me responden | ni una respuesta
            he llamado 0 veces | llamé 0 veces | llamado mil veces | me ignoran | dejan en visto
            respondan | por tercera vez | ya van 0 veces | otra vez lo mismo | nadie me ayuda
            nadie da solución | ninguna solución | sin solución | no dan solución
            no me dan respuesta
        """),
        "fr": _s("""
            toujours en attente | j'attends toujours | j'attends depuis | depuis 0 jours
            depuis une semaine | depuis des semaines | depuis des jours | aucune réponse
            pas de réponse | sans réponse | personne ne répond | personne répond
            vous ne répondez pas | j'ai appelé 0 fois | appelé plusieurs fois | j'ai relancé
            vous m'ignorez | pour la troisième fois | encore une fois | toujours rien
            répondez moi | répondez svp | toujours pas | pas de nouvelles | aucune nouvelle
            sans nouvelles | on me balade | personne ne m'aide
        """),
        "de": _s("""
            warte immer noch | immer noch keine antwort | keine antwort | keine rückmeldung
            keiner antwortet | niemand antwortet | niemand meldet sich | seit tagen
            seit wochen | seit 0 tagen | seit 0 wochen | seit einer woche | 0 mal angerufen
            mehrmals angerufen | ignoriert | warteschleife | meldet euch | zum dritten mal
            immer noch nichts | schon wieder kein | schon wieder keine | schon wieder nicht
            immer noch nicht | bis heute nicht | bis heute keine | noch immer nicht
            noch immer kein
        """),
        "it": _s("""
            sto ancora aspettando | aspetto ancora | aspetto da | nessuna risposta
            nessuno risponde | non rispondete | non risponde nessuno | senza risposta
            ho chiamato 0 volte | chiamato mille volte | scritto mille volte | mi ignorate
            per la terza volta | ancora una volta | ancora niente | rispondete per favore
            perché non rispondete | nessuno mi risponde | nessuno ci risponde
        """),
        "pt": _s("""
            ainda esperando | ainda aguardando | aguardando há | esperando há | ninguém responde
            ninguém me responde | sem resposta | não respondem | nenhuma resposta
            liguei 0 vezes | liguei mil vezes | liguei várias vezes | me ignoram | respondam
            pela terceira vez | mais uma vez | de novo isso | até agora nada | ninguém resolve
            nenhuma solução | sem solução | não resolvem | me enrolando | enrolação
        """),
        "hi": _s("""
            अभी तक कोई जवाब नहीं | कोई जवाब नहीं | कोई रिप्लाई नहीं | जवाब नहीं दे रहे
            कब से इंतजार | इंतज़ार कर रहा | कितनी बार | कोई नहीं उठाता | koi jawab nahi
            koi reply nahi | reply nahi | koi response nahi | response nahi | abhi tak koi
            kab tak wait | kab tak intezar | kitni baar | baar baar call | call nahi uthate
            ignore kar rahe | koi sunne wala nahi | koi sun nahi raha | koi nahi sunta
            customer care phone nahi uthata | kitne din ho gaye | kitne din se | kab milega
            reply karo | jawab do | जवाब दो | कोई सुनने वाला नहीं | कितने दिन हो गए
        """),
        "id": _s("""
            masih menunggu | udah nunggu | nunggu lama | udah seminggu belum
            sudah 0 hari belum | udah 0 hari belum | berhari hari | berminggu minggu
            tidak ada respon | gak ada respon | ga ada respon | tidak dibalas | gak dibales
            ga dibales | chat gak dibalas | slow respon | dicuekin | diabaikan | tolong dibalas
            admin kemana | min kemana | gak ada kabar | ga ada kabar | tidak ada kabar
            belum ada kabar | belum ada respon | cs tidak membalas | cs gak bales
            chat tidak dibalas | gak dibalas | sampai sekarang belum | sampe sekarang belum
            berkali kali
        """),
        "ru": _s("""
            до сих пор жду | все еще жду | жду уже | жду ответа | никто не отвечает
            никто не ответил | нет ответа | без ответа | игнорируете | игнорируют | игнор
            который день жду | жду неделю | звонил 0 раз | звонила 0 раз | звонил сто раз
            писал сто раз | отвечайте | ответьте | в очередной раз | опять двадцать пять
            до сих пор нет | опять нет | опять не | до сих пор не | никто не перезвонил
            не перезвонили | обещали перезвонить | ответа нет | поддержка молчит | молчат
            молчите | игнорят | сколько можно | сколько можно ждать | неделю жду | месяц жду
            вторую неделю | который раз
        """),
        "tr": _s("""
            hala bekliyorum | halen bekliyorum | gündür bekliyorum | haftadır bekliyorum
            günlerdir bekliyorum | haftalardır bekliyorum | cevap vermiyorsunuz
            cevap veren yok | kimse cevap vermiyor | yanıt yok | dönüş yok | dönüş yapılmadı
            geri dönüş yok | muhatap bulamıyorum | muhatap yok | 0 kere aradım
            defalarca aradım | defalarca | umursamıyorsunuz | bir kez daha | tekrar tekrar
            üçüncü kez | hala yok | kimse ilgilenmiyor | ilgilenen yok | kimse dönmedi
            dönüş yapmadınız | cevap alamadım | yanıt alamadım | ulaşamıyorum
            müşteri hizmetlerine ulaşamıyorum | telefonlara bakmıyorsunuz | günlerdir
            haftalardır
        """),
    },
    "anger": {
        "en": _s("""
            worst | the worst | worst service | worst company | disgusting | disgrace
            disgraceful | unacceptable | ridiculous | absolutely ridiculous | pathetic | useless
            incompetent | shameful | shame on you | what a joke | this is a joke | absolute joke
            horrible | terrible | awful | appalling | atrocious | outrageous | fed up | sick of
            sick and tired | had enough | furious | livid | angry | fuming | wtf | what the hell
            fuck you | fuck this | fuck your | bullshit | this is crap | absolute crap
            daylight robbery | rip off | ripoff | this is a scam | what a scam | total scam
            thieves | clowns | shameless | hate you | terrible service | horrible service
            awful service | disgusted | absolutely disgusted | appalled | nightmare
            worst experience | so frustrated | frustrating | frustrated | annoyed | sick of this
            fix this now | fix it now | sort it out | do your job | get your act together
            how hard is it | how is this acceptable | is this a joke | are you kidding me
            very disappointed | extremely disappointed | so disappointed | shocking service
            abysmal | dreadful | diabolical | scandalous | is trash | absolute trash
            total garbage | absolute garbage | is garbage | utter rubbish | absolute rubbish
            is rubbish
        """),
        "vi": _s("""
            tệ quá | quá tệ | tệ hại | tệ nhất | tồi tệ | dở tệ | bực mình | bực quá | bực bội
            điên tiết | phát điên | điên người | tức quá | tức điên | ức chế | chán quá
            quá thất vọng | thất vọng tràn trề | vô trách nhiệm | vô lý | vớ vẩn | láo toét
            láo lếu | mất dạy | làm ăn kiểu gì | làm ăn như | làm ăn chán | làm ăn tệ
            làm ăn cẩu thả | kinh tởm | ghê tởm | không chấp nhận được | không thể chấp nhận
            quá đáng | coi thường khách | xem thường khách hàng | thái độ tệ | thái độ lồi lõm
            thái độ láo | đồ rác | như rác | rác rưởi | nhục nhã | hết chịu nổi | chịu hết nổi
            không chịu nổi | quá sức chịu đựng | bức xúc | kém quá | quá kém | dịch vụ kém
            dịch vụ tệ | phục vụ tệ | chán thật sự | thật sự thất vọng | rất thất vọng
        """),
        "ro": _s("""
            bătaie de joc | e bătaie de joc | rușine | să vă fie rușine | rușine să vă fie
            penibil | penibili | jalnic | jenant | inadmisibil | inacceptabil | revoltător
            revoltat | revoltată | scandalos | mizerie | mizerabil | mizerabili | cel mai prost
            cea mai proastă | cei mai proști | cea mai slabă | groaznic | oribil | dezastru
            dezastruos | incompetenți | nesimțiți | nesimțire | hoți | hoților | bandiți | jale
            m-am săturat | ne-am săturat | m-ați enervat | pe nervi | pula mea | nu se face așa
            nu e normal | nu este normal | sunteți praf | serviciu praf | de căcat | de rahat
            vă bateți joc
        """),
        "ar": _s("""
            اسوا | اسوء | اسوا خدمه | اسوا شركه | زفت | زباله | قرف | مقرف | مقرفين | حقير
            حقيرين | وقاحه | وقحين | قله ادب | قليلين ادب | مهزله | مسخره | تهريج | عيب عليكم
            حرام عليكم | حسبي الله | حسبنا الله | حسبي الله ونعم الوكيل | الله ياخذكم
            الله لا يوفقكم | الله ينتقم | يلعن ابوكم | يلعنكم | الله يلعنكم | تبا | خرا
            تعبتونا | طفشتونا | قرفتونا | زهقت | زهقنا | طفح الكيل | فاشلين | اغبياء | غير مقبول
            ما يصير | مش معقول | مو معقول | غير معقول | استهتار | لا مبالاه | ظلم | zeft | zbale
            haram 3aleikom | 7asbi allah | 5ara | مش محترمين | مو محترمين | غير محترمين
            قليلين الذوق | ما في احترام | مافي احترام | احترموا عقولنا | استغلال | استغلاليين
            جشع | نهب | سرقه علني | كارثه | كارثي | مصيبه | يقرف | فاشل | خدمه العملاء زفت
            تخلف | متخلفين | ما تستحون | ما تستحوا | سيء جدا | سيئ جدا | سيئه جدا | خدمه سيئه
        """),
        "fa": _s("""
            افتضاح | افتضاحه | افتضاحید | خیلی بدید | بدترین | مزخرف | مزخرفه | مسخره | مسخره‌ست
            مسخره کردید | مسخره بازی | آشغال | آشغالا | کثافت | کثافتا | بی‌شعور | بیشعور
            بی‌شرف | بی‌ناموس | بی‌عرضه | بی‌لیاقت | بی‌مسئولیت | بی‌مسئولیتی | خجالت بکشید
            خجالت نمی‌کشید | شرم آوره | شرم‌آور | حیف پول | گند زدید | ریدید | گوه
            حالمو بهم زدید | حالم بهم خورد | اعصابمو خورد کردید | اعصاب خردکن | ذله شدم
            دیوونه شدیم | غیرقابل قبول | قابل قبول نیست | خیلی زشته | ظلمه | eftezah | mozakhraf
            bishoor | واقعا افتضاح | بی انصاف | بی‌انصافی | مفت خور | زورگویی | شورشو درآوردید
            شورش رو در آوردید | بسه دیگه | خسته شدیم از | کلافه شدم | کلافه | عصبانی | گند زدن
            دیوونه‌ام کردید | بدبختمون کردید | خاک تو سرتون | خاک بر سرتون | بی‌غیرت | حروم‌خور
            حرومخورا
        """),
        "es": _s("""
            pésimo | pésima | pésimo servicio | lo peor | los peores | una vergüenza
            qué vergüenza | inaceptable | ridículo | asqueroso | qué asco | una mierda
            servicio de mierda | basura | es un robo | un desastre | indignado | indignada
            incompetentes | sinvergüenzas | ladrones | una burla | falta de respeto
            estoy harto | estoy harta | harto de | harta de | pésima atención | atención pésima
            me tienen harto | estoy hasta la madre | qué poca madre | es increíble que
        """),
        "fr": _s("""
            honteux | la honte | c'est une honte | inadmissible | inacceptable | scandaleux
            scandale | lamentable | pitoyable | minable | dégueulasse | dégoûtant
            service de merde | de la merde | catastrophique | incompétents | voleurs
            j'en ai marre | ras le bol | foutage de gueule | furieux | furieuse | écœuré
            le pire | marre de | n'importe quoi | vous vous foutez | vous vous moquez
            on se moque de nous | honte à vous
        """),
        "de": _s("""
            frechheit | unverschämt | unverschämtheit | katastrophe | katastrophal | skandal
            skandalös | eine schande | schande | peinlich | lächerlich | inakzeptabel
            miserabel | das letzte | so eine scheiße | scheißladen | scheiß laden
            scheiß service | scheiß firma | saftladen | abzocke | abzocker | verarsche
            verarscht | inkompetent | wütend | stinksauer | es reicht | der schlechteste
            die schlechteste | das schlechteste | ein witz | das ist ein witz | sauerei
            eine sauerei | zumutung | eine zumutung | armutszeugnis | abgezockt
        """),
        "it": _s("""
            vergogna | vergognoso | vergognatevi | una vergogna | schifo | che schifo
            fa schifo | fate schifo | pessimo | pessimi | pessima | il peggiore | i peggiori
            inaccettabile | ridicolo | ridicoli | indecente | scandaloso | incompetenti | ladri
            incazzato | incazzata | una merda | servizio di merda | sono stufo | sono stufa
            presa in giro | prendete in giro | è assurdo | inaudito
        """),
        "pt": _s("""
            péssimo | péssima | o pior | a pior | que vergonha | uma vergonha | vergonha
            inaceitável | ridículo | um absurdo | que absurdo | absurdo | lixo | um lixo
            nojento | nojo | horrível | porcaria | uma merda | serviço de merda | palhaçada
            sacanagem | descaso | falta de respeito | desrespeito | incompetentes | ladrões
            revoltado | revoltada | indignado | indignada | tô puto | estou puto
        """),
        "hi": _s("""
            बकवास | घटिया | सबसे घटिया | सबसे बेकार | बेकार सर्विस | शर्म करो | शर्म आनी चाहिए
            बेशर्म | चोर कंपनी | धोखेबाज | गुस्सा | तंग आ गया | हद है | हद हो गई | ghatiya
            bakwas | sabse ghatiya | sabse bekar | bekar service | sharam karo | sharm karo
            besharam | chor company | tang aa gaya | had hai | had ho gayi | bhaad me jao
            faltu | फालतू | bakwas service | pagal bana rahe | bewakoof bana rahe
            ullu bana rahe | पागल बना रहे | उल्लू बना रहे | बेवकूफ बना रहे | sharam nahi aati
            शर्म नहीं आती | ghatiya service | behuda | बेहूदा | nikamme | निकम्मे | lutere
            लुटेरे | bekar hai | bilkul bekar
        """),
        "id": _s("""
            parah banget | kecewa berat | sangat kecewa | kecewa banget | payah | buruk banget
            terburuk | jelek banget | sampah | bangsat | brengsek | goblok | kesel banget
            kesal | ga becus | gak becus | tidak becus | nggak becus | memalukan | keterlaluan
            tidak bisa diterima | ngeselin | nyebelin | bikin emosi | ga profesional
            tidak profesional | gak profesional | pelayanan buruk | pelayanan jelek
            pelayanan terburuk | tolol
        """),
        "ru": _s("""
            ужас | ужасно | ужасный | кошмар | позор | позорище | отвратительно | отвратительный
            безобразие | хамство | хамы | бардак | издевательство | возмутительно | беспредел
            неприемлемо | худший | худшая | худшее | мерзко | отстой | хрень | бесит | бесят
            достали | надоело | задолбали | жулики | воры | uzhas | pozor | koshmar
            отвратительное обслуживание | хамят | нахамили | достало | бесите | сволочи | уроды
            издеваетесь | вы издеваетесь
        """),
        "tr": _s("""
            rezalet | rezil | rezillik | berbat | berbatsınız | en kötü | en kötüsü
            utanmıyor musunuz | utanın | yazıklar olsun | ayıp | ayıptır | kabul edilemez
            saçmalık | saçma | skandal | felaket | iğrenç | leş gibi | çöp gibi | yeter artık
            bıktım | bıktık | bıktırdınız | sinir oldum | hırsızlar | beceriksiz | beceriksizler
            sorumsuz | sorumsuzluk | rezaletsiniz | yuh | yuh artık | pes artık | pes doğrusu
            ne biçim hizmet | böyle hizmet olmaz | böyle şirket olmaz | çıldıracağım | mağdur
            mağduriyet | mağdur edildim | mağdur oldum
        """),
    },
}


#: category -> language -> cues, in the form the matcher reads: each written cue through
#: :func:`~triage.pipeline.text.fold` (lower case, numbers as ``0``, Arabic letters unified).
@functools.cache
def _urgency_cues() -> dict[str, dict[str, tuple[str, ...]]]:
    return {cat: {lang: tuple(dict.fromkeys(fold(c) for c in cues)) for lang, cues in by_lang.items()}
            for cat, by_lang in _WRITTEN.items()}


def __getattr__(name: str) -> Any:
    """``URGENCY_CUES`` is made on first use (PEP 562): folding its ~5,000 cues is only needed
    to build the tables, which a process finds in the cue cache (:func:`load_cues`)."""
    if name == "URGENCY_CUES":
        return _urgency_cues()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# --------------------------------------------------------------------------------------------
# Match view: what cues and texts are compared in.

# Word tokens: \w runs (as lexicon.CueMatcher) with combining marks and ZWNJ kept inside the word,
# so a Devanagari vowel sign, the dot of a lower-cased Turkish "İ" or a Persian ZWNJ does not split
# a word in two.
_TOKEN = re.compile(r"[\w\u0300-\u036f\u0900-\u0903\u093a-\u094f\u0951-\u0957\u0962\u0963\u200c]+")
# A letter repeated: "worstt" -> "worst" (fold() already cut runs to two).
_DOUBLE = re.compile(r"([^\W\d_])\1+")
_ZWNJ = "\u200c"


def _strip_table() -> dict[int, str | None]:
    """Latin letters to their base letter, combining marks dropped, a few other unifications."""
    table: dict[int, str | None] = {}
    for cp in itertools.chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        if len(decomposed) > 1 and decomposed[0].isascii() and all(
            unicodedata.combining(c) for c in decomposed[1:]
        ):
            table[cp] = decomposed[0]
    table.update(dict.fromkeys(range(0x300, 0x370)))  # combining diacritics ("i̇" from "İ")
    table.update({
        ord("đ"): "d", ord("Đ"): "D", ord("ı"): "i", ord("ß"): "ss", ord("ø"): "o", ord("ł"): "l",
        ord("æ"): "ae", ord("œ"): "oe",
        ord("ё"): "е", ord("Ё"): "Е",  # Russian: ё is usually written е
        ord("ؤ"): "و", ord("ئ"): "ی", ord("ء"): None, ord("ۀ"): "ه",  # Arabic hamza seats
        0x0654: None, 0x0655: None,  # hamza above / below
    })
    return table


_STRIP = _strip_table()


def _normalize_token(token: str) -> str:
    """One token in the match view: no ZWNJ, no Latin diacritics, no doubled letters."""
    if not token.isascii():
        token = token.replace(_ZWNJ, "").translate(_STRIP)
    return _DOUBLE.sub(r"\1", token)


# Tokens repeat a lot (Zipf), so each distinct token is normalized once. Bounded: cleared when full.
_CACHE: dict[str, str] = {}
_CACHE_LIMIT = 200_000


def match_tokens(folded: str) -> list[str]:
    """The tokens a folded text (or a folded cue) is matched in; see the module docstring."""
    tokens = _TOKEN.findall(folded)
    cache = _CACHE
    try:
        out = [cache[t] for t in tokens]
    except KeyError:
        if len(cache) + len(tokens) > _CACHE_LIMIT:
            cache.clear()
        out = [cache.get(t) or cache.setdefault(t, _normalize_token(t)) for t in tokens]
    if "" in out:  # a token of ZWNJ or combining marks alone
        out = [t for t in out if t]
    return out


def match_tokens_batch(folded: Sequence[str]) -> list[list[str]]:
    """:func:`match_tokens` of each text, in one compiled pass over the batch (the same cache)."""
    if _native is None:  # pragma: no cover
        return [match_tokens(t) for t in folded]
    return _native.cue_tokens(list(folded), _CACHE, _normalize_token, _CACHE_LIMIT)


# --------------------------------------------------------------------------------------------
# Spelling variants generated from the written cues.

def _alts(table: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """``{"khong": "ko k"}`` -> match-view token -> its alternative spellings, itself first."""
    out: dict[str, tuple[str, ...]] = {}
    for word, alternatives in table.items():
        [key] = match_tokens(fold(word))
        out[key] = (key, *(t for a in alternatives.split() for t in match_tokens(fold(a))))
    return out


# Vietnamese teen code and Hinglish spellings: one token of a cue stands for these as well.
_TOKEN_ALTS: dict[str, dict[str, tuple[str, ...]]] = {
    "vi": _alts({
        "không": "ko k kh hok hông khg kg", "được": "dc đc dk", "rồi": "r", "gì": "j",
        "biết": "bt", "với": "vs",
    }),
    "hi": _alts({
        "nahi": "nhi nahin nai nahee", "raha": "rha", "rahe": "rhe", "gaya": "gya",
        "gaye": "gye", "gayi": "gyi gai", "hai": "h", "paise": "paisa pese paisay",
        "kar": "kr", "karo": "kro", "abhi": "abi", "नहीं": "नही", "पैसे": "पैसा",
    }),
}

_FA_PREFIXES = ("نمی", "می", "بی")
_FA_SUFFIXES = ("های", "ها", "ام", "اش", "ست", "مون", "تون", "شون")
_MAX_VARIANTS = 64


def _fa_variants(tokens: list[str]) -> list[list[str]]:
    """Persian: the cue with prefixes/suffixes joined to their word and split from it."""
    joined: list[str] = []
    for t in tokens:
        if joined and (joined[-1] in _FA_PREFIXES or t in _FA_SUFFIXES):
            joined[-1] += t
        else:
            joined.append(t)
    split: list[str] = []
    for t in joined:
        for p in _FA_PREFIXES:
            if t.startswith(p) and len(t) > len(p) + 1:
                split.append(p)
                t = t[len(p):]
                break
        for s in _FA_SUFFIXES:
            if t.endswith(s) and len(t) > len(s) + 1:
                split.extend((t[: -len(s)], s))
                break
        else:
            split.append(t)
    return [tokens, joined, split]


def _variants(lang: str, cue: str) -> list[tuple[str, ...]]:
    """All token sequences a hand-written cue stands for (at least the cue itself)."""
    base = match_tokens(fold(cue))
    if not base:
        return []
    seqs = [base]
    if lang == "fa":
        seqs = _fa_variants(base)
    elif lang == "ar" and not base[0].isascii():
        seqs = [base, ["و" + base[0], *base[1:]]]
        if base[0] == "ما" and len(base) > 1:  # "ما وصل" is often typed "ماوصل"
            seqs.append(["ما" + base[1], *base[2:]])
    alts = _TOKEN_ALTS.get(lang)
    if alts:
        expanded = []
        for seq in seqs:
            options = [alts.get(t, (t,)) for t in seq]
            expanded.extend(list(p) for p in itertools.islice(itertools.product(*options),
                                                              _MAX_VARIANTS))
        seqs = expanded
    out: list[tuple[str, ...]] = []
    for seq in seqs:
        # a variant spelled with an attached prefix may collapse a doubled letter ("و" + "وین")
        toks = tuple(match_tokens(" ".join(seq)))
        if toks and toks not in out:
            out.append(toks)
    return out


def _too_short(token: str) -> bool:
    """A one-token cue this short matches too much: Latin under 3 letters, any script under 2."""
    return len(token) < (3 if token.isascii() else 2)


# --------------------------------------------------------------------------------------------

class UrgencyCues:
    """Counts the urgency cues of each category in folded texts; dense features from the counts.

    >>> from triage.pipeline.text import fold
    >>> cues = UrgencyCues()
    >>> cues.hits(fold("Charged TWICE and still no refund!!!"))["money"]
    ['charged twice', 'still no refund']
    """

    #: the categories, in feature order (a subclass with another lexicon sets its own)
    categories: tuple[str, ...] = CATEGORIES
    kind = "urgency"

    @staticmethod
    def _default_cues() -> Mapping[str, Mapping[str, Sequence[str]]]:
        return _urgency_cues()

    def __init__(self, cues: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> None:
        """``cues``: category -> language -> cues (default :data:`URGENCY_CUES`)."""
        if cues is None:
            cues = self._default_cues()
        unknown = set(cues) - set(self.categories)
        if unknown:
            raise ValueError(f"unknown {self.kind} categories: {sorted(unknown)}")
        cat_index = {c: i for i, c in enumerate(self.categories)}
        found: dict[str, set[int]] = {}
        #: the written cue each matched key came from (the first one, for :meth:`hits`)
        self.source: dict[str, str] = {}
        for cat, by_lang in cues.items():
            for lang, words in by_lang.items():
                for cue in words:
                    for toks in _variants(lang, cue):
                        if len(toks) == 1 and _too_short(toks[0]):
                            continue  # too short to mean anything alone ("bbb" -> "b")
                        key = " ".join(toks)
                        found.setdefault(key, set()).add(cat_index[cat])
                        self.source.setdefault(key, cue)
        #: match-view cue ("charged twice") -> indices of its categories
        self.phrases: dict[str, tuple[int, ...]] = {k: tuple(sorted(v)) for k, v in found.items()}
        #: the one-token cues
        self.singles = {k: v for k, v in self.phrases.items() if " " not in k}
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            toks = key.split(" ")
            if len(toks) > 1:
                lengths.setdefault(" ".join(toks[:2]), set()).add(len(toks))
        #: first tokens of all cues: a token not in here starts no match
        self.starts = frozenset(k.split(" ", 1)[0] for k in self.phrases)
        #: first two tokens of the longer cues -> their lengths, longest first
        self.pairs: dict[str, tuple[int, ...]] = {
            p: tuple(sorted(n, reverse=True)) for p, n in lengths.items()
        }

    def _scan(self, toks: list[str]) -> list[tuple[int, str]]:
        """(category index, key) of each match in a text's match tokens: per category
        non-overlapping, the longest cue first at each start (as a regex alternation sorted
        longest first would match)."""
        return [(c, key) for c, key, _, _ in self._spans(toks)]

    def _spans(self, toks: list[str]) -> list[tuple[int, str, int, int]]:
        """:meth:`_scan`'s matches with the token span ``[start, end)`` of each."""
        starts, singles, pairs, phrases = self.starts, self.singles, self.pairs, self.phrases
        out: list[tuple[int, str, int, int]] = []
        free = [0] * len(self.categories)
        last = len(toks) - 1
        for i in [i for i, t in enumerate(toks) if t in starts]:
            t = toks[i]
            if i < last:
                pair = t + " " + toks[i + 1]
                lens = pairs.get(pair)
                if lens is not None:
                    for n in lens:
                        if n == 2:
                            key = pair
                        elif i + n <= last + 1:
                            key = " ".join(toks[i:i + n])
                        else:
                            continue
                        cats = phrases.get(key)
                        if cats is not None:
                            for c in cats:
                                if free[c] <= i:
                                    free[c] = i + n
                                    out.append((c, key, i, i + n))
            cats = singles.get(t)
            if cats is not None:
                for c in cats:
                    if free[c] <= i:
                        free[c] = i + 1
                        out.append((c, t, i, i + 1))
        return out

    def tokens(self, folded: str) -> list[str]:
        """A folded text's match tokens (:func:`match_tokens`; a subclass may see more)."""
        return match_tokens(folded)

    def counts(self, folded: str) -> list[int]:
        """Number of cue matches of each category (in :data:`CATEGORIES` order)."""
        out = [0] * len(self.categories)
        for c, _ in self._scan(self.tokens(folded)):
            out[c] += 1
        return out

    def hits(self, folded: str) -> dict[str, list[str]]:
        """The written cues found in a folded text, by category (for inspection and tests)."""
        out: dict[str, list[str]] = {c: [] for c in self.categories}
        for c, key in self._scan(self.tokens(folded)):
            out[self.categories[c]].append(self.source[key])
        return out

    def features(self, folded: Sequence[str]) -> np.ndarray:
        """Dense features (n, len(CATEGORIES) + 1), float32 in [0, 1] (:data:`FEATURE_NAMES`).

        Per category ``min(count, 2) / 2``; last column ``min(categories hit, 3) / 3``.
        """
        return self.from_counts(self.counts_batch(folded))

    def __getstate__(self) -> dict[str, Any]:
        # remade on first use
        return {k: v for k, v in self.__dict__.items() if k not in ("_native_scan", "_native_args")}

    def token_lists(self, folded: Sequence[str]) -> list[list[str]]:
        """:meth:`tokens` of each text (the plain match tokens: the whole batch in one pass)."""
        if type(self).tokens is UrgencyCues.tokens:
            return match_tokens_batch(folded)
        return [self.tokens(text) for text in folded]

    def from_tokens(self, token_lists: Sequence[list[str]]) -> np.ndarray:
        """:meth:`features` of texts given by their :meth:`tokens`."""
        k = len(self.categories)
        zero = (0,) * k
        rows: list[Sequence[int]] = []
        append = rows.append
        scan, starts = self._scan, self.starts
        for toks in token_lists:
            found = scan(toks) if not starts.isdisjoint(toks) else ()
            if not found:  # most comments
                append(zero)
                continue
            counts = [0] * k
            for c, _ in found:
                counts[c] += 1
            append(counts)
        return self.from_counts(np.asarray(rows, dtype=np.float32).reshape(len(rows), k))

    #: what the compiled scan leaves out of AbuseCues._scan: (swear category, abusive categories)
    _filter: tuple[int, tuple[int, ...]] = (-1, ())

    def native(self) -> Any:
        """These cues as a compiled :class:`triage.pipeline._native.CueScan` (made once, then
        kept): :meth:`counts` of texts without a Python object per token."""
        table = self.__dict__.get("_native_scan")
        if table is None:
            assert _native is not None, "the compiled module is not built (scripts/setup)"
            table = _native.CueScan(*self.native_args())
            self.__dict__["_native_scan"] = table
        return table

    def native_args(self) -> tuple[Any, ...]:
        """The arguments of :meth:`native`'s ``CueScan`` (plain data, which :func:`load_cues`
        keeps)."""
        args = self.__dict__.get("_native_args")
        if args is None:
            vocab: dict[str, int] = {}
            for key in self.phrases:
                for tok in key.split(" "):
                    vocab.setdefault(tok, len(vocab))
            for tok in self.starts:
                vocab.setdefault(tok, len(vocab))

            def ids(key: str) -> tuple[int, ...]:
                return tuple(vocab[t] for t in key.split(" "))

            def mask(bits: Sequence[int]) -> int:
                return sum(1 << b for b in set(bits))

            if any(n > 31 for lens in self.pairs.values() for n in lens):
                raise ValueError("a cue of more than 31 tokens")
            swear, abusive = self._filter
            args = (
                len(self.categories), list(vocab), [vocab[t] for t in self.starts],
                {vocab[k]: mask(v) for k, v in self.singles.items()},
                {ids(p): mask(lens) for p, lens in self.pairs.items()},
                {ids(k): mask(v) for k, v in self.phrases.items() if " " in k},
                dict(_STRIP), swear, mask(abusive),
            )
            self.__dict__["_native_args"] = args
        return args

    def counts_batch(self, texts: Sequence[str]) -> np.ndarray:
        """(n, categories) number of cue matches of each category in each text, as :meth:`counts`."""
        if _native is None or type(self).tokens is not UrgencyCues.tokens:  # pragma: no cover
            return np.array([self.counts(t) for t in texts], dtype=np.int32).reshape(len(texts), -1)
        k = len(self.categories)
        return np.frombuffer(self.native().counts(list(texts)), dtype=np.int32).reshape(len(texts), k)

    def from_counts(self, counts: np.ndarray) -> np.ndarray:
        """:meth:`features` from :meth:`counts_batch`."""
        k = len(self.categories)
        out = np.zeros((len(counts), k + 1), dtype=np.float32)
        counts = np.asarray(counts)
        if len(counts) == 1 and counts.any():  # one comment: the same values from Python numbers
            row = counts[0].tolist()
            out[0] = [min(c, 2) / 2 for c in row] + [min(sum(c > 0 for c in row), 3) / 3]
        elif len(counts) and counts.any():  # no cue at all (most comments): the zeros are the answer
            capped = np.minimum(np.asarray(counts, dtype=np.float32), 2.0)
            out[:, :k] = capped / 2
            out[:, k] = np.minimum((capped > 0).sum(axis=1), 3) / 3
        return out


# --------------------------------------------------------------------------------------------
# The built tables, cached on disk. Building them (every cue through fold, match_tokens and its
# variants; the compiled scan's arguments) takes ~0.1 s of every process that scores; reading
# them back ~0.01 s. The tables depend only on code, so the cache key is a digest of that code.

_C = TypeVar("_C", bound=UrgencyCues)
#: Bump when what the cache file holds changes.
_CACHE_FORMAT = 1


def cue_cache_dir() -> Path | None:
    """Where :func:`load_cues` keeps the built tables: ``$TRIAGE_CUE_CACHE``, else
    ``~/.cache/triage/cues``; ``TRIAGE_CUE_CACHE=off`` builds them in every process."""
    env = os.environ.get("TRIAGE_CUE_CACHE")
    if env == "off":
        return None
    return Path(env) if env else Path.home() / ".cache" / "triage" / "cues"


def _cache_key(cls: type[UrgencyCues]) -> str:
    """A digest of everything the default tables of ``cls`` are made from: the source of the
    modules that write and match the cues, the compiled text code, the Python and Unicode
    versions."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT} {cls.__module__}.{cls.__qualname__} {sys.version} "
                            f"{unicodedata.unidata_version}".encode())
    files = {__file__, sys.modules[cls.__module__].__file__, sys.modules[fold.__module__].__file__}
    if _native is not None:
        files.add(_native.__file__)
    for name in sorted(f for f in files if f):
        digest.update(name.encode() + b"\0" + Path(name).read_bytes())
    return digest.hexdigest()[:32]


class _DataOnly(pickle.Unpickler):
    """Reads plain data only (dicts, tuples, strings, numbers, sets): never runs code."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def load_cues(cls: type[_C]) -> _C:
    """``cls()`` (its default lexicon) with the compiled scan's arguments made, read from the
    cache (:func:`cue_cache_dir`) when an earlier process built the same tables; built and
    written there otherwise. An unreadable or unwritable cache only costs the build."""
    root = cue_cache_dir()
    path = None
    if root is not None:
        try:
            path = root / f"{cls.kind}-{_cache_key(cls)}.pickle"
            with path.open("rb") as fh:
                state, args = _DataOnly(fh).load()
            obj = cls.__new__(cls)
            obj.__dict__.update(state)
            obj.__dict__["_native_args"] = args
            return obj
        except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
            pass  # none yet, or damaged: build it
    obj = cls()
    args = obj.native_args() if _native is not None else None
    if path is not None:
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(pickle.dumps((obj.__getstate__(), args), protocol=5))
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return obj
