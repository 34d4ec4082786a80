"""Renders the `site/` templates from the index into a static site (plain files)."""
