"""Spiders only extract: they yield raw rows with where and when they were fetched."""
