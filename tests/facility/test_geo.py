import random

import pytest
from geopy.distance import geodesic

from facility.geo import distance_miles, zip_point


def test_zip_points_cover_states_and_territories():
    charlottesville = zip_point("22902")
    assert (charlottesville.city, charlottesville.state) == ("Charlottesville", "VA")
    assert charlottesville.lat == pytest.approx(38.03, abs=0.1)
    assert zip_point("00901").state == "PR"
    assert zip_point("00000") is None


def test_geodesic_distance_in_miles():
    # Charlottesville to Richmond, VA: about 66 miles as the crow flies
    assert distance_miles((38.0293, -78.4767), (37.5407, -77.4360)) == pytest.approx(66, abs=2)


def test_distances_agree_with_geopy():
    rng = random.Random(5)
    for _ in range(2000):
        a = (rng.uniform(17, 71), rng.uniform(-170, -64))
        b = (a[0] + rng.uniform(-8, 8), a[1] + rng.uniform(-8, 8))
        assert distance_miles(a, b) == pytest.approx(geodesic(a, b).miles, abs=1e-6)
    assert distance_miles((38.03, -78.48), (38.03, -78.48)) == 0
