"""Turning models into JSON-ready values and answers back into models.

The rules are the original client's, so that the same objects give the same bytes
and the same answers give the same models:

- out: ``None`` attributes are left out, keys are the camelCase names of
  ``attribute_map`` in ``swagger_types`` order, dates become ISO strings;
- in: unknown keys are ignored, missing keys give ``None``, a primitive type
  converts with its constructor (a numeric ``status`` becomes ``"200"``), and a
  model read from anything but an object is an empty model.
"""

from __future__ import annotations

import datetime
import json
import re
from functools import lru_cache
from typing import Any

import msgspec

__all__ = ["deserialize_data", "parse_body", "sanitize"]

_PRIMITIVES = (float, bool, bytes, str, int)
_NATIVE: dict[str, Any] = {
    "int": int,
    "long": int,
    "float": float,
    "str": str,
    "bool": bool,
    "date": datetime.date,
    "datetime": datetime.datetime,
    "object": object,
}
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
_decode = msgspec.json.Decoder().decode


def sanitize(obj: Any) -> Any:
    """``obj`` as plain JSON-ready data (what ``ApiClient.sanitize_for_serialization``
    returns)."""
    if obj is None or isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, list):
        return [sanitize(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(sanitize(item) for item in obj)
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {key: sanitize(value) for key, value in obj.items()}
    try:
        types, names = obj.swagger_types, obj.attribute_map
    except AttributeError:
        raise TypeError(
            f"cannot serialize a {type(obj).__name__}: use a model, dict, list, str, "
            "number, bool, date or None"
        ) from None
    result = {}
    for attr in types:
        value = getattr(obj, attr)
        if value is not None:
            result[names[attr]] = sanitize(value)
    return result


def parse_body(text: Any) -> Any:
    """The body as JSON, or the text itself when it is not JSON (as the original)."""
    try:
        return _decode(text)
    except (msgspec.DecodeError, TypeError):
        pass
    try:
        # json accepts what msgspec refuses (NaN, Infinity); the original used json.
        return json.loads(text)
    except (ValueError, TypeError):
        return text


@lru_cache(maxsize=256)
def _parse_type(name: str) -> tuple[str, Any]:
    """A type name as (kind, detail): ``("list", "str")``, ``("dict", "str")``,
    ``("native", int)`` or ``("model", "Contact")``."""
    match = _LIST.fullmatch(name)
    if match:
        return "list", match.group(1)
    match = _DICT.fullmatch(name)
    if match:
        return "dict", match.group(2)
    if name in _NATIVE:
        return "native", _NATIVE[name]
    return "model", name


def deserialize_data(data: Any, klass: Any) -> Any:
    """``data`` (decoded JSON) as ``klass``: a type name (``"ContactResponse"``,
    ``"list[str]"``, ``"dict(str, str)"``, ``"int"`` ...) or a class."""
    if data is None:
        return None
    if isinstance(klass, str):
        kind, detail = _parse_type(klass)
        if kind == "list":
            # Where the original crashed or split a string into letters, None.
            if not isinstance(data, list):
                return None
            return [deserialize_data(item, detail) for item in data]
        if kind == "dict":
            if not isinstance(data, dict):
                return None
            return {key: deserialize_data(value, detail) for key, value in data.items()}
        if kind == "native":
            klass = detail
        else:
            from swagger_client import models

            klass = getattr(models, detail)
    if klass in _PRIMITIVES:
        try:
            return klass(data)
        except TypeError:
            return data
    if klass is object:
        return data
    if klass is datetime.date or klass is datetime.datetime:
        return _parse_date(data, klass)
    return _model(data, klass)


def _parse_date(data: Any, klass: Any) -> Any:
    from swagger_client.rest import ApiException

    try:
        value = klass.fromisoformat(data)
    except (TypeError, ValueError):
        kind = "date" if klass is datetime.date else "datetime"
        raise ApiException(
            status=0, reason=f"Failed to parse `{data}` into a {kind} object"
        ) from None
    return value


def _model(data: Any, klass: Any) -> Any:
    types = klass.swagger_types
    if not types:
        return data
    kwargs = {}
    if isinstance(data, dict):
        names = klass.attribute_map
        for attr, attr_type in types.items():
            key = names[attr]
            if key in data:
                kwargs[attr] = deserialize_data(data[key], attr_type)
    return klass(**kwargs)
