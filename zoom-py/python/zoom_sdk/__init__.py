"""Python bindings of the zoom-sdk Rust core."""

from ._zoom_sdk import __version__

__all__ = ["__version__"]
