"""Every tunable of IOP Finder in one place. Settings objects read overrides from the
environment once; code elsewhere never hard-codes these numbers."""

# Elasticsearch: one pinned 8.x version for the local node, tests, CI and docker-compose.yml.
ELASTICSEARCH_VERSION = "8.19.21"
ELASTICSEARCH_HEAP = "512m"
ELASTICSEARCH_START_TIMEOUT_S = 180
ELASTICSEARCH_REQUEST_TIMEOUT_S = 60
FORCE_MERGE_TIMEOUT_S = 1800  # merging a national-scale index to one segment takes minutes
ELASTICSEARCH_CLUSTER_HEAP = "256m"  # each node's heap when `iopfinder es start --nodes N` runs several
ELASTICSEARCH_HTTP_PORT = 9200  # the local node's (or first cluster node's) ports, when free
ELASTICSEARCH_TRANSPORT_PORT = 9300
ELASTICSEARCH_ALIVE_S = 2.0  # a node whose HTTP port answers nothing within this is down

# Indexer.
INDEX_ALIAS = "facilities"
INDEX_SHARDS = 1
INDEX_REPLICAS = 0
BULK_DOCS = 2000
BULK_THREADS = 2
MIN_KEPT_RATIO = 0.9  # a new index with fewer docs than this share of the live one is not swapped in
MAX_INVALID_SHARE = 0.05  # more invalid input lines than this share means a corrupt file: no swap

# Indexer: bulk requests turned away (429) and replicas.
BULK_RETRIES = 8  # resends of what Elasticsearch answered 429 (write queue full) before the build fails
BULK_BACKOFF_S = 0.5  # the first pause before such a resend; it doubles each time...
BULK_BACKOFF_MAX_S = 30.0  # ...up to this
TRANSPORT_RETRY_ON_STATUS = (502, 503, 504)  # what the client itself resends at once (429 waits, above)
INDEX_GREEN_TIMEOUT_S = 600  # how long a build waits for every replica of the new index before it fails

# Search API.
SEARCH_RADIUS_MI = 25.0
SEARCH_RADIUS_MAX_MI = 500.0
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
PAGING_WINDOW = 10_000  # page * size beyond this needs the cursor (Elasticsearch's result window)
QUERY_TEXT_MAX = 200
PLACE_SUGGESTIONS = 8  # names /v1/places offers for a search box by default
PLACE_SUGGESTIONS_MAX = 20
PLACE_MAX_EDITS = 2  # a place name this many edits (letters changed or swapped) from a known one is read as that one
PLACE_MIN_POPULATION = 5000  # GeoNames places this big or bigger are known with their population and other names
PLACE_MAX_ALTERNATIVES = 5  # other places an ambiguous name may mean, shown with the one chosen
PLACE_MAX_SUGGESTIONS = 3  # closest names a 422 offers when no place matches
RESULT_WINDOW = 100_000  # how deep a page may reach into the index (its max_result_window): HSDS pages
HSDS_PER_PAGE = 50  # the HSDS API's page size when a request names none
HSDS_PER_PAGE_MAX = 1_000
HSDS_PROXIMITY_MAX_M = 800_000  # the widest HSDS `proximity`, in meters (about 500 miles, as SEARCH_RADIUS_MAX_MI)
EXPORT_BATCH = 1_000  # CSV and NDJSON exports read the matches this many at a time
EXPORT_KEEP_ALIVE = "1m"  # how long the export's point in time outlives its last batch
API_ES_TIMEOUT_S = 1.5  # user-facing: a slow Elasticsearch becomes a 503 within 2 s (a cluster: one retry, 3.5 s)
API_ES_RETRIES = 1
RETRY_AFTER_S = 5
# Elasticsearch's geo_distance uses a sphere; distances we report are WGS84 geodesic. The two
# differ by well under 1%, so facilities in a band of this relative width around the radius
# are checked exactly (facility.geo) before they count as inside.
GEO_BAND = 0.01
BAND_MEMBERS_MAX = 100  # the band's members returned with a search (Elasticsearch's top_hits cap)
TEXT_BOOSTS = {"name": 3.0, "name2": 2.0, "address.city": 1.0, "names_expanded": 1.0}
FUZZY_PREFIX = 1  # typos are forgiven after the first letter (keeps fuzzy matching fast)
# Words are searched as typed first; typos are forgiven when that finds fewer facilities than this (a
# page). Forgiving them costs most for common words (at a million documents ~14 ms against ~9 as typed).
TYPOS_FORGIVEN_BELOW = 20
EXACT_NAME_BOOST = 10.0  # a facility whose whole name is the query comes first

# Static site.
CITY_RADIUS_MI = 25.0  # a city page lists the IOPs within this distance of the city's centre
NEARBY_ALTERNATIVES = 5
NEARBY_RADIUS_MI = 50.0

# Protection at the API's edge.
RATE_LIMIT_PER_MINUTE = 60  # searches per client per minute (0: off)
MAX_IN_FLIGHT = 32  # concurrent /v1 requests; beyond this the API sheds load with 503 at once

# Crawler politeness (overridable per run only for local benchmarks and tests).
CRAWL_USER_AGENT = "IOPFinderBot/0.1 (+https://github.com/iopfinder/iopfinder; open directory of IOPs)"
CRAWL_DELAY_S = 1.0  # at most one request per second per host
CRAWL_TIMEOUT_S = 20
CRAWL_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
SITE_MAX_PAGES = 30  # pages read per facility website
SITE_MAX_DEPTH = 3  # links followed from the start page (pages a sitemap lists count as 1)
SITE_MAX_RESPONSE_BYTES = 2 * 1024 * 1024  # a facility's page is far smaller; bigger is skipped
FINDTREATMENT_URL = "https://findtreatment.gov/locator/listing"
FINDTREATMENT_PAGE_SIZE = 100

# API observability (/metrics, logs).
METRICS_REFRESH_S = 15.0  # /metrics reads the live index's count and ages at most this often
METRICS_LATENCY_BUCKETS_S = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
LOG_FORMAT = "text"  # or "json": one JSON object a line

# Backups (snapshots of the live index).
SNAPSHOT_REPOSITORY = "iopfinder"  # the repository's name, and its folder under every node's path.repo
SNAPSHOT_TIMEOUT_S = 3600  # a snapshot or restore still running after this is abandoned
SNAPSHOT_POLL_S = 0.5  # how often progress is read while one runs

# Job outcomes: a job whose failure share (what failed of what it tried) passes its threshold exits 1.
IMPORT_MAX_FAILURE_SHARE = 0.05  # rows dropped of rows read; an official file dropping more changed shape
SITE_BUILD_MAX_FAILURE_SHARE = 0.0  # the site is rendered whole or not at all: any page failing fails it
FINDTREATMENT_MAX_FAILURE_SHARE = 0.1  # one locator: each failed listing page is facilities missing
FINDTREATMENT_TIME_LIMIT_S = 3600  # a full crawl takes minutes at one request a second
FINDTREATMENT_ERROR_LIMIT = 20  # failed requests that stop the crawl early (a full crawl makes ~90 requests)
SITE_CRAWL_MAX_FAILURE_SHARE = 0.5  # thousands of small sites, many moved or gone: only most failing is a fault
SITE_CRAWL_TIME_LIMIT_S = 12 * 3600  # every listed site at 30 pages each: a few hours
SITE_CRAWL_ERROR_LIMIT = 10_000

# The search API's answer cache (search_api/cache.py), per API process.
ANSWER_CACHE_ENTRIES = 2_000  # answers kept at most (a search page is ~5–40 kB)
ANSWER_CACHE_BYTES = 64 * 1024 * 1024  # and at most this many bytes of them
ANSWER_CACHE_TTL_S = 300.0  # an answer is never served older than this
ANSWER_CACHE_CHECK_S = 2.0  # the alias is re-read this often: a swap or an outage is seen within it
ANSWER_CACHE_STALE_S = 60.0  # after a swap, the old index's answers stand in this long at most...
ANSWER_CACHE_REFRESHES_AT_ONCE = 1  # ...while the new index's are read in the background, this many at once
