"""Small charts as inline SVG: sparklines, line charts and range bars.

No scripts, no fonts to fetch, no network: the SVG is text in the HTML and prints as vectors in the
PDF. Every text that reaches the SVG goes through `markupsafe.escape`; every chart carries
`role="img"`, an `aria-label` and a `<title>` so a screen reader can say what it shows.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from markupsafe import Markup, escape

# Okabe–Ito: distinguishable with every common colour-vision deficiency. Dash patterns and marker
# shapes repeat the distinction for grey-scale print.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"]
MARKERS = ["circle", "square", "diamond", "triangle"]
AXIS = "#6b6b6b"
GRID = "#e3e3e3"


def _f(value: float) -> str:
    return f"{value:.1f}"


def _svg(width: float, height: float, label: str, body: str, css_class: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
        f'width="{_f(width)}" height="{_f(height)}" role="img" aria-label="{escape(label)}" '
        f'class="{escape(css_class)}"><title>{escape(label)}</title>{body}</svg>')


def _marker(shape: str, x: float, y: float, colour: str, size: float = 3.2) -> str:
    if shape == "square":
        return (f'<rect x="{_f(x - size)}" y="{_f(y - size)}" width="{_f(2 * size)}" '
                f'height="{_f(2 * size)}" fill="{colour}"/>')
    if shape == "diamond":
        s = size * 1.3
        return (f'<path d="M{_f(x)},{_f(y - s)} L{_f(x + s)},{_f(y)} L{_f(x)},{_f(y + s)} '
                f'L{_f(x - s)},{_f(y)} Z" fill="{colour}"/>')
    if shape == "triangle":
        s = size * 1.3
        return (f'<path d="M{_f(x)},{_f(y - s)} L{_f(x + s)},{_f(y + s * 0.8)} '
                f'L{_f(x - s)},{_f(y + s * 0.8)} Z" fill="{colour}"/>')
    return f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{_f(size)}" fill="{colour}"/>'


def sparkline(values: Sequence[float | None], labels: Sequence[str], title: str,
              fmt: Callable[[float], str] = lambda v: f"{v:.0f}", width: float = 110,
              height: float = 26, reference: float | None = 100.0,
              lo: float | None = None, hi: float | None = None) -> Markup:
    """A trend line over periods; gaps (None) break the line. `reference` draws a dashed line
    (e.g. the city average, 100). The aria-label lists every value so it is readable without
    seeing the line."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    spoken = "; ".join(f"{label}: {fmt(v) if v is not None else '–'}" for label, v in zip(labels, values))
    label = f"{title}. {spoken}" if spoken else title
    if not points:
        return _svg(width, height, label, "", "spark spark-empty")
    known = [v for _, v in points] + ([reference] if reference is not None else [])
    lo = min(known) if lo is None else lo
    hi = max(known) if hi is None else hi
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    pad = 3.0
    n = max(len(values) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return (pad + (width - 2 * pad) * i / n, height - pad - (height - 2 * pad) * (v - lo) / (hi - lo))

    body = []
    if reference is not None and lo <= reference <= hi:
        _, ry = xy(0, reference)
        body.append(f'<line x1="{_f(pad)}" y1="{_f(ry)}" x2="{_f(width - pad)}" y2="{_f(ry)}" '
                    f'stroke="{AXIS}" stroke-width="0.6" stroke-dasharray="2 2"/>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, v)
        segment.append(f"{_f(x)},{_f(y)}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            body.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="{OKABE_ITO[0]}" '
                        f'stroke-width="1.6" stroke-linejoin="round" stroke-linecap="round"/>')
    last_i, last_v = points[-1]
    x, y = xy(last_i, last_v)
    body.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="2.2" fill="{OKABE_ITO[0]}"/>')
    return _svg(width, height, label, "".join(body), "spark")


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]  # (x, y); only published points
    colour: str | None = None
    dash: str | None = None
    marker: str | None = None
    extra: dict = field(default_factory=dict)


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    for step in (1, 2, 2.5, 5, 10):
        if raw <= step * magnitude:
            step = step * magnitude
            break
    first = (lo // step) * step
    ticks = []
    value = first
    while value <= hi + 1e-9:
        if value >= lo - 1e-9:
            ticks.append(round(value, 6))
        value += step
    return ticks


def line_chart(series: Sequence[Series], x_values: Sequence[float], title: str, x_label: str,
               y_label: str, fmt_x: Callable[[float], str] = lambda v: f"{v:g}",
               fmt_y: Callable[[float], str] = lambda v: f"{v:g}", y_min: float | None = None,
               y_max: float | None = None, width: float = 520, height: float = 240) -> Markup:
    """Lines over a shared x axis (e.g. months since start), a legend at the right."""
    left, right, top, bottom = 44.0, 132.0, 12.0, 36.0
    plot_w, plot_h = width - left - right, height - top - bottom
    ys = [y for s in series for _, y in s.points]
    lo = y_min if y_min is not None else (min(ys) if ys else 0)
    hi = y_max if y_max is not None else (max(ys) if ys else 1)
    if hi - lo < 1e-9:
        hi = lo + 1
    x_lo, x_hi = min(x_values), max(x_values)
    if x_hi - x_lo < 1e-9:
        x_hi = x_lo + 1

    def px(x: float) -> float:
        return left + plot_w * (x - x_lo) / (x_hi - x_lo)

    def py(y: float) -> float:
        return top + plot_h - plot_h * (y - lo) / (hi - lo)

    body = []
    for tick in _ticks(lo, hi):
        body.append(f'<line x1="{_f(left)}" y1="{_f(py(tick))}" x2="{_f(left + plot_w)}" '
                    f'y2="{_f(py(tick))}" stroke="{GRID}" stroke-width="0.8"/>'
                    f'<text x="{_f(left - 5)}" y="{_f(py(tick) + 3.5)}" text-anchor="end" '
                    f'font-size="10" fill="{AXIS}">{escape(fmt_y(tick))}</text>')
    for x in x_values:
        body.append(f'<line x1="{_f(px(x))}" y1="{_f(top + plot_h)}" x2="{_f(px(x))}" '
                    f'y2="{_f(top + plot_h + 4)}" stroke="{AXIS}" stroke-width="0.8"/>'
                    f'<text x="{_f(px(x))}" y="{_f(top + plot_h + 15)}" text-anchor="middle" '
                    f'font-size="10" fill="{AXIS}">{escape(fmt_x(x))}</text>')
    body.append(f'<line x1="{_f(left)}" y1="{_f(top + plot_h)}" x2="{_f(left + plot_w)}" '
                f'y2="{_f(top + plot_h)}" stroke="{AXIS}" stroke-width="1"/>')
    body.append(f'<text x="{_f(left + plot_w / 2)}" y="{_f(height - 4)}" text-anchor="middle" '
                f'font-size="10" fill="{AXIS}">{escape(x_label)}</text>')
    body.append(f'<text x="10" y="{_f(top + plot_h / 2)}" text-anchor="middle" font-size="10" '
                f'fill="{AXIS}" transform="rotate(-90 10 {_f(top + plot_h / 2)})">{escape(y_label)}</text>')
    for i, s in enumerate(series):
        colour = s.colour or OKABE_ITO[i % len(OKABE_ITO)]
        dash = s.dash if s.dash is not None else DASHES[i % len(DASHES)]
        marker = s.marker or MARKERS[i % len(MARKERS)]
        points = sorted(s.points)
        group = [f'<g class="series" aria-label="{escape(s.name)}">']
        if len(points) > 1:
            coords = " ".join(f"{_f(px(x))},{_f(py(y))}" for x, y in points)
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            group.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" '
                         f'stroke-width="2"{dash_attr} stroke-linejoin="round"/>')
        for x, y in points:
            group.append(f'<g><title>{escape(s.name)}: {escape(fmt_x(x))} → {escape(fmt_y(y))}'
                         f'</title>{_marker(marker, px(x), py(y), colour)}</g>')
        group.append("</g>")
        body.append("".join(group))
        ly = top + 8 + i * 16
        lx = left + plot_w + 12
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(f'<line x1="{_f(lx)}" y1="{_f(ly)}" x2="{_f(lx + 22)}" y2="{_f(ly)}" '
                    f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
                    + _marker(marker, lx + 11, ly, colour, 2.6)
                    + f'<text x="{_f(lx + 27)}" y="{_f(ly + 3.5)}" font-size="10" fill="#1a1a1a">'
                      f'{escape(s.name)}</text>')
    spoken = "; ".join(f"{s.name}: " + ", ".join(f"{fmt_x(x)} {fmt_y(y)}" for x, y in sorted(s.points))
                       for s in series)
    return _svg(width, height, f"{title}. {spoken}", "".join(body), "chart line-chart")


@dataclass
class RangeRow:
    label: str
    low: float | None
    mid: float | None
    high: float | None
    note: str = ""


def range_chart(rows: Sequence[RangeRow], title: str, fmt: Callable[[float], str],
                reference: float | None = 1.0, reference_label: str = "", width: float = 520,
                row_height: float = 22, label_width: float = 190) -> Markup:
    """Horizontal low–high bars with a mid tick (e.g. social return per programme and cohort),
    with a reference line (1 = break-even). Rows without numbers (suppressed) show a label only."""
    top, bottom, right = 8.0, 30.0, 40.0
    height = top + bottom + row_height * max(len(rows), 1)
    values = [v for r in rows for v in (r.low, r.high) if v is not None]
    lo = min(values + ([reference] if reference is not None else []) + [0.0])
    hi = max(values + ([reference] if reference is not None else []) + [1.0])
    hi = hi * 1.05
    plot_w = width - label_width - right

    def px(v: float) -> float:
        return label_width + plot_w * (v - lo) / (hi - lo)

    body = []
    for tick in _ticks(lo, hi):
        body.append(f'<line x1="{_f(px(tick))}" y1="{_f(top)}" x2="{_f(px(tick))}" '
                    f'y2="{_f(height - bottom)}" stroke="{GRID}" stroke-width="0.8"/>'
                    f'<text x="{_f(px(tick))}" y="{_f(height - bottom + 13)}" text-anchor="middle" '
                    f'font-size="10" fill="{AXIS}">{escape(fmt(tick))}</text>')
    if reference is not None:
        body.append(f'<line x1="{_f(px(reference))}" y1="{_f(top)}" x2="{_f(px(reference))}" '
                    f'y2="{_f(height - bottom)}" stroke="#1a1a1a" stroke-width="1" '
                    f'stroke-dasharray="4 3"/>'
                    f'<text x="{_f(px(reference))}" y="{_f(height - 4)}" text-anchor="middle" '
                    f'font-size="10" fill="#1a1a1a">{escape(reference_label)}</text>')
    for i, row in enumerate(rows):
        cy = top + row_height * i + row_height / 2
        body.append(f'<text x="{_f(label_width - 6)}" y="{_f(cy + 3.5)}" text-anchor="end" '
                    f'font-size="10" fill="#1a1a1a">{escape(row.label)}</text>')
        if row.low is None or row.high is None:
            body.append(f'<text x="{_f(label_width + 4)}" y="{_f(cy + 3.5)}" font-size="10" '
                        f'fill="{AXIS}">{escape(row.note)}</text>')
            continue
        body.append(f'<rect x="{_f(px(row.low))}" y="{_f(cy - 5)}" '
                    f'width="{_f(max(px(row.high) - px(row.low), 1.5))}" height="10" '
                    f'fill="{OKABE_ITO[5]}" stroke="{OKABE_ITO[0]}" stroke-width="0.8">'
                    f'<title>{escape(row.label)}: {escape(fmt(row.low))} – {escape(fmt(row.high))}'
                    f'</title></rect>')
        if row.mid is not None:
            body.append(f'<line x1="{_f(px(row.mid))}" y1="{_f(cy - 7)}" x2="{_f(px(row.mid))}" '
                        f'y2="{_f(cy + 7)}" stroke="{OKABE_ITO[0]}" stroke-width="2.2"/>')
    spoken = "; ".join(f"{r.label}: {fmt(r.low)} – {fmt(r.high)}" if r.low is not None and r.high is not None
                       else f"{r.label}: {r.note}" for r in rows)
    return _svg(width, height, f"{title}. {spoken}", "".join(body), "chart range-chart")


@dataclass
class Milestone:
    month: int
    rate: float           # share still housed, 0..1
    low: float | None     # Wilson interval
    high: float | None
    censored: int | None  # persons not yet followed this long (right-censored); None: hidden
    provisional: bool


def sustainment_chart(curves: Sequence[tuple[str, list[Milestone]]], title: str, x_label: str,
                      y_label: str, fmt_y: Callable[[float], str], censored_label: str,
                      provisional_label: str, width: float = 440, height: float = 250) -> Markup:
    """Survival-style step curves: the share still housed from 100% at the start, falling at each
    milestone, with the interval as a whisker, a '+' censoring mark where persons leave the
    view before that milestone (the count beside it), and provisional milestones hollow. The
    legend sits below the plot so the chart narrows without cutting labels."""
    left, right, top = 40.0, 12.0, 10.0
    legend_h = 16.0 * (len(curves) + 2)
    bottom = 34.0 + legend_h
    plot_w, plot_h = width - left - right, height - top - bottom
    months = sorted({m.month for _, points in curves for m in points}) or [12]
    x_hi = max(months)
    lows = [m.low for _, points in curves for m in points if m.low is not None] + \
        [m.rate for _, points in curves for m in points]
    lo = max(0.0, (min(lows) if lows else 0.0) - 0.1)
    lo = float(int(lo * 10)) / 10

    def px(x: float) -> float:
        return left + plot_w * x / x_hi

    def py(y: float) -> float:
        return top + plot_h - plot_h * (y - lo) / (1.0 - lo)

    body = []
    for tick in _ticks(lo, 1.0):
        body.append(f'<line x1="{_f(left)}" y1="{_f(py(tick))}" x2="{_f(left + plot_w)}" '
                    f'y2="{_f(py(tick))}" stroke="{GRID}" stroke-width="0.8"/>'
                    f'<text x="{_f(left - 4)}" y="{_f(py(tick) + 3.5)}" text-anchor="end" '
                    f'font-size="10" fill="{AXIS}">{escape(fmt_y(tick))}</text>')
    for x in [0, *months]:
        body.append(f'<text x="{_f(px(x))}" y="{_f(top + plot_h + 14)}" text-anchor="middle" '
                    f'font-size="10" fill="{AXIS}">{x}</text>')
    body.append(f'<line x1="{_f(left)}" y1="{_f(top + plot_h)}" x2="{_f(left + plot_w)}" '
                f'y2="{_f(top + plot_h)}" stroke="{AXIS}" stroke-width="1"/>'
                f'<text x="{_f(left + plot_w / 2)}" y="{_f(top + plot_h + 27)}" text-anchor="middle" '
                f'font-size="10" fill="{AXIS}">{escape(x_label)}</text>')
    spoken = []
    for i, (name, points) in enumerate(curves):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        points = sorted(points, key=lambda m: m.month)
        path = [f"M{_f(px(0))},{_f(py(1.0))}"] + [f"H{_f(px(m.month))} V{_f(py(m.rate))}" for m in points]
        group = [f'<g class="series" aria-label="{escape(name)}">',
                 f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"/>']
        censored_before = 0
        for m in points:
            x, y = px(m.month), py(m.rate)
            if m.low is not None and m.high is not None:
                group.append(f'<line x1="{_f(x)}" y1="{_f(py(m.low))}" x2="{_f(x)}" y2="{_f(py(m.high))}" '
                             f'stroke="{colour}" stroke-width="1.2"/>')
            fill = "#ffffff" if m.provisional else colour
            group.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3.4" fill="{fill}" stroke="{colour}" '
                         f'stroke-width="1.6"><title>{escape(name)}: {m.month} → {escape(fmt_y(m.rate))}'
                         f'{" (" + escape(provisional_label) + ")" if m.provisional else ""}</title></circle>')
            if m.censored is not None and m.censored > censored_before:  # a hidden count: no mark
                group.append(f'<text x="{_f(x - 6)}" y="{_f(max(y - 6, top + 9))}" font-size="11" '
                             f'text-anchor="end" fill="{colour}" class="censor">+{m.censored}</text>')
                censored_before = m.censored
        group.append("</g>")
        body.append("".join(group))
        ly = top + plot_h + 42 + i * 16
        body.append(f'<line x1="{_f(left)}" y1="{_f(ly)}" x2="{_f(left + 22)}" y2="{_f(ly)}" stroke="{colour}" '
                    f'stroke-width="2"/><text x="{_f(left + 28)}" y="{_f(ly + 3.5)}" font-size="10" '
                    f'fill="#1a1a1a">{escape(name)}</text>')
        spoken.append(f"{name}: " + ", ".join(f"{m.month} {fmt_y(m.rate)}" for m in points))
    for n, note in enumerate((censored_label, provisional_label)):  # one a line: a phone is narrow
        ly = top + plot_h + 42 + (len(curves) + n) * 16
        body.append(f'<text x="{_f(left)}" y="{_f(ly + 3.5)}" font-size="10" fill="{AXIS}">{escape(note)}</text>')
    return _svg(width, height, f"{title}. " + "; ".join(spoken), "".join(body), "chart sustainment-chart")
