"""What every process's settings share: read from the environment once, at start, by the process itself.

Variables are `IOPFINDER_<FIELD>` unless a field names its own; empty values count as unset. A bad
value raises `SettingsError` with one line naming the variable, which the `iopfinder` command
prints without a traceback.
"""

from typing import TypeVar

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "IOPFINDER_"


class EnvSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_ignore_empty=True, populate_by_name=True,
                                      frozen=True, extra="ignore")


class SettingsError(ValueError):
    """A variable holds a value its setting cannot take; the message names the variable."""


Settings = TypeVar("Settings", bound=EnvSettings)


def read_settings(kind: type[Settings], **given) -> Settings:
    """`kind` from the environment, with `given` values taking precedence."""
    try:
        return kind(**given)
    except ValidationError as error:
        raise SettingsError("; ".join(f"{_variable(kind, problem['loc'][0])}: {problem['msg']}"
                                      for problem in error.errors())) from None


def _variable(kind: type[EnvSettings], where: str | int) -> str:
    # A field with a variable of its own reports under that name, any other under the field's.
    return f"{PREFIX}{where}".upper() if where in kind.model_fields else str(where)


def comma_separated(value: object) -> object:
    """A list setting as the environment spells it, `a,b,c`, split; other values unchanged."""
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value
