"""People's first names, taken out of every training row before training.

The corpus carries most of each tag head's training weight (``TrainConfig.domain_share_tags``),
so in the abuse head one corpus row weighs about fifty public rows. A first name that its writer
put in one abusive row ("Your manager Priya is a lying witch") then becomes an abuse feature, and
a customer who thanks a Priya gets her comment blurred: model 0.11.0's fast tier tags abuse on
0.40% of praise and untagged dev comments once a first name is put in front of them, and a build
with the eleventh batch on 0.87% ("Rodrigo não bagunce as ideias": P(abuse) 0.19 -> 0.70;
``benchmarks/bench_names.py``). A name says nothing about a comment's sentiment, tags or
urgency, so :func:`mask_names` takes the names out of every training row (the corpus's, a user's
and, since model 0.12.0, the public sets': 1.6% of the public abuse rows carry a listed name);
dev and test rows, and what users send, are scored as written.

The list holds common given names written in Latin or Cyrillic letters, matched as whole words
with their capital letter ("Priya", not "priya"), and leaves out names that are also everyday
words in a supported language (Mai and Dan in Romanian, Lan, Minh and Hoa in Vietnamese, Ben
and Can in Turkish, Putri and Dewi in Indonesian, Hope and Grace in English...), which a capital
at the start of a sentence would catch. Names in Arabic, Persian and Devanagari script are not
listed: written without capitals, too many of them are ordinary words (سعيد "happy", كريم
"generous", امید "hope").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["GIVEN_NAMES", "mask_names"]

_NAMES_BY_LANGUAGE: dict[str, str] = {
    "en": "Aaron Adam Alex Alice Amanda Amy Andrew Anna Anthony Ashley Brian Charlotte Chloe Chris "
          "Daniel David Emily Emma Ethan Gary Harry Helen Jack Jake James Jason Jennifer Jessica John "
          "Jonathan Joseph Josh Karen Kate Kevin Laura Liam Linda Lisa Lucy Matt Megan Michael Michelle "
          "Mike Nathan Nick Olivia Paul Rachel Rebecca Richard Robert Ryan Sam Sarah Scott Sophie Steve "
          "Steven Thomas Tom Tony Tyler Zoe Kelvin Chidi Emeka Ngozi Tunde Aisha Femi Kemi",
    "es": "Alejandro Andrés Camila Carlos Carmen Diego Fernando Gabriela Javier Jorge José Juan Laura "
          "Lucía Luis Manuel Marta Miguel Pablo Paula Pedro Raúl Sergio Sofía Valentina Ximena Mateo",
    "pt": "Ana Beatriz Bruno Camila Fernanda Gabriel Guilherme Gustavo João Juliana Larissa Leonardo "
          "Lucas Luiz Marcelo Mariana Matheus Paulo Rafael Rodrigo Thiago Vinícius Joãozinho Rogério",
    "fr": "Antoine Camille Céline Chloé Émilie Julien Léa Lucas Manon Mathieu Maxime Nicolas Pierre "
          "Sébastien Sophie Thomas Amélie Benoît Clément Élodie Guillaume Hugo Inès Jérôme Nathalie",
    "de": "Andreas Anja Christian Felix Florian Jan Jonas Julia Katrin Lena Lukas Markus Maximilian "
          "Michael Niklas Sabine Sebastian Stefan Tobias Ursula Jürgen Uwe Heike Sven Dirk",
    "it": "Alessandro Alessia Andrea Chiara Davide Elena Federica Francesca Francesco Giorgia Giovanni "
          "Giulia Giuseppe Lorenzo Luca Marco Martina Matteo Paolo Riccardo Roberto Simone Valentina",
    "ro": "Adrian Alexandru Alina Andreea Andrei Bogdan Cătălin Cristina Daniela Elena Florin Gabriela "
          "Ioana Ion Ionuț Iulia Mihai Mihaela Monica Radu Raluca Roxana Sorin Ștefan Vlad Gheorghe",
    "tr": "Ahmet Ali Ayşe Burak Cem Elif Emre Fatma Hakan Hüseyin Kemal Mehmet Merve Murat Mustafa "
          "Oğuz Selin Serkan Zeynep Ayse Fatih Gizem Onur Tolga",
    "id": "Agus Andi Budi Eko Fitri Hendra Indra Joko Rina Rudi Siti Sri Wahyu Yudi "
          "Yanti Dimas Rizky Bayu",
    "hi": "Aarav Aditya Amit Ananya Anjali Arjun Deepak Divya Kavya Neha Pooja Priya Rahul Rajesh Ravi "
          "Rohit Sanjay Shreya Sneha Suresh Vikram Vivek Anil Sunita Kiran",
    "ru": "Алексей Анастасия Андрей Анна Дмитрий Екатерина Елена Иван Ирина Мария Михаил Наталья Ольга "
          "Павел Сергей Татьяна Юлия Артём Максим Никита Светлана Владимир Ivan Olga Dmitry Sergey Natasha",
    "ar": "Ahmed Ahmad Mohamed Mohammed Mahmoud Mostafa Omar Khaled Youssef Yasmin Fatima Mariam Nour "
          "Hassan Hussein Karim Tarek Rania Salma Layla",
    "fa": "Reza Ali Hossein Mehdi Sara Maryam Zahra Fatemeh Narges Amir Mohsen Saeed Parisa Niloufar",
}

#: Common given names (Latin and Cyrillic letters, with their capital), every supported language.
GIVEN_NAMES: frozenset[str] = frozenset(n for names in _NAMES_BY_LANGUAGE.values() for n in names.split())


def _pattern(names: Iterable[str]) -> re.Pattern[str]:
    """Any of ``names`` as a whole word, not inside a @mention or #hashtag (longest first)."""
    alternatives = "|".join(sorted(map(re.escape, names), key=len, reverse=True))
    return re.compile(r"(?<![\w@#])(?:" + alternatives + r")(?![\w])")


_PATTERN = _pattern(GIVEN_NAMES)


def mask_names(text: str, names: Iterable[str] | None = None) -> str:
    """``text`` without the listed first names (whole words, as capitalised), spaces tidied.

    >>> mask_names("Your manager Priya is a lying witch")
    'Your manager is a lying witch'
    >>> mask_names("priya and @Priya_K and Priyanka stay: only the capitalised whole word goes")
    'priya and @Priya_K and Priyanka stay: only the capitalised whole word goes'
    >>> mask_names("Obrigado Rodrigo, chegou rápido!")
    'Obrigado, chegou rápido!'
    >>> mask_names("Ich weiß, wo du wohnst, Jürgen. Obrigada, Jorge!")
    'Ich weiß, wo du wohnst. Obrigada!'
    """
    pattern = _PATTERN if names is None else _pattern(names)
    masked = pattern.sub("", text)
    if masked == text:
        return text
    masked = re.sub(r"[ \t]{2,}", " ", masked)
    masked = re.sub(r" +([,.!?;:])", r"\1", masked)
    masked = re.sub(r",([,.!?;:])", r"\1", masked)
    masked = re.sub(r"^\s*[,;:]\s*", "", masked)
    return masked.strip() or text
