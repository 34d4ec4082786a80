"""What the FindTreatment spider hands its pipeline."""

from dataclasses import dataclass
from datetime import datetime


@dataclass
class ListingRow:
    """One facility row of a listing page as the locator sent it, with where and when it was read."""
    row: dict
    url: str
    retrieved_at: datetime
