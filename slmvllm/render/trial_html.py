"""`slmvllm trial --report FILE.html`: a standalone page with quality against monthly cost.

Inline SVG, no script, no network (the same Content-Security-Policy as the advise report);
every value from the log or the catalogue is escaped.
"""

from __future__ import annotations

import html

from slmvllm.render.safe import literal
from slmvllm.render.trial_view import interval_text, measures_text, rows
from slmvllm.trial.decision import Point, Trial

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232a}
main{max-width:980px;margin:0 auto;padding:24px}
section{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:20px 24px;
 margin:0 0 24px}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f2}
td.num{text-align:right;font-variant-numeric:tabular-nums}tr.chosen{font-weight:bold;color:#1f7a3f}
svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1d232a}
"""


def _esc(value: object) -> str:
    return html.escape(literal(value), quote=True)


def cost_chart(trial: Trial) -> str:
    """Quality (y) against monthly cost (x): router curve, oracle, both models, the choice."""
    named: list[tuple[str, Point, str]] = [
        ("small model", trial.small, "#2a9d8f"),
        ("large model", trial.large, "#e76f51"),
        ("oracle", trial.oracle, "#8a6fd1"),
        ("chosen", trial.chosen, "#1f7a3f"),
    ]
    priced = [p for p in [*trial.curve, *(n[1] for n in named)] if p.monthly_cost is not None]
    if not priced:
        return "<p>No model could be priced, so there is no cost chart.</p>"
    width, height, left, bottom, top, right = 640, 340, 60, 40, 16, 120
    costs = [p.monthly_cost or 0.0 for p in priced]
    quals = [p.quality for p in priced]
    c_lo, c_hi = 0.0, max(costs) * 1.05 or 1.0
    q_lo, q_hi = min(quals), max(quals)
    pad = (q_hi - q_lo) * 0.1 or 0.05
    q_lo, q_hi = q_lo - pad, q_hi + pad

    def xy(p: Point) -> tuple[float, float]:
        x = left + ((p.monthly_cost or 0.0) - c_lo) / (c_hi - c_lo) * (width - left - right)
        y = top + (q_hi - p.quality) / (q_hi - q_lo) * (height - top - bottom)
        return x, y

    parts = [
        f'<svg role="img" aria-label="Quality against monthly cost" viewBox="0 0 {width} '
        f'{height}" width="{width}" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        'stroke="#5b6570"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#5b6570"/>',
        f'<text x="{left}" y="{height - 8}">$0</text>',
        f'<text x="{width - right - 70}" y="{height - 8}">${c_hi:,.0f}/month</text>',
        f'<text x="4" y="{top + 10}">{q_hi:.2f}</text>',
        f'<text x="4" y="{height - bottom}">{q_lo:.2f}</text>',
    ]
    line = [
        xy(p)
        for p in sorted(trial.curve, key=lambda p: p.large_share)
        if p.monthly_cost is not None
    ]
    if len(line) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in line)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#457b9d" stroke-width="2"/>')
        for x, y in line:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#457b9d"/>')
        lx, ly = line[len(line) // 2]
        parts.append(f'<text x="{lx + 6:.1f}" y="{ly + 14:.1f}" fill="#457b9d">router</text>')
    t = trial.quality_target * trial.large.quality
    if q_lo <= t <= q_hi:
        ty = top + (q_hi - t) / (q_hi - q_lo) * (height - top - bottom)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" '
            'stroke="#9a5b00" stroke-dasharray="4 3"/>'
            f'<text x="{width - right + 4}" y="{ty + 4:.1f}">'
            f"target {trial.quality_target:.0%}</text>"
        )
    for i, (name, p, colour) in enumerate(named):
        if p.monthly_cost is None:
            continue
        x, y = xy(p)
        r = 7 if name == "chosen" else 5
        fill = "none" if name == "chosen" else colour
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2"><title>{_esc(name)}: {p.quality:.3f}, '
            f"${p.monthly_cost:,.2f}</title></circle>"
            f'<text x="{x + 9:.1f}" y="{y - 6 - 12 * (i % 2):.1f}" fill="{colour}">'
            f"{_esc(name)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def render_trial_html(trial: Trial) -> str:
    """The whole page."""
    table = "".join(
        f'<tr{" class=chosen" if chosen else ""}><td>{_esc(label)}</td><td class="num">{q}</td>'
        f'<td class="num">{kept}</td><td class="num">{share}</td>'
        f'<td class="num">{_esc(cost)}</td></tr>'
        for label, q, kept, share, cost, chosen in rows(trial)
    )
    facts = [*measures_text(trial)]
    iv = interval_text(trial)
    if iv:
        facts.append(iv)
    if trial.router_must_find:
        facts.append(trial.router_must_find)
    if trial.rule_set is not None:
        facts.append("Rule set: " + trial.rule_set.text)
    tags = ""
    if trial.tags:
        body = "".join(
            f"<tr><td>{_esc(t.tag)}</td><td class=num>{t.requests:,}</td>"
            f"<td class=num>{t.small_quality:.3f}</td><td class=num>{t.large_quality:.3f}</td>"
            f"<td class=num>{t.large_needed:.1%}</td><td class=num>"
            f"{'n/a' if t.router is None or t.router.apgr is None else f'{t.router.apgr:.2f}'}"
            "</td></tr>"
            for t in trial.tags
        )
        tags = (
            "<section><h2>By tag</h2><table><tr><th>tag</th><th>requests</th><th>small</th>"
            f"<th>large</th><th>need large</th><th>APGR</th></tr>{body}</table></section>"
        )
    notes = "".join(f"<li>{_esc(n)}</li>" for n in trial.notes)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>slmvllm trial: {_esc(trial.source)}</title><style>{_STYLE}</style></head>"
        "<body><main>"
        f"<section><h1>Trial: {_esc(trial.source)}</h1><p>{trial.requests:,} requests; small "
        f"<code>{_esc(trial.small_model)}</code>, large <code>{_esc(trial.large_model)}</code>; "
        f"priced at {trial.shape.monthly_requests:,} requests a month.</p>"
        f"<p><b>Verdict:</b> {_esc(trial.verdict)}</p></section>"
        f"<section><h2>Quality against monthly cost</h2>{cost_chart(trial)}"
        "<table><tr><th></th><th>quality</th><th>kept</th><th>to large</th><th>a month</th></tr>"
        f"{table}</table><ul>{''.join(f'<li>{_esc(f)}</li>' for f in facts)}</ul></section>"
        f"{tags}<section><h2>Notes</h2><ul>{notes}</ul><p>Measures as defined in RouteLLM "
        "(Ong et al. 2024, arXiv 2406.18665); see docs/trial.md.</p></section>"
        "</main></body></html>\n"
    )
