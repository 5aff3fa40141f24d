"""Views of a result: each returns text; the CLI decides where it goes."""
