"""`python -m slmvllm` runs the same entry point as the `slmvllm` command."""

from slmvllm.launch import main

if __name__ == "__main__":
    main()
