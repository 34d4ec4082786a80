"""The search API: FastAPI over the `facilities` alias. Query clauses are pure functions
(`query`), parameters are checked at the edge (`params`), Elasticsearch failures become 503s."""
