"""The build: determinism, fixtures, volumes, growth, text variety, enricher scheduling."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from seedsnap.build import generate
from seedsnap.config import (
    MAX_THERAPISTS_PER_CLIENT,
    PAST_SHARE_DAYS,
    UNVERIFIED_WITHIN_DAYS,
    VERIFY_TOKEN_HOURS,
    resolve,
)
from seedsnap.context import Context, Frames
from seedsnap.enrichers import logins, moderator_assignments, orchestrator
from seedsnap.enrichers.orchestrator import Enricher, load_enrichers, tiers
from seedsnap.errors import EnricherError
from seedsnap.generators import content_text, users
from seedsnap.generators.users import DEV_PASSWORD, last_seen


@pytest.fixture(scope="module")
def medium() -> Frames:
    return generate(resolve(mode="medium", env={}, config_file=None))


def _digests(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def _build(out: Path, env_extra: dict[str, str], *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEEDSNAP_")}
    env.update(env_extra)
    cmd = [
        sys.executable,
        "-m",
        "seedsnap",
        "build",
        "--mode",
        "light",
        "--out",
        str(out),
        "--quiet",
        "--no-check",
        *args,
    ]
    subprocess.run(cmd, check=True, env=env, capture_output=True, cwd=out.parent)


def test_builds_are_byte_identical_across_processes_hash_seeds_time_zones_and_jobs(
    tmp_path: Path,
) -> None:
    _build(tmp_path / "a", {"PYTHONHASHSEED": "1", "TZ": "UTC"}, "--jobs", "1")
    _build(tmp_path / "b", {"PYTHONHASHSEED": "4242", "TZ": "Asia/Manila"}, "--jobs", "2")
    a, b = _digests(tmp_path / "a"), _digests(tmp_path / "b")
    assert len(a) == 43  # 42 tables + manifest
    assert a == b


def test_jobs_do_not_change_the_frames() -> None:
    config = resolve(mode="light", env={})
    one, two = generate(config, jobs=1), generate(config, jobs=2)
    for table, frame in one.items():
        assert_frame_equal(frame, two[table])


def test_fixture_accounts_and_communities(medium: Frames) -> None:
    users = medium["User"]
    for role in ("client", "therapist", "admin", "moderator"):
        for n in (1, 2, 3):
            row = users.filter(pl.col("id") == f"dev_{role}_{n}")
            assert row.height == 1, f"missing fixture dev_{role}_{n}"
            assert row["email"][0] == f"{role}{n}@mentaratest.dev"
            assert row["role"][0] == role
    fixtures = medium["Therapist"].filter(pl.col("userId").str.starts_with("dev_"))
    assert fixtures["status"].to_list() == ["APPROVED"] * 3
    slugs = set(medium["Community"]["slug"].to_list())
    assert {"adhd-support", "anxiety-support", "depression-support"} <= slugs


def test_one_bcrypt_hash_of_the_dev_password_for_every_user(medium: Frames) -> None:
    import bcrypt

    hashes = medium["User"]["password"].unique().to_list()
    assert len(hashes) == 1
    assert bcrypt.checkpw(DEV_PASSWORD.encode(), hashes[0].encode())


@pytest.mark.parametrize(
    ("mode", "per_role", "communities"),
    [
        ("light", {"client": 8, "therapist": 4, "admin": 3, "moderator": 3}, 7),
        ("medium", {"client": 25, "therapist": 12, "admin": 4, "moderator": 4}, 13),
        ("heavy", {"client": 80, "therapist": 25, "admin": 6, "moderator": 8}, 18),
    ],
)
def test_mode_volumes_match_upstream(mode: str, per_role: dict[str, int], communities: int) -> None:
    frames = generate(resolve(mode=mode, env={}))
    counts = dict(frames["User"].group_by("role").len().iter_rows())
    # Upstream's therapists, and the applicants every build has (users.TURNED_DOWN, AWAITING).
    assert counts == {
        **per_role,
        "therapist": per_role["therapist"] + users.TURNED_DOWN + users.AWAITING,
    }
    assert frames["Community"].height == communities
    assert frames["RoomGroup"].height == communities
    assert frames["Room"].height == communities


def test_no_two_posts_share_title_and_body_in_medium(medium: Frames) -> None:
    posts = medium["Post"]
    assert posts.height > 100
    assert posts.select("title", "content").unique().height == posts.height


def test_generated_emails_are_unique_and_numbered_per_role_at_scale(heavy3: Frames) -> None:
    users = heavy3["User"]
    assert users["email"].is_unique().all()


def test_content_rules_hold_by_construction(medium: Frames) -> None:
    rooms = medium["Room"].join(medium["RoomGroup"], left_on="roomGroupId", right_on="id")
    posts = medium["Post"].join(
        rooms.select(pl.col("id").alias("roomId"), "communityId"), on="roomId"
    )
    assert posts.height == medium["Post"].height, "every post is in a room"
    members = medium["Membership"].select("userId", "communityId", "joinedAt")
    joined = posts.join(members, on=["userId", "communityId"], how="left")
    assert joined["joinedAt"].null_count() == 0, "authors are members"
    assert (joined["createdAt"] >= joined["joinedAt"]).all(), "posted after joining"
    comments = medium["Comment"].join(
        posts.select(
            pl.col("id").alias("postId"),
            "communityId",
            pl.col("createdAt").alias("postAt"),
            pl.col("userId").alias("author"),
        ),
        on="postId",
    )
    assert (comments["createdAt"] > comments["postAt"]).all()
    c_members = comments.join(members, on=["userId", "communityId"], how="left")
    assert c_members["joinedAt"].null_count() == 0, "commenters are members"
    replies = (
        medium["Comment"]
        .filter(pl.col("parentId").is_not_null())
        .join(
            medium["Comment"].select(
                pl.col("id").alias("parentId"),
                pl.col("createdAt").alias("parentAt"),
                pl.col("postId").alias("parentPost"),
            ),
            on="parentId",
        )
    )
    assert replies.height > 0
    assert (replies["createdAt"] > replies["parentAt"]).all()
    assert (replies["postId"] == replies["parentPost"]).all()
    hearts = medium["PostHeart"].join(
        medium["Post"].select(pl.col("id").alias("postId"), pl.col("userId").alias("author")),
        on="postId",
    )
    assert (hearts["userId"] != hearts["author"]).all()
    anchor = resolve(env={}).anchor.replace(tzinfo=None)
    for table in ("Post", "Comment", "PostHeart", "CommentHeart", "User", "Membership"):
        col = "joinedAt" if table == "Membership" else "createdAt"
        assert (medium[table][col] <= anchor).all(), f"{table}.{col} after the anchor"


def test_minimums_of_the_tier_1_to_3_enrichers_hold_per_entity() -> None:
    config = resolve(mode="heavy", env={})
    f = generate(config)
    # Client minimums are of the clients who finished signing up (verified their email).
    verified = f["User"].filter(pl.col("emailVerified")).select(pl.col("id").alias("userId"))
    clients = f["Client"].select(pl.col("userId")).join(verified, on="userId", how="semi")
    approved = f["Therapist"].filter(pl.col("status") == "APPROVED").select("userId")

    def at_least(entities: pl.DataFrame, key: str, rows: pl.DataFrame, col: str, n: int) -> None:
        counts = rows.group_by(col).len().rename({col: key})
        short = entities.join(counts, on=key, how="left").filter(pl.col("len").fill_null(0) < n)
        assert short.is_empty(), f"{short.height} entities below {n}: {short.head(3)}"

    at_least(clients, "userId", f["Post"], "userId", config.minimum("client", "posts"))
    at_least(clients, "userId", f["Comment"], "userId", config.minimum("client", "comments"))
    at_least(clients, "userId", f["Membership"], "userId", 1)
    at_least(approved, "userId", f["Post"], "userId", config.minimum("therapist", "posts"))
    # Current and past clients (one active therapist per client), the caseload built up one
    # more per PAST_SHARE_DAYS since approval: the minimum of those approved long enough,
    # and a newer therapist fewer, at least its current client.
    n = config.minimum("therapist", "client_relationships")
    since = (
        f["Therapist"]
        .filter(pl.col("status") == "APPROVED")
        .select(
            "userId", (config.anchor.replace(tzinfo=None) - pl.col("processingDate")).alias("age")
        )
    )
    tenured = since.filter(pl.col("age") >= timedelta(days=PAST_SHARE_DAYS * (n - 1)))
    at_least(tenured.select("userId"), "userId", f["ClientTherapist"], "therapistId", n)
    assert tenured.height < approved.height
    at_least(since.join(tenured, on="userId", how="anti"), "userId", f["ClientTherapist"],
             "therapistId", 1)  # fmt: skip
    # Clients with k therapists grow fewer as k grows, up to the cap (heavy: 27, 27, 7, 1).
    per_client = f["ClientTherapist"].group_by("clientId").len()["len"]
    shape = [(per_client == k).sum() for k in range(1, MAX_THERAPISTS_PER_CLIENT + 1)]
    assert shape == sorted(shape, reverse=True) and per_client.max() <= len(shape), shape
    comm = f["Community"].select(pl.col("id").alias("communityId"))
    at_least(
        comm, "communityId", f["Membership"], "communityId", config.minimum("community", "members")
    )
    at_least(comm, "communityId", f["ModeratorCommunity"], "communityId", 1)
    posts = f["Post"].select(pl.col("id").alias("postId"))
    at_least(posts, "postId", f["Comment"], "postId", config.minimum("post", "comments"))
    # Nobody hearts misconduct (enrichers/hearts.py): the heart minimum is the other posts'.
    decent = f["Post"].filter(~content_text.misconduct_expr("content"))
    hearted = decent.select(pl.col("id").alias("postId"))
    at_least(hearted, "postId", f["PostHeart"], "postId", config.minimum("post", "hearts"))
    assert f["ClientTherapist"].select("clientId", "therapistId").is_unique().all()
    assert (
        f["ClientTherapist"]
        .join(approved, left_on="therapistId", right_on="userId", how="anti")
        .is_empty()
    ), "only approved therapists"


def test_growth_keeps_existing_entities_rows() -> None:
    """Scale 2 keeps every row of the scale-1 people and communities unchanged.

    Users are keyed by (role, index within role) and communities by slug, and their values
    depend only on their own key, so these tables keep every scale-1 row: User, Client,
    Therapist, Admin, Moderator, Community, RoomGroup, Room. Tables whose rows are chosen
    among a population that grew (memberships, pairs, posts, comments, hearts, ...) change:
    a client's communities are drawn among more communities at scale 2. So do the User
    columns that follow from what the user did (``logins.SET``: last login, deactivation),
    and the Moderator columns that follow from their assignments (``moderator_assignments.SET``).
    """
    small = generate(resolve(mode="medium", scale=1, env={}))
    big = generate(resolve(mode="medium", scale=2, env={}))
    for table in (
        "User",
        "Client",
        "Therapist",
        "Admin",
        "Moderator",
        "Community",
        "RoomGroup",
        "Room",
    ):
        pk = (
            small[table].columns[0]
            if table in ("Client", "Therapist", "Admin", "Moderator")
            else "id"
        )
        kept = big[table].join(small[table].select(pk), on=pk, how="semi").sort(pk)
        assert kept.height == small[table].height, f"{table}: rows lost at scale 2"
        derived = {"User": logins.SET, "Moderator": moderator_assignments.SET}.get(table, ())
        assert_frame_equal(
            kept.drop(*derived), small[table].sort(pk).drop(*derived), check_row_order=True
        )
        assert big[table].height > small[table].height, f"{table} did not grow"


@pytest.mark.parametrize(
    ("mode", "small_env", "big_env"),
    [
        ("light", {}, {"SEEDSNAP_SCALE": "2"}),
        ("heavy", {}, {"SEEDSNAP_SCALE": "2"}),
        (
            "medium",
            {},
            {
                "SEEDSNAP_MIN_CLIENT_COMMUNITY_MEMBERSHIPS": "3",
                "SEEDSNAP_MIN_POST_HEARTS": "3",
                "SEEDSNAP_MIN_CLIENT_THERAPIST_RELATIONSHIPS": "1",
            },
        ),
    ],
)
def test_a_natural_key_has_one_id_in_every_snapshot_of_a_seed(
    mode: str, small_env: dict[str, str], big_env: dict[str, str]
) -> None:
    """Two builds of one seed never give one natural key (a unique key other than the
    primary key: a membership's user and community, a heart's post and user, an email) two
    different ids, whichever step made the row in each build.

    Else loading a grown snapshot, or one with raised minimums, over an older one stops on
    a unique-key conflict for rows that are the same thing (a user's membership of a
    community) under another id.
    """
    small = generate(resolve(mode=mode, env=small_env, config_file=None))
    big = generate(resolve(mode=mode, env=big_env, config_file=None))
    schema = Context(resolve(env={})).schema
    checked, wrong = 0, []
    for table in schema.tables:
        pk = list(table.primary_key)
        for index in table.unique_indexes:
            natural = list(index.columns)
            if natural == pk:
                continue
            a = small[table.name].select(*pk, *natural).drop_nulls(natural)
            b = big[table.name].select(*pk, *natural).drop_nulls(natural)
            both = a.join(b, on=natural, how="inner", suffix="_big")
            differ = both.filter(pl.any_horizontal(pl.col(k) != pl.col(f"{k}_big") for k in pk))
            if differ.height:
                wrong.append(f"{table.name} {natural}: {differ.height} of {both.height}")
            checked += both.height
    assert not wrong, wrong
    assert checked > 50, "too few shared natural keys to say anything"


def _toy(ctx: Context, frames: Frames) -> Frames:
    return {}


def test_a_registered_toy_enricher_is_scheduled_after_what_it_reads() -> None:
    toy = Enricher("toy", frozenset({"Comment"}), frozenset({"Admin"}), _toy)
    enrichers = [*load_enrichers(), toy]
    levels = tiers(enrichers)
    where = {e.name: n for n, tier in enumerate(levels, 1) for e in tier}
    assert where["toy"] == where["comments"] + 1
    # An enricher that reads nothing written before it lands in tier 1.
    alone = Enricher("alone", frozenset({"Therapist"}), frozenset({"Moderator"}), _toy)
    assert tiers([alone, *enrichers])[0][0].name == "alone"


def test_registry_modules_declare_reads_and_writes() -> None:
    for e in load_enrichers(orchestrator.ENRICHERS):
        assert e.writes, e.name
        assert e.writes <= set(Context(resolve(env={})).schema.table_names)


def test_a_reader_registered_before_its_writer_still_runs_after_it() -> None:
    reader = Enricher("reader", frozenset({"Room"}), frozenset({"Report"}), _toy)
    writer = Enricher("writer", frozenset({"RoomGroup"}), frozenset({"Room"}), _toy)
    levels = tiers([reader, writer])
    assert [[e.name for e in tier] for tier in levels] == [["writer"], ["reader"]]


def test_two_top_ups_of_one_table_run_in_registry_order_and_longer_cycles_fail() -> None:
    first = Enricher("first", frozenset({"Post"}), frozenset({"Post"}), _toy)
    second = Enricher("second", frozenset({"Post"}), frozenset({"Post"}), _toy)
    assert [[e.name for e in t] for t in tiers([first, second])] == [["first"], ["second"]]
    assert [[e.name for e in t] for t in tiers([second, first])] == [["second"], ["first"]]
    a = Enricher("a", frozenset({"Post"}), frozenset({"Comment"}), _toy)
    b = Enricher("b", frozenset({"Comment"}), frozenset({"Report"}), _toy)
    c = Enricher("c", frozenset({"Report"}), frozenset({"Post"}), _toy)
    with pytest.raises(EnricherError, match="dependency cycle: a -> c -> b -> a"):
        tiers([a, b, c])


def test_a_build_failing_its_check_leaves_the_previous_snapshot_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedsnap import check
    from seedsnap.build import BuildCheckFailed, build

    out = tmp_path / "snap"
    build(resolve(mode="light", env={}), out)
    before = _digests(out)

    def failing(path: str | Path, **_: object) -> check.CheckReport:
        report = check.CheckReport(rules=["x"])
        report.violations.append(check.Violation("x", "User", "k", 1))
        return report

    monkeypatch.setattr(check, "check", failing)
    with pytest.raises(BuildCheckFailed, match="not written") as info:
        build(resolve(mode="light", seed=99, env={}), out)
    assert info.value.report.violations[0].rule == "x"
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["snap"]


def test_a_minimum_the_population_cannot_give_is_reported_as_a_setting_not_a_bug(
    tmp_path: Path,
) -> None:
    from click.testing import CliRunner

    from seedsnap.cli import main

    # A light build has 4 therapists: no client can be paired with 100 of them.
    out = tmp_path / "snap"
    args = ["build", "--mode", "light", "--out", str(out), "--quiet"]
    result = CliRunner().invoke(main, [*args, "--min", "client.therapist_relationships=100"])
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert error.startswith("seedsnap: error: ")
    assert "cannot meet 1 minimum(s)" in error and "client.therapist_relationships" in error
    assert "needs 100" in error and "raise --scale" in error and "bug" not in error
    assert "min:client.therapist_relationships" in result.stderr  # the report lists it
    assert not out.exists()


def test_a_short_minimum_with_the_modes_own_settings_is_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from seedsnap import check
    from seedsnap.build import BuildCheckFailed, build

    def short(path: str | Path, **_: object) -> check.CheckReport:
        report = check.CheckReport(rules=["min:client.posts"])
        report.violations.append(check.Violation("min:client.posts", "Client", "k", 1, "has 1"))
        return report

    monkeypatch.setattr(check, "check", short)
    with pytest.raises(BuildCheckFailed, match="seedsnap bug"):
        build(resolve(mode="light", env={}), tmp_path / "a")
    # The same shortfall once the user set that minimum (or the scale) is theirs to fix.
    for cfg in (
        resolve(mode="light", minimums={"client.posts": 3}, env={}),
        resolve(mode="light", scale=0.5, env={}),
    ):
        with pytest.raises(BuildCheckFailed, match="cannot meet 1 minimum") as e:
            build(cfg, tmp_path / "b")
        assert "bug" not in str(e.value)
    # A minimum the user did not touch, short while another was set, is still a bug; and so
    # is one short in a population larger than the mode's, which "raise --scale" cannot fix.
    for cfg in (
        resolve(mode="light", minimums={"client.comments": 9}, env={}),
        resolve(mode="light", scale=3, env={}),
    ):
        with pytest.raises(BuildCheckFailed, match="seedsnap bug"):
            build(cfg, tmp_path / "c")


@pytest.mark.parametrize("scale", [20, 100])
def test_a_scaled_up_light_build_meets_its_minimums(tmp_path: Path, scale: int) -> None:
    """Light's few entities per community left, at these scales, a therapist whose only client
    came days before the anchor (no time for its past sessions) and a client whose community
    held only its own posts (nothing to comment on): the build refused its own snapshot."""
    from seedsnap.build import build

    _, report = build(resolve(mode="light", scale=scale, env={}), tmp_path / "s", jobs=2)
    assert report is not None and report.ok, [v.rule for v in report.violations]


def test_a_population_too_large_for_the_machine_is_refused_before_anything_is_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from seedsnap import build as build_module
    from seedsnap.cli import main

    # Heavy x2: 238 users, about 71 MB by the estimate; this "machine" has 50 MB.
    monkeypatch.setattr(build_module, "physical_memory", lambda: 50_000_000)
    out = tmp_path / "snap"
    result = CliRunner().invoke(
        main, ["build", "--mode", "heavy", "--scale", "2", "--out", str(out)]
    )
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("seedsnap: error: ")
    error = result.stderr
    assert "mode heavy at scale 2 makes 238 users and needs about 0.0714 GB of memory" in error
    assert "this machine has 0.05 GB; lower --scale (about 1.4 fits here)" in error
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # A large scale that fits is written as a number, not as 1.4e+03.
    monkeypatch.setattr(build_module, "physical_memory", lambda: 50_000_000_000)
    result = CliRunner().invoke(
        main, ["build", "--mode", "heavy", "--scale", "2000", "--out", str(out)]
    )
    assert re.search(r"lower --scale \(about 1,40\d fits here\)", result.stderr), result.stderr
    # Raised minimums count too: a hundred more posts per client, each with 50 comments.
    raised = ["--mode", "light", "--min", "client.posts=102", "--min", "post.comments=52"]
    monkeypatch.setattr(build_module, "physical_memory", lambda: 40_000_000)
    result = CliRunner().invoke(main, ["build", *raised, "--out", str(out)])
    assert result.exit_code == 1 and "needs about 0.0534 GB of memory" in result.stderr
    assert "the raised minimums" in result.stderr and not out.exists()
    # Only raised post minimums multiply the posts: comments per client do not add posts.
    users = 18
    plain = resolve(mode="light", minimums={"post.hearts": 51}, env={})
    more = resolve(mode="light", minimums={"post.hearts": 51, "client.comments": 1000}, env={})
    assert build_module._raised_rows(plain, users) == 50 * 8 * users
    assert build_module._raised_rows(more, users) == 995 * more.count("clients") + 50 * 8 * users
    # Where the system does not tell its memory, nothing is refused.
    monkeypatch.setattr(build_module, "physical_memory", lambda: None)
    build_module.check_memory(resolve(mode="heavy", scale=10_000, env={}))


def test_every_generated_id_has_the_shape_of_its_prisma_default(medium: Frames) -> None:
    """The app validates ids (ParseUUIDPipe, zod .uuid()/.cuid()): check every id column."""
    uuid4 = r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
    cuid = r"^c[0-9a-z]{24}$"
    fixture = r"^dev_(client|therapist|admin|moderator)_[0-9]+$"
    schema = Context(resolve(env={})).schema
    checked = 0
    for table in schema.tables:
        if table.primary_key != ("id",):
            continue
        ids = medium[table.name]["id"]
        pattern = cuid if table.column("id").client_default == "cuid" else uuid4
        ok = ids.str.contains(pattern)
        if table.name == "User":
            ok = ok | ids.str.contains(fixture)
        assert ok.all(), f"{table.name}: bad id {ids.filter(~ok)[0]!r}"
        checked += ids.len()
    assert checked > 4000  # medium has some 4,400 rows with an id


def test_generate_hands_each_table_over_once_when_it_is_final() -> None:
    from seedsnap import build
    from seedsnap.config import resolve
    from seedsnap.context import Context
    from seedsnap.enrichers import orchestrator
    from seedsnap.schema import MENTARA
    from seedsnap.snapshot import store_json

    config = resolve(mode="light", env={}, config_file=None)
    handed: dict[str, pl.DataFrame] = {}
    order: list[str] = []

    def final(table: str, frame: pl.DataFrame) -> None:
        assert table not in handed, f"{table} handed over twice"
        handed[table] = frame
        order.append(table)

    frames = build.generate(config, on_final=final)
    assert sorted(handed) == sorted(MENTARA.table_names)  # every table, once
    # Each handed frame is the table after every step has run (a table handed over before
    # a later step added rows would lack them): all the steps run here without hand-overs.
    ctx = Context(config)
    every: dict[str, pl.DataFrame] = {t.name: ctx.empty(t.name) for t in MENTARA.tables}
    every = orchestrator.run(ctx, every, [build._generator(n) for n in build.GENERATORS])
    every = orchestrator.run(ctx, every, orchestrator.load_enrichers())
    for table, frame in handed.items():
        assert frame.equals(store_json(MENTARA.table(table), every[table])), table
        assert frame.equals(frames[table]), table
    # Communities are final after the first generators, long before the last enricher has
    # run; users only after it (the logins enricher sets their last login in place).
    assert order.index("Community") < order.index("Notification") < order.index("User")


def test_a_failing_hand_over_stops_the_build_with_its_error() -> None:
    from seedsnap.build import generate
    from seedsnap.config import resolve

    handed: list[str] = []

    def final(table: str, frame: pl.DataFrame) -> None:
        handed.append(table)
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        generate(
            resolve(mode="light", env={}, config_file=None),
            on_final=final,
        )
    assert len(handed) == 1  # nothing more is handed over after the failure


def test_a_hand_over_that_failed_first_is_the_error_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A step failing after the hand-over thread did must not hide the hand-over's error.

    The only step, ``late``, writes Admin; every other table is handed over before it
    starts, and the last of them fails while ``late`` runs (nothing notices in between).
    """
    import threading

    from seedsnap import build
    from seedsnap.schema import MENTARA

    handing_failed = threading.Event()
    last = [t.name for t in MENTARA.tables if t.name != "Admin"][-1]

    def final(table: str, frame: pl.DataFrame) -> None:
        if table == last:
            handing_failed.set()
            raise OSError(28, "No space left on device")

    def late_failure(ctx: Context, frames: Frames) -> Frames:
        assert handing_failed.wait(timeout=10)
        raise ValueError("a later, unrelated failure")

    late = Enricher("late", frozenset(), frozenset({"Admin"}), late_failure)
    monkeypatch.setattr(build, "GENERATORS", ())
    monkeypatch.setattr(orchestrator, "load_enrichers", lambda: [late])
    for jobs in (1, 2):
        handing_failed.clear()
        with pytest.raises(OSError, match="No space left"):
            build.generate(
                resolve(mode="light", env={}, config_file=None), jobs=jobs, on_final=final
            )


def test_a_negative_jobs_is_a_one_line_error(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from seedsnap.cli import main

    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path / "s"), "--jobs", "-1"])
    assert result.exit_code != 0
    assert "--jobs must be 0 or more, got -1" in result.output
    assert not (tmp_path / "s").exists()


def test_generators_are_scheduled_from_their_declared_reads_and_writes() -> None:
    from seedsnap.build import GENERATORS, _generator
    from seedsnap.enrichers import orchestrator

    tiers = orchestrator.tiers([_generator(name) for name in GENERATORS])
    assert [[g.name for g in tier] for tier in tiers] == [
        ["users", "communities"],
        ["relationships"],
        # content reads Meeting: a client mentions "my therapist" only after a session
        ["therapy"],
        ["content"],
    ]


def test_last_logins_spread_over_days_and_weeks_not_the_last_hour(medium: Frames) -> None:
    """Users stop coming at keyed times (``users.last_seen``) and act before them: in 0.6.0
    nearly every user had acted in the hour before the anchor (median last login 1.5 h)."""
    config = resolve(mode="medium", env={}, config_file=None)
    users = medium["User"]
    seen = last_seen(Context(config), users)
    created = users["createdAt"].dt.epoch("ms").to_numpy()
    assert (seen <= config.anchor_ms).all() and (seen >= created).all()
    fixture = users["id"].str.starts_with("dev_").to_numpy()
    assert (config.anchor_ms - seen[fixture] < 30 * 86_400_000).all()  # developers' accounts
    # Among users who finished signing up (an unverified one signed up days ago at most).
    last = users.filter(pl.col("emailVerified"))["lastLoginAt"].dt.epoch("ms").drop_nulls()
    hours = (config.anchor_ms - last.to_numpy()) / 3.6e6
    assert sorted(hours)[len(hours) // 2] > 6
    assert (hours > 72).mean() >= 0.1


def test_unverified_clients_are_recent_sign_ups_that_did_nothing_else(medium: Frames) -> None:
    """About a tenth of the generated clients have not verified their email: they signed up
    in the last days, hold a code that has not expired, and have their intake (assessment,
    chatbot session) but no community, therapist, conversation, post or preferences. The
    fixtures, which developers log in with, are verified and hold no code."""
    anchor = resolve(mode="medium", env={}, config_file=None).anchor.replace(tzinfo=None)
    users = medium["User"]
    fixtures = users.filter(pl.col("id").str.starts_with("dev_"))
    assert fixtures["emailVerified"].all() and fixtures["emailVerifyToken"].is_null().all()
    assert users.filter(pl.col("emailVerified"))["emailVerifyTokenExp"].is_null().all()
    new = users.filter(~pl.col("emailVerified"))
    assert 0 < new.height <= 0.25 * medium["Client"].height
    assert (new["role"] == "client").all()
    assert (new["createdAt"] >= anchor - timedelta(days=UNVERIFIED_WITHIN_DAYS)).all()
    assert (new["emailVerifyTokenExp"] > anchor).all()
    assert (new["emailVerifyTokenExp"] <= anchor + timedelta(hours=VERIFY_TOKEN_HOURS)).all()
    assert new["emailVerifyToken"].str.contains("^[0-9a-f]{64}$").all()
    assert new["emailVerifyToken"].n_unique() == new.height
    ids = new["id"].implode()
    for table, column in (
        ("Membership", "userId"),
        ("ClientTherapist", "clientId"),
        ("ConversationParticipant", "userId"),
        ("Post", "userId"),
        ("Comment", "userId"),
        ("PostHeart", "userId"),
        ("JournalEntry", "userId"),
        ("ClientPreferences", "clientId"),
        ("PaymentMethod", "userId"),
    ):
        assert medium[table].filter(pl.col(column).is_in(ids)).is_empty(), table
    unread = medium["Notification"].filter(pl.col("userId").is_in(ids))
    assert unread["readAt"].is_null().all()
    intake = medium["PreAssessment"].filter(pl.col("clientId").is_in(ids))
    assert intake.group_by("clientId").len()["len"].to_list() == [1] * new.height
