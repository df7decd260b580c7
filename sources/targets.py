"""Targets as data (sources/targets.yaml): loading, validation and the rows of core.targets."""
from __future__ import annotations

import re
from pathlib import Path

from engine.yaml_files import read_yaml
from sources.indicators import load_catalogue

TARGETS_PATH = Path(__file__).with_name("targets.yaml")
OUTCOMES_PATH = Path(__file__).with_name("outcomes.yaml")
KINDS = ("indicator", "index", "programme_outcome")
LEVELS = ("buurt", "wijk", "gemeente", "totaal")
DIRECTIONS = ("at_least", "at_most")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TargetError(ValueError):
    """A target breaks one of the file's rules."""


def target_rows(path: Path = TARGETS_PATH) -> list[dict]:
    raw = read_yaml(path)
    catalogue = load_catalogue()
    indicators = {i.id for i in catalogue.indicators}
    dimensions = set(catalogue.dimensions) | {"totaal"}
    outcomes = {o["id"] for o in read_yaml(OUTCOMES_PATH)["outcomes"]}
    rows, seen = [], set()
    for spec in raw["targets"]:
        ident = spec.get("id", "")
        where = f"target {ident!r}"
        if not _ID.match(ident) or ident in seen:
            raise TargetError(f"{where}: id must be unique snake_case")
        seen.add(ident)
        subject = spec.get("subject") or {}
        kind = subject.get("kind")
        if kind not in KINDS:
            raise TargetError(f"{where}: subject.kind must be one of {', '.join(KINDS)}")
        subject_id = {"indicator": subject.get("indicator_id"), "index": subject.get("dimension"),
                      "programme_outcome": subject.get("outcome_id")}[kind]
        known = {"indicator": indicators, "index": dimensions, "programme_outcome": outcomes}[kind]
        if subject_id not in known:
            raise TargetError(f"{where}: unknown {kind} {subject_id!r}")
        if kind == "programme_outcome" and not subject.get("programme"):
            raise TargetError(f"{where}: a programme outcome names its programme")
        if spec.get("area_level") not in LEVELS or spec.get("direction") not in DIRECTIONS:
            raise TargetError(f"{where}: area_level in {LEVELS}, direction in {DIRECTIONS}")
        if ("value" in spec) == ("relative_to_base" in spec):
            raise TargetError(f"{where}: give either value or relative_to_base")
        source = spec.get("source") or {}
        if not source.get("citation") or not isinstance(spec.get("target_year"), int):
            raise TargetError(f"{where}: a target needs a cited source and a target_year")
        rows.append({
            "target_id": ident, "name_nl": spec["name"]["nl"], "name_en": spec["name"]["en"],
            "subject_kind": kind, "subject_id": subject_id, "programme": subject.get("programme"),
            "area_level": spec["area_level"], "target_value": spec.get("value"),
            "relative_to_base": spec.get("relative_to_base"), "direction": spec["direction"],
            "target_year": spec["target_year"], "source": source["citation"],
            "source_url": source.get("url"), "source_note": source.get("note")})
    return rows
