"""The methodology of the liveability indicators, rendered from the catalogue itself
(sources/indicators.yaml) with reporting/templates/methodology.md.j2, Dutch and English.

    python -m reporting.methodology           # writes docs/methodology.md
    python -m reporting.methodology --check   # exit 1 when docs/methodology.md is stale
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sources.leefbaarometer import load_classes
from quality.disclosure import ROUNDING, THRESHOLD
from sources.targets import target_rows
from sources.indicators import REPO_ROOT, Band, Catalogue, load_catalogue

TEMPLATES = Path(__file__).with_name("templates")
OUTPUT = REPO_ROOT / "docs" / "methodology.md"
# measured on the synthetic city world (the leefbaarometer_agreement mart); re-measure with
# `python -m benchmarks.indicators`
AGREEMENT = REPO_ROOT / "benchmarks" / "results" / "lbm_agreement.json"
LANGUAGES = ("nl", "en")
# Markdown, not HTML: no autoescaping (the catalogue is ours, and code spans must stay literal).
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=StrictUndefined,
                   keep_trailing_newline=True)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def band_range(band: Band, lang: str = "en") -> str:
    """'> 110', '≥ 90 and ≤ 110', '≥ 70 and < 90', '< 70' from the band's bounds."""
    lower = "" if band.lower is None else (f"> {_number(band.lower)}" if band.lower_open
                                           else f"≥ {_number(band.lower)}")
    upper = "" if band.upper is None else (f"< {_number(band.upper)}" if band.upper_open
                                           else f"≤ {_number(band.upper)}")
    return (" en " if lang == "nl" else " and ").join(part for part in (lower, upper) if part)


def render(catalogue: Catalogue | None = None, languages: tuple[str, ...] = LANGUAGES) -> str:
    catalogue = catalogue or load_catalogue()
    dimension_list = {lang: ", ".join(d[lang].lower() for d in catalogue.dimensions.values())
                      for lang in LANGUAGES}
    themes = {t.dimension: t for t in catalogue.index.themes}
    liveability = [d for d, t in themes.items() if t.panel == "leefbaarheid"]
    need = [i for i in catalogue.indicators if i.direction == "higher_is_more_need"]
    return _env.get_template("methodology.md.j2").render(
        version=catalogue.version, index=catalogue.index, indicators=catalogue.indicators,
        dimensions=catalogue.dimensions, populations=catalogue.populations,
        dimension_list=dimension_list, languages=languages, threshold=THRESHOLD,
        rounding=ROUNDING, band_range=band_range,
        pooled=[f"`{i.id}`" for i in catalogue.indicators if i.pooling],
        liveability_themes={lang: ", ".join(catalogue.dimensions[d][lang].lower() for d in liveability)
                            for lang in LANGUAGES},
        need_indicators={lang: ", ".join(i.__getattribute__(f"name_{lang}").lower() for i in need)
                         for lang in LANGUAGES},
        targets=target_rows(), lbm=load_classes(),
        agreement=json.loads(AGREEMENT.read_text(encoding="utf-8")))


def write(path: Path = OUTPUT) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render docs/methodology.md from the indicator catalogue.")
    parser.add_argument("--check", action="store_true", help="exit 1 when the committed file is stale")
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.check:
        stale = not args.out.exists() or args.out.read_text(encoding="utf-8") != render()
        print(f"{args.out} is {'stale' if stale else 'up to date'}")
        return 1 if stale else 0
    print(write(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
