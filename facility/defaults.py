"""Every tunable of IOP Finder in one place. Settings objects read overrides from the
environment once; code elsewhere never hard-codes these numbers."""

# Elasticsearch: one pinned 8.x version for the local node, tests, CI and docker-compose.yml.
ELASTICSEARCH_VERSION = "8.19.21"
ELASTICSEARCH_HEAP = "512m"
ELASTICSEARCH_START_TIMEOUT_S = 180
ELASTICSEARCH_REQUEST_TIMEOUT_S = 60

# Indexer.
INDEX_ALIAS = "facilities"
INDEX_SHARDS = 1
INDEX_REPLICAS = 0
BULK_DOCS = 2000
BULK_THREADS = 2
MIN_KEPT_RATIO = 0.9  # a new index with fewer docs than this share of the live one is not swapped in
MAX_INVALID_SHARE = 0.05  # more invalid input lines than this share means a corrupt file: no swap
