"""``taurus-datamover emulate`` and ``taurus-datamover demo``: the emulated site for people.

``emulate [--root DIR]`` creates (or reuses) a site and prints the shell lines that make
the ``dt*`` and ``ws_*`` tools of that site the ones found (``eval "$(taurus-datamover
emulate)"``). ``demo`` walks through a whole staging round on the emulated site: allocate
a workspace, copy files from the fileserver (``grp/``) into it with ``dtcp``, list them,
show the workspace and its remaining time, release it; printing each step as the command
that does the same.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from taurus_datamover.cli.context import Context, default_site_root, open_site
from taurus_datamover.cli.listing import format_entries
from taurus_datamover.cli.output import print_table, remaining, when
from taurus_datamover.cli.status import choose_mode, follow
from taurus_datamover.errors import TaurusDatamoverError

__all__ = ["DEMO_WORKSPACE", "run_demo", "run_emulate", "seed_demo_files", "shell_lines"]

#: Name of the workspace the demo allocates and releases.
DEMO_WORKSPACE = "taurus-demo"
_DEMO_FILES = {
    "measurements-001.csv": 2000,
    "measurements-002.csv": 3000,
    "measurements-003.csv": 1500,
    "README.txt": 0,
}


def shell_lines(overrides: dict[str, str], bin_dir: str) -> list[str]:
    """``export`` lines (POSIX shells) for an emulated site's environment."""
    lines = []
    for name, value in overrides.items():
        if name == "PATH":
            lines.append(f'export PATH={shlex.quote(bin_dir)}:"$PATH"')
        else:
            lines.append(f"export {name}={shlex.quote(value)}")
    return lines


def run_emulate(ctx: Context) -> int:
    """Create or reuse a site; print the lines that use it in a shell."""
    args = ctx.args
    root = Path(args.root or getattr(args, "site_root", None) or default_site_root())
    slurm = False if args.no_slurm else None
    site = open_site(root, slurm=slurm)
    if ctx.verbosity >= 0:
        mode = "jobs through Slurm (partition datamover)" if site.slurm else "local jobs (no Slurm)"
        print(f"# taurus-datamover emulated site in {site.root}: {mode}", file=sys.stderr)
        print('# use it in this shell with: eval "$(taurus-datamover emulate)"', file=sys.stderr)
    for line in shell_lines(site.env_overrides(), str(site.bin)):
        print(line)
    return 0


def seed_demo_files(grp: Path) -> Path:
    """Put a few files on the emulated fileserver (``grp/demo-group/raw``) unless there."""
    raw = grp / "demo-group" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, rows in _DEMO_FILES.items():
        path = raw / name
        if path.exists():
            continue
        if rows:
            body = "time,sensor,value\n" + "".join(f"{i},{i % 7},{(i * 37) % 1000 / 10:.1f}\n" for i in range(rows))
        else:
            body = "Raw measurements of the demo group, staged by `taurus-datamover demo`.\n"
        path.write_text(body, encoding="utf-8")
    return raw


def run_demo(ctx: Context) -> int:
    """Stage files into a workspace on the emulated site and clean up; print every step."""
    site = ctx.site
    assert site is not None  # main() gives the demo an emulated site
    prefix = "taurus-datamover " + (
        "--emulate" if site.root == default_site_root().absolute() else f"--site-root {shlex.quote(str(site.root))}"
    )
    mode = "Slurm (partition datamover)" if site.slurm else "local jobs (no Slurm found)"

    def step(command: str, what: str) -> None:
        print(f"\n== {what}\n$ {prefix} {command}", flush=True)

    print(f"Emulated site: {site.root}\nDatamover jobs run through: {mode}")
    raw = seed_demo_files(site.grp)
    print(f"Fileserver files: {raw} ({len(_DEMO_FILES)} files)")

    ws = ctx.workspace
    dm = ctx.datamover
    step(f"ws allocate {DEMO_WORKSPACE} 7", "allocate a workspace for 7 days")
    info = ws.allocate(DEMO_WORKSPACE, 7)
    print(info.path)
    released = False
    try:
        target = Path(info.path)
        step(f"cp -r {shlex.quote(str(raw))} {shlex.quote(str(target))}", "stage the files with dtcp")
        job = dm.cp(str(raw), dst=str(target), recursive=True, blocking=True)
        follow(job, choose_mode(sys.stderr, json_output=False, quiet=ctx.verbosity < 0), sys.stdout)
        job.result()

        staged = target / raw.name
        step(f"ls {shlex.quote(str(staged))}", "list them with dtls")
        format_entries(dm.ls(str(staged)))

        step("ws list", "the workspaces and their remaining time")
        infos = ws.list(all_filesystems=True)
        rows = [(i.name, i.filesystem or "-", remaining(i), when(i.expires), i.path) for i in infos]
        print_table(("NAME", "FILESYSTEM", "REMAINING", "EXPIRES", "PATH"), rows)
        mine = ws.get(DEMO_WORKSPACE, info.filesystem)
        print(
            f"{DEMO_WORKSPACE} expires in {remaining(mine)} ({when(mine.expires)}), "
            f"{mine.extensions_left} extensions left"
        )

        step(f"ws release {DEMO_WORKSPACE}", "release it (restorable for a while: ws restore -l)")
        ws.release(DEMO_WORKSPACE, filesystem=info.filesystem)
        released = True
        print(f"released {DEMO_WORKSPACE}")
    finally:
        if not released:
            try:
                ws.release(DEMO_WORKSPACE, filesystem=info.filesystem)
            except (TaurusDatamoverError, OSError) as exc:  # the original error matters more
                print(f"taurus-datamover: could not release {DEMO_WORKSPACE}: {exc}", file=sys.stderr)
    print(
        f"\nDone. Try: {prefix} ls {shlex.quote(str(site.grp))}   |   {prefix} ws report\n"
        'Or put the emulated tools on your PATH: eval "$(taurus-datamover emulate)"'
    )
    return 0
