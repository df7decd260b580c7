"""How the numbers are made, for people: the index and its bands, intervals and real change,
disclosure control, the indicators per theme, the programme outcomes and the unit costs with their
sources. The technical accounts (with the SQL) stay in docs/ and are named, not printed."""
from __future__ import annotations

from reporting.board.text import Fmt, Strings
from sources.indicators import Catalogue

DOCS = ("docs/methodology.md", "docs/outcomes.md", "docs/placement.md")


def left_out(catalogue: Catalogue, composition: list[dict], t: Strings, fmt: Fmt,
             theme_names: dict[str, str]) -> str:
    """The theme indicators the index does not score (marts.index_composition: no published
    estimate in the base period), named, or "" when every one is scored."""
    out = [r for r in composition if not r["in_index"]]
    if not out:
        return ""

    def name(row: dict) -> str:
        indicator = catalogue.by_id(row["indicator_id"])
        return f"{t.pick(indicator.name_nl, indicator.name_en)} ({theme_names[row['dimension']].lower()})"

    return t("method_left_out_one" if len(out) == 1 else "method_left_out",
             indicators=", ".join(name(r) for r in out), base=fmt.period(out[0]["base_period"], t))


def build(catalogue: Catalogue, composition: list[dict], outcome_rows: list[dict], unit_cost_rows: list[dict],
          t: Strings, fmt: Fmt, theme_names: dict[str, str]) -> dict:
    settings = catalogue.index
    return {
        "index_text": t("method_index_text", base=fmt.period(settings.base_period, t),
                        low=fmt.number(settings.score_min), high=fmt.number(settings.score_max)),
        "left_out": left_out(catalogue, composition, t, fmt, theme_names),
        "change_text": t("method_change_text", interval=fmt.pct(settings.interval),
                         fdr=fmt.pct(settings.change_fdr)),
        "indicators": [{"theme": theme_names.get(i.dimension, i.dimension), "name": t.pick(i.name_nl, i.name_en),
                        "definition": t.pick(i.definition_nl, i.definition_en),
                        "unit": t.pick(i.unit.nl, i.unit.en), "kind": t(f"kind_{i.kind}"),
                        "direction": t(f"direction_{i.direction}")}
                       for i in sorted(catalogue.indicators, key=lambda i: (list(theme_names).index(i.dimension)
                                                                             if i.dimension in theme_names else 99, i.order))],
        "outcomes": [{"name": t.pick(o["name_nl"], o["name_en"]),
                      "definition": t.pick(o["definition_nl"], o["definition_en"])} for o in outcome_rows],
        "unit_costs": [{"name": t.pick(u["name_nl"], u["name_en"]), "unit": t.pick(u["unit_nl"], u["unit_en"]),
                        "range": f"{fmt.eur(u['low_eur'])} – {fmt.eur(u['high_eur'])}",
                        "status": t(f"unit_cost_status_{u['status']}") if u["status"] in ("cited", "to_confirm") else "",
                        "source": ", ".join(str(x) for x in (u["source_publisher"], u["source_date"]) if x)}
                       for u in unit_cost_rows],
        "docs": list(DOCS),
    }
