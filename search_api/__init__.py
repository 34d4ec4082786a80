"""The search API: FastAPI over the `facilities` alias (`main`). Query clauses are pure functions
(`query`), parameters are checked at the edge (`params`), routes live in `routes`, and every error
answer, Elasticsearch failures included, is rendered by `errors`."""
