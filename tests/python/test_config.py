"""Configuration loading and validation from Python (the rules live in C++)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from hft import config


def edit(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def rules(result: config.CheckResult) -> list[tuple[str, str]]:
    return [(e.path, e.rule) for e in result.errors]


def test_shipped_configuration_is_valid(config_dir: Path) -> None:
    result = config.check_file(config_dir / "system_config.json", cpu_count=2)
    assert result.ok, [str(e) for e in result.errors]
    assert result.kind == "system"
    risk = result.normalized["risk"]
    assert risk["max_position_size"] == 10000
    assert risk["max_notional_exposure"] == 1e7
    assert risk["max_orders_per_second"] == 1000
    assert risk["max_daily_loss"] == 50000
    assert "AAPL" in result.normalized["symbols"]


def test_shipped_symbol_file_alone_is_detected_and_valid(config_dir: Path) -> None:
    result = config.check_file(config_dir / "symbol_config.json")
    assert result.kind == "symbols"
    assert result.ok, [str(e) for e in result.errors]


def test_error_names_file_path_rule_and_value(shipped_system: Path) -> None:
    edit(shipped_system, lambda d: d["risk"].update(max_position_size=-5))
    result = config.check_file(shipped_system, cpu_count=2)
    assert not result.ok
    (e,) = result.errors
    assert (e.file, e.path, e.rule, e.value) == (
        str(shipped_system),
        "risk.max_position_size",
        "minimum",
        "-5",
    )
    assert str(e).startswith(f"{shipped_system}: risk.max_position_size: must be at least 1")


def test_cross_file_rule_names_the_symbol_file(shipped_system: Path) -> None:
    symbols = shipped_system.parent / "symbol_config.json"
    edit(symbols, lambda d: d["symbols"]["AAPL"].update(max_position=999999))
    result = config.check_file(shipped_system, cpu_count=2)
    assert rules(result) == [("symbols.AAPL.max_position", "symbols.max_position_within_risk")]
    assert result.errors[0].file == str(symbols)


def test_core_the_machine_lacks_depends_on_cpu_count(shipped_system: Path) -> None:
    edit(shipped_system, lambda d: d["cpu"].update(network_cores=[5]))
    assert rules(config.check_file(shipped_system, cpu_count=2)) == [
        ("cpu.network_cores[0]", "cpu.core_exists")
    ]
    assert config.check_file(shipped_system, cpu_count=8).ok


def test_yaml_is_accepted_and_equivalent(shipped_system: Path, tmp_path: Path) -> None:
    doc = json.loads(shipped_system.read_text())
    yaml_path = tmp_path / "system.yaml"
    yaml_path.write_text(yaml.safe_dump(doc))
    from_yaml = config.check_file(yaml_path, cpu_count=2)
    from_json = config.check_file(shipped_system, cpu_count=2)
    assert from_yaml.ok, [str(e) for e in from_yaml.errors]
    assert from_yaml.normalized == from_json.normalized


def test_yaml_symbol_file_is_followed(shipped_system: Path) -> None:
    symbols = json.loads((shipped_system.parent / "symbol_config.json").read_text())
    (shipped_system.parent / "symbols.yml").write_text(yaml.safe_dump(symbols))
    edit(shipped_system, lambda d: d.update(symbols_file="symbols.yml"))
    assert config.check_file(shipped_system, cpu_count=2).ok


@pytest.mark.parametrize(
    ("name", "text", "rule"),
    [
        ("dup.json", '{"a": 1, "a": 2}', "duplicate_key"),
        ("dup.yaml", "a: 1\na: 2\n", "parse"),
        ("broken.json", '{"a": }', "parse"),
        ("broken.yaml", "a: [1, 2\n", "parse"),
        ("nan.yaml", "schema_version: .nan\n", "type"),
    ],
)
def test_unparseable_files_are_reported_not_raised(tmp_path: Path, name: str, text: str, rule: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    result = config.check_file(path, "system")
    assert not result.ok
    assert result.errors[0].rule == rule
    assert result.errors[0].file == str(path)


def test_json_parse_error_has_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "a": 1,\n  "b": ]\n}')
    (e,) = config.check_file(path).errors
    assert "line 3, column 8" in e.message


def test_missing_file(tmp_path: Path) -> None:
    (e,) = config.check_file(tmp_path / "absent.json").errors
    assert e.rule == "file"


def test_env_expansion_in_paths(shipped_system: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HFT_STATE_DIR", "/srv/hft-state")
    normalized = config.load_system_config(shipped_system, cpu_count=2)
    assert normalized["logging"]["audit_log_path"] == "/srv/hft-state/audit.bin"
    monkeypatch.delenv("HFT_STATE_DIR")
    normalized = config.load_system_config(shipped_system, cpu_count=2)
    assert normalized["logging"]["audit_log_path"] == "/var/lib/hft/audit.bin"


def test_load_system_config_raises_with_every_error(shipped_system: Path) -> None:
    edit(shipped_system, lambda d: d["risk"].update(max_position_size=0, max_daily_loss="x"))
    with pytest.raises(config.ConfigInvalid) as info:
        config.load_system_config(shipped_system, cpu_count=2)
    assert {e.path for e in info.value.errors} == {"risk.max_position_size", "risk.max_daily_loss"}


@pytest.mark.parametrize("kind", config.KINDS)
def test_exported_json_schema_is_a_valid_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(config.json_schema(kind))


def test_exported_schema_agrees_with_the_native_validator(config_dir: Path, shipped_system: Path) -> None:
    """A third-party JSON Schema validator accepts what we accept and rejects a bad type."""
    validator = jsonschema.Draft202012Validator(config.json_schema("system"))
    normalized = config.load_system_config(config_dir / "system_config.json", cpu_count=2)
    validator.validate(normalized)
    sym_validator = jsonschema.Draft202012Validator(config.json_schema("symbols"))
    sym_validator.validate(json.loads((config_dir / "symbol_config.json").read_text()))
    bad = dict(normalized, risk=dict(normalized["risk"], max_position_size="many"))
    assert not validator.is_valid(bad)


def test_unknown_kind_is_rejected(config_dir: Path) -> None:
    with pytest.raises(ValueError, match="unknown configuration kind"):
        config.check_file(config_dir / "system_config.json", kind="venue")
