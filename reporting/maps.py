"""Choropleth maps as inline SVG: no tiles, no scripts, no network; readable offline and in PDF."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from markupsafe import Markup, escape
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon, box

# Colour-blind-safe sequential palette (viridis, 5 steps, light → dark) and a neutral grey for
# suppressed or missing values.
SEQUENTIAL = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"]
MISSING = "#d9d9d9"

# Index bands (Wijkprofiel-style: < 70 far below, 70-90 below, 90-110 average, > 110 above) on a
# colour-blind-safe diverging scheme (ColorBrewer RdYlBu): red and orange below, a pale neutral
# for average, blue above. Grey (MISSING) stays for no data or suppressed: the pale yellow of
# "average" differs from it in hue and lightness.
BANDS = ("far_below", "below", "average", "above")
BAND_COLOURS = {"far_below": "#d7191c", "below": "#fdae61", "average": "#ffffbf", "above": "#2c7bb6"}
BAND_TEXT = {"far_below": "#ffffff", "below": "#1a1a1a", "average": "#1a1a1a", "above": "#ffffff"}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    geometry_wkb: bytes
    value: float | None
    label: str  # what the tooltip says, e.g. "12,3 per 1.000 inwoners" or "onderdrukt"


def classes(values: list[float], n: int = len(SEQUENTIAL)) -> list[float]:
    """Quantile class breaks; fewer classes when there are few distinct values."""
    distinct = sorted(set(values))
    if not distinct:
        return []
    return [distinct[min(len(distinct) - 1, int(len(distinct) * i / n))] for i in range(1, n)]


def colour(value: float | None, breaks: list[float]) -> str:
    if value is None:
        return MISSING
    return SEQUENTIAL[sum(value >= b for b in breaks)]


def _rings(geometry) -> list:
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return [ring for p in polygons if isinstance(p, Polygon)
            for ring in (p.exterior, *p.interiors)]


def svg_map(areas: list[Area], title: str, width: int = 720,
            colour_of: Callable[[Area], str] | None = None, css_class: str = "map",
            stroke_width: float = 0.6, labels: dict[str, str] | None = None,
            label_size: float = 11.0,
            bounds: tuple[float, float, float, float] | None = None) -> Markup:
    """The areas as one SVG. Colours: quantile classes of `value` on the viridis scale, or
    `colour_of(area)` (e.g. the index band). `labels` (code → short text, e.g. a number of the
    map's key) are drawn as text inside each area, so they print and read without hovering.
    `bounds` (minx, miny, maxx, maxy) zooms the view to part of the map (see core_bounds); areas
    outside it are left out. Names and labels are escaped."""
    # Areas without a shape (a buurt map without geometry) are left off the map, not the tables.
    shapes = [(a, wkb.loads(a.geometry_wkb)) for a in areas if a.geometry_wkb]
    if bounds:
        view = box(*bounds)
        shapes = [(a, g.intersection(view)) for a, g in shapes if g.intersects(view)]
    if not shapes:
        return Markup("")
    minx, miny, maxx, maxy = bounds or (min(g.bounds[0] for _, g in shapes), min(g.bounds[1] for _, g in shapes),
                                        max(g.bounds[2] for _, g in shapes), max(g.bounds[3] for _, g in shapes))
    scale = width / (maxx - minx)
    height = int((maxy - miny) * scale) + 1
    breaks = classes([a.value for a in areas if a.value is not None])
    fill = colour_of or (lambda area: colour(area.value, breaks))
    paths = []
    for area, geometry in shapes:
        d = " ".join(
            "M" + " L".join(f"{(x - minx) * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in ring.coords) + " Z"
            for ring in _rings(geometry))
        paths.append(
            f'<path d="{d}" fill="{escape(fill(area))}" stroke="#ffffff" stroke-width="{stroke_width}" '
            f'fill-rule="evenodd" data-code="{escape(area.code)}">'
            f"<title>{escape(area.name)}: {escape(area.label)}</title></path>")
    texts = []
    for area, geometry in shapes:
        if labels and labels.get(area.code) and not geometry.is_empty:
            point = geometry.representative_point()
            texts.append(f'<text x="{(point.x - minx) * scale:.1f}" y="{(maxy - point.y) * scale:.1f}" '
                         f'font-size="{label_size:g}" text-anchor="middle" dominant-baseline="central" '
                         f'class="map-label" data-for="{escape(area.code)}">{escape(labels[area.code])}</text>')
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="{escape(css_class)}"><title>{escape(title)}</title>'
        + "".join(paths) + "".join(texts) + "</svg>")


def legend(areas: list[Area], missing_label: str, fmt=lambda v: f"{v:.1f}") -> list[tuple[str, str]]:
    """(colour, label) pairs for the map legend."""
    values = [a.value for a in areas if a.value is not None]
    breaks = classes(values)
    if not values:
        return [(MISSING, missing_label)]
    bounds = [min(values), *breaks, max(values)]
    items = [(SEQUENTIAL[i], f"{fmt(bounds[i])} – {fmt(bounds[i + 1])}") for i in range(len(bounds) - 1)]
    return items + [(MISSING, missing_label)]


def core_bounds(areas: list[Area], keep: float = 0.8, pad: float = 0.03) -> tuple[float, float, float, float]:
    """The box around the densest part of the map: the areas' centres with the westmost and
    eastmost (1 - keep) / 2 left out, padded; for a zoomed map where labels do not collide."""
    points = sorted((wkb.loads(a.geometry_wkb).representative_point().coords[0] for a in areas
                     if a.geometry_wkb), key=lambda p: p[0])
    cut = int(len(points) * (1 - keep) / 2)
    kept = points[cut:len(points) - cut] or points
    xs, ys = [p[0] for p in kept], [p[1] for p in kept]
    dx, dy = (max(xs) - min(xs)) * pad + 200, (max(ys) - min(ys)) * pad + 200
    return min(xs) - dx, min(ys) - dy, max(xs) + dx, max(ys) + dy
