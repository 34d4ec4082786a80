"""Facility websites: the spider, what a page says (text, scope, schema), a site's findings added
up (facts), the site matched to a listed facility (keys, listed, match), and the pipeline that
stages them as Enrichment records."""
