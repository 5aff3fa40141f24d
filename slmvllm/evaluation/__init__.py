"""Measuring the advice against labelled, documented decisions (pure: no typer, no rich)."""
