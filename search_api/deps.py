"""What routes depend on: the settings and the Elasticsearch client, both kept in the app's state.

Module-level functions, so that tests can replace them through `app.dependency_overrides`.
Coroutines, so that FastAPI calls them on the event loop rather than in a worker thread.
"""

from typing import Annotated

from elasticsearch import AsyncElasticsearch
from fastapi import Depends, Request

from search_api.settings import ApiSettings


async def get_settings(request: Request) -> ApiSettings:
    return request.app.state.settings


async def get_client(request: Request) -> AsyncElasticsearch:
    return request.app.state.es


Settings = Annotated[ApiSettings, Depends(get_settings)]
Client = Annotated[AsyncElasticsearch, Depends(get_client)]
