"""sendx.types: every REST model, for annotations, loaded lazily; REST modules load
at a family's first use, never with ``import sendx``."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys

import msgspec
import pytest

import sendx.resources
import sendx.types


def _loaded_after(code: str) -> list[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def _public_models() -> dict[str, type[msgspec.Struct]]:
    """Every public Struct of the resource modules (what the REST methods answer)."""
    found: dict[str, type[msgspec.Struct]] = {}
    for info in pkgutil.iter_modules(sendx.resources.__path__):
        module = importlib.import_module(f"sendx.resources.{info.name}")
        for name, value in vars(module).items():
            if (
                not name.startswith("_")
                and inspect.isclass(value)
                and issubclass(value, msgspec.Struct)
                and value.__module__ == module.__name__
            ):
                found[name] = value
    return found


def test_every_model_is_there() -> None:
    models = _public_models()
    assert set(models) >= {"ContactRecord", "ContactList", "Tag", "Post", "Deleted", "Member"}
    missing = sorted(set(models) - set(sendx.types.__all__))
    assert missing == [], f"add these to sendx.types: {missing}"
    for name, model in models.items():
        assert getattr(sendx.types, name) is model
        assert model.__doc__, name
        assert model.__struct_config__.frozen, name


def test_names_and_dir() -> None:
    assert sorted(dir(sendx.types)) == sorted(sendx.types.__all__)
    for name in sendx.types.__all__:
        assert getattr(sendx.types, name) is not None
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        sendx.types.Nope  # noqa: B018


def test_import_is_light() -> None:
    """``import sendx.types`` loads no model yet (nor msgspec, nor the HTTP stack)."""
    loaded = _loaded_after("import sendx.types")
    heavy = ["msgspec", "urllib3", "aiohttp", "sendx._core", "sendx.resources._rest"]
    assert [name for name in heavy if name in loaded] == []
    loaded = _loaded_after("from sendx.types import Tag")
    assert "sendx.resources.tags" in loaded
    assert "sendx.resources.posts" not in loaded


def test_rest_families_load_at_first_use() -> None:
    """A client that never calls a family never loads its module."""
    families = ["tags", "custom_fields", "templates", "webhooks", "posts", "post_categories"]
    families += ["post_tags", "senders", "members"]
    loaded = _loaded_after("import sendx\nsendx.SendX('k').close()")
    assert [f for f in families if f"sendx.resources.{f}" in loaded] == []
    loaded = _loaded_after("import sendx\nc = sendx.SendX('k')\nc.tags\nc.close()")
    assert [f for f in families if f"sendx.resources.{f}" in loaded] == ["tags"]
