import logging

import pytest


@pytest.mark.integration
def test_request_log_has_no_precise_coordinates_or_client_address(api, caplog):
    caplog.set_level(logging.INFO, logger="iopfinder.api")
    api.get("/v1/facilities", params={"lat": "38.0293059", "lon": "-78.4766781", "level": "iop"})
    api.get("/v1/facilities", params={"lat": "not-a-number", "lon": "-78.4766781"})
    lines = [r.getMessage() for r in caplog.records if r.name == "iopfinder.api"]
    assert any("lat=38.03&lon=-78.48&level=iop" in line for line in lines), lines
    assert any("lat=%3F&lon=-78.48" in line for line in lines), lines
    text = "\n".join(lines)
    for private in ("38.029", "78.476", "testclient", "127.0.0.1"):
        assert private not in text
