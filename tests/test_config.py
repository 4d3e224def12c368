"""Configuration: precedence of defaults, mode, seedsnap.toml, environment and options."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from seedsnap.cli import main
from seedsnap.config import resolve
from seedsnap.errors import ConfigError


def test_mode_overrides_that_upstream_ignored_are_applied() -> None:
    assert resolve(mode="light", env={}).minimum("client", "posts") == 2
    assert resolve(mode="medium", env={}).minimum("client", "posts") == 5
    assert resolve(mode="heavy", env={}).minimum("community", "members") == 20


def test_precedence_file_then_env_then_option(tmp_path: Path) -> None:
    toml = tmp_path / "seedsnap.toml"
    toml.write_text(
        '[build]\nseed = 7\nmode = "light"\n[minimums.client]\nposts = 4\ncomments = 6\n'
    )
    c = resolve(config_file=toml, env={})
    assert (c.seed, c.mode, c.minimum("client", "posts")) == (7, "light", 4)
    assert c.sources["minimums.client.posts"] == f"file {toml}"
    c = resolve(config_file=toml, env={"SEEDSNAP_MIN_CLIENT_POSTS": "9", "SEEDSNAP_SEED": "8"})
    assert (c.seed, c.minimum("client", "posts"), c.minimum("client", "comments")) == (8, 9, 6)
    assert c.sources["minimums.client.posts"] == "env SEEDSNAP_MIN_CLIENT_POSTS"
    c = resolve(
        seed=9,
        minimums={"client.posts": 11},
        config_file=toml,
        env={"SEEDSNAP_MIN_CLIENT_POSTS": "9"},
    )
    assert (c.seed, c.minimum("client", "posts")) == (9, 11)
    assert c.sources["seed"] == "option"


def test_scale_multiplies_the_population_only() -> None:
    c = resolve(mode="medium", scale=2, env={})
    assert c.count("clients") == 50
    assert c.volumes["posts_per_user"] == 2  # a per-user rate, not scaled


@pytest.mark.parametrize(
    ("kwargs", "env", "message"),
    [
        ({"mode": "huge"}, {}, "unknown mode"),
        ({"scale": 0}, {}, "scale"),
        ({"anchor": "yesterday"}, {}, "bad anchor"),
        ({}, {"SEEDSNAP_MIN_CLIENT_POSTZ": "3"}, "unknown minimum"),
        ({}, {"SEEDSNAP_MIN_CLIENT_POSTS": "many"}, "must be a number"),
        ({"minimums": {"client.posts": -1}}, {}, ">= 0"),
    ],
)
def test_bad_configuration_is_one_clear_error(
    kwargs: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve(env=env, **kwargs)  # type: ignore[arg-type]


def test_config_command_shows_values_and_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEDSNAP_MIN_CLIENT_POSTS", "7")
    result = CliRunner().invoke(main, ["config", "--mode", "light"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("minimums.client.posts"))
    assert "7" in line and "env SEEDSNAP_MIN_CLIENT_POSTS" in line
    mode = next(x for x in result.output.splitlines() if x.startswith("mode"))
    assert "light" in mode and "option" in mode


def test_bad_option_exits_1_with_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--mode", "huge", "--out", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0
    assert "unknown mode 'huge'" in result.output
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[volumes]\nclients = "lots"\n', "must be a number"),
        ("volumes = 3\n", "must be a table"),
        ("[build]\nsed = 5\n", "unknown \\[build\\] key"),
        ("[minimums]\nclient = 3\n", "is not a table"),
        ("[build\n", "invalid TOML"),
        ("[volumes]\nclients = -4\n", ">= 0"),
    ],
)
def test_a_bad_seedsnap_toml_is_one_clear_error(tmp_path: Path, text: str, message: str) -> None:
    toml = tmp_path / "seedsnap.toml"
    toml.write_text(text)
    with pytest.raises(ConfigError, match=message):
        resolve(config_file=toml, env={})
