"""A standalone HTML report: the --explain content with inline SVG charts, nothing from the network.

Every value from a file (use case, rule texts, model names, URLs) goes through `_esc`;
links are made only of http(s) addresses, and a Content-Security-Policy forbids scripts,
so a hostile requirements or rule set file shows up as text. No rich here: plain strings.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.numbers.estimate_models import Candidate, Estimates
from slmvllm.render.digest import Digest, ReferenceEntry, digest
from slmvllm.render.precedents_view import vote_text
from slmvllm.render.safe import literal
from slmvllm.render.values import (
    confidence_meaning,
    effect_text,
    estimate_statements,
    money_or_na,
    show_value,
    standing_note,
)
from slmvllm.result import Result

# Scripts, frames, forms, fetches and remote images are all refused by the browser itself.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)
_COLOURS = {"slm": "#2a9d8f", "llm": "#e76f51", "hybrid": "#8a6fd1"}
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 background:#f6f7f9;color:#1d232a}
main{max-width:980px;margin:0 auto;padding:24px}
section.result{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:20px 24px;
 margin:0 0 24px}
h1{font-size:22px;margin:0 0 16px}h2{font-size:20px;margin:0 0 4px}
h3{font-size:16px;margin:22px 0 8px;border-bottom:1px solid #e5e8eb;padding-bottom:4px}
.verdict{font-size:18px;margin:8px 0}.verdict b{color:#1f7a3f}
.muted{color:#5b6570}.close{color:#9a5b00}
table{border-collapse:collapse;width:100%;font-size:13.5px}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid #eef0f2}
th{background:#f3f5f7}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.pos{color:#1f7a3f}.neg{color:#b3261e}code{font-size:12.5px;word-break:break-all}
svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:#1d232a}
.refs li{margin:0 0 4px}.refs a,.url{word-break:break-all}
details{margin:8px 0}footer{font-size:12.5px;color:#5b6570}
"""


def _esc(value: object) -> str:
    """Text from a file as inert HTML: controls made visible, markup escaped."""
    return html.escape(literal(value), quote=True)


def _safe_url(url: str | None) -> str | None:
    """`url` if it is an http(s) address (no javascript:, data: ...), else None."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() in {"http", "https"} and parts.netloc:
        return url.strip()
    return None


def _link(url: str | None) -> str:
    safe = _safe_url(url)
    if safe is None:
        return f'<span class="url">{_esc(url)}</span>' if url else ""
    return f'<a href="{_esc(safe)}" rel="noopener noreferrer">{_esc(safe)}</a>'


# --------------------------------------------------------------------------- charts


def _score_chart(result: Result) -> str:
    """Horizontal bars of the options' scores (zero line marked when there are negatives)."""
    items = sorted(result.scores.items(), key=lambda kv: -kv[1])
    low = min(0.0, *result.scores.values())
    high = max(0.0, *result.scores.values())
    span = (high - low) or 1.0
    width, label_w, value_w, row = 640, 90, 110, 30
    plot = width - label_w - value_w
    zero = label_w + (0 - low) / span * plot
    excluded = {e.option for e in result.excluded}
    parts = [
        f'<svg role="img" aria-label="Scores per option" viewBox="0 0 {width} '
        f'{row * len(items) + 10}" width="{width}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for i, (option, value) in enumerate(items):
        y = 5 + i * row
        x0 = label_w + (min(value, 0) - low) / span * plot
        w = abs(value) / span * plot
        colour = "#c4c9cf" if option in excluded else _COLOURS.get(option, "#6c7a89")
        note = " (ruled out)" if option in excluded else ""
        weight = ' font-weight="bold"' if option == result.recommendation else ""
        parts.append(
            f'<text x="0" y="{y + 17}"{weight}>{_esc(option.upper())}</text>'
            f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="20" rx="3" '
            f'fill="{colour}"><title>{_esc(option)}: {value:.1f}</title></rect>'
            f'<text x="{label_w + plot + 8}" y="{y + 17}">{value:.1f}{_esc(note)}</text>'
        )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="0" y2="{row * len(items) + 10}" '
        'stroke="#5b6570" stroke-width="1"/></svg>'
    )
    return "".join(parts)


def _criteria_chart(result: Result) -> str:
    """Each criterion's contribution to each option's score: grouped bars around zero."""
    criteria = list(next(iter(result.criteria_scores.values()), {}))
    options = list(result.criteria_scores)
    if not criteria or not options:
        return ""
    values = [v for per in result.criteria_scores.values() for v in per.values()]
    low, high = min(0.0, *values), max(0.0, *values)
    span = (high - low) or 1.0
    width, label_w, value_w, bar, gap = 640, 150, 60, 12, 10
    plot = width - label_w - value_w
    zero = label_w + (0 - low) / span * plot
    group = bar * len(options) + gap
    legend_h = 24
    height = legend_h + group * len(criteria)
    parts = [
        f'<svg role="img" aria-label="Contribution of each criterion to each option" '
        f'viewBox="0 0 {width} {height}" width="{width}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for j, option in enumerate(options):
        x = label_w + j * 110
        colour = _COLOURS.get(option, "#6c7a89")
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="15">{_esc(option.upper())}</text>'
        )
    for i, criterion in enumerate(criteria):
        top = legend_h + i * group
        parts.append(
            f'<text x="0" y="{top + bar * len(options) / 2 + 4:.1f}">{_esc(criterion)}</text>'
        )
        for j, option in enumerate(options):
            value = result.criteria_scores[option].get(criterion, 0.0)
            x0 = label_w + (min(value, 0) - low) / span * plot
            w = abs(value) / span * plot
            y = top + j * bar
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{max(w, 0.5):.1f}" height="{bar - 2}" '
                f'fill="{_COLOURS.get(option, "#6c7a89")}"><title>{_esc(option)} / '
                f"{_esc(criterion)}: {value:+.1f}</title></rect>"
            )
            if value:
                tx = x0 + w + 4 if value > 0 else x0 - 4
                anchor = "start" if value > 0 else "end"
                parts.append(
                    f'<text x="{tx:.1f}" y="{y + bar - 3}" text-anchor="{anchor}" '
                    f'font-size="10">{value:+.0f}</text>'
                )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="{legend_h}" y2="{height}" '
        'stroke="#5b6570" stroke-width="1"/></svg>'
    )
    return "".join(parts)


# --------------------------------------------------------------------------- sections


def _refs(numbers: list[int], anchor: str) -> str:
    return " ".join(f'<a href="#{anchor}-ref{n}">[{n}]</a>' for n in numbers)


def _reasons(result: Result, dg: Digest, anchor: str) -> str:
    rows = []
    for cited in dg.reasons:
        reason = cited.reason
        cls = "pos" if cited.margin > 0 else "neg" if cited.margin < 0 else "muted"
        when = _esc(reason.when) if reason.when else '<span class="muted">always</span>'
        if reason.assumed:
            assumed = _esc(", ".join(reason.assumed))
            when += f'<br><span class="close">fired on assumed: {assumed}</span>'
        wheres = "; ".join(_esc(w) for w in cited.wheres if w)
        rows.append(
            f'<tr><td class="num {cls}">{cited.margin:+.1f}</td>'
            f"<td><code>{_esc(reason.rule)}</code><br>{_esc(reason.summary)}</td>"
            f'<td class="num">{_esc(effect_text(reason.effect))}</td><td>{when}</td>'
            f"<td>{_refs(cited.refs, anchor)}{'<br>' + wheres if wheres else ''}</td></tr>"
        )
    against = dg.runner_up.upper() if dg.runner_up else "nothing"
    return (
        f"<h3>Why: every rule that fired, most decisive first</h3>"
        f'<p class="muted">Margin: how far the rule moves {_esc(result.recommendation.upper())} '
        f"ahead of {_esc(against)} (negative: behind). The effects add up to the scores.</p>"
        "<table><thead><tr><th>margin</th><th>rule</th><th>effect</th><th>because</th>"
        "<th>sources</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _exclusions(result: Result, dg: Digest, anchor: str) -> str:
    if not result.excluded:
        return ""
    items = "".join(
        f"<li><b>{_esc(e.option.upper())}</b> by <code>{_esc(e.rule)}</code>: {_esc(e.reason)}"
        + (f' <span class="muted">(because {_esc(e.when)})</span>' if e.when else "")
        + f" {_refs(refs, anchor)}</li>"
        for e, refs in zip(result.excluded, dg.exclusion_refs, strict=True)
    )
    return f"<h3>Ruled out by hard constraints</h3><ul>{items}</ul>"


def _assumptions(result: Result) -> str:
    if not result.assumptions:
        return "<h3>Assumptions</h3><p>None: every field was given.</p>"
    rows = "".join(
        f"<tr><td><code>{_esc(a.field)}</code></td><td>{_esc(show_value(a.value))}</td>"
        f"<td>{_esc(a.why)}</td></tr>"
        for a in result.assumptions
    )
    return (
        "<h3>Assumptions (fields not given)</h3><table><thead><tr><th>field</th>"
        f"<th>value</th><th>why</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _changes(result: Result) -> str:
    if not result.what_would_change:
        return "<h3>What would change the answer</h3><p>No single-field change flips it.</p>"
    rows = "".join(
        f"<tr><td><code>{_esc(c.field)}</code></td>"
        f"<td>{_esc(show_value(result.requirements.get(c.field)))}</td>"
        f"<td>{_esc(show_value(c.to))}</td><td><b>{_esc(c.recommendation.upper())}</b></td></tr>"
        for c in result.what_would_change
    )
    return (
        "<h3>What would change the answer (one field at a time)</h3><table><thead><tr>"
        "<th>field</th><th>now</th><th>changed to</th><th>gives</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _candidate_row(cand: Candidate) -> str:
    where = cand.hosting + (f" ({cand.provider})" if cand.provider else "")
    memory = (
        f"{cand.gpu_memory_gb:,.1f} GB {cand.precision or ''}"
        + (f" x{cand.gpus} GPUs" if (cand.gpus or 1) > 1 else "")
        if cand.hosting == "self_hosted" and cand.gpu_memory_gb is not None
        else "-"
    )
    fits = "yes" if cand.fits else f'<span class="neg">no</span>: {_esc(cand.why_not or "")}'
    notes = "; ".join(cand.warnings)
    return (
        f"<tr><td>{_esc(cand.option)}</td><td><code>{_esc(cand.model)}</code></td>"
        f'<td>{_esc(where)}</td><td class="num">{_esc(money_or_na(cand.monthly_cost_usd))}</td>'
        f'<td class="num">{_esc(memory)}</td><td>{fits}</td><td>{_esc(notes)}</td></tr>'
    )


def _numbers(est: Estimates) -> str:
    inp = est.inputs
    volume = f"{inp.monthly_requests:,} requests a month" + (
        " (assumed)" if inp.monthly_requests_assumed else ""
    )
    statements = estimate_statements(est)
    rows = "".join(_candidate_row(c) for c in est.candidates)
    return (
        f"<h3>Numbers at {_esc(volume)}, {inp.input_tokens:,} input and "
        f"{inp.output_tokens:,} output tokens</h3>"
        + "<ul>"
        + "".join(f"<li>{_esc(s)}</li>" for s in statements)
        + "</ul><details><summary>Every candidate, cheapest first</summary><table><thead><tr>"
        "<th>option</th><th>model</th><th>hosting</th><th>$/month</th><th>GPU memory</th>"
        f"<th>fits</th><th>warnings</th></tr></thead><tbody>{rows}</tbody></table></details>"
        "<details><summary>Assumptions behind the numbers</summary><ul>"
        + "".join(f"<li>{_esc(a)}</li>" for a in est.assumptions)
        + "</ul></details>"
    )


def _references(refs: list[ReferenceEntry], anchor: str) -> str:
    items = "".join(
        f'<li id="{anchor}-ref{r.number}" value="{r.number}">{_esc(r.title)}'
        + (f"<br>{_link(r.url)}" if r.url else "")
        + (f'<br><span class="muted">{_esc(r.note)}</span>' if r.note else "")
        + "</li>"
        for r in refs
    )
    return f'<h3>References</h3><ol class="refs">{items}</ol>'


def _precedents(result: Result) -> str:
    if not result.precedents:
        return ""
    rows = "".join(
        f"<tr><td>{_esc(p.choice.upper())}</td><td>{p.similarity:.2f}</td>"
        f"<td>{_esc(p.id)}"
        + (f" ({_esc(p.model)})" if p.model else "")
        + f"<br><small>{_esc(p.use_case)}</small></td>"
        f"<td>{_esc(', '.join(p.shared) or '-')}</td><td>{_link(p.source)}</td></tr>"
        for p in result.precedents
    )
    vote = vote_text(result)
    return (
        "<h3>Precedents: documented decisions most like this</h3>"
        "<table><tr><th>choice</th><th>similarity</th><th>decision</th><th>shares</th>"
        f"<th>source</th></tr>{rows}</table>"
        + (f"<p>{_esc(vote[0].upper() + vote[1:])}.</p>" if vote else "")
    )


def _section(index: int, source: str | None, result: Result, rule_set: RuleSet) -> str:
    anchor = f"r{index}"
    dg = digest(result, rule_set)
    option = rule_set.options[result.recommendation]
    close = ""
    if dg.standing == "tie" and dg.runner_up:
        close = f' <span class="close">{_esc(standing_note(result).strip(" ()"))}</span>'
    elif dg.close and dg.runner_up:
        behind = result.scores[result.recommendation] - result.scores[dg.runner_up]
        close = (
            f' <span class="close">close: runner-up {_esc(dg.runner_up.upper())}, '
            f"{behind:.1f} points behind</span>"
        )
    use_case = result.requirements.get("use_case")
    return (
        f'<section class="result" id="{anchor}">'
        + (f"<h2>{_esc(source)}</h2>" if source else "")
        + (f"<p><i>{_esc(use_case)}</i></p>" if use_case else "")
        + f'<p class="verdict">Recommendation: <b>{_esc(result.recommendation.upper())}</b> '
        f"({_esc(option.label)}), confidence <b>{result.confidence:.2f}</b>{close}</p>"
        f'<p class="muted">{_esc(option.description)}</p>'
        "<h3>Scores (sum of weighted points)</h3>"
        + _score_chart(result)
        + "<h3>Where the scores come from: each criterion's weighted points</h3>"
        + _criteria_chart(result)
        + _reasons(result, dg, anchor)
        + _exclusions(result, dg, anchor)
        + _assumptions(result)
        + _changes(result)
        + (_numbers(result.estimates) if result.estimates is not None else "")
        + _precedents(result)
        + _references(dg.references, anchor)
        + f"<footer><p>Rule set {_esc(result.rule_set.name)} {_esc(result.rule_set.version)}. "
        + _esc(confidence_meaning(result))
        + "</p></footer></section>"
    )


def render_html(results: list[tuple[str | None, Result]], rule_set: RuleSet) -> str:
    """One self-contained HTML document for every result of a run."""
    title = "slmvllm report"
    if len(results) == 1:
        source, result = results[0]
        title = f"slmvllm: {result.recommendation.upper()}" + (f" for {source}" if source else "")
    toc = ""
    if len(results) > 1:
        toc = (
            "<nav><ol>"
            + "".join(
                f'<li><a href="#r{i}">{_esc(source or f"use case {i + 1}")}</a>: '
                f"{_esc(result.recommendation.upper())} ({result.confidence:.2f})</li>"
                for i, (source, result) in enumerate(results)
            )
            + "</ol></nav>"
        )
    body = "".join(
        _section(i, source, result, rule_set) for i, (source, result) in enumerate(results)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>slmvllm: SLM, LLM or hybrid?</h1>{toc}{body}</main></body></html>\n"
    )
