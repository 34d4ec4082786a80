"""Ingestion, grouped by source: `importers/` for official files, `findtreatment/` and `websites/`
for live sources (a Scrapy project: scrapy.cfg, `crawler.settings`). All only extract and hand
over records as staged JSON Lines (`facility.staging`); cleaning lives in `facility.normalize`."""
