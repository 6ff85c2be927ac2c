"""Configuration loading and validation.

Files may be JSON or YAML. Parsing happens here; validation is done by the
one schema declared in C++ (``hft._core.config``), the same code the daemons
run, so Python and C++ can never disagree about what is valid.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hft._core import config as _native

KINDS: tuple[str, ...] = ("system", "symbols")


@dataclass(frozen=True)
class ConfigIssue:
    """One problem: where it is (file, key path), which rule, what was found."""

    file: str
    path: str
    rule: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = self.path or "(document)"
        got = f", got: {self.value}" if self.value else ""
        return f"{self.file}: {where}: {self.message} (rule: {self.rule}{got})"

    @classmethod
    def from_native(cls, e: Any) -> ConfigIssue:
        return cls(file=e.file, path=e.path, rule=e.rule, message=e.message, value=e.value)


@dataclass
class CheckResult:
    """Outcome of checking one configuration file (and the files it names)."""

    file: str
    kind: str
    errors: list[ConfigIssue] = field(default_factory=list)
    normalized: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "ok": self.ok,
            "errors": [asdict(e) for e in self.errors],
        }


class ConfigInvalid(Exception):
    """Raised by :func:`load_system_config` when a file does not validate."""

    def __init__(self, errors: list[ConfigIssue]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class _LoadError(Exception):
    def __init__(self, issue: ConfigIssue) -> None:
        self.issue = issue
        super().__init__(str(issue))


def _no_duplicates(pairs: list[tuple[str, Any]], file: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _LoadError(
                ConfigIssue(
                    file, key, "duplicate_key", "appears twice in the same object; only one value can hold"
                )
            )
        out[key] = value
    return out


class _StrictYamlLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys instead of keeping the last one."""


def _construct_mapping(
    loader: _StrictYamlLoader, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {mark.line + 1}, column {mark.column + 1})", mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictYamlLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_document(path: str | Path) -> Any:
    """Parse a JSON or YAML file (by suffix). Raises ``_LoadError`` with a located issue."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _LoadError(ConfigIssue(name, "", "file", f"cannot open: {exc.strerror or exc}")) from exc
    if Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            return yaml.load(text, Loader=_StrictYamlLoader)
        except yaml.YAMLError as exc:
            raise _LoadError(
                ConfigIssue(name, "", "parse", f"invalid YAML: {exc}".replace("\n", " "))
            ) from exc
    try:
        return json.loads(text, object_pairs_hook=lambda pairs: _no_duplicates(pairs, name))
    except json.JSONDecodeError as exc:
        raise _LoadError(
            ConfigIssue(
                name, "", "parse", f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            )
        ) from exc


def _to_json(doc: Any, file: str) -> str:
    try:
        # YAML can hold values JSON cannot (dates, non-string keys); the schema
        # never wants them, so they are named rather than coerced.
        return json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise _LoadError(ConfigIssue(file, "", "type", f"value that JSON cannot hold: {exc}")) from exc


def detect_kind(doc: Any) -> str:
    """``symbols`` for a document holding only symbols, else ``system``."""
    return str(_native.detect_kind(json.dumps(doc if isinstance(doc, dict) else {})))


def check_file(path: str | Path, kind: str | None = None, cpu_count: int = 0) -> CheckResult:
    """Validate a configuration file; a system file's ``symbols_file`` is followed.

    ``cpu_count`` pretends the machine has that many cores (0: this machine).
    """
    name = str(path)
    try:
        doc = load_document(path)
        doc_json = _to_json(doc, name)
    except _LoadError as exc:
        return CheckResult(name, kind or "unknown", [exc.issue])

    kind = kind or detect_kind(doc)
    if kind not in KINDS:
        raise ValueError(f"unknown configuration kind {kind!r}; expected one of {', '.join(KINDS)}")

    if kind == "symbols":
        normalized, errors = _native.validate("symbols", doc_json, name, cpu_count)
        return _result(name, kind, normalized, errors, [])

    load_errors: list[ConfigIssue] = []
    symbols_json: str | None = None
    symbols_file = ""
    target = doc.get("symbols_file") if isinstance(doc, dict) else None
    if isinstance(target, str):
        try:
            symbols_file = _native.resolve_relative(name, _native.expand_env(target))
        except ValueError:
            symbols_file = ""  # the schema reports the bad reference
        if symbols_file:
            try:
                symbols_json = _to_json(load_document(symbols_file), symbols_file)
            except _LoadError as exc:
                load_errors.append(exc.issue)
    normalized, errors = _native.check_system(doc_json, name, symbols_json, symbols_file, cpu_count)
    return _result(name, kind, normalized, errors, load_errors)


def _result(
    name: str, kind: str, normalized: str, errors: list[Any], first: list[ConfigIssue]
) -> CheckResult:
    issues = first + [ConfigIssue.from_native(e) for e in errors]
    return CheckResult(name, kind, issues, None if issues else json.loads(normalized))


def load_system_config(path: str | Path, cpu_count: int = 0) -> dict[str, Any]:
    """The validated system configuration with defaults filled in and symbols inlined.

    Raises :class:`ConfigInvalid` listing every problem.
    """
    result = check_file(path, "system", cpu_count)
    if not result.ok or result.normalized is None:
        raise ConfigInvalid(result.errors)
    return result.normalized


def json_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` as a JSON Schema (draft 2020-12) document."""
    if kind not in KINDS:
        raise ValueError(f"unknown configuration kind {kind!r}; expected one of {', '.join(KINDS)}")
    return json.loads(_native.json_schema(kind))
