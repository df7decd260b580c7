"""Per partner and dataset of the registry: what arrived for each month of the period (✓ ! ✗ –),
the refused files with their plain-language reasons, and what is overdue."""
from __future__ import annotations

import json

from reporting.board.periods import MONTH, quarter_months
from reporting.board.text import Fmt, Strings
from sources.contracts import Registry

DECISION_SYMBOL = {"accepted": "✓", "accepted_with_warnings": "!", "refused": "✗", "missing": "–"}
RANK = {"accepted": 3, "accepted_with_warnings": 2, "refused": 1}
ACCEPTED = ("accepted", "accepted_with_warnings")


def reasons(value, lang: str) -> list[str]:
    """The reason texts of a ledger row in the report's language (intake keeps values out)."""
    if value is None:
        return []
    try:
        items = json.loads(value) if isinstance(value, str) else value
    except json.JSONDecodeError:
        return []
    texts = []
    for item in items or []:
        text = (item.get(lang) or item.get("nl") or item.get("code")) if isinstance(item, dict) else None
        if text and text not in texts:
            texts.append(str(text))
    return texts


def dataset_title(registry: Registry, partner: str | None, dataset: str | None, t: Strings) -> str:
    """The dataset's name from its contract; the file's own word only for an unknown partner."""
    try:
        contract = registry.contract_for(partner, dataset)
    except (KeyError, ValueError, AttributeError):
        return dataset or "–"
    return t.pick(contract.title_nl, contract.title_en)


def build(ledger: list[dict], overdue: list[dict], registry: Registry, period: str, t: Strings,
          fmt: Fmt) -> dict:
    months = quarter_months(period)
    years = (period[:4], str(int(period[:4]) - 1))
    in_period = [r for r in ledger if r["period"] and (r["period"][:7] in months or r["period"] in years)]
    status: dict[tuple[str, str, str], str] = {}
    for r in in_period:
        if r["decision"] in RANK:
            slot = r["period"][:7] if MONTH.match(r["period"][:7]) else r["period"][:4]
            key = (r["partner"], r["dataset"], slot)
            if RANK[r["decision"]] > RANK.get(status.get(key, ""), 0):
                status[key] = r["decision"]
    snapshots: dict[tuple[str, str], str] = {}
    for r in ledger:  # the newest accepted snapshot supersedes the months before it
        if r["decision"] in ACCEPTED and r["period"] and len(r["period"]) == 10:
            key = (r["partner"], r["dataset"])
            snapshots[key] = max(snapshots.get(key, ""), r["period"])
    rows, expected, delivered = [], 0, 0
    for partner in registry.partners.values():
        for n, dataset in enumerate(partner.datasets):
            contract = registry.contract_for(partner.name, dataset)
            row = {"partner": partner.title or partner.name, "dataset": t.pick(contract.title_nl, contract.title_en),
                   "first": n == 0, "span": len(partner.datasets), "kind": contract.period, "cells": []}
            if contract.period == "yearly":
                year = next((y for y in years if status.get((partner.name, dataset, y)) in ACCEPTED), None)
                decision = status.get((partner.name, dataset, year or years[0]), "missing")
                row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                     "label": t("decision_" + decision),
                                     "text": f"{t('yearly')} {year}" if year else t("yearly")})
            elif contract.period == "snapshot":
                newest = snapshots.get((partner.name, dataset))
                decision = "accepted" if newest and newest[:7] >= months[0] else "missing"
                row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                     "label": t("decision_" + decision),
                                     "text": f"{t('snapshot')} {newest}" if newest else t("snapshot")})
            else:
                for month in months:
                    decision = status.get((partner.name, dataset, month), "missing")
                    row["cells"].append({"decision": decision, "symbol": DECISION_SYMBOL[decision],
                                         "label": f"{month}: {t('decision_' + decision)}", "text": ""})
            expected += len(row["cells"])
            delivered += sum(c["decision"] in ACCEPTED for c in row["cells"])
            rows.append(row)
    accepted = {(r["partner"], r["dataset"], r["period"]) for r in in_period if r["decision"] in ACCEPTED}
    refused = []
    for r in in_period:
        if r["decision"] != "refused":
            continue
        partner = registry.partners.get(r["partner"])
        refused.append({"partner": (partner.title if partner else None) or r["partner"] or "–",
                        "dataset": dataset_title(registry, r["partner"], r["dataset"], t),
                        "period": r["period"] or "–",
                        "reasons": reasons(r["reasons"], t.lang),
                        "corrected": (r["partner"], r["dataset"], r["period"]) in accepted})
    late = []
    for r in overdue:
        partner = registry.partners.get(r["partner"])
        late.append({"partner": (partner.title if partner else None) or r["partner"],
                     "dataset": dataset_title(registry, r["partner"], r["dataset"], t),
                     "expected": r["expected_period"] or "–", "latest": r["latest_period"] or "–",
                     "due": r["due_date"].isoformat() if r["due_date"] else "–",
                     "days": fmt.number(r["days_overdue"]) if r["days_overdue"] is not None else "–"})
    return {"months": months, "rows": rows, "refused": refused, "overdue": late,
            "summary": t("delivery_summary_text", delivered=delivered, expected=expected,
                         refused=len(refused), overdue=len(late))}
