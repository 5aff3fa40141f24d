"""The default text report: one screen saying what to use, how sure, why, what would change it.

Nothing is cut: a line longer than the console wraps at word boundaries, and from
HANG_WIDTH columns up its continuation lines hang under the text they continue (after
the lead: a reason's points, a label); in a narrower terminal they start at the margin.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from slmvllm.advice.rule_set_model import RuleSet
from slmvllm.numbers.cost_plans import money
from slmvllm.numbers.estimate_models import Candidate, Estimates
from slmvllm.numbers.estimates import shortlist
from slmvllm.numbers.price_map import stale_prices
from slmvllm.render.digest import DECISIVE_REASONS, Digest, digest, ref_marks
from slmvllm.render.precedents_view import precedent_parts, vote_text
from slmvllm.render.safe import one_line
from slmvllm.render.text import score_bars
from slmvllm.render.values import show_value
from slmvllm.result import Result

HANG_WIDTH = 60
#: A lead wider than this share of the console does not hang its continuation lines.
HANG_SHARE = 0.45


def _hanging(console: Console, lead: Text, body: Text) -> None:
    """`lead body`, the body wrapped at word boundaries under itself (never cut)."""
    width = cell_len(lead.plain)
    if console.width < HANG_WIDTH or width > console.width * HANG_SHARE:
        console.print(Text.assemble(lead, body))
        return
    grid = Table.grid(padding=0)
    grid.add_column(width=width, no_wrap=True)
    grid.add_column(overflow="fold")  # words wrap; only a word longer than a line folds
    grid.add_row(lead, body)
    console.print(grid)


def _line(console: Console, *parts: tuple[str, str] | str | Text, indent: int = 0) -> None:
    """One line of the report: the first part leads, the rest wraps under itself."""
    pieces: list[tuple[str, str] | Text] = [(p, "") if isinstance(p, str) else p for p in parts]
    lead = Text.assemble(" " * indent, pieces[0])
    _hanging(console, lead, Text.assemble(*pieces[1:]) if len(pieces) > 1 else Text())


def _with_refs(console: Console, lead: str, body: str, refs: str, indent: int = 2) -> None:
    """`lead body [refs]`, the body and its reference marks wrapped under the body."""
    _hanging(
        console,
        Text.assemble(" " * indent, (lead, "bold")),
        Text.assemble(body, (f" {refs}" if refs else "", "dim")),
    )


def _title(console: Console, result: Result, rule_set: RuleSet, dg: Digest) -> None:
    label = one_line(rule_set.options[result.recommendation].label)
    head: list[tuple[str, str] | str] = [
        ("Recommendation: ", "bold"),
        (result.recommendation.upper(), "bold green"),
        f" ({label}), confidence ",
        (f"{result.confidence:.2f}", "bold"),
    ]
    if dg.standing == "tie" and dg.runner_up:
        head.append(f" (tie with {dg.runner_up.upper()}; option order chose)")
    elif dg.close and dg.runner_up:
        head.append(f" (close: runner-up {dg.runner_up.upper()})")
    _line(console, *head)


def _why(console: Console, result: Result, dg: Digest) -> None:
    shown = [r for r in dg.reasons if r.margin][:DECISIVE_REASONS]
    winner = result.recommendation.upper()
    rival = f" over {dg.runner_up.upper()}" if dg.runner_up else ""
    _line(
        console,
        (f"Why {winner}", "bold"),
        f": the {len(shown)} most decisive of {len(result.reasons)} rules, "
        f"in points for {winner}{rival}",
    )
    for title, part in (
        (f"For {winner}", [r for r in shown if r.margin > 0]),
        (f"Against {winner}", [r for r in shown if r.margin < 0]),
    ):
        if not part:
            continue
        _line(console, (title, "italic"), indent=2)
        for cited in part:
            _with_refs(
                console,
                f"{cited.margin:+7.1f}  ",
                one_line(cited.reason.summary),
                ref_marks(cited.refs),
            )


def _excluded(console: Console, result: Result, dg: Digest) -> None:
    # One line per constraint: the device rule ruling out LLM and HYBRID is one reason.
    by_rule: dict[str, tuple[list[str], str, list[int]]] = {}
    for exclusion, refs in zip(result.excluded, dg.exclusion_refs, strict=True):
        options, _, _ = by_rule.setdefault(exclusion.rule, ([], exclusion.reason, refs))
        options.append(exclusion.option.upper())
    for options, reason, refs in by_rule.values():
        _with_refs(
            console,
            f"Ruled out: {', '.join(options)}: ",
            one_line(reason),
            ref_marks(refs),
            indent=0,
        )


def _changes(console: Console, result: Result) -> None:
    changes = result.what_would_change
    if not changes:
        _line(console, ("What would change it: ", "bold"), "no single-field change flips it")
        return
    first = changes[0]
    now = show_value(result.requirements.get(first.field))
    more = f" ({len(changes) - 1} more with --explain)" if len(changes) > 1 else ""
    _line(
        console,
        ("What would change it: ", "bold"),
        one_line(f"{first.field} {now} -> {show_value(first.to)} gives ")
        + first.recommendation.upper()
        + more,
    )


def _assumed(console: Console, result: Result) -> None:
    # The fields whose answer alone could change the advice first, by name; the rest by
    # count (--explain lists every one with the value assumed).
    if not result.assumptions:
        return
    flips = {c.field for c in result.what_would_change}
    decisive = [one_line(a.field) for a in result.assumptions if a.field in flips]
    n = len(result.assumptions)
    body = f"{n} field{'s' if n != 1 else ''}"
    if decisive:
        body += f"; the answer to {', '.join(decisive)} alone could change it"
    else:
        body += "; no single one could change it"
    _line(console, ("Assumed (not given): ", "bold"), body + " (--explain lists them)")


def _cost(cand: Candidate | None, *, where: bool = True) -> str:
    if cand is None:
        return "none fits the requirements"
    hosting = "self-hosted" if cand.hosting == "self_hosted" else f"{cand.provider} API"
    cost = cand.monthly_cost_usd
    price = "not priced" if cost is None else f"{money(cost)}/month"
    memory = ""
    if cand.hosting == "self_hosted" and cand.gpu_memory_gb is not None:
        gpus = f" on {cand.gpus} GPUs" if (cand.gpus or 1) > 1 else ""
        memory = f", {cand.gpu_memory_gb:,.1f} GB GPU memory ({cand.precision}){gpus}"
    return f"{one_line(cand.model)}{f' ({hosting})' if where else ''} {price}{memory}"


def _numbers(console: Console, est: Estimates, recommendation: str) -> None:
    inp = est.inputs
    volume = f"{inp.monthly_requests:,} requests a month" + (
        " (assumed)" if inp.monthly_requests_assumed else ""
    )
    _line(
        console,
        ("Numbers", "bold"),
        f" at {volume}, {inp.input_tokens:,} in / {inp.output_tokens:,} out tokens:",
    )
    best = shortlist(est, per_option=1)
    hosted = next(
        (c for c in est.candidates if c.option == "slm" and c.hosting == "self_hosted" and c.fits),
        None,
    )
    _line(console, ("SLM  ", "bold"), _cost(best["slm"][0] if best["slm"] else None), indent=2)
    if hosted is not None and (not best["slm"] or best["slm"][0].hosting != "self_hosted"):
        _line(console, "     self-hosted: ", _cost(hosted, where=False), indent=2)
    llm = _cost(best["llm"][0] if best["llm"] else None)
    if est.quality_tier not in (None, "any"):
        # Which tier the large model was picked from, and the reason's first clause.
        why = (est.quality_tier_why or "").split(":")[0]
        llm += f"; {est.quality_tier} tier: {why}"
    _line(console, ("LLM  ", "bold"), one_line(llm), indent=2)
    be = est.break_even
    if est.break_even_monthly_requests is not None and be.small_model and be.llm_model:
        text = (
            f"{est.break_even_monthly_requests:,} requests/month "
            f"(self-hosted {be.small_model} vs {be.llm_model} API)"
        )
    else:
        text = be.statement
    _line(console, ("Break-even: ", "bold"), one_line(text), indent=2)
    if recommendation == "hybrid" and est.llm_share is not None:
        blended = est.blended_monthly_cost_usd
        _line(
            console,
            ("Hybrid: ", "bold"),
            f"{est.llm_share:.0%} of requests to the large model"
            + (f", {money(blended)}/month blended" if blended is not None else ""),
            indent=2,
        )
    stale = stale_prices(est.prices_as_of)
    if stale:
        _line(console, ("Note: ", "bold yellow"), stale, indent=2)
    check = est.cost_check
    if check is not None and check.agrees is False:
        _line(console, ("Note: ", "bold yellow"), one_line(check.statement), indent=2)


def _references(console: Console, dg: Digest) -> None:
    _line(console, ("References", "bold"))
    for ref in dg.references:
        mark = f"[{ref.number}] "
        title = one_line(ref.title)
        url = one_line(ref.url) if ref.url else ""
        if not url or cell_len(f"  {mark}{title} {url}") <= console.width:
            _line(console, mark, Text.assemble(title, (f" {url}" if url else "", "dim")), indent=2)
            continue
        _line(console, mark, title, indent=2)  # the address whole, on a line of its own
        console.print(Text(" " * (2 + len(mark)) + url, style="dim"), overflow="fold")


def _precedents(console: Console, result: Result) -> None:
    if not result.precedents:
        _line(
            console, ("Precedents: ", "bold"), "no documented decision shares an answer with this"
        )
        return
    _line(
        console,
        ("Precedents", "bold"),
        " (documented decisions most like this; their sources with --explain)",
    )
    for p in result.precedents:
        lead, rest = precedent_parts(p)
        _line(console, lead, rest, indent=2)
    vote = vote_text(result)
    if vote:
        agrees = result.precedent_vote is not None and (
            result.precedent_vote.choice == result.recommendation
        )
        _line(console, "", (vote, "" if agrees else "bold yellow"), indent=2)


def render_short(
    console: Console, result: Result, rule_set: RuleSet, *, source: str | None = None
) -> None:
    """Print the one-screen report of one result on `console`."""
    dg = digest(result, rule_set, top=DECISIVE_REASONS, first_only=True)
    if source:
        _line(console, ("== ", "bold"), (one_line(source), "bold"))
    _title(console, result, rule_set, dg)
    use_case = result.requirements.get("use_case")
    if use_case:
        _line(console, ("Use case: ", "italic"), (one_line(use_case), "italic"))
    console.print()
    console.print(score_bars(result, console.encoding.lower().startswith("utf"), indent=2))
    console.print()
    _why(console, result, dg)
    _excluded(console, result, dg)
    _changes(console, result)
    _assumed(console, result)
    if result.estimates is not None:
        console.print()
        _numbers(console, result.estimates, result.recommendation)
    console.print()
    _precedents(console, result)
    if dg.references:
        console.print()
        _references(console, dg)
    console.print()
    _line(
        console,
        (
            "More with --explain: every rule, source, assumption and candidate. "
            f"Rule set {one_line(result.rule_set.name)} {one_line(result.rule_set.version)}.",
            "dim",
        ),
    )


def short_report_text(result: Result, rule_set: RuleSet, *, width: int = 100) -> str:
    """The one-screen report as plain text (no colour, no terminal codes), e.g. for agents."""
    import io

    buffer = io.StringIO()
    console = Console(
        file=buffer, width=width, color_system=None, highlight=False, force_terminal=False
    )
    render_short(console, result, rule_set)
    return buffer.getvalue()
