"""The build: base generators and enrichers, each run once its inputs are final (in memory)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from seedsnap.config import WINDOW_MINIMUMS, Config, mode_minimums
from seedsnap.context import Context, Frames
from seedsnap.enrichers import orchestrator
from seedsnap.errors import CheckFailed, ConfigError

if TYPE_CHECKING:
    from seedsnap.check import CheckReport

# Base generators (registry order); each module exposes READS, WRITES and generate(ctx, frames)
# and they are ordered from READS/WRITES as the enrichers are, ahead of the enrichers that
# share a table with them.
GENERATORS: tuple[str, ...] = ("users", "communities", "relationships", "content", "therapy")


def default_jobs() -> int:
    """Steps run at once when ``--jobs`` is not given: the usable CPU cores, at most 4.

    The output does not depend on it (tested); only the time does.
    """
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, usable or 1))


def generate(
    config: Config,
    jobs: int = 1,
    on_step: Callable[[str, Frames], None] | None = None,
    on_final: Callable[[str, pl.DataFrame], None] | None = None,
) -> Frames:
    """Every table of the model as a conformed frame, for ``config``, as a snapshot stores it.

    JSON columns come out in the stored form (``snapshot.stored_json``), whatever spelling a
    generator found convenient, so a frame read back from the snapshot equals the built one.
    ``on_final`` gets each table as soon as no later generator or enricher writes it (a
    build hands it to the snapshot writer, which writes while the rest is generated). It is
    called on one background thread, in hand-over order, never concurrently: a callback
    sharing state with ``on_step`` (main thread) needs a lock. ``on_step`` gets each step as
    it ends, so with ``jobs`` > 1 the order of those calls follows the timing.
    """
    from seedsnap.snapshot import store_json

    ctx = Context(config)
    frames: Frames = {t.name: ctx.empty(t.name) for t in ctx.schema.tables}
    # Generators are scheduled like enrichers, from what they declare they read and write
    # (a generator only sees those tables), and run before the enrichers that share a
    # table with them; each step starts as soon as what it depends on is done.
    generators = [_generator(name) for name in GENERATORS]
    final: Frames = {}
    # Final tables are put in the stored form and handed on by one thread beside the
    # generation (in order, so on_final is never called concurrently); its first failure
    # skips the rest and stops the build when the next step ends (at the latest, when
    # generation ends).
    handing = ThreadPoolExecutor(max_workers=1)
    pending: list[Future[None]] = []
    failed = threading.Event()

    def hand(table: str, frame: pl.DataFrame) -> None:
        if failed.is_set():
            return  # the failure already raised (or will) is the one reported
        try:
            final[table] = store_json(ctx.schema.table(table), frame)
            if on_final is not None:
                on_final(table, final[table])
        except BaseException:
            failed.set()
            raise

    def raise_handing_failure() -> None:
        for future in pending:
            if future.done() and not future.cancelled() and future.exception() is not None:
                future.result()  # raises it

    def hand_over(table: str, frame: pl.DataFrame) -> None:
        raise_handing_failure()
        pending.append(handing.submit(hand, table, frame))

    def done(step: orchestrator.Enricher, added: Frames) -> None:
        raise_handing_failure()
        if on_step is not None:
            # A step of UPDATES sets values of rows already counted: "update", not "enrich".
            kind = "update" if step.updates else "enrich"
            on_step(step.name if step in generators else f"{kind} {step.name}", added)

    try:
        try:
            orchestrator.run(
                ctx,
                frames,
                orchestrator.load_enrichers(),
                jobs=jobs,
                on_done=done,
                on_final=hand_over,
                first=generators,
            )
        except BaseException:
            # A failed hand-over (a full disk, say) is the error to report: the hand-over
            # under way is let finish, so one failing at this very moment is seen too.
            handing.shutdown(wait=True, cancel_futures=True)
            raise_handing_failure()
            raise
        for future in pending:
            future.result()
    finally:
        handing.shutdown(wait=True, cancel_futures=True)
    return {t.name: final[t.name] for t in ctx.schema.tables}


def _generator(name: str) -> orchestrator.Enricher:
    """A base generator as a schedulable step (its frames start empty, so its rows are all),
    held to the contract of an enricher's module (``orchestrator.load_step``)."""
    return orchestrator.load_step(
        "generator", name, "seedsnap.generators", "generate", "GENERATORS"
    )


# Peak memory of a build per user of its population, from measured builds: heavy x40 (4,760
# users, 1.07 M rows) peaked at 1.0 GB, medium x1000 (45,000 users, 10.6 M rows) at 12.4 GB;
# a user brings more rows at larger scales (more communities to be active in). Rows that
# raised minimums add are counted apart, at about a kilobyte each.
BYTES_PER_USER = 300_000
BYTES_PER_ROW = 1_000  # heavy x40: 1.07 M rows in 1.0 GB
POSTS_PER_USER = 8  # heavy x40: 35,639 posts for 4,760 users


def _raised_rows(config: Config, users: int) -> int:
    """Rows the minimums add beyond those of the mode's own: each raised per-entity
    minimum times the entities it applies to (posts estimated from the users, plus the posts
    raised minimums add)."""
    counted = {
        "client": config.count("clients"),
        "therapist": config.count("therapists"),
        "moderator": config.count("moderators"),
        "community": config.count("illness_communities") + config.count("general_communities"),
    }

    usual_all = mode_minimums(config.mode)

    def raised(entity: str) -> dict[str, int]:
        usual = usual_all.get(entity, {})
        reqs = config.minimums.get(entity, {})
        return {
            name: max(0, int(n) - usual.get(name, 0))
            for name, n in reqs.items()
            if (entity, name) not in WINDOW_MINIMUMS
        }

    extra = posts = 0
    for entity in counted:
        for name, more in raised(entity).items():
            extra += more * counted[entity]
            if name == "posts":
                posts += more * counted[entity]
    posts += POSTS_PER_USER * users
    return extra + sum(raised("post").values()) * posts


def _gb(n: float) -> str:
    return f"{n / 1e9:,.0f} GB" if n >= 1e11 else f"{n / 1e9:.3g} GB"


# Where a control group caps this process's memory (containers, CI runners), in bytes.
CGROUP_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


def physical_memory() -> int | None:
    """The memory this process may use, in bytes: the machine's, or its control group's
    limit when lower; None where the system does not tell."""
    try:
        have: int | None = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        have = None
    for limit in CGROUP_LIMITS:
        try:
            text = Path(limit).read_text().strip()
        except OSError:
            continue
        if text.isdigit():  # "max" (cgroup v2) or a huge number (v1) when there is none
            have = int(text) if have is None else min(have, int(text))
    return have


def check_memory(config: Config) -> None:
    """Refuse, before generating anything, a population this machine cannot hold in memory.

    A build keeps its tables in memory: one far too large for the machine would otherwise
    run for minutes and then be killed by the system.
    """
    have = physical_memory()
    users = sum(config.count(role) for role in ("clients", "therapists", "admins", "moderators"))
    need = users * BYTES_PER_USER + _raised_rows(config, users) * BYTES_PER_ROW
    if have is None or need <= have:
        return
    fits = config.scale * have / need
    shown = f"{fits:,.0f}" if fits >= 10 else f"{fits:.2g}"  # 1,870, not 1.87e+03
    raise ConfigError(
        f"mode {config.mode} at scale {config.scale:g} makes {users:,} users and needs about "
        f"{_gb(need)} of memory; this machine has {_gb(have)}",
        f"lower --scale (about {shown} fits here), the volumes or the raised minimums",
    )


def build(
    config: Config,
    out: str | Path,
    jobs: int = 1,
    on_step: Callable[[str, Frames], None] | None = None,
    run_check: bool = True,
) -> tuple[dict[str, Any], CheckReport | None]:
    """Generate ``config``'s data, check it, and write the snapshot to ``out``.

    Returns the manifest and the check report (None with ``run_check=False``). The snapshot
    is checked in its temporary directory and only then moved into place: a build whose
    check fails raises ``BuildCheckFailed`` (carrying the report) and leaves any previous
    snapshot at ``out`` untouched.
    """
    from seedsnap import check, snapshot

    check_memory(config)
    reports: list[CheckReport] = []

    def gate(tmp: Path) -> None:
        # The files were just written from frames whose content hashes the manifest holds
        # (and their bytes hashed as written): reading them back to hash again proves nothing.
        report = check.check(tmp, verify_content=False)
        reports.append(report)
        if not report.ok:
            raise BuildCheckFailed(str(out), report, config)

    # Each table is written as soon as it is final, while the others are still generated.
    with snapshot.Writer(out, config, before_swap=gate if run_check else None) as writer:
        generate(config, jobs=jobs, on_step=on_step, on_final=partial(writer.add, json_stored=True))
    assert writer.manifest is not None
    return writer.manifest, (reports[0] if reports else None)


class BuildCheckFailed(CheckFailed):
    """A freshly built snapshot failed `seedsnap check`; it was not written."""

    def __init__(self, out: str, report: CheckReport, config: Config) -> None:
        broken = report.violations
        if (
            broken
            and all(v.rule.startswith("min:") for v in broken)
            and _own_settings(config, [v.rule[4:] for v in broken])
        ):
            # Only minimums are short, and the user chose them or the population: it cannot
            # give them (a light build has 4 therapists: no client can have 5). With the
            # mode's own settings a short minimum is a bug, reported as one below.
            first = broken[0]
            super().__init__(
                f"the snapshot built for {out} cannot meet {len(broken)} minimum(s) with this "
                f"population (e.g. {first.rule[4:]}: {first.table} {first.key} {first.detail}) "
                "and was not written",
                "lower those minimums, or raise --scale or the volumes they depend on "
                "(--no-check writes it anyway)",
            )
        else:
            super().__init__(
                f"the snapshot built for {out} fails {len(broken)} check rule(s) and was "
                "not written",
                # Someone who changed or added a generator or enricher made these rows;
                # calling it a seedsnap bug would send them to report their own mistake.
                "a generator or enricher made rows that break the rules listed above: if you "
                "changed or added one, look there; otherwise this is a seedsnap bug, report it "
                "with the options used (--no-check writes it anyway)",
            )
        self.report = report


def _own_settings(config: Config, minimums: list[str]) -> bool:
    """Whether the user set one of ``minimums`` (entity.name), a volume, or a population
    smaller than the mode's (a larger one only gives the minimums more to draw on), rather
    than leaving them to the mode."""

    def chosen(key: str) -> bool:
        src = config.sources.get(key, "default")
        return src != "default" and not src.startswith("mode ")

    volumes = [k for k in config.sources if k.startswith("volumes.")]
    return (
        config.scale < 1
        or any(chosen(k) for k in volumes)
        or any(chosen(f"minimums.{m}") for m in minimums)
    )


def short_of_tenure(out: str, config: Config) -> str:
    """Notes, one a line, naming how many entities of the snapshot at ``out`` hold less than
    a configured minimum (--min, SEEDSNAP_MIN_*, seedsnap.toml) scoped by tenure asks
    (config.MINIMUM_SCOPES); "" when none does. client.completed_assessments: clients whose
    intake was too recent for that many (one per ASSESSMENT_ROOM_DAYS to the anchor);
    therapist.client_relationships: therapists approved too recently for that many clients
    (one more per PAST_SHARE_DAYS). The enrichers give them as many as fit, and check holds
    only the others to the minimum; counted as check's rules count them."""
    from seedsnap import snapshot

    def configured(entity: str, name: str) -> int:
        # A mode's own minimum leaves the newest clients short in every larger build (heavy
        # x10 had 54 of 790 at 2), as the README says: only a configured one is told.
        n = config.minimum(entity, name)
        given = config.sources.get(f"minimums.{entity}.{name}", "default")
        return 0 if n <= 1 or given == "default" or given.startswith("mode ") else n

    wanted = [
        (n, short)
        for n, short in (
            (configured("client", "completed_assessments"), _short_of_assessments),
            (configured("therapist", "client_relationships"), _short_of_clients),
        )
        if n
    ]
    if not wanted:
        return ""
    snap = snapshot.read(out, verify=False)

    def scan(table: str, *columns: str) -> pl.LazyFrame:
        # The columns it needs alone (the build just wrote and checked the files): a heavy
        # build's User table is not decoded whole for two columns.
        return pl.scan_parquet(snap.parquet_path(table), glob=False).select(columns)

    notes = [short(scan, n, config.anchor_ms) for n, short in wanted]
    return "\n".join(note for note in notes if note)


_Scan = Callable[..., pl.LazyFrame]


def _short_of_assessments(scan: _Scan, n: int, anchor_ms: int) -> str:
    """``short_of_tenure``'s note on client.completed_assessments = ``n``."""
    from seedsnap.config import ASSESSMENT_ROOM_DAYS
    from seedsnap.context import MS_PER_DAY

    first = (
        scan("PreAssessment", "clientId", "createdAt")
        .group_by("clientId")
        .agg(pl.col("createdAt").min().dt.epoch("ms").alias("firstMs"))
    )
    room = (n - 1) * ASSESSMENT_ROOM_DAYS * MS_PER_DAY
    total, short = (
        scan("Client", "userId")
        .join(scan("User", "id", "emailVerified"), left_on="userId", right_on="id")
        .filter(pl.col("emailVerified"))
        .join(first, left_on="userId", right_on="clientId", how="left")
        .select(pl.len(), (pl.col("firstMs") + room > anchor_ms).sum())
        .collect()
        .row(0)
    )
    if not short:
        return ""
    return (
        f"note: minimum client.completed_assessments={n} holds for {total - short} of "
        f"{total} verified clients: {short} took their intake too recently for {n} "
        f"(one per {ASSESSMENT_ROOM_DAYS} days since intake) and have as many as fit"
    )


def _short_of_clients(scan: _Scan, n: int, anchor_ms: int) -> str:
    """``short_of_tenure``'s note on therapist.client_relationships = ``n``: the APPROVED
    therapists approved too recently for it that have fewer clients."""
    from seedsnap.config import PAST_SHARE_DAYS
    from seedsnap.context import MS_PER_DAY

    room = (n - 1) * PAST_SHARE_DAYS * MS_PER_DAY
    clients = scan("ClientTherapist", "therapistId").group_by("therapistId").len()
    total, short = (
        scan("Therapist", "userId", "status", "processingDate")
        .filter(pl.col("status").cast(pl.String) == "APPROVED")
        .join(clients, left_on="userId", right_on="therapistId", how="left")
        .select(
            pl.len(),
            (
                (pl.col("processingDate").dt.epoch("ms") + room > anchor_ms)
                & (pl.col("len").fill_null(0) < n)
            ).sum(),
        )
        .collect()
        .row(0)
    )
    if not short:
        return ""
    return (
        f"note: minimum therapist.client_relationships={n} holds for {total - short} of "
        f"{total} approved therapists: {short} approved too recently for {n} clients "
        f"(one more per {PAST_SHARE_DAYS} days since approval) have as many as fit"
    )
