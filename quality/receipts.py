"""Receipts for partners: per file, the decision and what to fix, in Dutch and English.

Markdown for people, JSON for machines, under receipts/<partner>/. Receipts never hold a raw
value: the outcome only carries masked examples.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from quality.masking import in_english
from quality.validate import Outcome

TEMPLATES = Path(__file__).with_name("templates")
DECISION_TEXT = {
    "nl": {"accepted": "Geaccepteerd", "accepted_with_warnings": "Geaccepteerd met waarschuwingen",
           "refused": "Geweigerd", "duplicate": "Al eerder ontvangen (geen wijziging)"},
    "en": {"accepted": "Accepted", "accepted_with_warnings": "Accepted with warnings",
           "refused": "Refused", "duplicate": "Received before (no change)"},
}


def _markdown_escape(value) -> str:
    """Partner-supplied text must not become Markdown or HTML in a receipt viewer."""
    return re.sub(r"([\\`*_{}\[\]<>()#+!|])", r"\\\1", str(value))


_env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
_env.filters["md"] = _markdown_escape


def receipt_data(outcome: Outcome) -> dict:
    d = outcome.delivery
    return {
        "file_name": outcome.file_name,
        "sha256": outcome.sha256,
        "partner": d.partner if d else None,
        "dataset": d.dataset if d else None,
        "period": d.period if d else None,
        "decision": outcome.decision,
        "detected": outcome.detected,
        "rows": {"read": outcome.rows_read,
                 "loaded": outcome.rows_loaded,
                 "rejected": outcome.rows_rejected, "warned": outcome.rows_warned},
        "loaded_before": outcome.loaded_before,
        "problems": [_english_masked(p.__dict__) for p in outcome.problems],
        "rules": [_english_masked(r.as_dict()) for r in outcome.rules],
    }


def _english_masked(entry: dict) -> dict:
    """An entry whose English text shows the masked shapes in English ('[address]'); the example
    and the Dutch text keep the Dutch ones, the form the ledger and the rejects are searched in."""
    return {**entry, "en": in_english(entry["en"])} if entry.get("en") else entry


# Refusals of the name or the folder: the fix is another name or folder, not "the same name".
NAME_PROBLEMS = {"bad_file_name", "unknown_dataset", "wrong_folder"}


def _masks_in_english(data):
    """Every text in the receipt's data with its masked shapes in English."""
    if isinstance(data, str):
        return in_english(data)
    if isinstance(data, dict):
        return {key: _masks_in_english(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_masks_in_english(value) for value in data]
    return data


def render(outcome: Outcome, lang: str, check_only: bool = False) -> str:
    """`check_only`: the receipt of `wijkwijzer check`, which delivers, loads and keeps nothing."""
    data = receipt_data(outcome)
    return _env.get_template(f"receipt.{lang}.md.j2").render(
        r=_masks_in_english(data) if lang == "en" else data, decision_text=DECISION_TEXT[lang][outcome.decision],
        name_is_wrong=any(p.code in NAME_PROBLEMS for p in outcome.problems), check_only=check_only)


def receipt_stem(outcome: Outcome) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", outcome.file_name)[:120]
    # A re-delivery gets its own receipt; the original decision's receipt stays as it was.
    return f"{safe}__{outcome.sha256[:12]}" + ("__duplicate" if outcome.duplicate else "")


def write_receipts(home, partner_folder: str, outcome: Outcome) -> Path:
    folder = home.receipts / partner_folder
    folder.mkdir(parents=True, exist_ok=True)
    stem = receipt_stem(outcome)
    (folder / f"{stem}.json").write_text(
        json.dumps(receipt_data(outcome), indent=2, ensure_ascii=False, default=str))
    for lang in ("nl", "en"):
        (folder / f"{stem}.{lang}.md").write_text(render(outcome, lang))
    return folder / f"{stem}.nl.md"
