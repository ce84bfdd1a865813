"""Abuse cues: a hand-written multilingual lexicon of insults, slurs, threats and swearing, as dense features.

The fast abuse head learns its words from public abuse sets and the brand-page corpus, so a plain
insult it has not seen ("el repartidor es un subnormal", "Bọn tổng đài não tôm") carries no
weight, while a swear word that is not abuse ("esto está de puta madre", "ce naiba") does. These
lists name, in each of the 14 languages, one feature per kind (docs/labelling.md, "abuse"):

* ``insult``: calling a person, the staff or another commenter stupid, idiot, moron, donkey, cow,
  pig, dog, "brain of a shrimp", "retard", "son of a bitch", "fuck you", "shut up";
* ``slur``: hate against a group: ethnicity, nationality, religion, gender, sexuality, disability
  (the common slurs; this is a moderation lexicon);
* ``violence``: threats to hurt: "I'll kill you", "I'll break your head", "I'll burn your shop",
  "you deserve to die", "I know where you live";
* ``sexual``: sexual comments about staff or people, sexual harassment and sexual insults;
* ``profanity``: swear words and expletives that are NOT abuse by themselves: "damn", "fuck" as an
  intensifier, "de puta madre", "لعنت", "naiba", "vcl", "blyat", "amk" (and a few idioms that
  only sound violent: "I could murder a pizza"). A feature of its own, so the head can weigh
  swearing apart from abuse.

One feature is derived: ``profanity_only`` (profanity and none of the four abusive kinds). An
insult, slur, threat or sexual cue inside a longer profanity cue does not count (``de puta
madre`` is not ``puta``). A sixth kind, ``target`` (you, your staff, the driver, admin), and an
"abusive cue with a target" feature were tried and dropped: the refitted head gave them weights
near 0 (0.13, -0.08) and their common words doubled the cost of the scan.

Every cue was written by hand from knowledge of how people insult and swear in each language
(colloquial forms, Vietnamese / Romanian / Turkish with and without diacritics, Arabizi, Finglish,
Hinglish, Russian transliteration). Nothing was copied from a corpus, ours included.

Matching is :class:`triage.pipeline.urgency_cues.UrgencyCues`' (the same match view: word tokens,
Latin diacritics stripped, ZWNJ removed, doubled letters collapsed so ``fuuuck`` = ``fuck``;
phrases on word boundaries, longest first), on a text first passed through :func:`deobfuscate`,
which undoes the usual ways of writing a swear word past a filter. It runs on the normalized text,
before :func:`~triage.pipeline.text.fold` turns digits into ``0``:

1. letters spelled apart: ``f.u.c.k``, ``f-u-c-k``, ``đ.m``, ``s_h_i_t`` (two or more single
   letters joined by ``.``, ``-``, ``_`` or ``*``), ``c h o`` (three or more single letters
   separated by one space) and ``ز.بالة`` (one letter cut off a word by a dot) are joined into
   one word;
2. leetspeak in a Latin word: a word that ends with a letter or ``$`` has ``0 1 3 4 5 7 @ $ !``
   among its letters read as ``o i e a s t a s i`` (``sh1t``, ``pr0stii``, ``a$$``, ``b@stard``,
   ``1d10t``); a word ending in a digit (``mp3``, ``covid19``) is left alone, and what the rule
   makes of ``4g`` or ``10am`` (``ag``, ``ioam``) is no cue;
3. a word with ``*`` inside (``f*ck``, ``f**k``, ``ch*tiye``, ``b*tch``) is read as the one-word cue
   of the lexicon it fits, each run of stars standing for one to three letters (shortest cue
   first); a masked word that fits no cue just loses its stars.

A text with none of these patterns (nearly all of them) costs one regex search; a changed text is
folded again.

Features (:data:`FEATURE_NAMES`), all 0/1: per kind whether a cue of it is there (one insult is
as much evidence as three), then ``profanity_only``. A one-token cue shorter than three Latin letters (two of another script)
is ignored, as in the urgency cues.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from triage.pipeline.text import _native, fold
from triage.pipeline.urgency_cues import UrgencyCues, _s

__all__ = ["ABUSE_CUES", "CATEGORIES", "FEATURE_NAMES", "AbuseCues", "deobfuscate"]  # noqa: F822 (module __getattr__)

CATEGORIES: tuple[str, ...] = ("insult", "slur", "violence", "sexual", "profanity")
_ABUSIVE = (0, 1, 2, 3)
_PROFANITY = 4

#: column names of :meth:`AbuseCues.features`
FEATURE_NAMES: tuple[str, ...] = tuple(f"abuse_{c}" for c in CATEGORIES) + ("abuse_profanity_only",)

_WRITTEN: dict[str, dict[str, tuple[str, ...]]] = {
    "insult": {
        "en": _s("""
            idiot | idiots | idiotic | stupid | stupid ass | moron | morons | moronic | imbecile | cretin
            dumb | dumbass | dumb ass | dumbo | dimwit | halfwit | nitwit | numbskull | bonehead | airhead
            fool | fools | clown | clowns | bunch of clowns | donkey | absolute donkey | jackass
            asshole | assholes | arsehole | arse | dickhead | dick head | prick | twat | wanker | tosser
            bellend | knobhead | douche | douchebag | scumbag | scum | lowlife | low life | piece of shit
            piece of crap | son of a bitch | bitch | bitches | bastard | bastards | jerks
            loser | losers | pig | pigs | fat pig | swine | fat cow | stupid cow
            monkey | ape | brainless | braindead | brain dead | no brain
            retard | retarded | retards | useless idiot | useless bunch | incompetent idiots | freak
            fuck you | fuck u | fuck off | fuck yourself | go to hell | screw you | shut up | shut the fuck up
            stfu | kys | get lost | go die | eat shit | suck it | piss off | bugger off | get a brain
            you suck | u suck | you people are trash | trash human | garbage human | you are trash
            waste of space | waste of oxygen | disgusting person | ugly ass
            motherfucker | mofo | mf | cocksucker | shithead | shit head | shitbag | dipshit | fuckface
            fucking idiot | fucking moron | fucking useless | thick as a brick | halfwit
        """),
        "vi": _s("""
            ngu như bò | ngu như chó | ngu như lợn | ngu vãi | ngu vl | ngu vcl | ngu thế | ngu quá
            đồ ngu | thằng ngu | con ngu | bọn ngu | lũ ngu | óc chó | óc lợn | óc heo | não tôm | não cá vàng
            não phẳng | không có não | ko có não | đần độn | thằng đần | ngu dốt | ngu si
            đồ điên | thằng điên | con điên | mất dạy | vô học | láo toét | đồ láo | thằng chó
            con chó | chó má | đồ chó má | súc vật | đồ súc vật | đồ khốn | thằng khốn | khốn nạn | đồ khốn nạn
            mặt dày | đồ mặt dày | đồ rác rưởi | rác rưởi | đồ rác | cặn bã | đồ cặn bã | lũ ăn hại
            đồ ăn hại | vô dụng | đồ vô dụng | thằng lol | con lol
            bố láo | mất nết | đồ mất nết | hãm lol | đồ hãm | thằng trẩu | đồ bò | con bò
            câm mồm | câm miệng | im mồm | cút đi | biến đi | đồ thần kinh | dở hơi
        """),
        "ro": _s("""
            prost | proasta | proastă | prosti | proști | prostii | prostilor | proștilor | prostule | proasto
            idiot | idioata | idioată | idioti | idioți | idiotule | cretin | cretina | cretini | cretinule
            tampit | tâmpit | tampita | tâmpită | tampiti | tâmpiți | tampitule | tâmpitule | dobitoc | dobitoci
            bou | boule | boi | vaca | vacă | vacilor | magar | măgar | magarule | măgarule | magari | măgari
            porcule | animale | animalule | jegos | jegoși | jegosi | jeg | jeguri
            nesimtit | nesimțit | nesimtiti | nesimțiți | nesimtito | nesimțito | handicapat | handicapati
            retardat | retardati | retardați | imbecil | imbecili | incompetenti de doi lei | idioti de doi lei
            muist | muisti | muiști | bulangiu | bulangii | labagiu | labagii | sugaci | fraier | fraieri | fraierilor
            ratat | ratati | ratați | gunoiule | nenorocit | nenorocitule | nenorociti | nenorociți
            taci | taci din gura | taci dreq | taci dracu | du te dracu | du-te dracului | du-te-n pula mea
            pizda ma-tii | pizda mă-tii | futu-i mama | futu-ti | futu-vă | futu-va | sa-ti fut | să-ți fut
            hai sictir | sictir | paraziti | paraziți
        """),
        "ar": _s("""
            غبي | غبيه | اغبيا | أغبياء | يا غبي | حمار | يا حمار | حمير | يا حمير | تيس | يا تيس | تيوس
            بقره | يا بقره | كلب | يا كلب | كلاب | يا كلاب | ابن الكلب | ولاد الكلب | ابن كلب | خنزير | يا خنزير
            حيوان | يا حيوان | حيوانات | بهيم | يا بهيم | بهايم | جحش | يا جحش | اهبل | يا اهبل | عبيط | يا عبيط
            متخلف | يا متخلف | متخلفين | معاق | يا معاق | حقير | يا حقير | حقيرين | وسخ | يا وسخ | واطي | زباله
            ساقط | منحط | تافه | يا تافه | احمق | حمقى | غبي جدا | مخك | ما عندك مخ | بلا مخ | عديم الفهم
            قليل الادب | قليل الأدب | قليلين الادب | سافل | يا سافل | سفله | ابن الحرام | ولد الحرام | ابن الشرموطه
            يلعن ابوك | يلعن ابوكم | يلعن دينك | الله يلعنك | الله ياخدك | انقلع | اسكت | اخرس | انطم | يخرب بيتك
            كس امك | كسمك | تفو عليك | تفو | زق | يا زق | نذل | انذال | خول | يا خول
            ghabi | 7mar | hmar | ya 7mar | ya hmar | kalb | ya kalb | 7ayawan | hayawan | ya 7ayawan | tays | ya tays
            3ar | kos omak | kosomak | ks omk | ibn el kalb | ibn kalb | khanzir | yel3an abook | yil3an abuk | 7a2eer
        """),
        "fa": _s("""
            احمق | احمقا | احمقها | خر | خره | خرن | خرا | کره خر | الاغ | الاغه | گاوه | گوساله
            کودن | کوتاه فکر | نفهم | نفهما | بی شعور | بیشعور | بیشعورا | بی‌شعورها | عوضی | عوضیا | عوضی ها
            آشغال | آشغالا | کثافت | کثافتا | حرومزاده | حرامزاده | حروم زاده | پدرسوخته | پدر سوخته | بی پدر
            بی ناموس | بیناموس | بی شرف | بیشرف | بی همه چیز | پفیوز | گاگول | شاسکول | اسکل | اسکلا | خنگ | خنگه
            مغز خر خوردی | مغز نداری | عقب مونده | عقب افتاده | کسکش | کس کش | کونی | جاکش | مادرجنده | لاشی
            خفه شو | گمشو | گم شو | برو گمشو | گورتو گم کن | دهنتو ببند | سگ | سگ صفت | توله سگ | حیوون
            ahmagh | ahmaq | khar | khare | kharan | olagh | gusale | koodan | nafahm | bishoor | bisho'ur
            avazi | ashghal | kesafat | haroomzade | pedarsookhte | bisharaf | pofyooz | gagool | shaskool | oskol
            khafe sho | gomsho | koskesh | kos kesh | jakesh | kooni | lashi | madarjende | tule sag
        """),
        "es": _s("""
            idiota | idiotas | imbécil | imbéciles | estúpido | estúpida | estúpidos | tonto | tonta | tontos
            tonto del culo | subnormal | subnormales | retrasado | retrasados | retrasado mental | mongolo
            gilipollas | pendejo | pendeja | pendejos | pendejas | cabrón | cabrona | cabrones | cretino | cretinos
            burro | burra | burros | asno | bestia | marrano
            perro | perra | perros | rata | ratas | payaso | payasos | panda de inútiles
            hijo de puta | hija de puta | hijos de puta | hdp | hijueputa | hijueputas | malparido | malparidos
            gonorrea | huevón | weón | weon | culero | culeros | pelotudo | pelotuda | boludo | boludos
            mamón | mamones | capullo | capullos | zoquete | cenutrio | lerdo | lerda | tarado | tarados
            escoria | basura humana | lameculos | chupapollas | comemierda | come mierda | mierdas | mierdoso
            vete a la mierda | váyanse a la mierda | vete al carajo | chinga tu madre | chingada madre | tu puta madre
            la concha de tu madre | me cago en tu madre | cállate | cállate la boca | eres una mierda | son una mierda
            cara de culo | sin cerebro | descerebrado | descerebrados | anormal | anormales | muerto de hambre
        """),
        "fr": _s("""
            idiot | idiote | idiots | imbécile | imbéciles | crétin | crétine | crétins | débile | débiles | abruti
            abrutie | abrutis | conne | connard | connasse | connards | connasses | couillon | couillons | taré
            tarés | attardé | attardés | mongol | gogol | neuneu | andouille | bande de nuls | incapable
            incapables | bon à rien | bons à rien | âne | bourrique | bouffon | bouffons | clown | clowns | porcs
            truie | chienne | sale chien | singe | ordure | ordures
            raclure | pourriture | merdeux | merdeuse | enfoiré | enfoirés | enculé | enculés | fils de pute
            fdp | salaud | salauds | salope | salopes | pétasse | pouffiasse | grognasse | trou du cul | trouduc
            ta gueule | ferme ta gueule | ftg | ferme la | va te faire foutre | va te faire enculer | nique ta mère
            ntm | ta mère la pute | va chier | casse toi | dégage | cerveau de moineau | pas de cerveau | sans cervelle
        """),
        "de": _s("""
            idiot | idioten | vollidiot | vollidioten | dummkopf | dumm | dummer | dumme | blöd | blöde | blöder
            blödmann | depp | deppen | trottel | vollpfosten | pfosten | spast | spasti | spacko | behindert
            behinderte | mongo | schwachkopf | schwachmat | hohlkopf | hohlbirne | dödel | dödel | affe | affen
            esel | blöde kuh | dumme kuh | drecksau | köter
            arschloch | arschlöcher | arsch | wichser | wixer | hurensohn | hurensöhne | bastard | missgeburt
            penner | assi | asozial | asoziale | abschaum | dreckspack | gesindel
            unfähiger haufen | inkompetente idioten | halt die fresse | halts maul | halt's maul
            fresse | verpiss dich | verpisst euch | fick dich | fickt euch | leck mich | geh sterben | hirnlos
            hirnamputiert | kein hirn | spatzenhirn | erbsenhirn | dumme sau | fotze | schlampe | miststück
        """),
        "it": _s("""
            idiota | idioti | imbecille | imbecilli | stupido | stupida | stupidi | scemo | scema | scemi | cretino
            cretina | cretini | deficiente | deficienti | ritardato | ritardati | handicappato | mongoloide | demente
            coglione | coglioni | testa di cazzo | testa di minchia | stronzo | stronza | stronzi | bastardo | bastardi
            asino | somaro | somari | bestia | bestie | animale | animali | vacca
            verme | vermi | ratto | scimmia | pagliaccio | pagliacci | buffone | buffoni
            inetto | inetti | buono a nulla | buoni a nulla | fallito | falliti | feccia
            figlio di puttana | figli di puttana | figlio di troia | pezzo di merda | pezzi di merda | merdaccia
            vaffanculo | fanculo | va a fare in culo | ma va a cagare | vai a cagare | stai zitto | zitto | taci
            sfigato | sfigati | cazzone | minchione | babbeo | tonto | tonti | decerebrato | cervello di gallina
            senza cervello | rincoglionito | rincoglioniti | mentecatto | zoccola | troia | puttana
        """),
        "pt": _s("""
            idiota | idiotas | imbecil | imbecis | estúpido | estúpida | estúpidos | burro | burra | burros | jumento
            jegue | anta | asno | otário | otária | otários | babaca | babacas | retardado | retardada | retardados
            débil mental | mongol | mongoloide | debiloide | tapado | lesado | lesada | besta | bestas
            porca | porcos | vaca | macaco | palhaço | palhaços
            inúteis | escória | verme | vagabundo | vagabunda
            vagabundos | safado | safada | safados | canalha | canalhas | desgraçado | desgraçada | desgraçados
            filho da puta | filha da puta | filhos da puta | fdp | filho de uma égua | arrombado | arrombados
            cuzão | cuzao | corno | cornos | viado | seu bosta | seu merda | vai tomar no cu | vtnc
            vai se foder | vai se fuder | vsf | vai à merda | vai pra puta que pariu | cala a boca | cala boca
            cabeça de vento | sem cérebro | sem noção | panaca | paspalho | mané | trouxa | pau no cu
        """),
        "hi": _s("""
            chutiya | chutiye | chutia | chutiyon | chootiya | chutiyapa | bhosdike | bhosdiwale | bhosadike
            madarchod | maderchod | behenchod | bhenchod | bhen chod | behen ke lode | bhen ke lode | mc bc
            gaandu | gandu | gaand | lodu | lode | lavde | lawde | loda | harami | haramkhor | haraamkhor
            kamina | kamine | kaminey | kamini | kutta | kutte | kutiya | kuttiya | kutte ki aulad | suar | suwar
            suar ki aulad | gadha | gadhe | gadhon | ullu | ullu ka pattha | ullu ke patthe | bewakoof | bewakuf
            bevkoof | buddhu | murkh | pagal | paagal | jahil | jaahil | nalayak | nalaayak | nikamma | nikamme
            ghatiya log | dhakkan | chomu | chapri | saale kutte | jhantu | jhaatu | randi ka | teri maa ki
            teri maa ka | teri behen ki | maa chod | maa ki aankh | tere baap ka | chup kar | chup reh | bakwas band
            chal nikal | dimag nahi | dimaag nahi hai | bheja nahi | अक्ल नहीं | चूतिया | चुतिया | भोसड़ीके | मादरचोद
            बहनचोद | गांडू | हरामी | हरामखोर | कमीना | कमीने | कुत्ता | कुत्ते | कुतिया | सुअर | गधा | गधे
            उल्लू | उल्लू का पट्ठा | बेवकूफ | मूर्ख | पागल | जाहिल | नालायक | निकम्मा | निकम्मे | चुप कर
        """),
        "id": _s("""
            tolol | goblok | bego | bodoh | dungu | bloon | blo'on | oon | idiot | pekok | geblek | bebal | lemot
            otak udang | gak punya otak | ga punya otak | tidak punya otak | gapunya otak | otak kosong | sinting
            orang gila | edan | anjing | anjeng | anjg | dasar anjing | dasar babi | monyet | dasar monyet
            kunyuk | kampret | bangsat | bajingan | brengsek | keparat | setan | iblis | asu | celeng | kebo
            keledai | tai lu | tahi | bangke | bangkai | sampah masyarakat | kurang ajar | kurangajar
            biadab | tidak tahu diri | gak tau diri | ga tau diri | songong | belagu | kampungan | norak | udik
            idiot lo | bacot | bacot lo | diam lo | tutup mulut | mampus | mampus lo | goblog | tolol semua
            bodoh semua | guoblok | ndasmu | matamu | jancok | jancuk | cok | dancok | kontol lu | memek lu
        """),
        "ru": _s("""
            дурак | дура | дураки | идиот | идиотка | идиоты | дебил | дебилы | дебилка | кретин | кретины | имбецил
            придурок | придурки | тупой | тупая | тупые | тупица | олух | болван | балбес | даун | дауны | урод
            уроды | уродина | козёл | козел | козлы | осёл | осел | бараны | овца | свинья | свиньи | скотина
            скоты | быдло | чмо | лох | лохи | мудак | мудаки | мудила | долбоёб | долбоеб
            долбоебы | ебанат | ебанько | уёбок | уебок | уебки | пидорас | говнюк | засранец | сволочь
            сволочи | падла | гнида | мразь | мрази | тварь | твари | ублюдок | ублюдки | сука ты | сукин сын
            дебильные | тупорылый | безмозглый | мозгов нет | без мозгов | заткнись | завали ебало | пошёл нахуй
            пошел нахуй | пошли нахуй | иди нахуй | иди в жопу | пошёл в жопу | катись | отвали | отъебись
            durak | idiot | debil | debily | kretin | pridurok | tupoi | tupoy | urod | kozel | kozyol
            svinya | skotina | bydlo | chmo | loh | mudak | mudila | dolboeb | dolboyob | ueban | uebok | suka ty
            sukin syn | tvar | mraz | ublyudok | idi nahuy | idi nahui | poshel nahuy | zatknis
        """),
        "tr": _s("""
            salak | salaklar | salaksın | salaksınız | aptal | aptallar | aptalsın | gerizekalı | gerizekalılar
            geri zekalı | mal mı | mal mısın | mal mısınız | mal mi | malsın | malsınız | ahmak
            ahmaklar | dangalak | dangalaklar | cahil | cahiller | cahil teyze | cahil herif | beyinsiz | beyinsizler
            budala | angut | enayi | enayiler | eşek | eşekler | eşşek | eşek herif | hayvan | hayvan herif
            öküz | öküzler | ayı | domuzlar | köpek | köpekler | it herif | it oğlu it | kancık
            şerefsiz | şerefsizler | haysiyetsiz | namussuz | namussuzlar | pislik | pislikler | yavşak | yavşaklar
            orospu çocuğu | orospu çocukları | oç | piçler | piç kurusu | puşt | göt | götveren | gavat | kodumun
            ananı | ananı sikeyim | ananı sikerim | anani | amına koyayım | amına koyim | siktir git | siktirin gidin
            sikik | sikko | hıyar | hıyarlar | dallama | dallamalar | lavuk | zibidi | embesil | aşağılık | adi herif
            kapa çeneni | sus lan | defol | defol git | mankafa | kafasız | sığır | manyak | psikopat
        """),
    },
    "slur": {
        "en": _s("""
            nigger | niggers | nigga | niggas | coon | coons | darkie | jigaboo | sambo | porch monkey
            chink | chinks | gook | gooks | slant eye | slanty | jap | japs | paki | pakis | raghead | ragheads
            towelhead | towel head | sand nigger | camel jockey | wetback | wetbacks | beaner | beaners | spic
            spics | kike | kikes | yid | heeb | hymie | gypsy scum | gyppo | pikey | pikeys | white trash
            redneck | hillbilly | abo | curry muncher | terrorist muslims | muzzie | muzzies | moslem scum
            fag | fags | faggot | faggots | dyke | dykes | tranny | trannies | shemale | homo | homos | queer scum
            poof | poofter | sissy | lesbo | retard | retards | spaz | spastic | cripple | mongoloid | feminazi
            go back to your country | go back where you came from | your kind | you people | subhuman
            women belong in the kitchen | get back in the kitchen | typical woman | dumb blonde
        """),
        "vi": _s("""
            bê đê | bóng lộ | pê đê | đồ bê đê | thằng đồng tính | ô môi | bọn tàu | tàu khựa | khựa | chệt
            bọn mọi | mọi rợ | đồ mọi | bọn tàu khựa | bắc kỳ | bắc kỳ chó | nam kỳ | parky | bắc kì | đồ thiểu năng
            thiểu năng | đồ tật nguyền | đồ què | thằng què | đàn bà ngu | đàn bà biết gì | con mọi | da đen
        """),
        "ro": _s("""
            tigan | țigan | tigani | țigani | tiganca | țigancă | tiganilor | cioara | cioară | ciori | ciorilor
            bozgor | bozgori | jidan | jidani | jidovi | poponar | poponari | homalau | homalău | bulangiu de homo
            curva de femeie | femeile la cratita | femeile la cratiță | retardatii | handicapatii | mongoloid
            rusnac | rusnaci | turc spurcat | arabi teroristi
        """),
        "ar": _s("""
            يا عبد | زنجي | زنوج | كافر | كفار | يا كافر | رافضي | رافضه | روافض | ناصبي | نواصب
            صهيوني | صهاينه | يهودي قذر | مجوس | يا مجوسي | شيعي كلب | سني كلب
            شاذ | شواذ | لوطي | مخنث | مخنثين | خنيث | سحاقيه | معاق ذهني | ناقصات عقل | مكانك المطبخ
            3abd | ya 3abd | kafer | kuffar | rafidi | shaaz | shaz | lo6i | luti | khawal | mokhanath
        """),
        "fa": _s("""
            عرب سوسمارخور | سوسمار خور | ملخ خور | افغانی کثیف | کولی | ترک خر | یهودی کثیف
            کافر | کفار | بهایی نجس | نجس | کونی | اوبنه ای | اوبنه | همجنسباز | زن جماعت
            ناقص العقل | عقب مونده ذهنی | افغانی ها | سیاه سوخته | arab susmar khor | soosmar khor | koli | torke khar
        """),
        "es": _s("""
            negro de mierda | negrata | sudaca | sudacas | panchito | panchitos | moro de mierda
            moracos | gitano de mierda | gitanos de mierda | judío de mierda | chino de mierda | chinos de mierda
            maricón | maricones | marica | maricas | puto | joto | jotos | bollera | bolleras | tortillera | travelo
            mongolo | mongólico | subnormal profundo | retrasado | indio de mierda | cholo | cholos | machorra
            feminazi | feminazis | las mujeres a la cocina | vete a tu país | vuelve a tu país | sidoso
        """),
        "fr": _s("""
            bougnoule | bougnoules | bicot | bicots | raton | ratons | négro | négros | nègre | nègres | bamboula
            youpin | youpins | youtre | sale juif | sale arabe | sale noir | sale rebeu | bridé | bridés | chinetoque
            chintok | sale chinois | sale musulman | sale blanc | romano | romanos | manouche | pédé | pédés | pédale
            tapette | tarlouze | tafiole | gouine | gouines | travelo | mongol | trisomique | handicapé mental
            retourne dans ton pays | rentre chez toi | les femmes à la cuisine | feminazie
        """),
        "de": _s("""
            neger | negerin | kanake | kanaken | kameltreiber | kümmeltürke | kümmeltürken | ölauge | polacke
            polacken | zigeuner | zigeunerpack | judensau | itaker | spaghettifresser | schlitzauge | schlitzaugen
            fidschi | schwuchtel | schwuchteln | tunte | kampflesbe | transe | mongo | spast | krüppel
            flüchtlingspack | asylanten | asylantenpack | musel | muselmanen | kopftuchmädchen | geh zurück in dein land
            frauen an den herd | volksverräter | untermensch | untermenschen
        """),
        "it": _s("""
            negri | negraccio | sporco negro | terrone | terroni | polentone | polentoni | zingaro | zingari
            zingaraccia | marocchino | marocchini | vu cumprà | ebreo di merda | sporco ebreo | muso giallo | crucco
            frocio | froci | ricchione | ricchioni | finocchio | finocchi | culattone | lesbicona | travone | mongoloide
            handicappato | spastico | tornatene al tuo paese | tornate a casa vostra | donne in cucina
        """),
        "pt": _s("""
            macaco | macacos | preto safado | neguinho | crioulo | criolo | tição | nego | mulata | índio preguiçoso
            baiano | paraíba | paraiba | nordestino burro | cabeça chata | judeu safado | cigano | ciganos | bicha
            bichas | viado | viadinho | veado | boiola | baitola | sapatão | sapatona | traveco | retardado mental
            aleijado | mongolóide | mulher no fogão | volta pro teu país | feminazi
        """),
        "hi": _s("""
            chamar | chamaar | bhangi | churha | chuhra | neech jaat | neech jati | katua | katue | kathmulla | mulla
            mulle | jihadi | paki | pakistani kutte | sanghi | andhbhakt | chinki | chinky | kalu | kaalu
            madrasi | hijra | hijde | hijda | chakka | chhakka | gay saala | randi | randiyan
            लंगड़ा | अपाहिज | चमार | भंगी | कटुआ | कटुए | मुल्ला | मुल्ले | जिहादी | हिजड़ा | हिजड़े | छक्का | रंडी
        """),
        "id": _s("""
            cino | aseng | asing aseng | cokin | cungkring | kafir | kafir laknat | kaum kafir
            kadrun | kampret kadrun | cebong | cebongers | onta | arab gurun | yahudi laknat | kristen laknat | pki
            banci | bencong | homo | maho | lesbi | lgbt laknat | idiot cacat | orang cacat | autis | idiot autis
            katro
        """),
        "ru": _s("""
            чурка | чурки | чурбан | хач | хачи | хачик | черножопый | черножопые | чучмек | чучмеки | узкоглазый
            узкоглазые | жид | жиды | жидовка | хохол | хохлы | хохлушка | москаль | москали | кацап | кацапы | ватник
            ватники | нигер | ниггер | негр | негры | пидор | пидоры | пидорас
            пидарас | педик | педики | гомик | гомики | лесбуха | трансуха | даун | дауны | калека
            бабьё | место женщины на кухне | понаехали | понаехавшие
            churka | chernozhopy | hach | zhid | zhidy | hohol | hohly | moskal | katsap | vatnik | ukrop | pidor
            pidoras | pidaras | pedik | gomik | nigger
        """),
        "tr": _s("""
            ibne | ibneler | ibnelik | dönme | nonoş | lezbiyen sapık | kürt köpeği | ermeni dölü | ermeni piçi
            rum dölü | yahudi köpeği | suriyeli pislik | çingene | çingeneler | kıro | zenci
            arap köpeği | gavur | gavurlar | kafir | kafirler | dinsiz | özürlü | mongol | mongoloid
            kadın milleti | karılar | kadın dediğin | mutfağa dön | kaltak | kaltaklar | orospu
        """),
    },
    "violence": {
        "en": _s("""
            kill you | i'll kill you | ill kill you | i will kill you | gonna kill you | going to kill you | kill u
            i will find you | i'll find you | i know where you live | know where you live | watch your back
            break your face | break your head | break your neck | break your legs | break your arms | smash your face
            punch you | punch your face | punch him | punch her | punch that guy | beat you up | beat the shit out
            beat the crap out | beat him up | beat her up | kick your ass | kick your teeth | knock your teeth out
            slap you | slap him | stab you | stab him | shoot you | shoot him | shoot them | shoot up
            burn your shop | burn your store | burn down | burn the place | burn it down | set fire to | torch the
            i'll burn | you deserve to die | you should die | hope you die | hope you get cancer | die in a fire
            should be shot | should be hanged | should be killed | hang them | hang him | lynch | murder you
            murder them | slit your throat | cut your throat | rape you | i'll hurt you | hurt you
            wait till i get | i'm coming for you | coming for you | you're dead | you are dead
            dead man walking | bomb your | put a bullet
        """),
        "vi": _s("""
            giết mày | tao giết | giết chết | đánh chết | đánh mày | tao đánh | đập chết | đập mày
            đập vỡ mồm | vả vỡ mồm | tát vỡ mồm | chém chết | chém mày | đâm chết | đâm mày
            đốt nhà | đốt shop | đốt cửa hàng | phóng hỏa | tạt axit | tạt a xít | cho ăn đòn | ăn đòn | ra đường cẩn thận
            biết nhà mày | tao biết nhà | coi chừng tao | liệu hồn | chết đi | chết mẹ mày đi | đi chết đi
            xử đẹp | xử mày | cho mày ăn | đánh cho nhừ tử | đánh què | bắn chết
        """),
        "ro": _s("""
            te omor | vă omor | va omor | îl omor | il omor | te tai | vă tai | te bat | vă bat | va bat | îl bat
            il bat | îți sparg capul | iti sparg capul | îți sparg fața | iti sparg fata | vă sparg capul | îți rup
            iti rup | îți rup picioarele | iti rup gatul | îți rup gâtul | vă rup | vă dau foc | va dau foc | dau foc
            dau foc la magazin | vă ard | te arde | să muriți | sa muriti | să crăpați | sa crapati
            știu unde stai | stiu unde stai | te găsesc | te gasesc | vă găsesc | te împușc | te impusc | te înjunghii
            te înjunghi | pun bomba | ai să plătești | o să vă pară rău
        """),
        "ar": _s("""
            هقتلك | راح اقتلك | حقتلك | بقتلك | اقتلك | اقتلكم | سأقتلك | هموتك | راح اموتك | بموتك | هدبحك
            هذبحك | اذبحك | راح اذبحك | هكسر راسك | اكسر راسك | بكسر راسك | اكسر وشك | هكسر وشك | اكسر رجلك
            هضربك | راح اضربك | بضربك | اضربك | هولع فيك | احرق المحل | هحرق المحل | راح احرق | اولع في المحل
            الله يموتك | يا رب تموت | تستاهل الموت | عارف بيتك | اعرف بيتك | هجيلك | راح اجيك
            ستندم | هتندم | راح تندم | هفجر | افجر | بطعنك | هطعنك | ha2tlak | hamawtak | hakasar rasak | hadrabak
            ra7 a2tlak | bedbha7ak
        """),
        "fa": _s("""
            میکشمت | می کشمت | می‌کشمت | بکشمت | میکشمتون | می کشمتون | میزنمت | می زنمت | بزنمت | میزنم تو دهنت
            دهنتو سرویس میکنم | دهنت سرویس | دهنتو صاف میکنم | آتیش میزنم | آتیشش میزنم | مغازتو آتیش میزنم
            سرتو میبرم | سرتو می برم | میترکونمت | خونتو میریزم | خونت حلاله | بمیری | بمیر | امیدوارم بمیری
            میدونم خونت کجاست | پیدات میکنم | پیدات می کنم | حسابتو میرسم | حسابتو می رسم | پشیمونت میکنم
            mikoshamet | mikosham et | mizanamet | dahaneto service mikonam | atish mizanam | peydat mikonam
        """),
        "es": _s("""
            te voy a matar | os voy a matar | los voy a matar | te mato | te mataré | les voy a matar | matarte
            te voy a partir la cara | te parto la cara | partirte la cara | te rompo la cara | romperte la cara
            te voy a romper | te rompo las piernas | te reviento | te voy a reventar | te voy a pegar | pegarte
            una paliza | darte una paliza | te doy una paliza | te meto un tiro | pegarte un tiro | un tiro en
            quemar la tienda | quemar el local | le prendo fuego | prender fuego | quemarles | ojalá te mueras
            ojalá se mueran | muérete | muérase | deberían matarlos | sé dónde vives | se donde vives | te voy a buscar
            te voy a encontrar | te vas a arrepentir | te apuñalo | te voy a apuñalar | te rajo
        """),
        "fr": _s("""
            je vais te tuer | je te tue | je vais vous tuer | je vais le tuer | te buter | je vais te buter | je te bute
            je vais te défoncer | je te défonce | te casser la gueule | je vais te casser la gueule | casser la figure
            je vais te frapper | te frapper | te cogner | je vais te cogner | te péter la gueule | péter les dents
            je vais brûler | brûler votre magasin | brûler la boutique | mettre le feu | foutre le feu | crève
            crevez | va crever | j'espère que tu crèves | tu mérites de mourir | je sais où tu habites
            je vais te retrouver | tu vas le regretter | vous allez le regretter | te planter | je vais te planter
            une balle dans | t'égorger
        """),
        "de": _s("""
            ich bring dich um | ich bringe dich um | ich bring euch um | bring dich um | ich töte dich | umbringen
            abstechen | ich stech dich ab | dich abstechen | ich schlag dich | ich schlage dich | dich schlagen
            schlag dir die fresse | polier dir die fresse | in die fresse | aufs maul | eins aufs maul | dir die zähne
            brech dir | breche dir | knochen brechen | ich zünde | abfackeln | den laden abfackeln | anzünden
            verrecke | verreck | krepier | sollst sterben | hoffe du stirbst | ich weiß wo du wohnst | ich finde dich
            das wirst du bereuen | wirst du bereuen | kopf abreißen | erschießen | gehört erschossen | vergasen
            gehören aufgehängt
        """),
        "it": _s("""
            ti ammazzo | vi ammazzo | ti uccido | vi uccido | lo ammazzo | ti faccio fuori | ti spacco la faccia
            ti spacco la testa | vi spacco | ti rompo la faccia | ti rompo le gambe | ti rompo il culo | ti meno
            vi meno | ti picchio | ti prendo a calci | ti prendo a pugni | ti sparo | ti accoltello | do fuoco
            brucio il negozio | bruciare il negozio | dare fuoco | devi morire | spero che muori | crepate
            so dove abiti | so dove vivi | ti trovo | ti vengo a cercare | te ne pentirai | ve ne pentirete
        """),
        "pt": _s("""
            vou te matar | te mato | vou matar você | vou matar vocês | vou te pegar | te pego lá fora | vou te bater
            te bater | te encher de porrada | encher de porrada | vou te quebrar | quebrar sua cara | quebro sua cara
            quebrar a sua cara | vou quebrar | arrebentar sua cara | te arrebento | meter bala | dar um tiro
            te dar um tiro | te furar | te esfaquear | tocar fogo | botar fogo | pôr fogo na loja | queimar a loja
            morra | espero que morra | tomara que morra | sei onde você mora | sei onde mora | vai se arrepender
            vão se arrepender
        """),
        "hi": _s("""
            maar dunga | maar dalunga | maar daalunga | jaan se maar | jaan se maarunga | khatam kar dunga
            tod dunga | haddi tod | haath pair tod | taang tod | sar phod | sir phod dunga | muh tod | munh tod
            thappad | thappad marunga | jhapad | pitai karunga | peetunga | aag laga dunga | aag laga denge
            dukaan jala | jala dunga | goli maar | goli maar dunga | chaku maar | kaat dunga | kaat ke rakh
            mar ja | mar jao | marr jaa | tujhe dekh lunga | dekh lunga | ghar aa ke | ghar pata hai | pachtaoge
            मार दूंगा | मार डालूंगा | जान से मार | तोड़ दूंगा | हड्डी तोड़ | आग लगा दूंगा | गोली मार | देख लूंगा
            मर जा | काट दूंगा
        """),
        "id": _s("""
            gue bunuh | gw bunuh | gua bunuh | aku bunuh | bunuh lo | bunuh kamu | bunuh kau | kubunuh | tak bunuh
            gue pukul | gw pukul | pukul lo | kupukul | tak gebuk | gue gebukin | gebukin | hajar lo | gue hajar
            gw hajar | tak hajar | gue tonjok | tonjok lo | gue tampar | patahin | patahkan kaki | pecahin kepala
            gue bakar | bakar tokonya | bakar toko | gue bacok | bacok | tusuk lo | gue tusuk | mati aja
            mampus aja | semoga mati | gue tau rumah lo | gw tau rumah lo | awas lo | tunggu pembalasan | ku santet
            santet | gue cari lo | gw cari lo
        """),
        "ru": _s("""
            убью | я тебя убью | убью тебя | убью вас | прибью | прибью тебя | урою | зарежу | пристрелю | застрелю
            набью морду | набью тебе морду | морду набить | получишь по морде | дам в морду | дам в рожу | вломлю
            сломаю тебе | сломаю ноги | ноги переломаю | голову оторву | башку оторву | башку проломлю
            сожгу | сожгу магазин | подожгу | спалю | спалю вашу | сдохни | чтоб ты сдох | чтоб вы сдохли | сдохните
            знаю где ты живёшь | знаю где ты живешь | найду тебя | я тебя найду | пожалеешь | вы пожалеете | закопаю
            ubyu | ub'yu | ya tebya ubyu | zarezhu | pristrelyu | sdohni | chtob ty sdoh | naydu tebya
        """),
        "tr": _s("""
            öldürürüm | seni öldürürüm | sizi öldürürüm | öldüreceğim | gebertirim | seni gebertirim
            seni keserim | kafanı kırarım | kafanı keserim | ağzını burnunu kırarım | ağzını kırarım | bacaklarını kırarım
            döverim | seni döverim | sizi döverim | dövcem | döveceğim | dükkanı yakarım | dükkanınızı yakarım
            ateşe veririm | vururum | seni vururum | kurşunlarım | bıçaklarım | geberin | geber | gebersin
            ölesice | ölmelisin | evini biliyorum | nerede oturduğunu biliyorum | seni bulurum | pişman olursun
            pişman ederim | gününü görürsün | gösteririm size
        """),
    },
    "sexual": {
        "en": _s("""
            sexy | hot cashier | hot waitress | nice tits | nice ass | great ass | her ass | your ass
            tits | boobs | titties | pussy | cock | dick | blowjob | blow job | suck my dick | suck my cock | suck me
            sit on my face | bend over | bend her over | wanna fuck | want to fuck | i'd fuck | id fuck | would fuck
            i would bang | bang her | bang you | smash her | fuck her | fuck him | screw her | rape | raped | rapist
            slut | sluts | whore | whores | hoe | thot | skank | send nudes | nudes | naked | horny | milf | dtf
            sleep with me | sleep with her | sugar baby | sexual favours | grope | groped
            whats her number | what's her number | give me her number | is she single | marry me baby
        """),
        "vi": _s("""
            đụ | đụ má | địt mẹ | địt con mẹ | đụ mẹ | con lồn | cu | chịch | xoạc
            dâm dục | dâm đãng | đĩ | con đĩ | đồ đĩ | gái gọi | gạ tình | sờ mó | bóp vú | vú | mông to
            em xinh thế | em gái xinh | cho xin số | xin số em | ngủ với | lên giường | hiếp | hiếp dâm
        """),
        "ro": _s("""
            muie | muia | sugi | suge-o | suge pula | sa-mi sugi | pula | pizda | pizdă | curva | curvă | curve
            curvelor | târfă | tarfa | tarfe | fut | futai | futut | te fut | vă fut | vreau sa te fut | țâțe
            tâțe | cur | bulan | sexi | sexy | bunaciune | bunăciune | cu tine în pat | viol | violez
        """),
        "ar": _s("""
            شرموطه | شراميط | يا شرموطه | قحبه | يا قحبه | قحاب | عاهره | منيوكه | نيك | انيك | انيكك | نيكه | زب
            زبي | كسها | طيز | طيزها | بزاز | نهود | مصي | تمصي | شرموط | متناك | متناكه | اغتصاب | اغتصبك
            يا حلوه | يا مزه | جسمها | رقمها | رقمك يا | تعالي معايا | sharmouta | sharmota | 2a7ba
            qahba | neek | nik | manyouk | metnak | zeb | kos | teez | mozza
        """),
        "fa": _s("""
            جنده | جنده ها | جنده خانم | کسش | کص | کیر | کیرم | کیرم دهنت | کون | کونش | سکس | سکسی
            بخوابم باهات | بیا بغلم | ممه | ممه هاش | تجاوز | تجاوز میکنم | لاشی | لاشی ها | فاحشه | هرزه
            jende | kos | kir | kiram | koon | sexi | mame | lashi | harze | fahesheh
        """),
        "es": _s("""
            puta | putas | zorra | zorras | guarra | guarras | perra caliente | ramera | fulana | putón | mamada
            chúpamela | chupamela | mámamela | me la chupas | te la meto | te follaría | follar | follarte | cogerte
            te cogería | culo | culazo | tetas | tetona | buenas tetas | buen culo | qué buena está | que rica estás
            mamacita | mami rica | estás buena | está buena | polla | verga | coño | violar | violarte | calentona
        """),
        "fr": _s("""
            salope | salopes | pute | putes | putain de salope | chaudasse | suce | suce moi | suce ma bite | sucer
            bite | chatte | nichons | seins | beau cul | gros cul | ses fesses | je te baiserais
            je vais te baiser | baise | baisable | grosse cochonne | violer | viol
        """),
        "de": _s("""
            schlampe | schlampen | hure | huren | nutte | nutten | fotze | fotzen | bitch | blasen | blas mir einen
            lutsch | lutsch meinen | schwanz | pimmel | titten | möpse | geiler arsch | geile sau | geile schnitte
            ficken | ich fick dich | würde ich ficken | bumsen | flachlegen | vergewaltigen | vergewaltigt | sexy
        """),
        "it": _s("""
            troia | troie | zoccola | zoccole | puttana | puttane | mignotta | mignotte | baldracca | pompino | pompini
            succhiamelo | succhia | cazzo in bocca | te lo metto | ti scoperei | scopare | scoparti | figa
            tette | culo | bel culo | gnocca | bona | che bona | stuprare | stupro | maiala
        """),
        "pt": _s("""
            puta | putas | vadia | vadias | piranhas | vagabunda | rapariga | boquete
            chupa | chupa meu | mama aqui | pau | rola | piroca | buceta | xoxota | peitos | peituda | bunda | bundão
            te comer | comer você | foder você | te foder | estuprar
            estupro | safadinha
        """),
        "hi": _s("""
            randi | randwa | raand | rakhail | chinal | chhinal | veshya | lund | lauda | lawda | choot | chut
            chuchi | chuchiyan | boobs | sexy hai | mast maal | kya maal | chodna | chodunga | chod dunga
            pel dunga | chudai | chud | chudwa | balatkar | rape kar | jism | muth | मुठ | लंड | चूत | रंडी | चुदाई
            बलात्कार
        """),
        "id": _s("""
            kontol | memek | ngentot | ngewe | entot | entotin | dientot | perek | lonte | pelacur | jablay | cabe cabean
            sange | colmek | toket | tetek | pantat semok | bohay | montok | seksi | bispak | open bo | bo
            diperkosa | perkosa | pemerkosa | cewek murahan | kimcil | pecun
        """),
        "ru": _s("""
            шлюха | шлюхи | блядь | блядина | проститутка | давалка | сосать | соси | отсоси | отсосать | хуй соси
            пизда | пиздёнка | трахнуть | трахну | выебать | выебу | ебать тебя | сиськи | жопа | попка | сексуальная
            изнасиловать | изнасилую | shluha | blyad' | soset | sosi | otsosi | trahnut | viebu | vyebu | siski
        """),
        "tr": _s("""
            orospu | orospular | kahpe | kahpeler | fahişe | sürtük | sürtükler | yosma | am | amcık | sik | sikerim
            sikeyim | sikmek | yarak | yarrak | yarram | göt | götünü | memeler | seksi | kalçalı | kaltak
            tecavüz | tecavüz ederim | sevişelim | yatalım | sakso | saksocu | bacaklarına bak
        """),
    },
    "profanity": {
        "en": _s("""
            damn | dammit | damnit | goddamn | goddamned | god damn | damned | darn | hell | bloody | bloody hell
            fuck | fucking | fuckin | fucked | fuckery | fucker | wtf | what the fuck | what the hell | holy fuck
            fuck yeah | fucking great | fucking amazing | shit | shitty | holy shit | bullshit | crap | crappy | piss
            pissed | pissed off | bollocks | bugger | sod it | arse | badass | kickass | hella | effing | frigging
            friggin | freaking | frickin | omfg | lmfao | jesus christ | christ | ffs | for fucks sake | screw it
            sucks | this sucks | it sucks | suck | murder a pizza | could murder | killing it | killed it
        """),
        "vi": _s("""
            vcl | vl | vkl | vãi lồn | vãi chưởng | vãi cả lồn | vãi đái | vãi nồi | đm | đmm | đcm | dcm | dmm
            đkm | dkm | đệch | đệt | đếch | cmn | cmnr | vđ | vc | clm | cl | clgt | mẹ nó | con mẹ nó | bà nó
            tiên sư | chết tiệt | khỉ gió | đéo gì | méo | mé | ghê vãi | ngon vãi | đỉnh vãi
        """),
        "ro": _s("""
            naiba | ce naiba | la naiba | naibii | dracu | drace | ce dracu | dracului | la dracu | la dracului
            pula mea | ce pula mea | pana mea | ce pana mea | futu-i | futu-i mama ei | fir-ar | fir-ar sa fie | fir-ar al
            mama ei | rahat | căcat | ce căcat | ce cacat | mortii | morții
            mortii mamii | în mă-sa | in ma-sa | ma-sa | mă-sa | ptiu | bată-l vina | fmm | pizda
        """),
        "ar": _s("""
            لعنه | اللعنه | يلعن | يلعن ابو | يلعن ابوها | يلعن ابو هيك | زفت | يا زفت | خرا | خره | تبا | تبا لك | يا دين
            يا دي النيله | النيله | طز | طز فيك | يخرب بيت | يخرب بيتها | الله يخرب
            كسم | كسم كده | يا نهار اسود | منيل | متنيل | فشخ | مفشوخ | جامد فشخ | بضان | بضين
            zeft | khara | kosom | fash5 | fashkh | ya5rab | yel3an | yil3an
        """),
        "fa": _s("""
            لعنت | لعنتی | لعنت به | لعنت بر | لعنت خدا | گور بابا | گور باباش | گور پدرش | کوفت | زهرمار | گند | گندش
            گندت بزنن | مرده شور | مرده شورش | گه | گهی | ریدم | ریدن | ریده | تخمی | کیرم تو
            lanat | lanati | lanat be | goor baba | kooft | zahremar | gand | gande | goh | ridam | tokhmi
        """),
        "es": _s("""
            de puta madre | puta madre | está de puta madre | de la hostia | hostia | hostias | joder | jode | jodido
            jodidamente | coño | qué coño | me cago en | me cago en la leche | me cago en dios | mierda
            qué mierda | una mierda | cojones | cojonudo | de cojones | acojonante | la puta | puta vida | carajo
            qué carajo | pinche | chingón | chingona | chingado | chingue | verga | a huevo | no mames | pendejada
            cagada | cagarla | mecachis | maldita sea | maldito | maldita | diablos | demonios | joer | ctm
        """),
        "fr": _s("""
            putain | putain de | bordel | bordel de merde | merde | merdique | chier | faire chier | fais chier | ça fait chier
            ça me fait chier | chiant | chiante | chiants | foutre | rien à foutre | j'en ai rien à foutre | foutu | foutue
            c'est con | bon sang | sacré bleu | zut | mince | nom de dieu | bordel de dieu
            ptn | tg
        """),
        "de": _s("""
            scheiße | scheisse | scheiß | scheiss | verdammt | verdammte | verdammter | verdammt nochmal | verfickt
            verfickte | kacke | so ein mist | mistding | drecksding | scheißding | geil | geile | saugeil
            arschgeil | heilige scheiße | fuck | fucking | verflucht | verflixt | zum teufel
            zur hölle | leck mich am arsch | am arsch | im arsch | arschkalt | saulecker | sauteuer
        """),
        "it": _s("""
            cazzo | che cazzo | cazzi | del cazzo | minchia | che minchia | porca puttana | porca miseria | porca troia
            porco dio | porcodio | dio cane | diocane | mannaggia | accidenti | che merda
            di merda | stracazzo | cazzata | cazzate | figata | una figata | fottuto | fottutamente
            merda | vaffa | cacchio | cacchiarola | cribbio | sticazzi | incazzato | incazzata
        """),
        "pt": _s("""
            porra | que porra | caralho | do caralho | pra caralho | puta que pariu | putaria | que merda
            cacete | pqp | foda | foda-se | fodeu | fodido | puta merda | diabos
            merda | bosta | cacilda | carai | krl | vsf | desgraça | merdoso
        """),
        "hi": _s("""
            tatti | saala | saale | saali | bsdk | bkl | bc | mc | bhenchod kya | ghanta | ghanta
            bakchodi | bakchod | bhaad mein | bhaad me jaye | bhaad mein jaaye
            tatti service | chutiyapa hai | kya chutiyapa | wtf
            साला | साले | भाड़ में | घंटा | बकवास | बकचोदी
        """),
        "id": _s("""
            anjir | anjay | anjrit | njir | njay | anjim | buset | busyet | buset dah | gilak | gile | sialan
            sial | kampret | asem | asyu | taik | taek | tahi | brengsek | kurang ajar deh | mampus | mampus deh
            gokil | gokil abis | bangke | jancok | cuk | jir | wanjir | wtf | astagfirullah
            bacot
        """),
        "ru": _s("""
            блять | бля | блин | блядь | блэт | ебать | ёб твою мать | еб твою мать | ёпт | ёпта | епта | ёлки палки
            хрен | нахрен | нафиг | пофиг | пох | похуй | нахуй | на хуй | хуйня | хуево | хуёво | охуенно | охуенный
            охуеть | охренеть | офигеть | пиздец | пиздато | пиздатый | заебись | заебало | задолбало | чёрт | черт
            чёрт возьми | чертовски | твою мать | твою ж мать | сука | сучка | ёбаный | ебаный | гребаный | грёбаный
            blyat | blya | blin | nahuy | nahui | pohuy | pizdec | pizdets | zaebis | ohuenno | huinya | huynya | suka
            ebat | yobany
        """),
        "tr": _s("""
            amk | aq | amq | amina koyim | ulan | lan oğlum | oha | vay amk | siktir | siktir ya | hassiktir
            hass | hassktr | lanet | lanet olsun | kahretsin | kahrolsun | kahrolası | allah kahretsin | bok | boktan
            boku çıktı | sikko | sikimde değil | sikeyim böyle işi | amına koyayım böyle | mk
            ebesinin | anasını satayım | anasını sattığım | vay anasını
        """),
    },
}

# --------------------------------------------------------------------------------------------
# Deobfuscation (on normalized text, before fold).

_L = r"[^\W\d_]"
# 1a. single letters joined by . - _ * : "f.u.c.k", "đ.m", "s-h-i-t"
_SPELLED = re.compile(rf"(?<![\w.\-_*/]){_L}(?:[.\-_*]{_L})+(?![\w\-_*]|\.\w)")
# 1c. one letter cut off a word by a dot: "ز.بالة", "d.umb"
_CUT = re.compile(rf"(?<![\w.\-_*/])({_L})\.({_L}{{2,}})")
# 1b. three or more single letters separated by one space: "c h o", "f u c k"
_SPACED = re.compile(rf"(?<!\w){_L}(?: {_L}){{2,}}(?!\w)")
# 2./3. a Latin word with leet characters or stars between its letters
_MASKED = re.compile(r"(?<![\w@$*])(?:[a-z]|[013457$]+(?=[a-z]))(?:[a-z013457$@!*]*[a-z])?\$*(?![\w@$*])", re.IGNORECASE)
_HAS_LEET = re.compile(r"[a-z][013457$@!*]|[013457$@*][a-z]", re.IGNORECASE)
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s", "@": "a", "!": "i"})
# the cheap test: does a text need any of the above? (a few narrow searches: one regex with every
# alternative costs more than the rest of the features)
_LEET_CHAR = re.compile(r"[013457!@]")
_LEET_SEEN = re.compile(r"[A-Za-z][013457!@][A-Za-z]|[013457][A-Za-z]+[013457]|[A-Za-z][013457]+[A-Za-z]")
_SPELLED_SEEN = re.compile(r"[.\-_](?<=(?<![\w.\-_*/])[^\W\d_][.\-_])(?=[^\W\d_])")
_SPACED_SEEN = re.compile(r" (?<=(?<!\w)[^\W\d_] )[^\W\d_] [^\W\d_](?!\w)")


def _suspect(text: str) -> bool:
    return bool(
        "*" in text or "$" in text
        or (_LEET_CHAR.search(text) and _LEET_SEEN.search(text))
        or _SPELLED_SEEN.search(text) or _SPACED_SEEN.search(text)
    )


#: two-letter cues kept although one-token cues under three Latin letters are ignored (in the
#: match view: "đm" is "dm"): Vietnamese đm / vl, Turkish aq / mk, Hinglish bc / mc
_SHORT: dict[str, str] = {"dm": "profanity", "vl": "profanity", "aq": "profanity", "mk": "profanity",
                          "bc": "profanity", "mc": "profanity"}


def _join(m: re.Match[str]) -> str:
    return re.sub(r"[.\-_* ]", "", m.group(0))


def _deobfuscate(text: str, unmask: Callable[[str], str]) -> str:
    if not _suspect(text):
        return text
    text = _SPELLED.sub(_join, text)
    text = _SPACED.sub(_join, text)
    text = _CUT.sub(r"\1\2", text)

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        return unmask(w) if _HAS_LEET.search(w) else w

    return _MASKED.sub(word, text)


def _plain_unmask(word: str) -> str:
    return word.lower().translate(_LEET).replace("*", "")


#: kind -> language -> cues in the view texts are matched in (:meth:`AbuseCues.view`: leet read
#: as letters, then :func:`~triage.pipeline.text.fold`), so an Arabizi cue ("yel3an") is read the
#: way a text is
@functools.cache
def _abuse_cues() -> dict[str, dict[str, tuple[str, ...]]]:
    return {cat: {lang: tuple(dict.fromkeys(fold(_deobfuscate(c, _plain_unmask)) for c in cues))
                  for lang, cues in by_lang.items()}
            for cat, by_lang in _WRITTEN.items()}


def __getattr__(name: str) -> Any:
    """``ABUSE_CUES`` is made on first use (PEP 562), like ``urgency_cues.URGENCY_CUES``."""
    if name == "ABUSE_CUES":
        return _abuse_cues()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class AbuseCues(UrgencyCues):
    """Counts the abuse cues of each kind; dense features from the counts.

    >>> from triage.pipeline.text import normalize
    >>> cues = AbuseCues()
    >>> cues.hits(cues.view(normalize("Ur tech guy is an absolute d0nkey")))["insult"]
    ['absolute donkey']
    """

    categories = CATEGORIES
    kind = "abuse"
    _filter = (_PROFANITY, _ABUSIVE)  # _scan's rule, for the compiled scan

    @staticmethod
    def _default_cues() -> Mapping[str, Mapping[str, Sequence[str]]]:
        return _abuse_cues()

    def __init__(self, cues: Mapping[str, Mapping[str, Sequence[str]]] | None = None) -> None:
        """``cues``: kind -> language -> cues (default :data:`ABUSE_CUES`)."""
        super().__init__(cues)
        # one-word Latin cues by first letter, for reading a masked word ("f*ck")
        self._latin: dict[str, list[str]] = {}
        for key in sorted(self.singles, key=lambda k: (len(k), k)):
            if key.isascii() and key.isalpha():
                self._latin.setdefault(key[0], []).append(key)
        self._unmasked: dict[str, str] = {}
        # a few two-letter forms that are nearly always the swear word (shorter cues are ignored)
        for key, cat in _SHORT.items():
            c = self.categories.index(cat)
            self.phrases[key] = self.singles[key] = (c,)
            self.source.setdefault(key, key)
        self.starts = frozenset(self.starts | set(_SHORT))

    def _unmask(self, word: str) -> str:
        """A Latin word with leet characters or stars, as the letters it stands for."""
        low = word.lower()
        cached = self._unmasked.get(low)
        if cached is not None:
            return cached
        out = low.translate(_LEET)
        if "*" in out:
            parts = re.split(r"(\*+)", out)
            pattern = "".join(
                f"[a-z]{{1,{min(3, len(p) + 1)}}}" if p.startswith("*") else re.escape(p) for p in parts
            )
            rx = re.compile(pattern)
            letters = sum(ch.isalpha() for ch in out)
            found = next((k for k in self._latin.get(out[0], ()) if rx.fullmatch(k)), None) if letters >= 2 and out[0] != "*" else None
            out = found or out.replace("*", "")
        elif not out.isalpha():
            out = low
        if len(self._unmasked) > 50_000:
            self._unmasked.clear()
        self._unmasked[low] = out
        return out

    def deobfuscate(self, text: str) -> str:
        """``text`` with spelled-apart letters joined and masked words read (module docstring)."""
        return _deobfuscate(text, self._unmask)

    def _scan(self, toks: list[str]) -> list[tuple[int, str]]:
        """As :meth:`UrgencyCues._scan`, except that an insult, slur, threat or sexual cue that
        lies inside a longer profanity cue does not count: ``de puta madre`` is swearing, not
        ``puta``; ``porca puttana`` is not ``puttana``."""
        found = self._spans(toks)
        swear = [(a, b) for c, _, a, b in found if c == _PROFANITY and b - a > 1]
        return [(c, key) for c, key, a, b in found
                if not (c in _ABUSIVE and any(sa <= a and b <= sb and (sb - sa) > (b - a) for sa, sb in swear))]

    def view(self, clean: str) -> str:
        """The folded text the cues are matched in: deobfuscated, then :func:`fold`."""
        return fold(self.deobfuscate(clean))

    def views(self, clean: Sequence[str]) -> list[str]:
        """:meth:`view` of each text; which texts may hide an obfuscated word (:func:`_suspect`)
        is decided for the whole batch in one compiled pass."""
        if _native is None:  # pragma: no cover
            return [self.view(t) for t in clean]
        flags = _native.abuse_suspects(list(clean))
        return [fold(self.deobfuscate(t)) if f else fold(t) for t, f in zip(clean, flags, strict=True)]

    def features(self, folded: Sequence[str]) -> np.ndarray:
        """Dense features (n, 6), float32 0/1 (:data:`FEATURE_NAMES`): per kind whether a cue of it
        is there; ``profanity_only`` (profanity and none of the four abusive kinds)."""
        return self.from_counts(self.counts_batch(folded))

    def from_counts(self, counts: np.ndarray) -> np.ndarray:
        """:meth:`features` from the numbers of cue matches of each kind."""
        k = len(self.categories)
        counts = np.asarray(counts)
        if not counts.any():  # no cue at all (most comments): every feature is 0
            return np.zeros((len(counts), k + 1), dtype=np.float32)
        if len(counts) == 1:  # one comment: the same 0/1 values from Python numbers
            row = counts[0, :k].tolist()
            abusive = any(row[j] > 0 for j in _ABUSIVE)
            return np.array([[float(c > 0) for c in row] + [float(not abusive and row[_PROFANITY] > 0)]],
                            dtype=np.float32)
        counts = super().from_counts(counts)[:, :k]  # min(count, 2) / 2 per kind
        out = np.zeros((len(counts), k + 1), dtype=np.float32)
        out[:, :k] = counts > 0
        abusive = counts[:, list(_ABUSIVE)].max(axis=1) > 0 if len(counts) else np.zeros(0, dtype=bool)
        out[:, k] = ~abusive & (counts[:, _PROFANITY] > 0)
        return out


_DEFAULT: AbuseCues | None = None


def deobfuscate(text: str) -> str:
    """:meth:`AbuseCues.deobfuscate` with the shipped lexicon."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = AbuseCues()
    return _DEFAULT.deobfuscate(text)


def cue_columns(clean: Sequence[str], urgency: UrgencyCues, abuse: AbuseCues) -> tuple[np.ndarray, np.ndarray]:
    """The urgency cue columns of ``fold(clean)`` and the abuse cue columns of ``abuse.view(clean)``
    for a batch, exactly ``urgency.features`` and ``abuse.features`` of those texts: counted by
    the compiled scan (:meth:`UrgencyCues.native`), or without it from shared tokens (a text is
    tokenized once when both views are the same string: no obfuscation to undo)."""
    folded = [fold(t) for t in clean]
    views = abuse.views(clean)
    if _native is not None:  # each text in one compiled pass per cue set, no token objects
        return urgency.from_counts(urgency.counts_batch(folded)), abuse.from_counts(abuse.counts_batch(views))
    tokens = urgency.token_lists(folded)  # pragma: no cover - the Python way
    other = [i for i, (v, f) in enumerate(zip(views, folded, strict=True)) if v != f]
    abuse_tokens = list(tokens)
    for i, toks in zip(other, abuse.token_lists([views[i] for i in other]), strict=True):
        abuse_tokens[i] = toks
    return urgency.from_tokens(tokens), abuse.from_tokens(abuse_tokens)
