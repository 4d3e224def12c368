"""How a command ends when it is stopped from outside: Ctrl-C, SIGTERM, a closed output pipe,
a full disk. Never with the 1 by which check, diff and verify report findings, never with a
traceback, and never leaving a half snapshot or a half load behind."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import seedsnap.check
import seedsnap.snapshot
from seedsnap import cli
from seedsnap.cli import main
from seedsnap.schema import MENTARA, render
from seedsnap.signals import held

LIGHT = Path(__file__).resolve().parents[1] / "snapshots" / "mentara-light"


SIGTERM = "SIGTERM"  # what the command's SIGTERM handler does, in place of an exception


def _stop_check_with(monkeypatch: pytest.MonkeyPatch, error: BaseException | str) -> object:
    def stopped(*args: object, **kwargs: object) -> None:
        if error == SIGTERM:
            cli._on_sigterm(signal.SIGTERM, None)
        assert isinstance(error, BaseException)
        raise error

    monkeypatch.setattr(seedsnap.check, "check", stopped)
    return CliRunner().invoke(main, ["check", str(LIGHT)])


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (KeyboardInterrupt(), 130, "seedsnap: interrupted"),
        # DuckDB turns an interrupt into its own error.
        (RuntimeError("Query interrupted"), 130, "seedsnap: interrupted"),
        (SIGTERM, 143, "seedsnap: terminated (SIGTERM)"),
        (
            OSError(errno.ENOSPC, "No space left on device"),
            2,
            "seedsnap: error: cannot write the output: no space left on the device; free some "
            "space and run it again",
        ),
    ],
)
def test_a_stopped_check_says_so_in_one_line_and_never_exits_1(
    monkeypatch: pytest.MonkeyPatch, error: BaseException | str, code: int, line: str
) -> None:
    result = _stop_check_with(monkeypatch, error)
    assert result.exit_code == code  # type: ignore[attr-defined]
    assert result.stderr == line + "\n"  # type: ignore[attr-defined]


def test_a_closed_output_pipe_exits_141_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _stop_check_with(monkeypatch, BrokenPipeError(errno.EPIPE, "Broken pipe"))
    assert (result.exit_code, result.stderr) == (141, "")  # type: ignore[attr-defined]


def _seedsnap(*args: str, stdout: int, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "seedsnap", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _ended(proc: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return proc.returncode, err


@pytest.fixture(scope="module")
def light_duckdb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from seedsnap.loaders import LoadOptions, load

    path = tmp_path_factory.mktemp("db") / "light.duckdb"
    load(LIGHT, f"duckdb:///{path}", LoadOptions(create_schema=True))
    return path


def _into_a_closed_pipe(*commands: list[str]) -> dict[str, tuple[int, str]]:
    """`seedsnap … | true`: the exit status and stderr of each command, its reader gone before
    it writes a byte. All run at once: each is a second or two of start-up and reading."""
    read, write = os.pipe()
    os.close(read)
    try:
        procs = {" ".join(args): _seedsnap(*args, stdout=write) for args in commands}
    finally:
        os.close(write)
    return {name: _ended(proc) for name, proc in procs.items()}


def test_help_at_every_level_into_a_closed_pipe_exits_141_quietly() -> None:
    """The group's own --help and --version print while click parses, outside any command."""
    ended = _into_a_closed_pipe(
        ["--help"],
        ["-h"],
        ["--version"],
        *([name, "--help"] for name in main.list_commands(click.Context(main))),
        ["schema", "postgres"],
        ["config", "--mode", "light"],
        ["graph"],
    )
    assert ended == dict.fromkeys(ended, (141, ""))


@pytest.mark.slow
def test_every_report_into_a_closed_pipe_exits_141_quietly(
    light_duckdb: Path, tmp_path: Path
) -> None:
    light = str(LIGHT)
    # Two processes may not open one DuckDB file when either writes (a load, even an audit).
    audited = tmp_path / "audited.duckdb"
    shutil.copyfile(light_duckdb, audited)
    ended = _into_a_closed_pipe(
        ["show", light],
        ["check", light],
        ["diff", light, light, "--details"],
        ["verify", "--db", f"duckdb:///{light_duckdb}", "--mode", "light"],
        ["load", light, "--db", f"duckdb:///{audited}", "--audit"],
        ["build", "--mode", "light", "--out", str(tmp_path / "snap"), "--quiet", "--no-check"],
    )
    assert ended == dict.fromkeys(ended, (141, ""))


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="needs Linux's F_SETPIPE_SZ")
@pytest.mark.parametrize("unbuffered", ["", "1"])
def test_a_reader_that_stops_after_one_line_ends_the_output_with_141(unbuffered: str) -> None:
    """`seedsnap schema postgres | head -1`. The pipe is shrunk below the size of the DDL, so
    the command is still writing when its reader goes. Unbuffered (PYTHONUNBUFFERED, as CI
    images often set), the interpreter's stdout drops what a short write left out instead of
    writing on into the error (python/cpython#85393): the command ended 0."""
    read, write = os.pipe()
    fcntl.fcntl(write, fcntl.F_SETPIPE_SZ, 4096)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = unbuffered
    try:
        proc = _seedsnap("schema", "postgres", stdout=write, env=env)
    finally:
        os.close(write)
    with open(read, encoding="utf-8") as reader:
        first = reader.readline()
    ddl = render(MENTARA, "postgres")
    assert len(ddl.encode()) > 4 * 4096
    assert first == ddl.splitlines(keepends=True)[0]
    assert _ended(proc) == (141, "")


def test_other_errors_still_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    result = _stop_check_with(monkeypatch, RuntimeError("a bug"))
    assert isinstance(result.exception, RuntimeError)  # type: ignore[attr-defined]


def test_a_signal_during_a_commit_is_held_until_it_is_done() -> None:
    """Stopped midway, a commit may still complete, and the load would report a failure for
    rows it wrote (or a snapshot's swap would leave it aside): the first Ctrl-C waits for the
    block, a second one does not."""
    done = []
    with held() as came:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here, between bytecodes
        done.append("committed")
    assert (done, came) == (["committed"], [signal.SIGINT])
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt), held():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)  # a second one: the user means it
        time.sleep(0.05)
        done.append("not reached")
    assert done == ["committed"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


STOPS = [
    pytest.param(signal.SIGINT, "seedsnap: interrupted", id="SIGINT"),
    pytest.param(signal.SIGTERM, "seedsnap: terminated (SIGTERM)", id="SIGTERM"),
]

BASH = shutil.which("bash")


def _started_build(out: Path, *command: str) -> subprocess.Popen[str]:
    """A heavy build to ``out`` (as the last words of ``command``, a shell's), returned once
    its first table is in its temporary snapshot: past the start, every clean-up armed."""
    build = [sys.executable, "-m", "seedsnap", "build", "--mode", "heavy", "--scale", "10",
             "--out", str(out), "--quiet"]  # fmt: skip
    # A child starts with Ctrl-C ignored if this process does (a background job's tests):
    # handled here for the moment, it is the default action there.
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            [*command, *build],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=bool(command),  # a process group for the shell and the build
        )
    finally:
        signal.signal(signal.SIGINT, before)
    deadline = time.monotonic() + 60
    while not _writing(out.parent):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the build never started: {proc.communicate()}")
        time.sleep(0.02)
    return proc


def _writing(parent: Path) -> bool:
    """Whether a build's temporary snapshot in ``parent`` holds a table yet (one that ended
    meanwhile has renamed it away: not writing)."""
    for tmp in parent.glob(".snap.tmp-*"):
        try:
            if any(tmp.iterdir()):
                return True
        except FileNotFoundError:
            continue
    return False


def _ended_by(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    return proc.returncode, out, err


@pytest.mark.parametrize(("signum", "line"), STOPS)
def test_a_stopped_build_cleans_up_and_ends_by_the_signal(
    tmp_path: Path, signum: int, line: str
) -> None:
    """Ctrl-C, or what CI runners and `docker stop` send: the temporary snapshot is removed,
    one line, and the process ends killed by that signal, as a calling shell expects of a
    program that caught it to clean up; an existing snapshot at --out stays as it was."""
    out = tmp_path / "snap"
    seedsnap.snapshot.write(out, {}, seedsnap.config.resolve(env={}, config_file=None))
    before = sorted(p.name for p in tmp_path.iterdir())
    manifest = (out / "manifest.json").read_bytes()
    proc = _started_build(out)
    proc.send_signal(signum)
    assert _ended_by(proc) == (-signum, "", line + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (out / "manifest.json").read_bytes() == manifest


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_ctrl_c_stops_the_calling_shell_script_too(tmp_path: Path) -> None:
    """A terminal's Ctrl-C reaches the shell and the build. bash goes on with its script
    after a child that exits 130 (one that took Ctrl-C as a key of its own, as an editor
    does), and stops itself only after a child that Ctrl-C killed."""
    assert BASH is not None
    proc = _started_build(tmp_path / "snap", BASH, "-c", '"$@"; echo "went on"', "bash")
    os.killpg(proc.pid, signal.SIGINT)
    assert _ended_by(proc) == (-signal.SIGINT, "", "seedsnap: interrupted\n")


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=lambda s: s.name)
def test_the_shell_reports_the_documented_status(tmp_path: Path, signum: int) -> None:
    """--help says 130 and 143: what a shell's $? is for a command the signal killed."""
    assert BASH is not None
    script = '"$@" 2>/dev/null; echo "status $?"'
    proc = _started_build(tmp_path / "snap", BASH, "-c", f"trap : INT TERM; {script}", "bash")
    os.killpg(proc.pid, signum)  # the shell's trap waits for the build
    assert _ended_by(proc)[:2] == (0, f"status {128 + signum}\n")


@pytest.mark.parametrize(("signum", "line"), STOPS)
def test_main_called_in_process_exits_with_the_status_and_does_not_kill(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], signum: int, line: str
) -> None:
    """Only the process's entry point, `run`, ends by the signal; `main` (a test's, an app's)
    raises SystemExit with the status, whatever stopped it."""

    def signalled(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signum)
        for _ in range(3000):  # the handler raises in here, between two sleeps
            time.sleep(0.01)
        pytest.fail("the signal never came")

    monkeypatch.setattr(seedsnap.check, "check", signalled)
    handler = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        main(["check", str(LIGHT)])
    assert (stopped.value.code, capsys.readouterr().err) == (128 + signum, line + "\n")
    assert signal.getsignal(signal.SIGTERM) is handler


def _abort_after(error: BaseException) -> None:
    """What click.prompt does on Ctrl-C or Ctrl-D."""
    try:
        raise error
    except (KeyboardInterrupt, EOFError):
        raise click.Abort() from None


@pytest.mark.parametrize(
    ("error", "code", "line"),
    [
        (KeyboardInterrupt(), 130, "seedsnap: interrupted"),
        (EOFError(), 1, "seedsnap: aborted (no answer)"),  # Ctrl-D at load --replace's prompt
    ],
)
def test_a_prompt_left_by_ctrl_c_or_ctrl_d(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, code: int, line: str
) -> None:
    monkeypatch.setattr(seedsnap.check, "check", lambda *a, **k: _abort_after(error))
    result = CliRunner().invoke(main, ["check", str(LIGHT)])
    assert (result.exit_code, result.stderr) == (code, line + "\n")


def test_the_cli_runs_outside_the_main_thread() -> None:
    """Only the main thread may handle signals; another one (a test runner's, an app's)
    runs the commands without the SIGTERM handler."""
    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.append(CliRunner().invoke(main, ["schema", "sqlite"]))
    )
    worker.start()
    worker.join(30)
    (result,) = results
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]


def test_an_earlier_sigterm_does_not_colour_a_later_interrupt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _stop_check_with(monkeypatch, SIGTERM).exit_code == 143  # type: ignore[attr-defined]
    cli._TERMINATED.append(signal.SIGTERM)  # as the handler leaves it
    later = _stop_check_with(monkeypatch, RuntimeError("Query interrupted"))
    assert later.exit_code == 130  # type: ignore[attr-defined]


def test_the_help_names_the_stop_statuses() -> None:
    result = CliRunner().invoke(main, ["--help"])
    text = " ".join(result.output.split())
    assert "Ctrl-C and SIGTERM end it by that signal (a shell's $? is 130 and 143)" in text
    assert "a closed output pipe with 141" in text


def test_a_signal_the_process_ignores_is_not_held() -> None:
    """`nohup`, a background job or a supervisor start a command with a signal ignored: the
    commit's hold must neither catch it nor report it as let through."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with held() as came:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
        assert came == []
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_a_build_started_with_sigterm_ignored_keeps_going(tmp_path: Path) -> None:
    """A parent that ignores SIGTERM (`trap '' TERM`) means its children to outlive one: the
    build finishes and its snapshot is whole."""
    out = tmp_path / "snap"
    proc = _started_build(out, BASH or "bash", "-c", "trap '' TERM; exec \"$@\"", "bash")
    proc.send_signal(signal.SIGTERM)
    code, _, err = _ended_by(proc)
    assert (code, err) == (0, "")
    snap = seedsnap.snapshot.read(out)  # every file there, each matching its hash
    assert snap.manifest["tables"]["User"]["rows"] > 0


def test_a_build_stopped_while_its_snapshot_writer_starts_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C after the temporary snapshot directory is made but before the writer is set up
    to remove it: nothing is left beside --out (it used to wait for a later build's sweep)."""

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(seedsnap.snapshot, "_remove_abandoned", stopped)
    config = seedsnap.config.resolve(env={}, config_file=None)
    with pytest.raises(KeyboardInterrupt), seedsnap.snapshot.Writer(tmp_path / "snap", config):
        pytest.fail("the writer started")
    assert list(tmp_path.iterdir()) == []


def _stop_at_make_dir(monkeypatch: pytest.MonkeyPatch, signum: int, fail: bool = False) -> None:
    """The temporary snapshot is made (or, with ``fail``, refused with a permission error) as
    ``signum`` arrives, handled between bytecodes right there."""
    made = seedsnap.snapshot._make_dir

    def stopped(parent: Path, prefix: str) -> Path:
        if fail:
            os.kill(os.getpid(), signum)
            raise PermissionError(errno.EACCES, "Permission denied", str(parent))
        path = made(parent, prefix)
        os.kill(os.getpid(), signum)
        return path

    monkeypatch.setattr(seedsnap.snapshot, "_make_dir", stopped)


@pytest.mark.parametrize("fail", [False, True], ids=["made", "failed"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_as_the_temporary_snapshot_is_made_is_held_then_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, signum: int, fail: bool
) -> None:
    """Ctrl-C, or SIGTERM as the CLI handles it, the moment the temporary directory exists,
    before anything could remove it: the writer holds it until its clean-up is armed, then
    stops there and leaves nothing; a stop beats the making's own failure (never exit 1)."""
    before = signal.signal(signal.SIGTERM, cli._on_sigterm)
    try:
        _stop_at_make_dir(monkeypatch, signum, fail)
        config = seedsnap.config.resolve(env={}, config_file=None)
        with pytest.raises(KeyboardInterrupt), seedsnap.snapshot.Writer(tmp_path / "s", config):
            pytest.fail("the writer started")
        terminated = list(cli._TERMINATED)
    finally:
        signal.signal(signal.SIGTERM, before)
        cli._TERMINATED.clear()
    assert terminated == ([signal.SIGTERM] if signum == signal.SIGTERM else [])
    assert list(tmp_path.iterdir()) == []


def test_a_stop_at_its_default_action_still_leaves_nothing(tmp_path: Path) -> None:
    """A program using the library keeps SIGTERM's default action, which ends the process at
    once: the held one is let go only after the temporary snapshot is gone."""
    code = (
        "import os, signal, sys, seedsnap.snapshot as s, seedsnap.config as c\n"
        "made = s._make_dir\n"
        "def stopped(*a, **k):\n"
        "    p = made(*a, **k); os.kill(os.getpid(), signal.SIGTERM); return p\n"
        "s._make_dir = stopped\n"
        "with s.Writer(sys.argv[1], c.resolve(env={}, config_file=None)):\n"
        "    print('started')\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "s")], capture_output=True, timeout=60
    )
    assert (proc.returncode, proc.stdout) == (-signal.SIGTERM, b"")
    assert list(tmp_path.iterdir()) == []
