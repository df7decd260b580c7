"""The first report: vulnerable-group tenancies per buurt, as a table and a map (HTML)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape

from quality import publication
from reporting.maps import Area, legend, svg_map

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def _number_nl(value: float) -> str:
    return f"{value:,.1f}".replace(",", "X").replace(".", ",").replace("X", ".")


def render(con: duckdb.DuckDBPyConnection, reports_dir: Path) -> Path:
    mart, buurten = (publication.require("marts.kwetsbare_huurders_per_buurt"),
                     publication.require("core.dim_buurt"))
    rows = con.sql(f"""
        select m.buurtcode, m.buurtnaam, m.wijknaam, m.inwoners, m.huurcontracten,
               m.kwetsbare_huurders, m.per_1000_inwoners, m.suppressed, d.geometry_wkb
        from {mart} as m
        join {buurten} as d using (buurtcode)
        order by m.per_1000_inwoners desc nulls last, m.buurtnaam""").fetchall()
    areas = [Area(code, name, geometry, value,
                  _number_nl(value) + " per 1.000 inwoners" if value is not None
                  else ("onderdrukt (klein aantal, of beschermt er een)" if suppressed else "geen gegevens"))
             for code, name, _, _, _, _, value, suppressed, geometry in rows]
    title = "Huurders in een kwetsbare doelgroep per 1.000 inwoners"
    html = _env.get_template("slice_report.html.j2").render(
        title=title, rows=rows, map=svg_map(areas, title), legend=legend(areas, "onderdrukt of geen gegevens", _number_nl),
        number=_number_nl, generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    out = reports_dir / "latest"
    out.mkdir(parents=True, exist_ok=True)
    path = out / "kwetsbare_huurders.html"
    path.write_text(html, encoding="utf-8")
    return path
