"""Inputs for the batch tests: awkward texts, multilingual rows, files in every format."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from triage.formats import open_writer, read_records

AWKWARD = [
    'He said "hi", then "bye", and ""quoted"" twice',
    "a,b,,c;d\te|f",
    "line one\nline two\r\nline three\rline four\n",
    '"',
    "هل يمكنني الحصول على استرداد؟ شكراً",  # Arabic, RTL, Arabic question mark
    "می‌خواهم این را برگردانم",  # Persian with ZWNJ
    "👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 ❤️ best shop ever!!!",  # ZWJ sequences, skin tone, variation selector
    "\u200f\u202bmixed RTL\u202c with bidi controls\u2028and a line separator\x85",
    "\ufeffstarts with a BOM",
    "  leading and trailing spaces  ",
    "Где мой заказ? Жду уже две недели!!!",
    "Mulțumesc, totul a fost perfect!",
    "Xin chào, shop còn hàng không ạ?",
    "WIN FREE money now http://x.co/win call +1 555 0100",
    "long " + "ش" * 60_000 + " end",  # a very long text (120 KB)
]

MULTILINGUAL = [
    "Where is my refund?? I ordered three weeks ago",
    "Thank you so much, the delivery was super fast",
    "¿Tienen envío a Valencia?",
    "Le produit est arrivé cassé, très déçu",
    "Das ist die beste Bestellung, danke!",
    "Quanto costa la spedizione in Italia?",
    "Obrigado pelo atendimento, nota dez",
    "Kapan barang saya dikirim?",
    "Bu ürün berbat, param geri istiyorum",
    "यह बहुत अच्छा है, धन्यवाद",
    "لماذا تأخر الطلب؟",
    "سفارشم کی میرسه؟",
]


def records(n: int, *, nested: bool = False) -> list[dict[str, Any]]:
    """``n`` rows cycling through the awkward and multilingual texts, with ids and a page."""
    texts = AWKWARD + MULTILINGUAL
    out: list[dict[str, Any]] = []
    for i in range(n):
        rec: dict[str, Any] = {"id": f"c{i}", "text": texts[i % len(texts)], "page": f"p{i % 3}"}
        if nested:
            rec["meta"] = {"likes": i % 7, "lang_hint": "xx"}
        out.append(rec)
    return out


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows with triage's own writer (any format, .gz by name)."""
    with open_writer(str(path)) as writer:
        for row in rows:
            writer.write(row)
    return path


def read(path: Path) -> list[dict[str, Any]]:
    """All records of an output file."""
    return [rec for _, rec in read_records(str(path))]


def parquet_rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


def errors(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.decode().splitlines()]


def registry_with(model_dir: Path, root: Path, name: str = "mine") -> Path:
    """A model registry at ``root`` holding a copy of ``model_dir`` called ``name`` (folder and
    model name both, so its output says ``model: <name>-<version>``)."""
    import re
    import shutil

    target = root / name
    shutil.copytree(model_dir, target)
    toml = target / "pipeline.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'(\[model\][^\[]*?\nname = )"[^"]*"', rf'\1"{name}"', text, count=1)
    toml.write_text(text, encoding="utf-8")
    return target
