"""slmvllm: advise whether a use case should run on a small, a large, or a hybrid language model."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("slmvllm")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
