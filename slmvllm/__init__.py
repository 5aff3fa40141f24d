"""slmvllm: advise whether a use case should run on a small, a large, or a hybrid language model."""

# The one place the version is written: the build reads it from here (pyproject's
# [tool.hatch.version]), and `slmvllm --version` prints it without reading package
# metadata, which costs a start-up of about 30 ms.
__version__ = "0.2.0"
