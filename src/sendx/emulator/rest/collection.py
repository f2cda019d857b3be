"""Create, get, update, delete and list for a kind of object kept in
:class:`~sendx.emulator.store.objects.Objects`: what most REST families are.

A family declares a :class:`Collection` (its kind, path, id prefix, the Structs of its
create and update bodies, its wire form) and gets its five routes. The rules:

- create answers 201 with the object; a unique property (a name) already taken in the
  team is refused with the family's status (403 for most, as SendX's spec says);
- update is partial: properties absent from the body are kept; renaming onto a taken
  name is refused the same way (with another status where SendX's spec says another:
  post tags answer 403 on create, 409 on update);
- delete answers ``{"status": "success", ...}``, and the family's ``on_delete`` hook
  undoes what referred to the object (a deleted tag leaves every contact);
- list pages with ``offset``/``limit`` (the family's default and maximum), oldest
  first, or answers every object when the family has no paging (senders, webhooks);
  a family with ``search`` takes ``search`` (2 to 100 characters): only the objects
  whose name holds it, in any case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from sendx.emulator.rest.errors import NOT_FOUND, RestError
from sendx.emulator.rest.request import Reply, Request, deleted
from sendx.emulator.rest.routing import Param, Route
from sendx.emulator.rest.schema import OFFSET, Deleted, limit
from sendx.emulator.store.objects import UNIQUE
from sendx.emulator.store.records import new_id

__all__ = ["Collection", "given"]

Obj = dict[str, Any]

MIN_SEARCH, MAX_SEARCH = 2, 100
SEARCH = Param(
    "search",
    {"type": "string", "minLength": MIN_SEARCH, "maxLength": MAX_SEARCH},
    "Only the objects whose name holds this, in any case.",
)


def given(struct: msgspec.Struct) -> dict[str, Any]:
    """The properties a body set, by their wire (camelCase) names: ``UNSET`` ones
    are left out."""
    names = struct.__struct_encode_fields__
    return {
        wire: value
        for field, wire in zip(struct.__struct_fields__, names, strict=True)
        if (value := getattr(struct, field)) is not msgspec.UNSET
    }


@dataclass(frozen=True)
class Collection:
    """The five operations on one kind of object.

    ``check`` sees the properties given (create or update) and the object as it would
    become; it raises :class:`RestError` or returns the properties to store.
    ``defaults`` fill what a create leaves out. ``wire`` gives the answer's form (by
    default the object without the keys that start with ``_``).
    """

    kind: str
    path: str
    prefix: str
    operations: str  # the name in SendX's operationIds: "List" -> createList, getAllLists
    create: type[msgspec.Struct]
    answer: type[msgspec.Struct]  # the wire form, for the OpenAPI document
    update: type[msgspec.Struct] | None = None
    defaults: Callable[[], Obj] = dict
    check: Callable[[Request, Obj, Obj | None], Obj] | None = None
    wire: Callable[[Request, Obj], Obj] | None = None
    page: tuple[int, int] | None = (10, 100)
    taken_status: int = 403
    taken_message: str = "Resource with this name already exists"
    taken_on_update: int | None = None  # when the update's status differs from create's
    search: bool = False
    on_delete: Callable[[Request, Obj], None] | None = None
    on_update: Callable[[Request, Obj, Obj], None] | None = None
    plural: str | None = None

    def routes(self) -> list[Route]:
        name = self.operations
        plural = self.plural or name + "s"
        one = self.path + "/{identifier}"
        by_id = (("identifier", "$response.body#/id"),)
        links = [(f"get{name}", f"get{name}", by_id), (f"delete{name}", f"delete{name}", by_id)]
        if self.update is not None:
            links.append((f"update{name}", f"update{name}", by_id))
        paged = () if self.page is None else (OFFSET, limit(*self.page))
        query = (*paged, SEARCH) if self.search else paged
        taken = self.taken_status
        found = [
            Route(
                "GET",
                self.path,
                self.list,
                f"getAll{plural}",
                answer=list[self.answer],  # type: ignore[name-defined]
                query=query,
                errors=(400, 401) if query else (401,),
            ),
            Route(
                "POST",
                self.path,
                self.create_one,
                f"create{name}",
                body=self.create,
                answer=self.answer,
                status=201,
                errors=(400, 401, taken, 422),
                links=tuple(links),
            ),
            Route("GET", one, self.get, f"get{name}", answer=self.answer, errors=(400, 401, 404)),
            Route(
                "DELETE", one, self.delete, f"delete{name}", answer=Deleted, errors=(400, 401, 404)
            ),
        ]
        if self.update is not None:
            found.append(
                Route(
                    "PUT",
                    one,
                    self.update_one,
                    f"update{name}",
                    body=self.update,
                    answer=self.answer,
                    errors=(400, 401, self._taken_on_update, 404, 422),
                )
            )
        return found

    # The operations

    def list(self, request: Request) -> Reply:
        items = request.objects.all(request.team.pk, self.kind)
        if self.search:
            items = _matching(request, items)
        if self.page is not None:
            items = request.page(*self.page).slice(items)
        return Reply(200, [self._wire(request, obj) for obj in items])

    def get(self, request: Request) -> Reply:
        return Reply(200, self._wire(request, self.find(request)))

    def create_one(self, request: Request) -> Reply:
        properties = given(request.json(self.create))
        obj: Obj = {"id": self.prefix + new_id(), **properties}
        for key, value in self.defaults().items():
            obj.setdefault(key, value)
        if self.check is not None:
            obj.update(self.check(request, properties, None))
        self._free(request, obj, None, self.taken_status)
        obj["created"] = obj["updated"] = request.at
        request.objects.put(request.team.pk, self.kind, obj)
        return Reply(201, self._wire(request, obj))

    def update_one(self, request: Request) -> Reply:
        assert self.update is not None
        current = self.find(request)
        properties = given(request.json(self.update))
        obj = {**current, **properties}
        if self.check is not None:
            obj.update(self.check(request, properties, current))
        self._free(request, obj, current, self._taken_on_update)
        obj["updated"] = request.at
        if self.on_update is not None:
            self.on_update(request, current, obj)
        request.objects.put(request.team.pk, self.kind, obj)
        return Reply(200, self._wire(request, obj))

    def delete(self, request: Request) -> Reply:
        obj = self.find(request)
        if self.on_delete is not None:
            self.on_delete(request, obj)
        request.objects.delete(request.team.pk, self.kind, obj["id"])
        return deleted(f"{self.operations} {obj.get('name', obj['id'])!r}")

    # Helpers

    def find(self, request: Request) -> Obj:
        """The object the path names; 404 when the team has none."""
        obj = request.objects.get(request.team.pk, self.kind, request.id(self.prefix))
        if obj is None:
            raise RestError(404, NOT_FOUND)
        return obj

    @property
    def _taken_on_update(self) -> int:
        return self.taken_status if self.taken_on_update is None else self.taken_on_update

    def _free(self, request: Request, obj: Obj, current: Obj | None, status: int) -> None:
        unique = UNIQUE.get(self.kind)
        if unique is None or unique not in obj:
            return
        holder = request.objects.find(request.team.pk, self.kind, obj[unique])
        if holder is not None and (current is None or holder["id"] != current["id"]):
            raise RestError(status, self.taken_message)

    def _wire(self, request: Request, obj: Obj) -> Obj:
        if self.wire is not None:
            return self.wire(request, obj)
        return {key: value for key, value in obj.items() if not key.startswith("_")}


def _matching(request: Request, items: list[Obj]) -> list[Obj]:
    """The objects whose name holds the query's ``search``, in any case (all of them
    without one); 400 for a search out of its bounds."""
    search = request.query.get("search")
    if search is None:
        return items
    if not MIN_SEARCH <= len(search) <= MAX_SEARCH:
        raise RestError(400, f"search must be {MIN_SEARCH} to {MAX_SEARCH} characters")
    folded = search.casefold()
    return [obj for obj in items if folded in obj.get("name", "").casefold()]
