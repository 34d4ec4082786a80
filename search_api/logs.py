"""The API process's log lines: text for people, or one JSON object a line for a log collector
(`IOPFINDER_LOG_FORMAT=json`), in which the request log's fields (method, path, query, status,
duration_ms, route) are keys of their own."""

import logging

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

TEXT = "%(asctime)s %(name)s %(levelname)s %(message)s"


def log_handler(log_format: str) -> logging.Handler:
    """A handler to standard error writing lines in `log_format`, "text" or "json"."""
    handler = logging.StreamHandler()
    if log_format == "json":
        # color_message: uvicorn's copy of its message with terminal colours
        handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s", timestamp="time",
                                           rename_fields={"levelname": "level", "name": "logger"},
                                           reserved_attrs=[*RESERVED_ATTRS, "color_message"]))
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    return handler
