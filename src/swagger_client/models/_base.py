"""What every model of the original client shares: properties, ``to_dict``, ``==``.

The original generated one class per model with a property pair per attribute; here
one :class:`Attribute` descriptor and one :class:`Model` base class give the same
observable behaviour (``swagger_types``, ``attribute_map``, ``to_dict()`` with
snake_case keys and ``None`` included, ``to_str()`` as ``pprint.pformat``, ``repr``
equal to ``to_str()``, equality by attribute values).
"""

from __future__ import annotations

from pprint import pformat
from typing import Any, ClassVar, Generic, TypeVar, overload

__all__ = ["Attribute", "Model"]

T = TypeVar("T")


class Attribute(Generic[T]):
    """A model property stored in the instance as ``_<name>``, like the original's.

    ``required`` makes assigning ``None`` raise ``ValueError`` with the original's
    message; the constructor does not check (the original's did not either).
    """

    def __init__(self, doc: str, *, required: bool = False) -> None:
        self.__doc__ = doc
        self.required = required
        self.name = ""
        self.private = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name
        self.private = "_" + name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Attribute[T]: ...

    @overload
    def __get__(self, obj: object, owner: type | None = None) -> T | None: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj.__dict__[self.private]

    def __set__(self, obj: object, value: T | None) -> None:
        if value is None and self.required:
            raise ValueError(f"Invalid value for `{self.name}`, must not be `None`")
        obj.__dict__[self.private] = value


def _plain(value: Any) -> Any:
    """A value as ``to_dict`` shows it: models become dicts, one level into containers."""
    if isinstance(value, list):
        return [item.to_dict() if hasattr(item, "to_dict") else item for item in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, dict):
        return {
            key: item.to_dict() if hasattr(item, "to_dict") else item for key, item in value.items()
        }
    return value


class Model:
    """Base of the five models: the behaviour every generated model had.

    ``swagger_types`` maps each attribute to its type name (``"str"``,
    ``"list[str]"``, ``"dict(str, str)"`` or a model name); ``attribute_map`` maps it
    to its camelCase JSON key. Both are in the original's attribute order, which is
    also the JSON key order on the wire.
    """

    swagger_types: ClassVar[dict[str, str]] = {}
    attribute_map: ClassVar[dict[str, str]] = {}

    def to_dict(self) -> dict[str, Any]:
        """The attributes as a dict with snake_case keys, ``None`` values included."""
        return {attr: _plain(getattr(self, attr)) for attr in self.swagger_types}

    def to_str(self) -> str:
        """``pprint.pformat`` of :meth:`to_dict` (keys sorted, as pprint does)."""
        return pformat(self.to_dict())

    def __repr__(self) -> str:
        return self.to_str()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __ne__(self, other: object) -> bool:
        return not self == other

    # Models are mutable and compare by value, so (as in the original) not hashable.
    __hash__ = None  # type: ignore[assignment]
