"""SAMHSA's treatment-locator export (CSV with SAMHSA's own coordinates) as an offline geocoder.

A facility matches a locator row on name + street + ZIP; failing that, on street + ZIP when
every locator row at that street and ZIP has the same point (several programs in one building
are common; different points there mean we cannot tell which is right).
"""

import csv
from collections import defaultdict
from pathlib import Path

from crawler.importers import SourceFileError
from facility.model import GeoPoint
from facility.normalize import match_key, normalize_zip
from facility.tally import Tally

REQUIRED_COLUMNS = ("name1", "street1", "zip", "latitude", "longitude")


class LocatorCoordinates:
    def __init__(self) -> None:
        self._by_name_street: dict[tuple[str, str, str], GeoPoint] = {}
        self._by_street: dict[tuple[str, str], set[tuple[float, float]]] = defaultdict(set)

    @classmethod
    def from_csv(cls, path: Path, tally: Tally) -> "LocatorCoordinates":
        index = cls()
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise SourceFileError(
                        f"{path}: coordinates CSV lacks column(s) {', '.join(missing)}"
                    )
                for row in reader:
                    index._add(row, tally)
        except FileNotFoundError:
            raise SourceFileError(f"{path}: coordinates file not found") from None
        except (UnicodeDecodeError, csv.Error) as error:
            raise SourceFileError(f"{path}: not a readable UTF-8 CSV ({error})") from None
        if not index._by_name_street:
            raise SourceFileError(f"{path}: coordinates CSV has no usable rows")
        return index

    def _add(self, row: dict, tally: Tally) -> None:
        try:
            point = GeoPoint(lat=float(row["latitude"]), lon=float(row["longitude"]))
            zip_code = normalize_zip(row["zip"])
        except (TypeError, ValueError):
            tally.note("coordinates rows skipped: bad latitude, longitude or ZIP")
            return
        street = match_key(row["street1"])
        self._by_name_street[(match_key(row["name1"]), street, zip_code)] = point
        self._by_street[(street, zip_code)].add((point.lat, point.lon))

    def lookup(self, name: str, street: str | None, zip_code: str) -> tuple[GeoPoint, str] | None:
        """The point and how it matched ('name+street+zip' or 'street+zip'), or None."""
        street_key = match_key(street)
        point = self._by_name_street.get((match_key(name), street_key, zip_code))
        if point is not None:
            return point, "name+street+zip"
        points = self._by_street.get((street_key, zip_code), set())
        if len(points) == 1:
            lat, lon = next(iter(points))
            return GeoPoint(lat=lat, lon=lon), "street+zip"
        return None
