"""`slmvllm trial`: decide on a team\x27s own graded request log (pure, no CLI libraries)."""
