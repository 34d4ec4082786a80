"""Labels and descriptions in the language asked for (`lang`, else Accept-Language, else English),
values unchanged; Elasticsearch replaced by recorded answers (see recorded_elasticsearch.py)."""

import json

import pytest

from search_api.params import preferred_language
from search_api.results import result
from tests.search_api.recorded_elasticsearch import RECORDED, SCENARIOS, Replay, api

SPANISH_MEXICO = {"Accept-Language": "es-MX,es;q=0.9"}


def taxonomy(params: dict | None = None, headers: dict | None = None):
    with api(Replay([])) as client:  # the taxonomy never asks Elasticsearch
        return client.get("/v1/taxonomy", params=params, headers=headers)


def search_near_zip(params: dict | None = None, headers: dict | None = None):
    """The recorded search near 22902 (the language changes nothing Elasticsearch is asked)."""
    scenario = SCENARIOS["search_near_zip"]
    replay = Replay(json.loads((RECORDED / "search_near_zip.json").read_text())["exchanges"])
    with api(replay) as client:
        response = client.get(scenario.path, params={**scenario.params, **(params or {})}, headers=headers)
    assert not replay.exchanges
    return response


def group(body: dict, param: str) -> dict:
    return next(g for g in body["groups"] if g["param"] == param)


def value(values: list[dict], key: str) -> dict:
    return next(v for v in values if v["value"] == key)


def without_labels(body: dict) -> dict:
    facets = {param: [{k: v for k, v in item.items() if k != "label"} for item in facet["values"]]
              for param, facet in body["facets"].items()}
    return {**body, "facets": facets}


def test_taxonomy_in_english_by_default():
    response = taxonomy()
    assert response.status_code == 200
    assert response.headers["content-language"] == "en" and "Accept-Language" in response.headers["vary"]
    levels = group(response.json(), "level")
    assert levels["label"] == "Level of care"
    assert value(levels["values"], "iop")["label"] == "Intensive outpatient (IOP)"


@pytest.mark.parametrize("request_args", [{"params": {"lang": "es"}}, {"headers": SPANISH_MEXICO}],
                         ids=["lang", "accept-language"])
def test_taxonomy_in_spanish(request_args):
    response = taxonomy(**request_args)
    assert response.status_code == 200
    assert response.headers["content-language"] == "es" and "Accept-Language" in response.headers["vary"]
    body = response.json()
    levels = group(body, "level")
    assert levels["label"] == "Nivel de atención"
    iop = value(levels["values"], "iop")
    assert iop["label"] == "Tratamiento ambulatorio intensivo (IOP)"
    assert "nivel 2.1 de ASAM" in iop["description"]
    assert value(group(body, "payment")["values"], "private")["label"] == "Seguro médico privado"
    assert value(group(body, "service")["values"], "telehealth")["label"] == "Telesalud"
    assert value(group(body, "state")["values"], "NM")["label"] == "Nuevo México"
    assert value(group(body, "code")["values"], "OIT")["label"] == "Tratamiento ambulatorio intensivo"


def test_taxonomy_values_do_not_change_with_the_language():
    english, spanish = taxonomy().json(), taxonomy({"lang": "es"}).json()
    assert [(g["param"], [v["value"] for v in g["values"]]) for g in english["groups"]] == \
        [(g["param"], [v["value"] for v in g["values"]]) for g in spanish["groups"]]


def test_lang_wins_over_accept_language():
    assert taxonomy({"lang": "en"}, SPANISH_MEXICO).headers["content-language"] == "en"
    assert taxonomy({"lang": "es"}, {"Accept-Language": "en-US"}).headers["content-language"] == "es"


@pytest.mark.parametrize("request_args", [{"params": {"lang": "es"}}, {"headers": SPANISH_MEXICO}],
                         ids=["lang", "accept-language"])
def test_facets_in_spanish(request_args):
    english = search_near_zip()
    spanish = search_near_zip(**request_args)
    assert english.status_code == spanish.status_code == 200
    assert english.headers["content-language"] == "en" and spanish.headers["content-language"] == "es"
    assert "Accept-Language" in spanish.headers["vary"]
    facets = spanish.json()["facets"]
    assert facets["level"]["label"] == "Nivel de atención"
    iop = value(facets["level"]["values"], "iop")
    assert iop == {"value": "iop", "label": "Tratamiento ambulatorio intensivo (IOP)", "count": 2, "selected": True}
    assert value(facets["payment"]["values"], "medicaid")["label"] == "Medicaid"
    assert value(facets["assistance"]["values"], "sliding_fee")["label"] == "Escala de tarifas móvil"
    assert value(facets["state"]["values"], "VA")["label"] == "Virginia"
    # Only the labels change: values, counts, selections, results and the query echo do not.
    assert without_labels(spanish.json()) == without_labels(english.json())


def test_a_language_we_do_not_speak_is_422():
    with api(Replay([])) as client:
        for path in ("/v1/taxonomy", "/v1/facilities"):
            response = client.get(path, params={"lang": "fr"})
            assert response.status_code == 422 and response.json()["message"].startswith("lang: Input should be")
        # Asked for in Accept-Language, it is not an error: English.
        assert client.get("/v1/taxonomy", headers={"Accept-Language": "fr-FR"}).headers["content-language"] == "en"


@pytest.mark.parametrize("header, chosen", [
    (None, "en"), ("", "en"), ("*", "en"), ("es", "es"), ("ES-us", "es"), ("es-MX,es;q=0.9", "es"),
    ("en-US,en;q=0.9,es;q=0.8", "en"), ("fr-CA, es;q=0.5", "es"), ("es;q=0.4, en;q=0.6", "en"),
    ("es;q=0, en", "en"), ("de, es-419;q=0.7, en;q=0.7", "es"), ("es;q=2", "en"), (";;=,", "en"),
])
def test_preferred_language(header, chosen):
    assert preferred_language(header) == chosen


def replayed_in(name: str, params: dict):
    scenario = SCENARIOS[name]
    replay = Replay(json.loads((RECORDED / f"{name}.json").read_text())["exchanges"])
    with api(replay) as client:
        return client.get(scenario.path, params={**scenario.params, **params})


def test_state_names_and_notices_in_spanish():
    states = {s["code"]: s for s in replayed_in("states", {"lang": "es"}).json()["states"]}
    assert states["NM"]["name"] == "Nuevo México" and states["VA"]["name"] == "Virginia"
    assert replayed_in("states", {}).json()["states"][0]["name"] == "Alabama"
    source = {"id": "0" * 16, "service_codes": ["OIT", "NAUT"]}
    assert result(source, None, lang="es")["notices"] == [
        {"value": "no_alcohol_treatment", "label": "No trata el trastorno por consumo de alcohol"}]
    assert result(source, None)["notices"][0]["label"] == "Does not treat alcohol use disorder"
