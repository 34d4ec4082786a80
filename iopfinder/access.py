"""What the search API and the jobs may do in a secured cluster, and the API keys that carry it,
made by the cluster's superuser.

- search (the API): reads the alias's indices and nothing else; it cannot write, delete or
  change any setting.
- jobs (import, index, site, backup): everything on the alias's indices (build, swap, prune) and
  the cluster's `monitor` and `manage` (health, snapshot repositories, restores); no security
  administration, no other indices.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch


def key_roles(alias: str) -> dict[str, dict]:
    """Purpose → its role descriptor, as API keys and the file realm's roles.yml both take it."""
    indices = [alias, f"{alias}-*"]
    return {
        "search": {"indices": [{"names": indices, "privileges": ["read", "view_index_metadata", "monitor"]}]},
        "jobs": {"cluster": ["monitor", "manage"], "indices": [{"names": indices, "privileges": ["all"]}]},
    }


def create_keys(admin: "Elasticsearch", alias: str) -> dict[str, str]:
    """Purpose → the new key, encoded as `ELASTICSEARCH_API_KEY` takes it."""
    keys = {}
    for purpose, role in key_roles(alias).items():
        created = admin.security.create_api_key(name=f"iopfinder-{purpose}", role_descriptors={purpose: role},
                                                metadata={"application": "iopfinder", "purpose": purpose})
        keys[purpose] = created["encoded"]
    return keys
