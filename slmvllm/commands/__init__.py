"""One module per CLI verb; each registers itself on `slmvllm.cli.app`."""
