"""Ingestion: importers for official files and (later) spiders for live sources. Both only
extract and hand over Facility records as JSON Lines; cleaning lives in `facility.normalize`."""
