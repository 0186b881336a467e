"""A reviewer's edits to a canonical event: which fields, how they are checked, how applied.

Edits are stored apart from the machine's values (``event_reviews.overrides``) and applied
on top of every rebuild of the canonical event, so a correction survives new reports
joining the event, and the machine's value stays visible beside it (``review.edited``).
Nothing the extractor produced is overwritten in place.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import pycountry

from khabar.errors import KhabarError
from khabar.model import EVENT_TYPES, STATUSES

__all__ = ["EDITABLE", "REVIEW_STATES", "check_value", "apply_overrides", "current_value"]

REVIEW_STATES = ("confirmed", "rejected")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def check(v: str) -> str:
        if v not in options:
            raise ValueError("choose from " + ", ".join(options))
        return v
    return check


def _date(v: str) -> str:
    if not _DATE.match(v):
        raise ValueError("write YYYY, YYYY-MM or YYYY-MM-DD")
    from datetime import date
    parts = [int(p) for p in v.split("-")]
    date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)  # raises if impossible
    return v


def _country(v: str) -> str:
    found = pycountry.countries.get(alpha_2=v.upper())
    if found is None:
        raise ValueError("not an ISO 3166 alpha-2 country code")
    return found.alpha_2


def _count(v: str) -> int:
    n = int(v)
    if n < 0 or n > 10_000_000:
        raise ValueError("a count between 0 and 10,000,000")
    return n


def _coord(limit: float) -> Callable[[str], float]:
    def check(v: str) -> float:
        x = float(v)
        if not math.isfinite(x) or abs(x) > limit:
            raise ValueError(f"a number between -{limit:g} and {limit:g}")
        return round(x, 5)
    return check


def _text(v: str) -> str:
    v = " ".join(v.split())
    if len(v) > 200:
        raise ValueError("at most 200 characters")
    return v


EDITABLE: dict[str, Callable[[str], Any]] = {
    "type": _choice(EVENT_TYPES),
    "subtype": _text,
    "status": _choice(STATUSES),
    "date_start": _date,
    "date_end": _date,
    "location_name": _text,
    "country": _country,
    "admin1": _text,
    "lat": _coord(90),
    "lon": _coord(180),
    "fatalities_min": _count,
    "fatalities_max": _count,
    "injuries_min": _count,
    "injuries_max": _count,
}


def check_value(field: str, value: Any) -> Any:
    """The value a reviewer typed, checked and converted; ``None`` means 'back to the machine's'."""
    if field not in EDITABLE:
        raise KhabarError.make("E521", field=field, choices=", ".join(EDITABLE))
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return EDITABLE[field](str(value).strip())
    except (ValueError, TypeError) as exc:
        raise KhabarError.make("E522", value=str(value)[:80], field=field, why=str(exc)) from None


def _precision(day: str) -> str:
    return {4: "year", 7: "month", 10: "day"}[len(day)]


def current_value(event: dict[str, Any], field: str) -> Any:
    """A field's value in a contract-shaped event dict (as shown before an edit)."""
    if field in ("type", "subtype", "status"):
        return event.get(field)
    if field.startswith("date_"):
        return (event.get("date") or {}).get(field[5:])
    if field in ("fatalities_min", "fatalities_max", "injuries_min", "injuries_max"):
        kind, end = field.split("_")
        return (event.get(kind) or {}).get(end)
    key = "name" if field == "location_name" else field
    return (event.get("location") or {}).get(key)


def apply_overrides(event: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Apply a reviewer's edits to a reconciled event, recording each machine value.

    Returns the ``edited`` map ``{field: {"machine": old, "value": new}}``; ``event`` is
    changed in place. Fields edited by a reviewer carry ``basis: "review"``.
    """
    edited: dict[str, Any] = {}
    for field, value in sorted(overrides.items()):
        if field not in EDITABLE:
            continue
        edited[field] = {"machine": current_value(event, field), "value": value}
        if field in ("type", "subtype", "status"):
            event[field] = value
        elif field.startswith("date_"):
            date = dict(event.get("date") or {})
            date[field[5:]] = value
            if field == "date_start":
                date["precision"] = _precision(value)
            date.update(basis="review", text=None, evidence=None)
            event["date"] = date
        elif field in ("fatalities_min", "fatalities_max", "injuries_min", "injuries_max"):
            kind, end = field.split("_")
            toll = dict(event.get(kind) or {})
            toll[end] = value
            toll.setdefault("min" if end == "max" else "max", None)
            toll["basis"] = "review"
            lo, hi = toll.get("min"), toll.get("max")
            toll["text"] = str(lo) if hi in (None, lo) else f"{lo}-{hi}"
            event[kind] = toll
        else:
            loc = dict(event.get("location") or {})
            loc["name" if field == "location_name" else field] = value
            loc["basis"] = "review"
            event["location"] = loc
    return edited
