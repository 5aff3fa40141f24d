"""One module per CLI verb (`<verb>.py`: parse, call the core, render, exit code), each beside
its command-line face (`<verb>_cli.py`: the typer options), which `slmvllm.cli` registers."""
