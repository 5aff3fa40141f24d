"""The advice half: the article's trade-offs as conditions, rule sets, questions, the engine."""
