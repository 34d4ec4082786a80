import pytest

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
