"""A placement plan as files for the allocation team: an HTML page with a map (inline SVG, as the
board report draws maps) and the table, and the same rows as JSON."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from reporting.planner import Plan
from reporting.maps import Area, legend, svg_map

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def write_plan(con, plan: Plan, doelgroep: str, reports_dir: Path) -> dict[str, Path]:
    """Write reports/plans/<period>/placements_<doelgroep>_<n>.html and .json; their paths."""
    rows = plan.rows()
    placed = {row["buurtcode"]: row["placements"] for row in rows}
    buurten = con.execute("select buurtcode, buurtnaam, geometry_wkb from core.dim_buurt "
                          "order by buurtcode").fetchall()
    areas = [Area(code, name, geometry, placed.get(code),
                  f"{placed[code]} plaatsing(en)" if code in placed else "geen plaatsing")
             for code, name, geometry in buurten]
    n = int(plan.placements.sum())
    title = f"Plan: {n} plaatsingen {doelgroep}"
    html = _env.get_template("placement_plan.html.j2").render(
        title=title, rows=rows, period=plan.candidates.period, fits=plan.fits,
        names={code: name for code, name, _ in buurten}, map=svg_map(areas, title),
        legend=legend(areas, "geen plaatsing", lambda v: f"{v:.0f}"),
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    out = reports_dir / "plans" / plan.candidates.period
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"placements_{doelgroep}_{n}"
    stem.with_suffix(".html").write_text(html, encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return {"html": stem.with_suffix(".html"), "json": stem.with_suffix(".json")}
