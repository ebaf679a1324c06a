"""Small server-drawn SVG charts: readable without JavaScript, printable, and light."""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

INK, MUTED, GRID = "#1d2733", "#5b6676", "#e3e7ed"
GOOD, WARN, BAD, BLUE = "#1e7d3a", "#b26a00", "#b3261e", "#1f5fae"


def _colour(score: float) -> str:
    return GOOD if score >= 80 else WARN if score >= 65 else BAD


def bar_chart(rows: list[tuple[str, float, str]], title: str, maximum: float = 100, width: int = 720) -> SafeString:
    """Horizontal bars, one per (label, value, link), best first; values on the bars."""
    bar_h, gap, label_w = 18, 6, 210
    height = len(rows) * (bar_h + gap) + 30
    scale = (width - label_w - 60) / maximum
    # A chart whose bars are links is a group of links, not one image: an image holds no controls (WCAG 4.1.2).
    role = "group" if any(link for _label, _value, link in rows) else "img"
    parts = [f'<svg class="chart" role="{role}" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for tick in range(0, int(maximum) + 1, 20):
        x = label_w + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height - 4}" stroke="{GRID}"/>'
                     f'<text x="{x:.1f}" y="12" font-size="10" fill="{MUTED}" text-anchor="middle">{tick}</text>')
    for i, (label, value, link) in enumerate(rows):
        y = 22 + i * (bar_h + gap)
        w = max(1.0, value * scale)
        bar = (f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{_colour(value)}">'
               f'<title>{escape(label)}: {value:.2f}</title></rect>')
        text = (f'<text x="{label_w - 8}" y="{y + 13}" font-size="12" fill="{INK}" text-anchor="end">'
                f'{escape(label[:32])}</text><text x="{label_w + w + 6:.1f}" y="{y + 13}" font-size="12" '
                f'font-weight="bold" fill="{INK}">{value:.1f}</text>')
        parts.append(f'<a href="{escape(link)}" aria-label="{escape(label)}: {value:.1f}">{bar}{text}</a>'
                     if link else bar + text)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above


def line_chart(points: list[dict], series: list[tuple[str, str, str]], title: str, width: int = 720,
               height: int = 240) -> SafeString:
    """Percentages month by month; ``series`` is (key, label, colour)."""
    left, right, top, bottom = 44, 16, 30, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for pct in range(0, 101, 25):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="10" fill="{MUTED}" text-anchor="end">'
                     f'{pct}%</text>')
    for month in range(1, 13):
        x = left + plot_w * (month - 0.5) / 12
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" font-size="10" fill="{MUTED}" '
                     f'text-anchor="middle">T{month}</text>')
    for key, label, colour in series:
        coords = [(left + plot_w * (p["month"] - 0.5) / 12, top + plot_h * (1 - (p[key] or 0))) for p in points]
        if len(coords) > 1:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="'
                         + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>')
        for (x, y), p in zip(coords, points, strict=True):
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{escape(label)} '
                         f'T{p["month"]}: {100 * (p[key] or 0):.1f}%</title></circle>')
    for i, (_key, label, colour) in enumerate(series):
        x = left + 10 + i * 200
        parts.append(f'<rect x="{x}" y="8" width="14" height="4" fill="{colour}"/>'
                     f'<text x="{x + 20}" y="14" font-size="11" fill="{INK}">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped above
