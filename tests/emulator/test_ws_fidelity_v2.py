"""Replay the real hpc-workspace v2 (2.0.0) captures against the emulated v2 tools.

Every scenario of ``fixtures/hpc-workspace-v2-real`` runs in number order on one site
(:func:`v2_capture_site_config`, the captures' ``ws.conf``), state accumulating, the
emulated clock at the scenario's epoch, TZ, user and stdin answers as its ``.cmd`` says,
and the ``.cmd`` state notes (expiration edits in DB files) applied through the DB.
Scenarios with outputs are compared: stdout, stderr and exit code, after two
normalisations -- the site root (a directory with a name as long as ``/srv/wsroot``, so
table columns line up) and walrus's random space (``ws1``/``ws2``). Listings whose order
the real tool does not fix (thread pool) are compared as multisets where not equal.
The test prints how many scenarios are byte-exact. :data:`DIFFERENCES` lists, with the
reason, the scenarios where the emulator deliberately differs; a scenario that differs
and is not listed fails the test, and so does a listed one that now matches.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tests.support import FIXTURES

from taurus_datamover.emulator import EmulatedSite, clock
from taurus_datamover.emulator.config import (
    SiteConfig,
    ensure_site_dirs,
    save_site_config,
    v2_capture_site_config,
)
from taurus_datamover.emulator.ws import main
from taurus_datamover.emulator.ws.db import Database

#: The captures, copied into the repository (never read from outside it).
FIXTURES = FIXTURES / "hpc-workspace-v2-real"
#: The site root of the captures.
CAPTURE_ROOT = "/srv/wsroot"

#: DB snapshots of the captures: taken after which scenario (None: at the end).
DB_SNAPSHOTS = {"64_restore_missing_target": "snapshot1_after_64", None: "final"}

#: Scenarios captured without outputs, and what their outcome must be all the same
#: (from the README's notes and the captured scenarios around them).
WITHOUT_OUTPUTS: dict[str, tuple[str, Callable[[Outcome], bool]]] = {
    "27_list_sort_remaining_reverse_short": (
        "-s honours -R -r: the reverse of 26's order",
        lambda o: o.out == "toolong\ntoolong2\nbigdata\nmailtest\nsimdata\nrun42\nquick\n",
    ),
    "63_restore_wrong_human_answer": (
        "a wrong answer: only the prompt, rc 0 (68 still lists quick as released)",
        lambda o: (o.out.startswith("Is 'Carrot' an [0] Animal"), o.err, o.rc) == (True, "", 0),
    ),
    "64_restore_missing_target": (
        "README: restore to a missing target is rc 0 with an error line",
        lambda o: (o.err, o.rc) == ("error: target does not exist!\n", 0),
    ),
    "81_list_expired_table": (
        "-e -T: ID is the epoch, REMAINING counts the days to deletion (as 78 shows)",
        lambda o: (
            sorted((r.split()[0], r.split()[-1]) for r in o.out.splitlines()[2:])
            == [("1795556183", "13"), ("1795556194", "6"), ("1795556226", "6")]
        ),
    ),
    "89_root_admin_list_user": (
        "an admin (root) lists usera's workspaces with full ids, sorted by name",
        lambda o: (
            [line for line in o.out.splitlines() if line.startswith("Id: ")]
            == [f"Id: usera-{n}" for n in ("bigdata", "fastscratch", "mailtest", "simdata", "soonexp")]
        ),
    ),
}

#: Scenario -> why the emulator deliberately prints something else there.
DIFFERENCES: dict[str, str] = {
    "88_stat": (
        "the captured run42 (restored into simdata at 56) held one empty file that no "
        ".cmd note mentions; the replayed one holds none, so `files` is 0, not 1 "
        "(test_ws_stat_counts_like_the_capture checks the block with that file)"
    ),
}


@dataclass
class Scenario:
    """One ``NN_name.cmd`` of the captures."""

    name: str
    command: str
    user: str
    tz: str
    epoch: int
    notes: list[str] = field(default_factory=list)

    @property
    def has_outputs(self) -> bool:
        return (FIXTURES / f"{self.name}.rc").is_file()

    def expected(self, suffix: str) -> str:
        return (FIXTURES / f"{self.name}.{suffix}").read_text(encoding="utf-8")


def load_scenarios() -> list[Scenario]:
    """Every scenario, in number order (the order they ran in)."""
    scenarios = []
    for path in sorted(FIXTURES.glob("*.cmd")):
        keys: dict[str, str] = {}
        notes = []
        for line in path.read_text(encoding="utf-8").splitlines():
            key, _, value = line.partition(": ")
            if key.endswith("note"):
                notes.append(value)
            else:
                keys[key] = value
        epoch = re.search(r"\((\d+)\)\s*$", keys["date"])
        assert epoch is not None, path
        scenarios.append(
            Scenario(
                name=path.stem,
                command=keys["command"],
                user=keys["user"].split()[0],
                tz=keys["TZ"],
                epoch=int(epoch.group(1)),
                notes=notes,
            )
        )
    return scenarios


@dataclass
class Outcome:
    out: str
    err: str
    rc: int


class Replay:
    """Runs the captured command lines in-process against the emulated site."""

    def __init__(
        self,
        root: Path,
        cfg: SiteConfig,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        *,
        processes: bool = False,
    ) -> None:
        self.root = root
        self.cfg = cfg
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.processes = processes
        self.edit_epoch: str | None = None

    def run(self, scenario: Scenario) -> Outcome:
        self.apply_state_notes(scenario)
        clock.set_clock(self.root, scenario.epoch)
        self.monkeypatch.setenv("TZ", scenario.tz)
        self.monkeypatch.setenv("TAURUS_EMULATOR_USER", scenario.user)
        words = shlex.split(scenario.command)
        answer = ""
        if words[0] == "answer.py":  # the human test of ws_restore, answered on stdin
            found = re.search(r"by answer\.py: (.+) -> (\d)", " ".join(scenario.notes))
            assert found is not None, scenario.name
            self.monkeypatch.setenv("TAURUS_EMULATOR_RUH_WORD", found.group(1))
            answer = found.group(2) + "\n"
            words = shlex.split(words[1])
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(answer))
        out, err, rc = [], [], 0
        for command in _commands(words):
            self.capsys.readouterr()
            if command[0] == "echo":
                print(" ".join(command[1:]))
                rc = 0
            elif self.processes:
                rc = self._process(command, answer)
            else:
                rc = main(command[0], self.root, command[1:])
            captured = self.capsys.readouterr()
            out.append(captured.out)
            err.append(captured.err)
        self.monkeypatch.delenv("TAURUS_EMULATOR_RUH_WORD", raising=False)
        return Outcome(self._normal("".join(out)), self._normal("".join(err)), rc)

    def _process(self, command: list[str], answer: str) -> int:
        """Run *command* as its own process: the site's ``bin/`` script, else the launcher."""
        script = self.root / "bin" / command[0]
        argv = [str(script)] if script.is_file() else [sys.executable, "-c", _LAUNCHER, command[0]]
        done = subprocess.run(
            [*argv, *command[1:]],
            input=answer,
            capture_output=True,
            text=True,
            env={**os.environ, "TAURUS_EMULATOR_ROOT": str(self.root)},
        )
        sys.stdout.write(done.stdout)
        sys.stderr.write(done.stderr)
        return done.returncode

    def apply_state_notes(self, scenario: Scenario) -> None:
        """Expiration edits in DB files, as the ``state note`` says (once per edit)."""
        for note in scenario.notes:
            edit = re.match(r"db edit at .* epoch (\d+):", note)
            if edit is None or edit.group(1) == self.edit_epoch:
                continue
            self.edit_epoch = edit.group(1)
            for ws_id, expiration in re.findall(r"(\S+) expiration(?:=| re-set to )\S*?=(\d+)", note):
                self.set_expiration(ws_id, int(expiration))

    def set_expiration(self, ws_id: str, expiration: int) -> None:
        for fs in self.cfg.filesystems.values():
            db = Database(fs.database, fs.deleted)
            if db.exists(ws_id):
                entry = db.read(ws_id)
                entry.expiration = expiration
                db.write(ws_id, entry)
                return
        raise AssertionError(f"state note names a workspace not in any DB: {ws_id}")

    def _normal(self, text: str) -> str:
        return normalise(text.replace(str(self.root), CAPTURE_ROOT))


_LAUNCHER = "import sys\nfrom taurus_datamover.emulator.launcher import main\nsys.exit(main())\n"


def _commands(words: list[str]) -> list[list[str]]:
    """Split ``a; b; c`` (the one compound capture) into its commands."""
    commands: list[list[str]] = [[]]
    for word in words:
        head, semicolon, _ = word.partition(";") if word.endswith(";") else (word, "", "")
        commands[-1].append(head)
        if semicolon:
            commands.append([])
    return [c for c in commands if c]


def normalise(text: str) -> str:
    """Walrus's space is chosen at random: ``ws1`` and ``ws2`` read the same."""
    return re.sub(r"/walrus/ws[12]/", "/walrus/ws?/", text)


def _unordered(scenario: Scenario) -> bool:
    """Output whose order the real tool leaves to chance.

    ``ws_list`` without a sort option (a thread pool reads the entries) and
    ``ws_expirer`` (it visits entries in the file system's directory order).
    """
    words = shlex.split(scenario.command)
    if words[0] == "ws_expirer":
        return True
    if words[0] != "ws_list":
        return False
    flags = "".join(w[1:] for w in words[1:] if w.startswith("-") and not w.startswith("--"))
    return not set(flags) & set("NCRlL")


def _units(text: str) -> list[str]:
    """A listing as sorted units: table header kept first, blocks (``Id:``) or lines."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("info: "):  # ws_expirer's log
        return _sorted_runs(lines)
    if lines and lines[0].startswith("ID "):
        return lines[:2] + sorted(lines[2:])
    if lines and lines[0].startswith("Id: "):
        blocks: list[str] = []
        for line in lines:
            if line.startswith("Id: "):
                blocks.append("")
            blocks[-1] += line
        return sorted(blocks)
    return sorted(lines)


#: A ws_expirer line about one entry (their order is the directory order).
_ENTRY_LINE = re.compile(r"info: +(found valid workspace: |keeping \(|would expire |expiring )")


def _sorted_runs(lines: list[str]) -> list[str]:
    """The log with each run of consecutive per-entry lines sorted, all else in place."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if _ENTRY_LINE.match(line):
            run.append(line)
            continue
        out.extend(sorted(run))
        run = []
        out.append(line)
    return out[:-1]


@pytest.fixture
def site_root() -> Iterator[Path]:
    """A fresh directory whose path is exactly as long as ``/srv/wsroot``."""
    for _ in range(100):
        root = Path(f"/tmp/v{secrets.token_hex(3)[:5]}")
        try:
            root.mkdir()
        except FileExistsError:
            continue
        break
    else:
        raise AssertionError("no free short directory under /tmp")
    assert len(str(root)) == len(CAPTURE_ROOT)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_fixtures_are_in_the_repository() -> None:
    """A missing capture fails the suite (it is never skipped)."""
    assert FIXTURES.is_dir(), f"fixtures missing: {FIXTURES}"
    scenarios = load_scenarios()
    assert len(scenarios) == 95
    assert sum(s.has_outputs for s in scenarios) >= 60


def test_replay_real_v2_captures(
    site_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every scenario, the tools called in-process (the code the site's scripts run)."""
    _replay(site_root, capsys, monkeypatch, processes=False)


@pytest.mark.slow
def test_replay_real_v2_captures_as_processes(
    site_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same replay through the site's executables, stdin a real pipe."""
    _replay(site_root, capsys, monkeypatch, processes=True)


def _replay(
    site_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *,
    processes: bool,
) -> None:
    monkeypatch.delenv("TAURUS_EMULATOR_NOW", raising=False)
    monkeypatch.setenv("TAURUS_EMULATOR_GROUP", "usera")
    cfg = v2_capture_site_config(site_root)
    save_site_config(site_root, cfg)
    EmulatedSite(site_root, slurm=False, ws_format="v2")  # keeps the site config it finds
    replay = Replay(site_root, cfg, capsys, monkeypatch, processes=processes)
    compared, exact, as_sets = 0, [], []
    differing: dict[str, str] = {}
    for scenario in load_scenarios():
        got = replay.run(scenario)
        if scenario.name in DB_SNAPSHOTS:
            assert_db_matches(site_root, cfg, DB_SNAPSHOTS[scenario.name])
        if not scenario.has_outputs:
            if scenario.name in WITHOUT_OUTPUTS:
                reason, check = WITHOUT_OUTPUTS[scenario.name]
                assert check(got), f"{scenario.name} ({reason}): {got}"
            continue
        compared += 1
        want = Outcome(
            normalise(scenario.expected("stdout")),
            normalise(scenario.expected("stderr")),
            int(scenario.expected("rc")),
        )
        if got == want:
            exact.append(scenario.name)
        elif _unordered(scenario) and (got.err, got.rc) == (want.err, want.rc) and _units(got.out) == _units(want.out):
            as_sets.append(scenario.name)
        else:
            differing[scenario.name] = _diff(got, want)
    assert_db_matches(site_root, cfg, DB_SNAPSHOTS[None])
    with capsys.disabled():
        print(
            f"\nv2 replay{' (processes)' if processes else ''}: "
            f"{len(exact)} of {compared} scenarios byte-exact; "
            f"{len(as_sets)} equal as unordered listings ({', '.join(as_sets)}); "
            f"{len(differing)} differ (deliberately: {', '.join(DIFFERENCES)})"
        )
    unexpected = {k: v for k, v in differing.items() if k not in DIFFERENCES}
    assert not unexpected, "\n\n".join(f"{k}:\n{v}" for k, v in unexpected.items())
    now_matching = sorted(set(DIFFERENCES) - set(differing))
    assert not now_matching, f"listed in DIFFERENCES but now matching: {now_matching}"


def _db_files(directory: Path) -> dict[str, str]:
    """``name`` and ``.removed/name`` -> text, of one DB directory (dot files left out)."""
    files = {}
    for sub in ("", ".removed/"):
        folder = directory / sub
        if folder.is_dir():
            for path in folder.iterdir():
                if path.is_file() and not path.name.startswith("."):
                    files[sub + path.name] = path.read_text(encoding="utf-8")
    return files


def assert_db_matches(root: Path, cfg: SiteConfig, snapshot: str) -> None:
    """The emulated DB files equal the captured snapshot's, byte for byte (normalised)."""
    for fs, fs_cfg in cfg.filesystems.items():
        want = _db_files(FIXTURES / "db" / snapshot / fs)
        got = {
            name: normalise(text.replace(str(root), CAPTURE_ROOT))
            for name, text in _db_files(Path(fs_cfg.database)).items()
        }
        assert got == {k: normalise(v) for k, v in want.items()}, (snapshot, fs)


def _diff(got: Outcome, want: Outcome) -> str:
    parts = []
    for what in ("out", "err", "rc"):
        a, b = getattr(got, what), getattr(want, what)
        if a != b:
            parts.append(f"  {what}: got {a!r}\n  {' ' * len(what)}  want {b!r}")
    return "\n".join(parts)


def test_ws_stat_counts_like_the_capture(
    site_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scenario 88 with the one empty file its workspace really held (see DIFFERENCES)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("TAURUS_EMULATOR_USER", "usera")
    cfg = v2_capture_site_config(site_root)
    save_site_config(site_root, cfg)
    ensure_site_dirs(cfg)
    clock.set_clock(site_root, 1795556144)
    assert main("ws_allocate", site_root, ["simdata", "30"]) == 0
    restored = site_root / "horse/ws/usera-simdata/usera-run42-1795556169"
    restored.mkdir()
    (restored / "input.dat").touch()
    capsys.readouterr()
    scenario = next(s for s in load_scenarios() if s.name == "88_stat")
    rc = main("ws_stat", site_root, shlex.split(scenario.command)[1:])
    captured = capsys.readouterr()
    assert captured.out.replace(str(site_root), CAPTURE_ROOT) == scenario.expected("stdout")
    assert (captured.err, rc) == (scenario.expected("stderr"), int(scenario.expected("rc")))
