"""The control plane under ``/_emulator`` (:mod:`.plane`) and the emulator's OpenAPI
document (:mod:`.openapi`, its schemas in :mod:`.openapi_schemas`)."""
