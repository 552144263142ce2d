"""``taurus-datamover emulate`` and ``demo``: the emulated site for people. ``emulate`` prints
the shell lines that make a site's tools the ones found, or runs a command (``--exec``) or a
shell in which the ZIH paths are the site's folders; ``demo`` walks through a staging round,
printing each step as the command that does the same.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from taurus_datamover.cli.context import Context, default_site_root
from taurus_datamover.cli.output import counted, print_table, remaining, when
from taurus_datamover.cli.queries import format_entries
from taurus_datamover.cli.status import choose_mode, follow
from taurus_datamover.cli.ws import WS_HEADERS, plain, table_row
from taurus_datamover.emulator.site import EmulatedSite
from taurus_datamover.errors import TaurusDatamoverError

#: Name of the workspace the demo allocates and releases.
DEMO_WORKSPACE = "taurus-demo"
_DEMO_FILES = {
    "measurements-001.csv": 2000,
    "measurements-002.csv": 3000,
    "measurements-003.csv": 1500,
    "README.txt": 0,
}


def own_command() -> str:
    """This command as a shell calls it: ``taurus-datamover`` when that is the one on
    ``PATH``, else its full path (a venv that is not activated)."""
    me = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if os.path.basename(me) == "__main__.py":  # python -m taurus_datamover
        return f"{shlex.quote(sys.executable)} -m taurus_datamover"
    if os.path.basename(me) == "taurus-datamover" and os.access(me, os.X_OK):
        found = shutil.which("taurus-datamover")
        if found is None or os.path.realpath(found) != os.path.realpath(me):
            return shlex.quote(me)
    return "taurus-datamover"


def site_option(root: Path) -> str:
    """The global option that names the site at *root* (empty for the default site)."""
    return "" if root == default_site_root().absolute() else f" --site-root {shlex.quote(str(root))}"


def eval_hint(root: Path) -> str:
    """The shell line that puts the site's tools on PATH (``&&``: a missing command fails visibly)."""
    return f'out="$({own_command()}{site_option(root)} emulate)" && eval "$out"'


def run_emulate(ctx: Context) -> int:
    """Create or reuse a site; print the shell lines that use it, or run ``--exec``/``--shell``."""
    args = ctx.args
    root = ctx.site_root or default_site_root().absolute()
    site = EmulatedSite(root, slurm=False if args.no_slurm else None)
    command: list[str] | None = None
    if args.shell:
        command = [os.environ.get("SHELL") or "/bin/sh", "-i"]
    elif args.exec:
        command = args.exec[1:] if args.exec[:1] == ["--"] else list(args.exec)
        if not command:
            ctx.parser_error("emulate --exec: give the command to run, e.g. emulate --exec dtls /grp")
    if command is not None:
        return _run_in_view(ctx, site, command)
    if ctx.verbosity >= 0:
        print(
            f"# taurus-datamover emulated site in {site.root}: {_mode_text(site)}\n"
            f"# use it in this shell with: {eval_hint(site.root)}\n"
            f"# or run a shell where /grp, /projects and /data/... are the site's folders: "
            f"{own_command()}{site_option(site.root)} emulate --shell",
            file=sys.stderr,
        )
    for name, value in site.env_overrides().items():  # export lines for POSIX shells
        exported = f'{shlex.quote(str(site.bin))}:"$PATH"' if name == "PATH" else shlex.quote(value)
        print(f"export {name}={exported}")
    return 0


def _mode_text(site: EmulatedSite) -> str:
    setting = site.slurm_setting
    if setting == "auto":
        now = "it answers now" if site.slurm else "none answers now"
        return f"jobs through Slurm (partition datamover) whenever it answers ({now}), else local"
    return "jobs through Slurm (partition datamover)" if setting else "local jobs (no Slurm)"


def _run_in_view(ctx: Context, site: EmulatedSite, command: list[str]) -> int:
    """Run *command* in the ZIH view of *site* (without namespaces: its own paths, saying so)."""
    reason = site.zih_view_unavailable()
    if reason is not None:
        print(
            f"taurus-datamover: no private mount namespace here ({reason}): /grp, /projects and "
            f"/data/... do not exist in this command; use the site's own paths instead "
            f"({site.grp}, {site.projects}, {site.root}/<fs>/ws)",
            file=sys.stderr,
        )
    elif ctx.verbosity > 0 or (ctx.args.shell and ctx.verbosity >= 0):
        mounts = ", ".join(f"{zih} = {where}" for zih, where in site.zih_mounts().items())
        print(f"# emulated site {site.root}, ZIH paths: {mounts}", file=sys.stderr)
    try:
        done = site.run(command, zih_paths=reason is None)
    except FileNotFoundError as exc:
        print(f"taurus-datamover: cannot run {command[0]}: {exc.strerror}", file=sys.stderr)
        return 127
    return done.returncode


def seed_demo_files(grp: Path) -> Path:
    """Put a few files on the emulated fileserver (``grp/demo-group/raw``) unless there."""
    raw = grp / "demo-group" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for name, rows in _DEMO_FILES.items():
        csv = "time,sensor,value\n" + "".join(f"{i},{i % 7},{(i * 37) % 1000 / 10:.1f}\n" for i in range(rows))
        readme = "Raw measurements of the demo group, staged by `taurus-datamover demo`.\n"
        if not (raw / name).exists():
            (raw / name).write_text(csv if rows else readme, encoding="utf-8")
    return raw


def run_demo(ctx: Context) -> int:
    """Stage files into a workspace on the emulated site and clean up; print every step."""
    site = ctx.site
    assert site is not None  # main() gives the demo an emulated site
    prefix = own_command() + (site_option(site.root) or " --emulate")
    mode = "Slurm (partition datamover)" if site.slurm else "local jobs (no Slurm found)"

    def step(command: str, what: str) -> None:
        print(f"\n== {what}\n$ {prefix} {command}", flush=True)

    print(f"Emulated site: {site.root}\nDatamover jobs run through: {mode}")
    raw = seed_demo_files(site.grp)
    print(f"Fileserver files: {raw} ({len(_DEMO_FILES)} files)")

    ws, dm = ctx.workspace, ctx.datamover
    step(f"ws allocate {DEMO_WORKSPACE} 7", "allocate a workspace for 7 days")
    allocated = ws.allocate(DEMO_WORKSPACE, 7)
    info = plain(allocated)
    print(info.path)
    release = not allocated.reused  # one that was there before is the user's: never released
    try:
        target = Path(info.path)
        step(f"cp -r {shlex.quote(str(raw))} {shlex.quote(str(target))}", "stage the files with dtcp")
        job = dm.cp(str(raw), dst=str(target), recursive=True, blocking=True)
        follow(job, choose_mode(sys.stderr, json_output=False, quiet=ctx.verbosity < 0), sys.stdout, site=site)
        job.result()

        staged = target / raw.name
        step(f"ls {shlex.quote(str(staged))}", "list them with dtls")
        format_entries(dm.ls(str(staged)))

        step("ws list", "the workspaces and their remaining time")
        print_table((*WS_HEADERS, "PATH"), [table_row(i) for i in ws.list(all_filesystems=True)])
        mine = ws.get(DEMO_WORKSPACE, info.filesystem)
        left = counted(mine.extensions_left, "extension")
        print(f"{DEMO_WORKSPACE} expires in {remaining(mine)} ({when(mine.expires)}), {left} left")
        if release:
            step(f"ws release {DEMO_WORKSPACE}", "release it (restorable for a while: ws restore -l)")
            release = False
            ws.release(DEMO_WORKSPACE, filesystem=info.filesystem)
            print(f"released {DEMO_WORKSPACE}")
        else:
            print(
                f"kept {DEMO_WORKSPACE}: it was there before the demo (release it with: {prefix} ws release {DEMO_WORKSPACE})"
            )
    finally:
        if release:
            try:
                ws.release(DEMO_WORKSPACE, filesystem=info.filesystem)
            except (TaurusDatamoverError, OSError) as exc:  # the original error matters more
                print(f"taurus-datamover: could not release {DEMO_WORKSPACE}: {exc}", file=sys.stderr)
    print(
        f"\nDone. Try: {prefix} ls {shlex.quote(str(site.grp))}   |   {prefix} ws report\n"
        f"Or put the emulated tools on your PATH: {eval_hint(site.root)}\n"
        f"Or open a shell with the ZIH paths (/grp, /data/horse/ws, ...): {prefix} emulate --shell"
    )
    return 0
