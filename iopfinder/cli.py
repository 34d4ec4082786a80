"""The `iopfinder` command: builds the app from its groups in iopfinder/commands/, which wire the rooms together.

Each command imports what it needs when it runs, so `iopfinder es status` loads neither Scrapy nor the API.
"""

import sys

import typer

from iopfinder.commands import backup, crawl, data, es, export, imports, index, serve, site

app = typer.Typer(help="IOP Finder: a directory and search service for intensive outpatient programs.",
                  no_args_is_help=True, add_completion=False)
app.add_typer(es.app, name="es")
app.add_typer(crawl.app, name="crawl")
app.add_typer(imports.app, name="import")
app.add_typer(site.app, name="site")
app.add_typer(data.app, name="data")
app.add_typer(backup.app, name="backup")
app.add_typer(export.app, name="export")
app.command("index")(index.index)
app.command("serve")(serve.serve)


def main() -> None:  # pragma: no cover - entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
