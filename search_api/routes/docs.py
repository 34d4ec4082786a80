"""The API's interactive docs: Swagger UI over /openapi.json, every file served from our own origin.

Swagger UI comes from the pinned swagger-ui-bundle-v2 package; only the files the page needs are
served. The page has no inline script, so `Edge` can give /docs a policy that allows only this origin.
"""

from html import escape
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

from search_api.errors import NotFound

router = APIRouter(include_in_schema=False)

SWAGGER_UI = Path(swagger_ui_path)
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}
ASSET_CACHING = {"Cache-Control": "public, max-age=86400"}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="icon" type="image/png" sizes="32x32" href="/docs/assets/favicon-32x32.png">
<link rel="icon" type="image/png" sizes="16x16" href="/docs/assets/favicon-16x16.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

# validatorUrl: null, or Swagger UI shows a badge image fetched from validator.swagger.io.
INIT = 'window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", validatorUrl: null});\n'


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(PAGE.format(title=escape(request.app.title)))


@router.get("/docs/init.js")
async def init() -> Response:
    return Response(INIT, media_type="text/javascript")


@router.get("/docs/assets/{name}")
async def asset(name: str) -> FileResponse:
    if name not in ASSET_TYPES:
        raise NotFound(f"no docs asset {name}")
    return FileResponse(SWAGGER_UI / name, media_type=ASSET_TYPES[name], headers=ASSET_CACHING)
