"""Stable facility ids.

The rule: a facility's id is a hash of how it is described, compared in `match_key` form
(case, punctuation and USPS abbreviations ignored): name, program name (`name2`), street1,
street2, city, state and ZIP. So the same facility gets the same id on every import and from
every source that describes it the same way, and programs that share an address but differ in
program name or building (street2) stay distinct.

Rows that share all of that but still differ (another phone, other intake lines or other
services: the directory lists some programs at one address this way) are told apart by a
`variant`: the importer passes a fingerprint of what differs, for those rows only. Rows that
are identical in every field are one facility and merge.
"""

import hashlib

from facility.normalize import match_key


def facility_id(
    name: str, name2: str | None, street1: str | None, street2: str | None,
    city: str, state: str, zip_code: str, variant: str = "",
) -> str:
    parts = [match_key(part) for part in (name, name2, street1, street2, city)]
    parts += [state, zip_code]
    if variant:
        parts.append(variant)
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]
