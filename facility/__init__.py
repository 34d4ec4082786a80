"""The domain core of IOP Finder: the Facility model, the SAMHSA taxonomy, geography and
normalization. Pure Python: it performs no network I/O and imports no other IOP Finder package."""
