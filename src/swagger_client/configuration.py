"""``Configuration``: the process-wide settings of the original client.

``Configuration()`` always returns the same object, as the original's did: setting
``Configuration().host`` before the first ``ContactApi()`` points every default
client at another server. TLS settings are read when an ``ApiClient`` is built.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from swagger_client.api_client import ApiClient

__all__ = ["Configuration"]

DEFAULT_HOST = "https://app.sendx.io/api/v1"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler that writes to whatever ``sys.stderr`` is when a record comes.

    The original bound the ``sys.stderr`` of import time; a redirected or closed
    stream (pytest's capture, a daemon) then broke logging. Otherwise the same.
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass  # always sys.stderr


class _Singleton(type):
    """Calling the class returns its one instance, built on the first call."""

    _instance: Any = None
    _lock = threading.Lock()

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls._instance is None:
            with _Singleton._lock:
                if cls._instance is None:
                    cls._instance = super().__call__(*args, **kwargs)
        return cls._instance


class Configuration(metaclass=_Singleton):
    """The settings every default ``ApiClient`` reads.

    - ``host``: base URL, default ``https://app.sendx.io/api/v1``; read when an
      ``ApiClient`` is built.
    - ``verify_ssl``, ``ssl_ca_cert``, ``cert_file``, ``key_file``: TLS, read when an
      ``ApiClient`` is built (CA bundle: ``ssl_ca_cert``, else certifi's, else the
      system's).
    - ``debug``: ``True`` sets the ``swagger_client`` and ``urllib3`` loggers to
      DEBUG (``False``: WARNING). Unlike the original it does not switch on
      ``http.client``'s wire dump, which printed the API key.
    - ``logger_file``: a path to log into instead of standard error;
      ``logger_format``: the format of both.
    - ``api_key``, ``api_key_prefix``, ``username``, ``password``: kept for code that
      sets them; the contact API takes its key as an argument, so no call reads them.
    """

    api_client: ApiClient | None

    def __init__(self) -> None:
        self.host = DEFAULT_HOST
        # The ApiClient that ContactApi() uses when it is given none.
        self.api_client = None
        self.temp_folder_path: str | None = None
        self.api_key: dict[str, str] = {}
        self.api_key_prefix: dict[str, str] = {}
        self.username = ""
        self.password = ""
        self.logger: dict[str, logging.Logger] = {
            "package_logger": logging.getLogger("swagger_client"),
            "urllib3_logger": logging.getLogger("urllib3"),
        }
        self.logger_stream_handler: logging.Handler | None = None
        self.logger_file_handler: logging.FileHandler | None = None
        self.logger_format = "%(asctime)s %(levelname)s %(message)s"
        self.logger_file = None
        self.debug = False
        self.verify_ssl = True
        self.ssl_ca_cert: str | None = None
        self.cert_file: str | None = None
        self.key_file: str | None = None

    @property
    def logger_file(self) -> str | None:
        """Where logs go: a file path, or ``None`` for standard error."""
        return self.__logger_file

    @logger_file.setter
    def logger_file(self, value: str | None) -> None:
        self.__logger_file = value
        # Replace the handler installed before. The original added a new one each time
        # and left replaced log files open.
        for previous in (self.logger_stream_handler, self.logger_file_handler):
            if previous is not None:
                for logger in self.logger.values():
                    logger.removeHandler(previous)
                previous.close()
        self.logger_stream_handler = self.logger_file_handler = None
        handler: logging.Handler
        if value:
            handler = self.logger_file_handler = logging.FileHandler(value)
        else:
            handler = self.logger_stream_handler = _StderrHandler()
        handler.setFormatter(self.logger_formatter)
        for logger in self.logger.values():
            logger.addHandler(handler)

    @property
    def debug(self) -> bool:
        """Debug logging on (DEBUG) or off (WARNING) for both loggers."""
        return self.__debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self.__debug = value
        level = logging.DEBUG if value else logging.WARNING
        for logger in self.logger.values():
            logger.setLevel(level)

    @property
    def logger_format(self) -> str:
        """The ``logging`` format string of the package's handlers."""
        return self.__logger_format

    @logger_format.setter
    def logger_format(self, value: str) -> None:
        self.__logger_format = value
        self.logger_formatter = logging.Formatter(value)
        for handler in (self.logger_stream_handler, self.logger_file_handler):
            if handler is not None:
                handler.setFormatter(self.logger_formatter)

    def get_api_key_with_prefix(self, identifier: str) -> str | None:
        """``api_key[identifier]``, preceded by its prefix and a space when one is set."""
        key = self.api_key.get(identifier)
        if not key:
            return None
        prefix = self.api_key_prefix.get(identifier)
        return f"{prefix} {key}" if prefix else key

    def get_basic_auth_token(self) -> str | None:
        """The ``Authorization`` value for ``username`` and ``password`` (unused by v1)."""
        import urllib3

        return urllib3.util.make_headers(basic_auth=f"{self.username}:{self.password}").get(
            "authorization"
        )

    def auth_settings(self) -> dict[str, Any]:
        """Authentication schemes: none, the v1 API takes ``api_key`` per call."""
        return {}

    def to_debug_report(self) -> str:
        """Platform, Python version, API version and package version, for bug reports."""
        return (
            "Python SDK Debug Report:\n"
            f"OS: {sys.platform}\n"
            f"Python Version: {sys.version}\n"
            "Version of the API: v1\n"
            "SDK Package Version: 1.0.0"
        )

    def __repr__(self) -> str:
        # Never show keys or passwords.
        return f"<swagger_client.Configuration host={self.host!r} debug={self.debug!r}>"
