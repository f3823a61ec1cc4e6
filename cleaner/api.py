"""The Python API: `clean` one document or a stream of them with the same config as the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, overload

from .config import Config, config_of
from .models import Cleaned, Rejected
from .packs import RuleSet, file_stamps
from .pipeline import ONE_DOCUMENT, DocLike, Pipeline, as_document


def pipeline_for(config: Config, rules: RuleSet | None = None) -> Pipeline:
    """A `Pipeline` per config (and rule set: `load_rules(config)` by default), built once: rule packs loaded and
    validated, language tagger ready. Without `rules`, once per state of the config's pack files (`file_stamps`): a
    pack edited since, as in a notebook, is loaded again (checked again: a broken one is its `RulePackError`), where
    an equal `Config` gave the pipeline of the packs as they were."""
    return _pipeline(config, rules, None if rules is not None else file_stamps(config))


@lru_cache(maxsize=8)
def _pipeline(config: Config, rules: RuleSet | None, packs: tuple | None) -> Pipeline:
    """`pipeline_for`'s pipelines, by config, rule set and the state of the packs (`packs`, a key alone)."""
    return Pipeline(config, rules=rules)


@overload
def clean(doc: DocLike, config: Config | None = None, **overrides: Any) -> Cleaned | Rejected: ...
@overload
def clean(doc: Iterable[DocLike], config: Config | None = None, **overrides: Any) -> Iterator[Cleaned | Rejected]: ...


def clean(doc, config=None, **overrides):
    """Clean one document (a `Document`, a dict, a string or its bytes) or lazily clean an iterable of them.

    Like `cleaner clean`: the rule packs, then the language of the clean text; no gates, no dedup.
    `config` defaults to `Config.load(**overrides)`, the same object the CLI builds from its flags
    (give one or the other: `Config.load(file, **overrides)` makes a config from both).
    A config with `learn_boilerplate` is warned of once (a `CleanerWarning`): each document is cleaned alone.
    Returns a `Cleaned`, or a `Rejected` saying why there is nothing to clean (an empty, binary or
    oversized text, or no document at all, such as `None`: see `as_document`); for an iterable, an
    iterator of them.
    """
    if config is not None and overrides:
        raise TypeError(f"clean() takes a config or overrides ({', '.join(overrides)}), not both: "
                        "Config.load(file, **overrides) makes one config of a file and overrides")
    config = config_of(config) if config is not None else Config.load(**overrides)
    pipeline = pipeline_for(config)
    pipeline.not_learning()  # as `cleaner clean` warns: learning takes the whole corpus
    if isinstance(doc, ONE_DOCUMENT) or not isinstance(doc, Iterable):
        return pipeline.prepare(as_document(doc, 0, config), gates=False)
    return (pipeline.prepare(as_document(d, i, config), gates=False) for i, d in enumerate(doc))
