"""Configuration: precedence of defaults, mode, seedsnap.toml, environment and options."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from seedsnap.cli import main
from seedsnap.config import Config, resolve
from seedsnap.errors import ConfigError
from seedsnap.generators import users


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
        # Outside the years a build is sound for: at 1970 its timelines cross the epoch
        # (1900 failed its own check), beyond 2100 a session falls outside its therapist's
        # hours, and at 9999 it made year-10000 times PostgreSQL refused on load.
        ({"anchor": "1900-01-01"}, {}, r"anchor 1900-01-01T00:00:00Z is outside .*--anchor"),
        # An option names itself as typed, not "(option)".
        ({"anchor": "2100-01-01"}, {}, r"is made for \(--anchor\); set --anchor between"),
        ({"anchor": "yesterday"}, {}, r"bad anchor time 'yesterday' \(--anchor\)"),
        ({"seed": -1}, {}, r"seed -1 out of range \(--seed\); set --seed between"),
        ({"anchor": "1979-12-31T23:59:59Z"}, {}, "anchor 1979-12-31T23:59:59Z is outside"),
        ({"anchor": "2100-01-01"}, {}, "between 1980-01-01T00:00:00Z and 2099-12-31T23:59:59Z"),
        ({}, {"SEEDSNAP_ANCHOR": "9999-12-31"}, r"\(env SEEDSNAP_ANCHOR\); set SEEDSNAP_ANCHOR"),
        ({}, {"SEEDSNAP_MIN_CLIENT_POSTZ": "3"}, "unknown minimum"),
        ({}, {"SEEDSNAP_MIN_CLIENT_POSTS": "many"}, "must be a whole number"),
        ({"minimums": {"client.posts": -1}}, {}, "between 0 and 1000, got -1"),
        ({"minimums": {"client.posts": 1001}}, {}, r"got 1001 \(--min client\.posts\); set --min"),
        (
            {"minimums": {"client.post": 3}},
            {},
            r"unknown minimum 'client\.post' \(--min client\.post\)",
        ),
        ({"minimums": {"client.posts": "x"}}, {}, r"whole number, got 'x' \(--min client\.posts\)"),
        ({"minimums": {"community.recent_activity_days": 36501}}, {}, "between 0 and 36500"),
    ],
)
def test_bad_configuration_is_one_clear_error(
    kwargs: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve(env=env, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "env", "fix"),
    [
        # The closest minimum, spelled as where the misspelt one came from.
        ({"minimums": {"client.post": 3}}, {}, "did you mean --min client.posts=N?"),
        (
            {"minimums": {"community.recent_days": 3}},
            {},
            "did you mean --min community.recent_activity_days=N?",
        ),
        ({}, {"SEEDSNAP_MIN_CLIENT_POST": "3"}, "rename it SEEDSNAP_MIN_CLIENT_POSTS, or unset"),
        ({"minimums": {"foo.bar": 3}}, {}, "write --min entity.requirement=N, e.g. --min client"),
        ({}, {"SEEDSNAP_MIN_FOO_BAR": "3"}, "spell it SEEDSNAP_MIN_<ENTITY>_<REQUIREMENT>, e.g."),
    ],
)
def test_an_unknown_minimum_names_the_closest_in_its_own_spelling(
    kwargs: dict[str, object], env: dict[str, str], fix: str
) -> None:
    with pytest.raises(ConfigError) as e:
        resolve(env=env, **kwargs)  # type: ignore[arg-type]
    assert fix in str(e.value)


def test_an_unknown_minimum_in_the_file_names_its_table(tmp_path: Path) -> None:
    path = tmp_path / "seedsnap.toml"
    path.write_text("[minimums.therapist]\nmeeting = 3\n")
    with pytest.raises(ConfigError, match=r"did you mean meetings in \[minimums\.therapist\]\?"):
        resolve(env={}, config_file=path)


# A name far from every requirement of its entity is suggested nothing: compared as a whole
# "entity.name", the shared "client." prefix alone passed the cutoff (client.zzz: client.posts).
FAR_MINIMUMS = ("client.zzz", "therapist.foo", "community.xyzzy", "clinet.zzz", "foo.bar")
NEAR_MINIMUMS = {
    "client.pots": "client.posts",
    "therapist.meeting": "therapist.meetings",
    "client.complete_assessments": "client.completed_assessments",
    "cleint.posts": "client.posts",  # an entity misspelt, its name kept
    "comunity.member": "community.members",
}


def _minimum_fix(key: str, spelling: str, tmp_path: Path) -> str:
    """The fix of the error an unknown minimum ``key`` gets, given as --min, env or toml."""
    entity, _, name = key.partition(".")
    with pytest.raises(ConfigError) as e:
        if spelling == "option":
            resolve(env={}, minimums={key: 3}, default_file=False)
        elif spelling == "env":
            resolve(env={f"SEEDSNAP_MIN_{entity.upper()}_{name.upper()}": "3"}, default_file=False)
        else:
            path = tmp_path / "seedsnap.toml"
            path.write_text(f"[minimums.{entity}]\n{name} = 3\n")
            resolve(env={}, config_file=path)
    assert "unknown minimum" in e.value.message
    return e.value.fix


@pytest.mark.parametrize("spelling", ["option", "env", "file"])
def test_a_far_off_minimum_is_suggested_nothing(spelling: str, tmp_path: Path) -> None:
    for key in FAR_MINIMUMS:
        fix = _minimum_fix(key, spelling, tmp_path)
        assert "did you mean" not in fix and "rename it" not in fix, (key, fix)
        assert "`seedsnap config` lists the minimums" in fix


@pytest.mark.parametrize("spelling", ["option", "env", "file"])
def test_a_near_minimum_is_suggested_in_its_own_spelling(spelling: str, tmp_path: Path) -> None:
    for key, known in NEAR_MINIMUMS.items():
        entity, _, name = known.partition(".")
        fix = _minimum_fix(key, spelling, tmp_path)
        expected = {
            "option": f"did you mean --min {known}=N?",
            "env": f"rename it SEEDSNAP_MIN_{entity.upper()}_{name.upper()}, or unset it",
            "file": f"did you mean {name} in [minimums.{entity}]?",
        }[spelling]
        assert expected in fix, (key, fix)


def test_the_anchor_range_is_inclusive() -> None:
    for text in ("1980-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "2099-12-31T23:59:59.900Z"):
        assert resolve(anchor=text, env={}).anchor.year in (1980, 2099)


def test_config_command_shows_values_and_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEEDSNAP_MIN_CLIENT_POSTS", "7")
    result = CliRunner().invoke(main, ["config", "--mode", "light"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("minimums.client.posts"))
    assert "7" in line and "env SEEDSNAP_MIN_CLIENT_POSTS" in line
    mode = next(x for x in result.output.splitlines() if x.startswith("mode"))
    assert "light" in mode and "option" in mode


def test_config_command_says_whom_the_assessment_minimum_holds_for() -> None:
    """client.completed_assessments holds only for clients with the tenure for it: the
    README and `seedsnap config` say so (they said nothing; `build` printed 0 violations with
    most clients below a --min of 8)."""
    from seedsnap.config import ASSESSMENT_ROOM_DAYS
    from seedsnap.generators.therapy import RETAKE_ROOM_DAYS

    assert ASSESSMENT_ROOM_DAYS == RETAKE_ROOM_DAYS
    result = CliRunner().invoke(main, ["config", "--mode", "light"], env={})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    line = next(x for x in lines if x.startswith("minimums.client.completed_assessments"))
    assert line.split()[1] == "2"
    assert line.endswith(
        "default; held by clients with the tenure for it: one per 15 days since intake"
    )
    posts = next(x for x in lines if x.startswith("minimums.client.posts "))
    assert "tenure" not in posts
    assert "client.completed_assessments: clients with the tenure" in " ".join(
        CliRunner().invoke(main, ["build", "--help"]).output.split()
    )


def test_build_says_how_many_therapists_a_client_minimum_left_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minimum of clients more than a new therapist's caseload has built up to (one more
    per PAST_SHARE_DAYS since approval) is held by the others: build says on stderr how many
    it left short, and they are the approved therapists below it."""
    import polars as pl

    from seedsnap import snapshot

    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("SEEDSNAP_")]:
        monkeypatch.delenv(name)
    args = ["build", "--mode", "medium", "--min", "therapist.client_relationships=3"]
    result = CliRunner().invoke(main, [*args, "--out", "s"])
    assert result.exit_code == 0, result.output
    (note,) = [x for x in result.stderr.splitlines() if x.startswith("note:")]
    snap = snapshot.read("s")
    approved = snap.frame("Therapist").filter(pl.col("status") == "APPROVED")
    have = snap.frame("ClientTherapist").group_by("therapistId").len()
    counts = approved.join(have, left_on="userId", right_on="therapistId", how="left")
    below = counts.filter(pl.col("len").fill_null(0) < 3).height
    assert below > 0
    assert note == (
        f"note: minimum therapist.client_relationships=3 holds for {approved.height - below} "
        f"of {approved.height} approved therapists: {below} approved too recently for 3 "
        "clients (one more per 28 days since approval) have as many as fit"
    )


def test_build_says_how_many_clients_an_assessment_minimum_left_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minimum of assessments more than a recent client's tenure fits is held by the
    others: build says on stderr how many it left short, and they are the clients below it."""
    import polars as pl

    from seedsnap import snapshot

    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("SEEDSNAP_")]:
        monkeypatch.delenv(name)
    args = ["build", "--mode", "light", "--out", "plain", "-q", "--no-check"]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 0, plain.output
    assert "note:" not in plain.stderr

    args = ["build", "--mode", "light", "--min", "client.completed_assessments=8", "--out", "s"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].endswith(" rules, 0 violations")
    (note,) = [x for x in result.stderr.splitlines() if x.startswith("note:")]
    snap = snapshot.read("s")
    have = snap.frame("PreAssessment").group_by("clientId").len()
    verified = (
        snap.frame("Client")
        .join(snap.frame("User"), left_on="userId", right_on="id")
        .filter(pl.col("emailVerified"))
        .join(have, left_on="userId", right_on="clientId", how="left")
    )
    below = verified.filter(pl.col("len") < 8).height
    assert below > 0
    assert note == (
        f"note: minimum client.completed_assessments=8 holds for {verified.height - below} of "
        f"{verified.height} verified clients: {below} took their intake too recently for 8 "
        "(one per 15 days since intake) and have as many as fit"
    )
    # A mode's own minimum leaves the newest clients of a large build short every time (the
    # README says so): only a configured one is told.
    from dataclasses import replace

    from seedsnap.build import short_of_tenure

    told = resolve(mode="light", minimums={"client.completed_assessments": 8}, env={})
    assert short_of_tenure("s", told) == note
    sources = {**told.sources, "minimums.client.completed_assessments": "mode light"}
    assert short_of_tenure("s", replace(told, sources=sources)) == ""


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


def config_error(result: Result, *needles: str) -> str:
    """The one stderr line of a refused configuration: exit 1, no traceback, ``needles``."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("seedsnap: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.mark.parametrize(
    ("volumes", "needles"),
    [
        ("clients = 2.5", ["volumes.clients is a count and must be a whole number, got 2.5"]),
        ("membership_rate = 1.5", ["volumes.membership_rate is a rate", "between 0 and 1"]),
        ("client_therapist_ratio = -0.1", ["volumes.client_therapist_ratio must be >= 0"]),
        ("clients = 1e9", ["volumes.clients = 1,000,000,000 is more than the 800,000 clients"]),
        ("admins = 60001", ["more than the 60,000 admins"]),
        ("posts_per_user = 1000", ["volumes.posts_per_user", "must be at most 100"]),
        ("clients = nan", ["volumes.clients must be a number, got 'nan'"]),
    ],
)
def test_config_refuses_a_bad_volume_naming_the_key_and_the_file(
    tmp_path: Path, volumes: str, needles: list[str]
) -> None:
    toml = tmp_path / "seedsnap.toml"
    toml.write_text(f"[volumes]\n{volumes}\n")
    key = volumes.split(" = ")[0]
    config_error(
        CliRunner().invoke(main, ["config", "--config", str(toml)], env={}),
        *needles,
        f"(file {toml})",
        f"{key} in [volumes] of {toml}",
    )


def test_the_volume_bound_is_what_the_largest_scale_gives_heavy_mode(tmp_path: Path) -> None:
    # --scale alone reaches the bound and no further; a seedsnap.toml cannot go beyond it.
    assert resolve(mode="heavy", scale=10_000, env={}).count("clients") == 800_000
    toml = tmp_path / "seedsnap.toml"
    toml.write_text("[volumes]\nclients = 1000\n")
    assert resolve(scale=800, config_file=toml, env={}).count("clients") == 800_000
    with pytest.raises(ConfigError, match=r"1,000 x scale 801 = 801,000 is more than the 800,000"):
        resolve(scale=801, config_file=toml, env={})
    out = tmp_path / "out"
    args = ["build", "--config", str(toml), "--scale", "900", "--out", str(out)]
    config_error(CliRunner().invoke(main, args), "volumes.clients = 1,000 x scale 900 = 900,000")
    assert not out.exists()


@pytest.mark.parametrize(
    ("env", "toml", "needles"),
    [
        (
            {"SEEDSNAP_SEED": "abc"},
            "",
            ["seed must be a whole number, got 'abc' (env SEEDSNAP_SEED)",
             "set SEEDSNAP_SEED to a whole number"],
        ),
        (
            {},
            '[build]\nseed = "abc"\n',
            ["seed must be a whole number, got 'abc' (file {toml})",
             "set seed in [build] of {toml} to a whole number"],
        ),
        (
            {"SEEDSNAP_SCALE": "0"},
            "",
            ["scale 0 out of range (env SEEDSNAP_SCALE)", "set SEEDSNAP_SCALE above 0"],
        ),
        (
            {"SEEDSNAP_MODE": "huge"},
            "",
            ["unknown mode 'huge' (env SEEDSNAP_MODE)", "set SEEDSNAP_MODE to one of light"],
        ),
        (
            {},
            "[minimums.client]\nposts = 1.5\n",
            ["minimum client.posts must be a whole number, got '1.5' (file {toml})",
             "set posts in [minimums.client] of {toml}"],
        ),
    ],
)  # fmt: skip
def test_a_bad_setting_names_its_source(
    tmp_path: Path, env: dict[str, str], toml: str, needles: list[str]
) -> None:
    path = tmp_path / "seedsnap.toml"
    path.write_text(toml)
    result = CliRunner().invoke(main, ["config", "--config", str(path)], env=env)
    config_error(result, *[n.format(toml=path) for n in needles])


def test_an_unreadable_config_file_is_one_line_naming_it(tmp_path: Path) -> None:
    config_error(
        CliRunner().invoke(main, ["config", "--config", str(tmp_path)]),
        f"config file {tmp_path} is a directory, not a TOML file",
        "give --config the path of a seedsnap.toml",
    )
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe[build]\n")
    config_error(
        CliRunner().invoke(main, ["config", "--config", str(binary)]),
        f"config file {binary} is not UTF-8 text",
    )
    config_error(
        CliRunner().invoke(main, ["config", "--config", str(tmp_path / "none.toml")]),
        f"config file {tmp_path / 'none.toml'} not found",
    )


@pytest.mark.parametrize(
    ("mode", "scale", "illness", "general"),
    [
        ("light", 1.5, ("8", "mode light x scale 1.5 = 7.5, rounded"), None),
        ("medium", 1, None, ("3", "mode medium = 5, at most upstream's 3 x scale")),
        ("light", 0.2, ("3", "mode light x scale 0.2 = 1, raised to its 3 fixtures"), None),
    ],
)
def test_config_shows_the_counts_the_build_makes(
    mode: str, scale: float, illness: tuple[str, str] | None, general: tuple[str, str] | None
) -> None:
    """A scaled count is printed as the whole number of rows the build makes (rounded, never
    under the fixtures, general communities capped as upstream's catalogue), with its scaled
    value beside the source; the anchor's column is as wide as the anchor."""
    from seedsnap.build import generate

    config = resolve(mode=mode, scale=scale, env={}, config_file=None)
    out = CliRunner().invoke(main, ["config", "--mode", mode, "--scale", str(scale)])
    assert out.exit_code == 0, out.output
    shown = {line.split()[0]: line.split(maxsplit=2)[1:] for line in out.output.splitlines()}
    for key, want in (("illness_communities", illness), ("general_communities", general)):
        if want is not None:
            assert tuple(shown[f"volumes.{key}"]) == want
    frames = generate(config)
    communities = sum(int(shown[f"volumes.{k}_communities"][0]) for k in ("illness", "general"))
    assert frames["Community"].height == communities
    # (and beside the therapists, the applicants every build has: users.TURNED_DOWN, users.AWAITING)
    extra = {"therapists": users.TURNED_DOWN + users.AWAITING}
    for role, table in (("clients", "Client"), ("therapists", "Therapist"), ("admins", "Admin")):
        assert frames[table].height == int(shown[f"volumes.{role}"][0]) + extra.get(role, 0)
    anchor = next(line for line in out.output.splitlines() if line.startswith("anchor "))
    assert "Z  " in anchor, "the anchor is followed by the column gap, not run into its source"


def test_the_community_counts_match_the_catalogues() -> None:
    from seedsnap.config import FIXTURE_COMMUNITIES, GENERAL_COMMUNITIES
    from seedsnap.generators.communities import FIXTURES, GENERAL

    assert (len(FIXTURES), len(GENERAL)) == (FIXTURE_COMMUNITIES, GENERAL_COMMUNITIES)


@pytest.mark.parametrize(
    ("name", "fix"),
    [
        ("SEEDSNAP_SEEDS", "rename it SEEDSNAP_SEED"),
        ("SEEDSNAP_SCAEL", "rename it SEEDSNAP_SCALE"),
        ("SEEDSNAP_MIN_POSTS", "SEEDSNAP_MIN_<ENTITY>_<REQUIREMENT>"),
    ],
)
def test_a_misspelt_environment_setting_is_refused(name: str, fix: str) -> None:
    with pytest.raises(ConfigError) as err:
        resolve(env={name: "3"}, config_file=None)
    assert name in str(err.value) and fix in str(err.value)


def test_other_seedsnap_variables_are_left_alone() -> None:
    """A script's own SEEDSNAP_ names (the tests' SEEDSNAP_TEST_PG) are no typo of a setting."""
    env = {"SEEDSNAP_TEST_PG": "postgresql://x", "SEEDSNAP_BENCH_PG": "y", "SEEDSNAP_DB": "z"}
    assert resolve(env=env, config_file=None) == resolve(env={}, config_file=None)


def test_a_misspelt_database_variable_is_refused_by_load_and_diff() -> None:
    """Without --db, load and diff read SEEDSNAP_DB: SEEDSNAP_DBS would quietly load into
    the default ./seedsnap.duckdb."""
    from seedsnap.loaders import resolve_url

    with pytest.raises(ConfigError) as err:
        resolve_url(None, {"SEEDSNAP_DBS": "sqlite:///x.db"})
    assert "rename it SEEDSNAP_DB" in str(err.value)
    assert resolve_url(None, {"SEEDSNAP_DB": "sqlite:///x.db"}) == "sqlite:///x.db"


def test_build_names_the_settings_the_command_line_did_not_give(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ./seedsnap.toml is read without being asked for, and a SEEDSNAP_ variable may be
    left set: the build says what they set, so it is not quietly other than the one typed."""
    monkeypatch.chdir(tmp_path)
    for name in [n for n in os.environ if n.startswith("SEEDSNAP_")]:
        monkeypatch.delenv(name)
    args = ["build", "--mode", "light", "--out", "snap", "--quiet", "--no-check"]
    plain = CliRunner().invoke(main, args)
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.splitlines()[0].startswith("built snap: mode light,")
    assert len(plain.stdout.splitlines()) == 1

    (tmp_path / "seedsnap.toml").write_text("[build]\nseed = 7\n\n[minimums.client]\nposts = 4\n")
    told = CliRunner().invoke(main, args, env={"SEEDSNAP_MIN_CLIENT_COMMENTS": "6"})
    assert told.exit_code == 0, told.output
    assert told.stdout.splitlines()[1] == (
        "from seedsnap.toml: seed=7, minimums.client.posts=4; from the environment: "
        "SEEDSNAP_MIN_CLIENT_COMMENTS=6 (`seedsnap config` shows every setting and its source)"
    )


def test_overrides_are_the_values_as_given_with_their_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count from seedsnap.toml is named as the file gives it, not scaled: the build's
    line once said volumes.clients=45 of a file that says 30 (at --scale 1.5)."""
    monkeypatch.chdir(tmp_path)
    assert resolve(mode="light", scale=2.5, env={}, default_file=False).overrides() == [
        ("mode", "light", "option"),
        ("scale", 2.5, "option"),
    ]
    assert resolve(env={}, default_file=False).overrides() == []
    (tmp_path / "seedsnap.toml").write_text(
        "[build]\nseed = 7\n\n[volumes]\nclients = 30\npost_heart_rate = 0.5\n"
    )
    cfg = resolve(
        mode="light", scale=1.5, minimums={"client.posts": 4},
        env={"SEEDSNAP_MIN_CLIENT_COMMENTS": "6"},
    )  # fmt: skip
    assert cfg.volumes["clients"] == 45
    assert cfg.overrides() == [
        ("mode", "light", "option"),
        ("seed", 7, "file seedsnap.toml"),
        ("scale", 1.5, "option"),
        ("volumes.clients", 30, "file seedsnap.toml"),
        ("volumes.post_heart_rate", 0.5, "file seedsnap.toml"),
        ("minimums.client.comments", 6, "env SEEDSNAP_MIN_CLIENT_COMMENTS"),
        ("minimums.client.posts", 4, "option"),
    ]
    # Read back from a manifest (no sources): what the mode at its scale does not give.
    back = Config(mode="light", scale=1.5, volumes=cfg.volumes, minimums=cfg.minimums)
    assert [(k, v) for k, v, _ in back.overrides()] == [
        ("volumes.clients", 30),
        ("volumes.post_heart_rate", 0.5),
        ("minimums.client.comments", 6),
        ("minimums.client.posts", 4),
    ]

    args = ["build", "--mode", "light", "--scale", "1.5", "--out", "snap", "-q", "--no-check"]
    result = CliRunner().invoke(main, args, env={"SEEDSNAP_MIN_CLIENT_COMMENTS": None})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "from seedsnap.toml: seed=7, volumes.clients=30, volumes.post_heart_rate=0.5 "
        "(`seedsnap config` shows every setting and its source)"
    )


def test_the_readme_counts_ignore_a_seedsnap_toml_in_the_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make readme` runs in the repository, where a newcomer trying the README's
    seedsnap.toml leaves one: its counts are of the modes as they are, not of the file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seedsnap.toml").write_text("[build]\nseed = 7\n\n[volumes]\nclients = 9\n")
    assert resolve(mode="light", env={}).seed == 7
    plain = resolve(mode="light", env={}, default_file=False)
    assert plain.seed != 7
    assert plain.sources["seed"] == "default" and plain.sources["volumes.clients"] == "mode light"


def test_config_notes_every_minimum_held_by_fewer_entities_than_its_kind() -> None:
    """`seedsnap config` notes whom a minimum holds for wherever check counts it over fewer
    entities than its kind (a narrower set of entities, or only some of the rows counted):
    before, only client.completed_assessments was noted, and a user who set
    --min therapist.worksheets_created=9 saw 0 violations with therapists below it."""
    from seedsnap.check import MINIMUM_COUNTS
    from seedsnap.config import MINIMUM_SCOPES

    narrowed = {key for key, (_, entities) in MINIMUM_COUNTS.items() if entities is not None}
    narrowed.add(("community", "moderators"))  # its count takes active moderators only
    assert narrowed == set(MINIMUM_SCOPES)
    result = CliRunner().invoke(main, ["config", "--mode", "heavy"], env={})
    assert result.exit_code == 0, result.output
    lines = {x.split()[0]: x for x in result.output.splitlines() if x.startswith("minimums.")}
    for entity, name in narrowed:
        assert lines[f"minimums.{entity}.{name}"].endswith(MINIMUM_SCOPES[(entity, name)])
    assert lines["minimums.client.posts"].split()[2:] == ["mode", "heavy"]


def test_a_retired_volume_is_refused_saying_what_decides_it_now(tmp_path: Path) -> None:
    """meetings_per_relationship was upstream's sessions a pair has; a pair's sessions follow
    its age now, so a seedsnap.toml that raises it would get no more meetings, and less
    homework a session: it is refused, before anything is written, not ignored."""
    toml = tmp_path / "seedsnap.toml"
    toml.write_text("[volumes]\nmeetings_per_relationship = 20\nposts_per_user = 2\n")
    out = tmp_path / "out"
    args = ["build", "--mode", "light", "--config", str(toml), "--out", str(out)]
    config_error(
        CliRunner().invoke(main, args, env={}),
        "volume meetings_per_relationship no longer sets anything a build makes",
        "every week of its cadence",
        f"remove meetings_per_relationship from [volumes] of {toml}",
    )
    assert not out.exists()
    # the mode's own figure stays (the homework a session is worksheets over it)
    toml.write_text("[volumes]\nposts_per_user = 2\n")
    conf = resolve(mode="light", config_file=toml, env={})
    assert conf.volumes["meetings_per_relationship"] == 3
