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

# Search API.
SEARCH_RADIUS_MI = 25.0
SEARCH_RADIUS_MAX_MI = 500.0
PAGE_SIZE = 20
PAGE_SIZE_MAX = 100
PAGING_WINDOW = 10_000  # page * size beyond this needs the cursor (Elasticsearch's result window)
QUERY_TEXT_MAX = 200
PLACE_SUGGESTIONS = 8  # names /v1/places offers for a search box by default
PLACE_SUGGESTIONS_MAX = 20
PLACE_MAX_EDITS = 2  # a place name this many edits (Levenshtein) from a known one is read as that one
PLACE_MAX_ALTERNATIVES = 5  # other places an ambiguous name may mean, shown with the one chosen
PLACE_MAX_SUGGESTIONS = 3  # closest names a 422 offers when no place matches
EXPORT_BATCH = 1_000  # CSV and NDJSON exports read the matches this many at a time
EXPORT_KEEP_ALIVE = "1m"  # how long the export's point in time outlives its last batch
API_ES_TIMEOUT_S = 1.5  # user-facing: a slow Elasticsearch becomes a 503 within 2 s
API_ES_RETRIES = 1
RETRY_AFTER_S = 5
# Elasticsearch's geo_distance uses a sphere; distances we report are WGS84 geodesic. The two
# differ by well under 1%, so facilities in a band of this relative width around the radius
# are checked exactly (facility.geo) before they count as inside.
GEO_BAND = 0.01
BAND_MEMBERS_MAX = 100  # the band's members returned with a search (Elasticsearch's top_hits cap)
TEXT_BOOSTS = {"name": 3.0, "name2": 2.0, "address.city": 1.0, "names_expanded": 1.0}
FUZZY_PREFIX = 1  # typos are forgiven after the first letter (keeps fuzzy matching fast)
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
