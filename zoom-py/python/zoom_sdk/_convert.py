"""Python values to the JSON the core takes: ``datetime`` to RFC 3339 (UTC), ``date`` to
``YYYY-MM-DD``, models to their JSON, ``None`` entries of argument dicts left out."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, Dict, Mapping, Optional

from .models import Model, Page


def jsonable(value: Any) -> Any:
    """``value`` with datetimes, dates, models and tuples turned into JSON types."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(
                f"naive datetime {value!r}: give a timezone-aware datetime "
                "(e.g. datetime(..., tzinfo=timezone.utc))"
            )
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (Model, Page)):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def args(user_id: Optional[str] = None, **fields: Any) -> Dict[str, Any]:
    """An operation's arguments: ``user_id`` and every field that is not ``None``."""
    out: Dict[str, Any] = {k: jsonable(v) for k, v in fields.items() if v is not None}
    if user_id is not None:
        out["user_id"] = user_id
    return out


def query(**fields: Any) -> Dict[str, Any]:
    """A listing's query: the fields that are not ``None`` (``type_`` is Zoom's ``type``,
    ``from_`` is ``from``)."""
    out: Dict[str, Any] = {}
    for k, v in fields.items():
        if v is not None:
            out[k.rstrip("_")] = jsonable(v)
    return out
