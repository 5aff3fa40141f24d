"""Reviewing a rule set by what it does to real use cases: `rules explain` and `rules diff`.

Every result here comes from the one core function, `slmvllm.advisor.advise`:
`explain_rule` advises each use case with and without the rule, `diff_rule_sets`
with the old and the new rule set, and both report what moved and which rules
moved it. Pure apart from reading the requirements files (`read_cases`).

`cases` reads the use cases and advises one (`Outcome`); `explanation` and `diff` hold
the two reviews and the models their views (`slmvllm.render.rule_review_view`) read.
"""
