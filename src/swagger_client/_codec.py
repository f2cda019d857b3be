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
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any
from urllib.parse import urlencode

import msgspec

__all__ = ["deserialize_data", "parse_body", "query_string", "sanitize"]

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
    # Strings are most of what passes here (header and query values), so they are
    # answered first, inline in the containers too.
    if obj is None or type(obj) is str or isinstance(obj, _PRIMITIVES):
        return obj
    if isinstance(obj, dict):
        return {key: value if type(value) is str else sanitize(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [item if type(item) is str else sanitize(item) for item in obj]
    if isinstance(obj, tuple):
        return tuple(item if type(item) is str else sanitize(item) for item in obj)
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return obj.isoformat()
    result = {}
    values = obj.__dict__ if hasattr(obj, "__dict__") else {}
    cls: Any = type(obj)
    for attr, key, private in _fields(cls):
        value = values.get(private) if private else getattr(obj, attr)
        if value is not None:
            result[key] = value if type(value) is str else sanitize(value)
    return result


@lru_cache(maxsize=64)
def _fields(cls: Any) -> tuple[tuple[str, str, str | None], ...]:
    """A model class's attributes as (name, JSON key, storage slot): the slot when the
    attribute is a plain :class:`Attribute` (read directly, the fast path), else
    ``None`` (read with ``getattr``, so overridden properties still work)."""
    from swagger_client.models._base import Attribute

    try:
        types, names = cls.swagger_types, cls.attribute_map
    except AttributeError:
        raise TypeError(
            f"cannot serialize a {cls.__name__}: use a model, dict, list, str, "
            "number, bool, date or None"
        ) from None
    fields = []
    for attr in types:
        descriptor = getattr(cls, attr, None)
        private = descriptor.private if type(descriptor) is Attribute else None
        fields.append((attr, names[attr], private))
    return tuple(fields)


def query_string(pairs: Any) -> str:
    """``urlencode(pairs)``, remembered for pairs seen before (the team id of every
    identify, mostly)."""
    try:
        return _cached_query(tuple(pairs))
    except TypeError:  # an unhashable value
        return urlencode(pairs)


@lru_cache(maxsize=512)
def _cached_query(pairs: tuple[Any, ...]) -> str:
    return urlencode(pairs)


def parse_body(text: Any) -> Any:
    """The body as JSON, or the text itself when it is not JSON (as the original).

    JSON nested too deeply to decode raises ``ApiException`` (status 0), where the
    original crashed with a bare ``RecursionError``.
    """
    try:
        try:
            return _decode(text)
        except (msgspec.DecodeError, TypeError):
            pass
        try:
            # json accepts what msgspec refuses (NaN, Infinity); the original used json.
            return json.loads(text)
        except (ValueError, TypeError):
            return text
    except RecursionError:
        from swagger_client.rest import ApiException

        raise ApiException(
            status=0,
            reason="Failed to parse the answer: JSON nested too deeply to decode, which "
            "SendX never sends; check Configuration().host and any proxy on the way",
        ) from None


def deserialize_data(data: Any, klass: Any) -> Any:
    """``data`` (decoded JSON) as ``klass``: a type name (``"ContactResponse"``,
    ``"list[str]"``, ``"dict(str, str)"``, ``"int"`` ...) or a class."""
    return _converter(klass)(data)


Converter = Callable[[Any], Any]


@lru_cache(maxsize=256)
def _converter(klass: Any) -> Converter:
    """The function that reads decoded JSON as ``klass``, built once per type: the
    type name is parsed and a model's fields are listed only the first time."""
    if isinstance(klass, str):
        match = _LIST.fullmatch(klass)
        if match:
            return _list_of(_converter(match.group(1)))
        match = _DICT.fullmatch(klass)
        if match:
            return _dict_of(_converter(match.group(2)))
        if klass in _NATIVE:
            klass = _NATIVE[klass]
        else:
            from swagger_client import models

            klass = getattr(models, klass)
    if klass is str:
        return _to_str
    if klass in _PRIMITIVES:
        return partial(_primitive, klass)
    if klass is object:
        return _identity
    if klass is datetime.date or klass is datetime.datetime:
        return partial(_parse_date, klass)
    return _model_of(klass)


def _identity(data: Any) -> Any:
    return data


def _to_str(data: Any) -> Any:
    # The common case first: JSON text is already a str.
    if data is None or type(data) is str:
        return data
    return str(data)


def _primitive(klass: Any, data: Any) -> Any:
    if data is None:
        return None
    try:
        return klass(data)
    except TypeError:
        return data


def _list_of(item: Converter) -> Converter:
    def convert(data: Any) -> Any:
        # Where the original crashed or split a string into letters: None.
        if not isinstance(data, list):
            return None
        return [item(value) for value in data]

    return convert


def _dict_of(item: Converter) -> Converter:
    def convert(data: Any) -> Any:
        if not isinstance(data, dict):
            return None
        return {key: item(value) for key, value in data.items()}

    return convert


def _parse_date(klass: Any, data: Any) -> Any:
    if data is None:
        return None
    from swagger_client.rest import ApiException

    try:
        value = klass.fromisoformat(data)
    except (TypeError, ValueError):
        kind = "date" if klass is datetime.date else "datetime"
        raise ApiException(
            status=0, reason=f"Failed to parse `{data}` into a {kind} object"
        ) from None
    return value


def _model_of(klass: Any) -> Converter:
    types = klass.swagger_types
    if not types:
        return _identity
    names = klass.attribute_map
    fields = [(attr, names[attr], _converter(attr_type)) for attr, attr_type in types.items()]

    def convert(data: Any) -> Any:
        if data is None:
            return None
        if not isinstance(data, dict):
            # A model read from text, a number or a list is an empty model.
            return klass()
        return klass(**{attr: read(data[key]) for attr, key, read in fields if key in data})

    return convert
