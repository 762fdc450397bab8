"""What every model of the pack format shares: the base model, clause and text bounds, the
loading error."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

Clause = Annotated[str, Field(min_length=3, max_length=200)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackError(ValueError):
    """A pack that cannot be loaded; ``problems`` lists "path: message" strings."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems
