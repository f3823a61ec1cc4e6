"""What the service's endpoints take and give, as pydantic models (they make the OpenAPI schema).

A document body is one item or a JSON array of them. An item is a JSON object, whose fields it does not name go
to `meta`, as a JSONL record's do on the command line (a typo such as `txt` for `text` leaves no text: a
`bad_input` rejection saying so, as there), or any other JSON value: a string is a text, as the Python API takes
it (`pipeline.as_document`), anything else a `bad_input` rejection of that item alone, in JSON's words.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from ..config import Config
from ..io.records import bad, given_id, json_type, record_document
from ..kinds.base import shown
from ..models import Document, Rejected
from ..pipeline import as_document
from ..text import without_surrogates

_BODY_FIELDS = {"id_field": "id", "text_field": "text"}


@lru_cache(maxsize=4)
def _body_config(config: Config) -> Config:
    """`config` reading a body's `id` and `text` fields (`_BODY_FIELDS`), made once: a checked copy costs ~0.4 ms."""
    return config.model_copy(update=_BODY_FIELDS)


class DocumentIn(BaseModel):
    """One document to clean: `text` or `html` (or both; with neither it is rejected as `bad_input`, as the
    command line rejects an empty record) and an `id` (without one, it is named by its position in the body
    and its text, as the Python API names it). Any other field goes to `meta`, as on the command line."""

    model_config = ConfigDict(extra="allow")
    _given: tuple[str, ...] = PrivateAttr(())
    _unnamed: dict[str, Any] = PrivateAttr(default_factory=dict)

    id: Any = Field(None, json_schema_extra={"type": ["string", "integer", "null"]},
                    description="it may hold '/' (a URL): GET /v1/documents/{id} takes it as it is. An integer is "
                                "taken as its decimal text, as the command line takes it. Without one (or null, "
                                "blank, or a value of another type, which goes to `meta`), the document is named by "
                                "its position in the body and a hash of its text, `3:1a2b3c4d5e6f7a8b`, as the "
                                "Python API names it")
    text: Any = Field(None, json_schema_extra={"type": ["string", "null"]},
                      description="a string; another type is rejected as `bad_input`, as the command line rejects it")
    html: Any = Field(None, json_schema_extra={"type": ["string", "null"]}, description="as `text`")
    url: Any = Field(None, json_schema_extra={"type": ["string", "null"]},
                     description="a string; another type goes to `meta`, as on the command line")
    source: Any = Field(None, json_schema_extra={"type": ["string", "null"]}, description="as `url`")
    lang: Any = Field(None, json_schema_extra={"type": ["string", "null"]},
                      description="a language hint (ISO 639-1) that scopes language-specific rules; as `url`")
    meta: Any = Field(default_factory=dict, json_schema_extra={"type": "object"},
                      description="passed through untouched; the other fields are merged into it when it is an object")

    @field_validator("id", mode="before")
    @classmethod
    def _integer_as_text(cls, value: Any) -> Any:
        """An integer id (not a boolean) as its text, as a JSONL record's (`io.records.given_id`). Any other value
        stays, for `document` to read as the command line reads it (blank, a boolean, a float, a list: the whole
        batch was a 422 for a record `cleaner clean` keeps, named by its place, a QA pass) or to reject (a string
        holding a lone surrogate: the whole batch was a 422 for it)."""
        return given_id(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="wrap")
    @classmethod
    def _keys_in_order(cls, data: Any, handler: Any) -> Any:
        """The body's keys as sent: `document` builds the record in that order, so its `meta` is written as
        the command line writes the same record's (pydantic puts the declared fields before the others). A key
        holding a lone surrogate (`"\\ud800"`), which pydantic cannot take as a string (the whole body was a 422),
        is kept aside for `document`, whose reading replaces and flags it, as the command line's does."""
        unnamed = {k: v for k, v in data.items() if k != without_surrogates(k)} if isinstance(data, dict) else {}
        doc = handler({k: v for k, v in data.items() if k not in unnamed} if unnamed else data)
        if isinstance(data, dict):
            doc._given, doc._unnamed = tuple(data), unnamed
        return doc

    def document(self, config: Config, said: Iterable[str] = (), position: int = 0) -> Document | Rejected:
        """The pipeline's `Document`, taken in as the readers take a record (`io.records.record_document`:
        checked and repaired), or the rejection that says why it cannot be one. The body's `id` and `text`
        are these fields whatever the config's `id_field` and `text_field`, which name a file's fields (with
        `id_field = "url"`, a document was answered and stored under its `url`). `said`: what reading the body
        found of it (`io.jsonl.loads`: a key given twice), flagged in the document's warnings. `position`: its
        place in the body (0 for one document alone), which names it, and its messages, when it has no id."""
        values = {**self.__dict__, **(self.model_extra or {}), **self._unnamed}
        record = {key: values[key] for key in self._given}
        if isinstance(self.id, str) and self.id != without_surrogates(self.id):  # the store keys documents by id:
            # replaced with U+FFFD, as the command line does, `a\ud800` and `a\udc00` would be one document
            return bad(None, f"document {position}: its id holds a lone surrogate, which is no Unicode text (documents "
                             "are stored by id)", record)
        where = f"document {position}" if given_id(self.id) is None else f"document {shown(self.id)}"
        return record_document(record, where, str(position), _body_config(config),
                               tuple(f"{where}: {it}" for it in said))


def _shape(value: Any) -> str:
    return "batch" if isinstance(value, list) else "one"


OBJECT = "object"
"""The tag of an item that is a JSON object (read as a `DocumentIn`); `app` drops it from a 422's `loc`."""


def _kind(value: Any) -> str:
    """"other" for a value JSON gives that is no object; an object, or a body FastAPI did not read as JSON (sent as
    a form: bytes), is validated as a `DocumentIn`, which refuses the second (a 422 saying to send JSON)."""
    return "other" if value is None or isinstance(value, (str, int, float, list)) else OBJECT


_OTHER = ("any other JSON value, taken as the Python API takes it: a string is a text, named by its position and hash "
          "as a document without an id is; anything else is a `bad_input` rejection of this item alone, answered in "
          "its place")


def _item(not_types: list[str]) -> Any:
    """An item of a body: a document's fields (an object), or any other JSON value but one of `not_types`, read by
    `item_document` (a body alone is no array, which is a batch: the schema says so, a value matching one branch)."""
    other = Annotated[Any, WithJsonSchema({"not": {"type": ["object", *not_types]}, "description": _OTHER})]
    return Annotated[Annotated[DocumentIn, Tag(OBJECT)] | Annotated[other, Tag("other")], Discriminator(_kind)]


DocumentsIn = Annotated[
    Annotated[_item(["array"]), Tag("one")] | Annotated[list[_item([])], Tag("batch")],
    Discriminator(_shape),
]
"""One item, or a list of them (a batch): the body of `POST /v1/clean` and `POST /v1/documents`."""


def item_document(item: Any, config: Config, said: Iterable[str], position: int) -> Document | Rejected:
    """The pipeline's `Document` of one item of a body at `position`, or the rejection that says why it cannot
    be one: an object's by `DocumentIn.document`, a string's as the Python API takes it (`as_document`); any other
    value is no document, said in JSON's words (`a number`, `null`), not Python's."""
    if isinstance(item, DocumentIn):
        return item.document(config, said, position)
    if isinstance(item, str):
        return as_document(item, position, config)
    return bad(None, f"document {position}: not a document ({json_type(item)}; give an object with a text, or a "
                     "string)", item)


class Verdict(BaseModel):
    """What `POST /v1/documents` did with one document (`POST /v1/clean` answers `cleaned` or `rejected`).

    `kept`: stored, `cluster` is its own id, `record` its corpus record. `duplicate`: `reason` is
    `duplicate` (near copy), `exact_duplicate`, `already_indexed` (the id is in the index already) or
    `repeated_id` (twice in one batch); `dup_of` and `similarity` (estimated Jaccard, or exact for a near-threshold
    pair within one request; absent when only the id matched) say of what. `rejected`: dropped by a stage
    (`too_short`, `lang_not_allowed`, …). A document
    dropped after the language stage carries `lang` and `lang_score`, and a dropped one what reading repaired or met
    in `warnings` (a kept one's are in its record), as a run's rejects do. A field without a value is left out of the
    answer.
    """

    id: str | None = Field(None, description="absent for an item that is no document (`5`, `null`): nothing names it")
    status: Literal["cleaned", "kept", "duplicate", "rejected"]
    cluster: str | None = None
    reason: str | None = None
    stage: str | None = None
    detail: str | None = None
    dup_of: str | None = None
    similarity: float | None = None
    lang: str | None = None
    lang_score: float | None = None
    warnings: list[str] | None = None
    record: dict[str, Any] | None = None


class RulePackIn(BaseModel):
    """A rule pack to check: its YAML text, and the name its messages use."""

    model_config = ConfigDict(extra="forbid")

    pack: str = Field(description="the YAML text of one rule pack")
    name: str = Field("pack.yaml", pattern=r"\S", description="not blank")
    alone: bool = Field(False, strict=True,  # a JSON boolean: pydantic took "yes", "on" and 1 for true, "no" false
                        description="run keep examples through this pack only, not also the service's rules")


class RuleCheck(BaseModel):
    """The outcome of `POST /v1/rules/check`: `ok` only if the pack is valid and every example passes."""

    ok: bool
    rules: int = 0
    examples: int = 0
    error: str | None = None
    failures: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="what `rules check` notes beside failures: a rule with "
                             "the id of a loaded one, an unscoped shape rule that replaces none")
