"""The real 2022 SAMHSA directory, imported as the benchmarks' shared input (read in place)."""

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

from crawler.importers.locator_coords import LocatorCoordinates
from crawler.importers.samhsa_directory import Directory, import_directory
from facility.model import Facility
from facility.tally import Tally

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "samhsa"


def import_2022(tally: Tally) -> Iterator[Facility]:
    coords = LocatorCoordinates.from_csv(DATA / "locator_export_2021_geocoded.csv", tally)
    directory = Directory(DATA / "National_Directory_SA_Facilities_2022.xlsx")
    return import_directory(directory, datetime.now(timezone.utc), tally, coords)
