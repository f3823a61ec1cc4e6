"""One frozen configuration object, shared by the CLI, the Python API and the service.

Layers, later wins: the defaults shipped in `cleaner/defaults.toml`, a user TOML file, then keyword
overrides (the CLI passes its flags here). Unknown keys are an error that names the key, and so is
a value of another type: a boolean, integer or number is taken only as itself (an integer may stand for
a number), never converted from a string or another type (`shape = "off"`, `min_chars = true`); values that
contradict each other (`min_chars` over `max_doc_chars`) are an error that names both.
"""

from __future__ import annotations

import codecs
import difflib
import os
import sys
import tomllib
import warnings
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import (AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator,
                      model_validator)

from .escapes import too_many_digits


class CleanerWarning(UserWarning):
    """A warning of cleaner's own (a pack's `shape` rule that replaces none, `learn_boilerplate` given to a
    `Pipeline`): the command line says it in one line, `cleaner: warning: …`."""


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message: str) -> None:
    """Warn of `message` as a `CleanerWarning` at the line of the first caller outside cleaner's package (a program
    using the Python API is shown its own line, not one of cleaner's)."""
    frame, level = sys._getframe(1), 2  # the caller of `warn`, as `warnings.warn` counts it
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, CleanerWarning, stacklevel=level)


class ConfigError(ValueError):
    """A configuration file or value that cannot be used; the message names the file and key. `key` is that key
    and `why` the message without them, when one key is at fault (a flag that set it names itself instead).
    `clashing` is the keys of values that contradict each other, and `named(flag)` that message naming each key a
    flag gave by `flag(key)` (None: no flag gave it), and each the config file gave by key and file."""

    def __init__(self, message: str, key: str | None = None, why: str | None = None, clashing: tuple[str, ...] = (),
                 named: Callable[[Callable[[str], str | None]], str] | None = None) -> None:
        super().__init__(message)
        self.key, self.why, self.clashing, self.named = key, why, clashing, named


class _Clash(ValueError):
    """Values of `keys` that contradict each other: `say(name)` is the message, `name(key)` naming a key and
    `name(key, value)` a key and its value."""

    def __init__(self, keys: tuple[str, ...], say: Callable[[Callable[..., str]], str]) -> None:
        super().__init__(say(_plain))
        self.keys, self.say = keys, say


def _plain(key: str, value: str | None = None) -> str:
    return key if value is None else f"{key} = {value}"


def _to_disable(rule_id: str) -> str:
    """`rule_id` of `disabled_rules`, refused when it can name no loaded rule: blank (an unset shell variable), or one
    of cleaner's own edits (`edits.BUILT_IN_RULES`), which no pack defines and no id switches off."""
    from .edits import REPEATED_RULE, WHITESPACE_RULE

    if not rule_id.strip():
        raise ValueError("an empty id: give the id of a loaded rule (`cleaner rules list` names them)")
    if rule_id == REPEATED_RULE:
        raise ValueError(f"{rule_id!r} is the boilerplate `cleaner run` learns from the corpus, no rule of the packs: "
                         "it is learned only with --learn-boilerplate (learn_boilerplate = true); leave that out, or "
                         "give --no-learn-boilerplate")
    if rule_id == WHITESPACE_RULE:
        raise ValueError(f"{rule_id!r} is cleaner's own tidying (lines trimmed, blank lines folded), no rule of the "
                         "packs: it cannot be switched off")
    return rule_id


class Config(BaseModel):
    """Everything a run depends on. Build it with `Config.load`; it cannot be changed afterwards."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules_dirs: tuple[Path, ...] = ()
    """Extra rule-pack folders (or single .yaml files), loaded after the shipped packs."""
    default_rules: bool = Field(True, strict=True)
    """Load the packs shipped with cleaner."""
    disabled_rules: tuple[Annotated[str, AfterValidator(_to_disable)], ...] = ()
    """Ids of loaded rules not to run (a shipped rule a user's own, of another id, replaces): each must be a loaded
    rule's (`packs.load_files`), which keeps its id."""
    id_field: str = "id"
    text_field: str = "text"
    encoding: str = "utf-8"
    """The encoding of input that does not say its own: `.txt` files, JSONL lines, bytes given to the API, HTML
    without a charset. A byte order mark, the zero bytes of UTF-16 and UTF-32, and a page's charset win, and bytes
    that are valid UTF-8 are read as UTF-8 (`io.decoding.decode_unlabelled`)."""
    regex_timeout: float = Field(1.0, gt=0, le=3600, strict=True, allow_inf_nan=False)
    """Seconds one pattern may spend on one document before it is stopped and the rule skipped."""
    max_passes: int = Field(3, ge=1, le=10, strict=True)
    """Rule passes per document; a pass that changes nothing ends the loop, so cleaning is idempotent."""
    max_doc_chars: int = Field(20_000_000, ge=1, le=1_000_000_000, strict=True)
    """Longer documents are rejected instead of being cleaned: `too_large` when read (`bad_input` for a `Document` the
    caller built). At most 10^9: a reader reads up to 24 bytes a character (a JSON escape in UTF-32), and a cap past
    what Python can read ended in a traceback."""
    max_html_elements: int = Field(100_000, ge=1, strict=True)
    """A page of more HTML elements is rejected as `too_large` before trafilatura reads it (its time grows
    faster than the page: 40,000 paragraphs take 5 s, 80,000 14 s, 200,000 over 3 minutes)."""
    min_chars: int = Field(1, ge=0, strict=True)
    """Documents with less clean text are rejected as `too_short` (the default drops only empty ones)."""
    langs: tuple[str, ...] = ()
    """Languages (ISO 639-1) to keep; empty keeps any, others are rejected as `lang_not_allowed`."""
    min_lang_score: float = Field(0.0, ge=0, le=1, strict=True, allow_inf_nan=False)
    """Documents whose `lang_score` is under this (or that have no language) are rejected as
    `lang_uncertain`; 0 keeps them all. A language the backend does not know gets a wrong code with a
    low score: this keeps it from passing `langs` as the language it was taken for."""
    lang_backend: str = Field("cld2+fasttext>lingua~5", validate_default=True)
    """Language identifier: see `cleaner.lang.make_backend` for the names and combinations. Held by its backend's
    name, in which its defaults are written out (`cld2+fasttext>lingua~5@0.5/100`, `CLD2` as `cld2`)."""
    lingua_budget: int = Field(8, ge=2, strict=True)
    """Most languages whose lingua models a process holds at once for the backend's shortlist (`lingua~k`, k at most
    this): each ~40 MB, and ~0.3-0.4 s of CPU to load again once unloaded. More is faster on a corpus of short texts,
    in more memory; no answer depends on it (`lang.LINGUA_BUDGET`)."""
    num_perm: int = Field(128, ge=16, le=1024, strict=True)
    """MinHash permutations."""
    shingle_size: int = Field(3, ge=1, le=20, strict=True)
    """Words per shingle."""
    dedup_threshold: float = Field(0.5, gt=0, lt=1, strict=True, allow_inf_nan=False)
    """Estimated Jaccard similarity of clean texts at or above which a document is a near-duplicate."""
    learn_boilerplate: bool = Field(False, strict=True)
    """`cleaner run`: learn each source's boilerplate from the corpus and remove it (rule `repeated`)."""
    repeated_min_docs: int = Field(5, ge=2, le=1_000_000_000, strict=True)
    """A line is boilerplate of a source when it is in at least this many of its documents..."""
    repeated_min_share: float = Field(0.3, gt=0, le=1, strict=True, allow_inf_nan=False)
    """...and in at least this share of them (duplicates counted once)."""
    shape: bool = Field(True, strict=True)
    """Run `shape` rules (boilerplate lines found by their shape and neighbours)."""
    shape_off_sources: tuple[str, ...] = ()
    """Hosts (and their subdomains) whose documents `shape` rules leave alone."""
    max_request_docs: int = Field(10_000, ge=1, le=1_000_000_000, strict=True)
    """`cleaner serve`: the most documents one request may hold; a batch of more is a 413 naming this limit."""
    _disabled_in: dict[str, str] = PrivateAttr(default_factory=dict)
    """Each id of `disabled_rules` the config file gave -> that file (`disabled_by`); not a value of the config."""

    @field_validator("rules_dirs", mode="before")
    @classmethod
    def _no_blank_path(cls, paths: Any) -> Any:
        """An empty path (an unset shell variable) is refused: as a `Path`, the current folder, its packs loaded."""
        if isinstance(paths, (list, tuple)) and any(isinstance(p, str) and not p.strip() for p in paths):
            raise ValueError("an empty path: give a folder of rule packs or a .yaml file")
        return paths

    @field_validator("disabled_rules")
    @classmethod
    def _ids(cls, ids: tuple[str, ...]) -> tuple[str, ...]:
        """Each id once, sorted: the same rules disabled in another order are the same config (and fingerprint)."""
        return tuple(sorted(set(ids)))

    @field_validator("id_field", "text_field")
    @classmethod
    def _named(cls, field: str) -> str:
        """A blank field name is refused, as `--id-field ''` is: no record has it, so every id would be made up."""
        if not field.strip():
            raise ValueError("is empty: give the name of a JSONL field, or leave it out")
        return field

    @field_validator("encoding")
    @classmethod
    def _codec(cls, name: str) -> str:
        """A Python text codec that writes ASCII as ASCII (JSONL's structure and line ends), by its codec name
        (`windows-1252` is `cp1252`); one the WHATWG Encoding Standard reads as windows-1252 (`latin-1`, `iso-8859-1`,
        `ascii`) is `cp1252`, as a page's charset label is (`decoding.web_codec`): Python's latin-1 read the ’ “ ” …
        of a Windows file as C1 controls, without a word."""
        from .io.decoding import web_codec  # loaded only for a config that names an encoding

        try:
            info = codecs.lookup(name)
        except LookupError:
            raise ValueError(f"unknown encoding {name!r} (Python's codec names: utf-8, cp1252, latin-1, ...)") from None
        if info.name == "utf-8-sig":  # a byte order mark is read whatever the encoding
            return "utf-8"
        escapes = "unicode_escape" in info.name.replace("-", "_")  # reads `\\u0022` as a quote
        if not getattr(info, "_is_text_encoding", True) or escapes or not _reads_ascii(info.name):
            raise ValueError(f"{name!r} is not a text encoding that reads and writes ASCII as ASCII, as JSONL needs; a file "
                             "in UTF-16 or UTF-32 is read by its byte order mark or its zero bytes without this setting")
        return "cp1252" if web_codec(info.name) == "cp1252" else info.name

    @field_validator("shape_off_sources")
    @classmethod
    def _hosts(cls, sources: tuple[str, ...]) -> tuple[str, ...]:
        from .kinds.base import source_key  # read as a rule's `sources` are: `https://www.X.com/` is `x.com`

        return tuple(source_key(source) for source in sources)

    @field_validator("langs", mode="before")
    @classmethod
    def _listed(cls, langs: Any) -> Any:
        """A string of codes read as `--langs` reads it, split at commas (`langs = "any"`, `"fr,en"`): the README's
        "config `langs`, default `any`" was refused in a config file, "should be a list"."""
        if not isinstance(langs, str):
            return langs
        _refuse_langs(langs.split(","), repr(langs))  # named as written: `'fr,'`
        return langs.split(",")

    @field_validator("langs")
    @classmethod
    def _codes(cls, langs: tuple[str, ...]) -> tuple[str, ...]:
        """Codes as `--langs` reads them, as a document's `lang` hint is read (`lang.hint_code`): `FR`, `fr-FR`, `fra`
        and `fre` are `fr` (`fra` was refused, where a rule's `langs` took it), each once (`fr,FR` kept both, and a
        rejection said "not in fr,fr"); one that names no language is kept as written, for `_unanswered` to refuse;
        `["any"]` alone is no filter, as `--langs any` is (it was refused as a code the backend never answers)."""
        from .lang import hint_code

        _refuse_langs(langs, repr(list(langs)))
        codes = tuple(dict.fromkeys(hint_code(code) or code.strip() for code in langs))
        return () if {c.lower() for c in codes} == {"any"} else codes

    @field_validator("lang_backend")
    @classmethod
    def _known_backend(cls, name: str) -> str:
        """The backend's own name (`make_backend(name).name`): another spelling of one backend (`CLD2`, ` cld2 `, the
        default with its threshold and cap written out) is one config, where a finished run of one was run again,
        "config differs", for the other; and a change of what a bare name does (the default's cap, 40 letters until
        session 44) makes a run of the old one another config."""
        from .lang import make_backend  # a name it cannot build raises ValueError, naming the ones it knows

        return make_backend(name).name

    @model_validator(mode="after")
    def _consistent(self) -> Config:
        """Values that contradict each other are refused, naming both: each alone is valid, together they
        would reject every document or read every record wrong, without a word."""
        if self.min_chars > self.max_doc_chars:
            raise _Clash(("min_chars", "max_doc_chars"), lambda name: (
                f"{name('min_chars', f'{self.min_chars:,}')} is over {name('max_doc_chars', f'{self.max_doc_chars:,}')}"
                ": every document would be rejected, too short or too large"))
        if self.id_field == self.text_field:
            raise _Clash(("id_field", "text_field"), lambda name: (
                f"{name('id_field')} and {name('text_field')} are both {self.id_field!r}: every document would be "
                "named by its whole text; give the id and the text fields of their own"))
        if (top := _shortlist_top(self.lang_backend)) > self.lingua_budget:
            raise _Clash(("lang_backend", "lingua_budget"), lambda name: (
                f"{name('lang_backend', repr(self.lang_backend))} has lingua choose among {top} languages, more than "
                f"{name('lingua_budget', str(self.lingua_budget))} lets it hold at once: raise the budget, or lower k"))
        if self.langs and (why := _unanswered(self)):  # here, not in `load` alone: `Config(langs=["xx"])` was taken
            raise _Unanswered(why)
        return self

    @classmethod
    def load(cls, file: str | Path | None = None, **overrides: Any) -> Config:
        """Build the config from the shipped defaults, an optional TOML file and overrides; a `rules_dirs` or
        `disabled_rules` override adds to the file's (as `--rules` and `--disable-rule` do), every other replaces."""
        values: dict[str, Any] = _read_toml(resources.files("cleaner").joinpath("defaults.toml"), "defaults.toml")
        given: dict[str, Any] = {}
        if file is not None:
            values.update(given := _read_toml(Path(file), str(file)))
            listed = given.get("rules_dirs", [])  # a string is not a list of them: refused below, as a tuple would be
            if isinstance(listed, list):  # a relative path is the config file's neighbour, wherever cleaner runs: made
                # absolute, as the file's folder from the working folder now (`chdir` later made it another folder's)
                found = {p: Path(file).absolute().parent / p for p in listed if isinstance(p, str) and p.strip()}
                for written, path in found.items():  # named here, where the file that names it is known
                    if not path.exists():
                        raise ConfigError(f"config in {file}: rules_dirs: {written}: no such rule pack file or folder"
                                          + ("" if Path(written).is_absolute() else f" (looked for {path})"))
                values["rules_dirs"] = given["rules_dirs"] = [str(found.get(p, p)) if isinstance(p, str) else p for p in listed]
        overrides = {k: v for k, v in overrides.items() if v is not None}
        for key in ADDED:  # not a list (a string, a Path): refused below, not taken letter by letter
            if isinstance(added := overrides.get(key), (list, tuple)) and isinstance(given.get(key), list):
                overrides[key] = (*given[key], *added)
        values.update(overrides)
        config = cls._checked(values, file, given)
        config._disabled_in = {rule_id: str(file) for rule_id in given.get("disabled_rules", ())}  # strings: checked
        return config

    def disabled_by(self, rule_id: str) -> str:
        """What gave the disabled id `rule_id`, as an error names it: `disabled_rules in c.toml` for the config file's
        (`load`), else `disabled_rules`."""
        return f"disabled_rules in {self._disabled_in[rule_id]}" if rule_id in self._disabled_in else "disabled_rules"

    def __eq__(self, other: object) -> bool:
        """Equal values are one config, whatever file gave them (`disabled_by`'s names are no value of it): pydantic's
        `==` compared them too, and a config loaded from `./c.toml` was another than `c.toml`'s, its pipeline built
        and its packs loaded again (`api.pipeline_for`). The hash, pydantic's, is of the values alone."""
        return dict(self) == dict(other) if isinstance(other, Config) else NotImplemented

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Config:
        """A copy, with `update`'s values checked as `Config.load`'s are, its errors as a `ConfigError` (pydantic's
        copy took any value unchecked: `langs` of `FR` rejected every document, a list of them was unhashable,
        `min_chars=-5` was taken), and the files that gave the ids still disabled (`disabled_by`). Every value of a
        `Config` is immutable: `deep` copies nothing more."""
        if not update:
            return super().model_copy(deep=deep)
        copied = self._checked({**dict(self), **update})
        copied._disabled_in = {i: file for i, file in self._disabled_in.items() if i in copied.disabled_rules}
        return copied

    @classmethod
    def _checked(cls, values: dict[str, Any], file: str | Path | None = None,
                 given: Mapping[str, Any] | None = None) -> Config:
        """The config of `values`, or the `ConfigError` that names the key at fault (and `file`, the config file
        that gave the values `given`); an item an override added to the file's list of an `ADDED` key is the
        override's, not the file's (`key` that key alone, which a flag that gave it names)."""
        where, given = f" in {file}" if file else "", given or {}
        try:
            return cls(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            raised = err.get("ctx", {}).get("error")  # a validator's own exception
            if isinstance(clash := raised, _Clash):
                def named(flag: Callable[[str], str | None]) -> str:
                    def name(key: str, value: str | None = None) -> str:
                        if (gave := flag(key)) is not None:
                            return gave if value is None else f"{gave} {value}"
                        return _plain(key, value) + (f" (in {file})" if key in given else "")
                    return clash.say(name)
                raise ConfigError(f"config{where}: {clash}", clashing=clash.keys, named=named) from None
            if isinstance(raised, _Unanswered):
                raise ConfigError(f"config{where}: langs: {raised}", "langs", str(raised)) from None
            if _added(err["loc"], given):
                raise ConfigError(f"config: {err['loc'][0]}: {_said(err)}", err["loc"][0], _said(err)) from None
            key = ".".join(str(p) for p in err["loc"])
            named = "".join(f" item {p + 1}" if isinstance(p, int) else f".{p}" if i else p
                            for i, p in enumerate(err["loc"]))  # `langs item 1`, counted as a reader does (`langs.0`)
            raise ConfigError(f"config{where}: {named}: {_said(err)}", key, _said(err)) from None


ADDED = ("rules_dirs", "disabled_rules")
"""The keys an override of `Config.load` adds to a config file's list of, not replaces."""


def _added(loc: tuple, given: Mapping[str, Any]) -> bool:
    """Whether the error at `loc` is of an item of an `ADDED` key's list past the config file's own (`given`): one
    an override added (`Config.load`)."""
    listed = given.get(loc[0])
    return loc[0] in ADDED and len(loc) > 1 and isinstance(loc[1], int) and loc[1] >= (
        len(listed) if isinstance(listed, list) else 0)


def config_of(config: Config | None) -> Config:
    """`config`, or the defaults for None; anything else (a TOML file's path, a dict of values) is a
    `TypeError` that says how to make a `Config` of it, not an error from deep inside the rule loader."""
    if config is None:
        return Config.load()
    if not isinstance(config, Config):
        make = f"Config.load({str(config)!r})" if isinstance(config, (str, Path)) else "Config.load(**values)"
        raise TypeError(f"config must be a Config, not {type(config).__name__}: {make} makes one")
    return config


_ASCII = "\n{}\":,[]\\ az09~+-"
"""Every character of JSON's structure and some of text: `~` and `+` are escapes in HZ and UTF-7."""


def _reads_ascii(codec: str) -> bool:
    """Whether `codec` writes ASCII as ASCII and reads it back so after an invalid byte replaced (`idna` cannot
    replace one; the escape codecs read `\\u0022` as a quote, breaking JSON)."""
    try:
        return (_ASCII.encode(codec) == _ASCII.encode("ascii")
                and (b"\xff" + _ASCII.encode(codec)).decode(codec, "replace").endswith(_ASCII))
    except (UnicodeError, LookupError):
        return False


def _refuse_langs(langs: list[str] | tuple[str, ...], given: str) -> None:
    """Refuse `langs`, named as `given`, for an empty code (`fr,,en`: `--langs` dropped it, a config file's was "'' is
    not a code"; a list was named `'fr,'`, a value never written) or `any` among codes (read as a code never
    answered)."""
    if not all(code.strip() for code in langs):
        raise ValueError(f"an empty code{f' in {given}' if len(langs) > 1 else ''}: give codes (fr,en) or any")
    if "any" in (lowered := {code.strip().lower() for code in langs}) and len(lowered) > 1:
        raise ValueError(f"any (keep every language) stands alone; give codes (fr,en) or any, got {given}")


def _said(err: dict[str, Any]) -> str:
    """A validation error's message in the words of a TOML file, not pydantic's: a string where a list goes was
    "Input should be a valid tuple", a number for a path "Input is not a valid path for <class 'pathlib.Path'>", and
    a misspelt key "Extra inputs are not permitted" without the key meant, and none said the value given."""
    from .kinds.base import shown  # the rule kinds' imports, on an error only

    if err["type"] == "tuple_type":
        return f"should be a list ([\"a\", \"b\"]), got {shown(err['input'])}"
    if err["type"] == "path_type":
        return f"should be a path (a string), got {shown(err['input'])}"
    if err["type"] == "extra_forbidden" and len(err["loc"]) == 1:
        if (flag := str(err["loc"][0]).replace("-", "_")) in FLAG_ONLY:
            return f"not a config key: a setting of one command, given as --{flag.replace('_', '-')}"
        if flag in FLAG_KEYS:  # `min_share = 0.5`, the flag's name: it was "did you mean min_chars?"
            return f"not a config key: --{flag.replace('_', '-')} is the flag of the key {FLAG_KEYS[flag]}"
        meant = difflib.get_close_matches(str(err["loc"][0]), Config.model_fields, n=1)
        return "not a config key" + (f" (did you mean {meant[0]}?)" if meant else
                                     f"; the keys are {', '.join(Config.model_fields)}")
    return with_value(err, shown) or err["msg"].removeprefix("Value error, ")


FLAG_ONLY = frozenset({"workers", "index", "input_format", "output_format", "compression", "shard_docs", "strict",
                       "engine", "scheduler", "split_mb", "quiet", "host", "port", "out", "rejects", "continue",
                       "restart", "config", "api_key", "max_body_mb", "log_level", "shutdown_timeout", "id", "rule",
                       "limit", "format", "color", "full", "alone"})
"""Settings of one command, given by its flag alone (README, "Keys without a flag"): a config file that names one is
told the flag (it was "not a config key; the keys are …", as for a misspelt key). Every flag of every command is a
key, one of these, or one of `FLAG_KEYS` (a test holds it so: `--out`, `--api-key` and others were missing)."""
FLAG_KEYS = {"min_docs": "repeated_min_docs", "min_share": "repeated_min_share", "rules": "rules_dirs",
             "disable_rule": "disabled_rules"}
"""Flags (`run --min-docs`) whose config key has another name: a config file that names the flag is told the key."""


def with_value(err: dict[str, Any], show: Callable[[Any], str]) -> str | None:
    """A bound or type error of pydantic's (`err` of `ValidationError.errors()`) said with the value given, shown by
    `show`, a boolean as TOML and YAML write it ("should be at least 0, got -1"; "Input should be a finite number" was
    all `nan` got), or None."""
    given = str(err["input"]).lower() if isinstance(err["input"], bool) else show(err["input"])
    if err["type"] in _BOUNDS:
        bound, = err["ctx"].values()
        return f"should be {_BOUNDS[err['type']]} {bound}, got {given}"
    if err["msg"].startswith("Input should be "):
        return f"{err['msg'].removeprefix('Input ')}, got {given}"
    return None


_BOUNDS = {"greater_than_equal": "at least", "greater_than": "over", "less_than_equal": "at most", "less_than": "under"}
"""pydantic's bound errors, said as a TOML file's reader says them ("Input should be greater than or equal to 0",
with no word of the value given, was `--min-chars -1`'s message)."""


class _Unanswered(ValueError):
    """A code of `langs` the language backend never answers (`_unanswered`)."""


def _shortlist_top(backend: str) -> int:
    """The largest k of the shortlists (`lingua~k`, `lingua-low~k`) of the backend called `backend`, 0 without one."""
    from .lang import LinguaShortlist, make_backend, parts_of

    return max((shortlist.top for shortlist in parts_of(make_backend(backend), LinguaShortlist)), default=0)


def _unanswered(config: Config) -> str | None:
    """Why a code of `langs` is not one the language backend may answer, or None: one it never answers (a typo,
    `fre` for `fr`) would reject every document as `lang_not_allowed`. A code another single backend answers is a
    language this one does not know, and the message names those that do (`am` for `langdetect` read as if the code
    were malformed: a QA pass found it)."""
    from .lang import BACKENDS, make_backend

    known = make_backend(config.lang_backend).codes()
    unknown = [code for code in config.langs if code not in known]
    if not unknown:
        return None
    answers = (f"it answers {', '.join(sorted(known))}" if len(known) <= 20 else
               "ISO 639-1 codes such as 'fr', 'en', and none for a language without one")
    backend = f"the language backend {config.lang_backend!r}"
    answered = {name: make_backend(name).codes() for name in BACKENDS}  # each backend made once, not once a code
    others = {code: [name for name, codes in answered.items() if code in codes] for code in unknown}
    said = [f"{code!r} is not a code {backend} answers (it does not know that language: {', '.join(others[code])} "
            f"{'do' if len(others[code]) > 1 else 'does'})" for code in unknown if others[code] and len(known) > 20]
    if nowhere := [code for code in unknown if not others[code] or len(known) <= 20]:
        said.append(f"{', '.join(map(repr, nowhere))} {'are not codes' if len(nowhere) > 1 else 'is not a code'} "
                    f"{backend} answers ({answers})")
    return "; ".join(said)


MAX_CONFIG_BYTES = 1 << 20
"""A config file is read up to this size: `--config /dev/zero` (or a corpus given by mistake) read on until memory ran out."""


def _read_toml(path: Any, name: str) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {name}") from None
    except OSError as exc:
        raise ConfigError(f"config {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"config {name}: over {MAX_CONFIG_BYTES >> 20} MB: not a config file")
    try:
        return tomllib.loads(data.removeprefix(codecs.BOM_UTF8).decode("utf-8"))  # a Windows editor's byte order mark is no TOML
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config {name}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config {name}: not UTF-8 text (byte {exc.start})") from None
    except ValueError as exc:  # valid TOML that Python will not hold: an integer of over 4,300 digits
        raise ConfigError(f"config {name}: {too_many_digits(exc, 'a TOML integer') or exc}") from None
    except RecursionError:  # arrays or inline tables some 500 deep (`tomllib` reads them by recursion): a traceback
        raise ConfigError(f"config {name}: nested too deeply (arrays or inline tables hundreds deep)") from None