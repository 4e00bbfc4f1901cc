"""The native part of zoom_sdk (Rust, PyO3). Use :class:`zoom_sdk.Client` instead."""

from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from typing_extensions import final

__all__ = ["__version__", "NativeClient", "error_kinds", "_panic_for_test"]

__version__: str

def error_kinds() -> List[Tuple[str, int]]: ...
def _panic_for_test() -> None: ...

@final
class NativeClient:
    def __new__(
        cls, settings: Optional[Dict[str, Any]] = None, from_env: bool = False
    ) -> "NativeClient": ...
    def call(
        self,
        op: str,
        args: Optional[Dict[str, Any]] = None,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Any: ...
    def call_async(
        self,
        op: str,
        args: Optional[Dict[str, Any]] = None,
        progress: Optional[Callable[[Dict[str, Any]], None]] = None,
    ) -> Awaitable[Any]: ...
    def verify_webhook(
        self, body: bytes, timestamp: Optional[str], signature: Optional[str]
    ) -> Dict[str, Any]: ...
    def handle_webhook(
        self, body: bytes, timestamp: Optional[str], signature: Optional[str]
    ) -> Dict[str, Any]: ...
    def handle_webhook_async(
        self, body: bytes, timestamp: Optional[str], signature: Optional[str]
    ) -> Awaitable[Dict[str, Any]]: ...
    def url_validation(self, plain_token: str) -> Dict[str, str]: ...
    @classmethod
    def operations(cls) -> List[str]: ...
