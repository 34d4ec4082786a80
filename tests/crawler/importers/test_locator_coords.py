import pytest

from crawler.importers import SourceFileError
from crawler.importers.locator_coords import LocatorCoordinates
from facility.tally import Tally

HEADER = "name1,name2,street1,street2,city,state,zip,zip4,county,latitude,longitude\n"


def load(tmp_path, text, mode="w"):
    path = tmp_path / "coords.csv"
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text)
    tally = Tally()
    return LocatorCoordinates.from_csv(path, tally), tally


def test_matches_name_street_zip_then_unambiguous_street_zip(tmp_path):
    coords, _ = load(tmp_path, HEADER
                     + "Region Ten,,1014 East Market Street,,Charlottesville,VA,22902,,,38.028,-78.472\n"
                     + "Other Place,,1014 E Market St,,Charlottesville,VA,22902,,,38.028,-78.472\n"
                     + "A,,5 Elm Street,,Richmond,VA,23220,,,37.1,-77.1\n"
                     + "B,,5 Elm Street,,Richmond,VA,23220,,,37.2,-77.2\n")
    point, method = coords.lookup("REGION TEN", "1014 E. Market St.", "22902")
    assert (point.lat, point.lon, method) == (38.028, -78.472, "name+street+zip")
    assert coords.lookup("Someone New", "1014 East Market Street", "22902")[1] == "street+zip"
    assert coords.lookup("C", "5 Elm Street", "23220") is None  # two different points: ambiguous
    assert coords.lookup("A", "5 Elm Street", "23220")[0].lat == 37.1


def test_bad_rows_are_counted(tmp_path):
    coords, tally = load(tmp_path, HEADER + "A,,1 Main St,,X,VA,22902,,,north,-78\n"
                         + "B,,2 Main St,,X,VA,22902,,,95,-78\n" + "C,,3 Main St,,X,VA,22902,,,38,-78\n")
    assert tally.notes["coordinates rows skipped: bad latitude, longitude or ZIP"] == 2
    assert coords.lookup("C", "3 Main St", "22902") is not None


@pytest.mark.parametrize("content, mode, message", [
    ("name1,street1,zip\nA,1 Main,22902\n", "w", "lacks column(s) latitude, longitude"),
    (b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x00garbage", "wb", "not a readable UTF-8 CSV"),
    (HEADER + "A,,1 Main St,,X,VA,22902,,,bad,bad\n", "w", "no usable rows"),
])
def test_corrupt_coordinates_file_is_one_clear_error(tmp_path, content, mode, message):
    with pytest.raises(SourceFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(tmp_path, content, mode)


def test_missing_file(tmp_path):
    with pytest.raises(SourceFileError, match="coordinates file not found"):
        LocatorCoordinates.from_csv(tmp_path / "nope.csv", Tally())
