"""Every error answer of the API: raised as an exception, rendered here.

Routes and dependencies raise; `add_handlers` renders. Elasticsearch's own exceptions become a
503 with Retry-After wherever they are raised, and are logged and counted (`log_failure`). `Edge`
runs outside these handlers and renders its refusals with `Refusal.response`.
"""

import logging

from elastic_transport import TransportError
from elasticsearch import ApiError, NotFoundError
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from search_api.metrics import Metrics

log = logging.getLogger("iopfinder.api")


class Refusal(Exception):
    """An error answer: its status, its JSON body and, when trying again later may help, Retry-After."""
    status_code = 500

    def __init__(self, body: dict, retry_after: int | None = None):
        super().__init__(body)
        self.body, self.retry_after = body, retry_after

    def response(self) -> JSONResponse:
        headers = None if self.retry_after is None else {"Retry-After": str(self.retry_after)}
        return JSONResponse(self.body, status_code=self.status_code, headers=headers)


class NotFound(Refusal):
    status_code = 404

    def __init__(self, detail: str):
        super().__init__({"detail": detail})


class Unavailable(Refusal):
    """Elasticsearch is down, slow, or has no index behind the alias."""
    status_code = 503

    def __init__(self, retry_after: int):
        super().__init__({"detail": "search is temporarily unavailable; please try again shortly"}, retry_after)


class NotReady(Refusal):
    """The readiness probe's answer while search is unavailable."""
    status_code = 503

    def __init__(self, retry_after: int):
        super().__init__({"status": "unavailable"}, retry_after)


class Busy(Refusal):
    """More requests in flight than the service takes: refused at once rather than queued."""
    status_code = 503

    def __init__(self):
        super().__init__({"detail": "the service is busy; please try again in a moment"}, retry_after=1)


class RateLimited(Refusal):
    status_code = 429

    def __init__(self, retry_after: int):
        super().__init__({"detail": "too many searches from this client; please wait a moment"}, retry_after)


def invalid(param: str, message: str, value: object = None) -> RequestValidationError:
    """A 422 in FastAPI's own error shape, naming the parameter."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", param),
                                    "msg": message, "input": value}])


def log_failure(error: TransportError | ApiError, metrics: Metrics) -> None:
    metrics.failed(error)
    if not isinstance(error, NotFoundError):  # no index behind the alias is a state, not a failure
        log.warning("Elasticsearch failed: %s", error.__class__.__name__)


async def refused(request: Request, error: Refusal) -> JSONResponse:
    return error.response()


async def elasticsearch_failed(request: Request, error: TransportError | ApiError) -> JSONResponse:
    log_failure(error, request.app.state.metrics)
    return Unavailable(request.app.state.settings.retry_after_s).response()


async def unprocessable(request: Request, error: RequestValidationError) -> JSONResponse:
    errors = jsonable_encoder(error.errors())
    message = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                        for e in errors)
    return JSONResponse({"detail": errors, "message": message}, status_code=422)


def add_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Refusal, refused)
    app.add_exception_handler(TransportError, elasticsearch_failed)
    app.add_exception_handler(ApiError, elasticsearch_failed)
    app.add_exception_handler(RequestValidationError, unprocessable)
