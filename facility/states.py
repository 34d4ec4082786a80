"""US states, the District of Columbia and the territories that SAMHSA's directory covers."""

from facility.i18n import N_

# English names (translated where they are shown: facility.labels).
STATE_NAMES: dict[str, str] = {
    "AL": N_("Alabama"), "AK": N_("Alaska"), "AZ": N_("Arizona"), "AR": N_("Arkansas"),
    "CA": N_("California"), "CO": N_("Colorado"), "CT": N_("Connecticut"), "DE": N_("Delaware"),
    "DC": N_("District of Columbia"), "FL": N_("Florida"), "GA": N_("Georgia"), "HI": N_("Hawaii"),
    "ID": N_("Idaho"), "IL": N_("Illinois"), "IN": N_("Indiana"), "IA": N_("Iowa"), "KS": N_("Kansas"),
    "KY": N_("Kentucky"), "LA": N_("Louisiana"), "ME": N_("Maine"), "MD": N_("Maryland"),
    "MA": N_("Massachusetts"), "MI": N_("Michigan"), "MN": N_("Minnesota"), "MS": N_("Mississippi"),
    "MO": N_("Missouri"), "MT": N_("Montana"), "NE": N_("Nebraska"), "NV": N_("Nevada"),
    "NH": N_("New Hampshire"), "NJ": N_("New Jersey"), "NM": N_("New Mexico"), "NY": N_("New York"),
    "NC": N_("North Carolina"), "ND": N_("North Dakota"), "OH": N_("Ohio"), "OK": N_("Oklahoma"),
    "OR": N_("Oregon"), "PA": N_("Pennsylvania"), "RI": N_("Rhode Island"), "SC": N_("South Carolina"),
    "SD": N_("South Dakota"), "TN": N_("Tennessee"), "TX": N_("Texas"), "UT": N_("Utah"), "VT": N_("Vermont"),
    "VA": N_("Virginia"), "WA": N_("Washington"), "WV": N_("West Virginia"), "WI": N_("Wisconsin"),
    "WY": N_("Wyoming"), "AS": N_("American Samoa"), "GU": N_("Guam"), "MP": N_("Northern Mariana Islands"),
    "PR": N_("Puerto Rico"), "VI": N_("U.S. Virgin Islands"), "FM": N_("Federated States of Micronesia"),
    "MH": N_("Marshall Islands"), "PW": N_("Palau"),
}

# FIPS state codes: how SAMHSA's FindTreatment locator names a state in its queries (limitValue).
STATE_FIPS: dict[str, int] = {
    "AL": 1, "AK": 2, "AZ": 4, "AR": 5, "CA": 6, "CO": 8, "CT": 9, "DE": 10, "DC": 11, "FL": 12,
    "GA": 13, "HI": 15, "ID": 16, "IL": 17, "IN": 18, "IA": 19, "KS": 20, "KY": 21, "LA": 22,
    "ME": 23, "MD": 24, "MA": 25, "MI": 26, "MN": 27, "MS": 28, "MO": 29, "MT": 30, "NE": 31,
    "NV": 32, "NH": 33, "NJ": 34, "NM": 35, "NY": 36, "NC": 37, "ND": 38, "OH": 39, "OK": 40,
    "OR": 41, "PA": 42, "RI": 44, "SC": 45, "SD": 46, "TN": 47, "TX": 48, "UT": 49, "VT": 50,
    "VA": 51, "WA": 53, "WV": 54, "WI": 55, "WY": 56, "AS": 60, "GU": 66, "MP": 69, "PR": 72,
    "VI": 78, "FM": 64, "MH": 68, "PW": 70,
}

# The territories and the freely associated states: listed after the states and DC, and filed by
# GeoNames as countries of their own.
TERRITORIES = {"AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW"}
