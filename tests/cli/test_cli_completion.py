"""Shell completion (bash, zsh) and the manual page, generated from the parser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.support.cli import clean_env, cli

from taurus_datamover.cli.completion import bash_script, command_tree, manpage, roff_text, zsh_script


def _complete(script: Path, *words: str) -> list[str]:
    """What bash offers for the last of *words* (the line typed so far)."""
    line = " ".join(f"'{w}'" for w in words)
    probe = (
        f"source {script}; COMP_WORDS=(taurus-datamover {line}); COMP_CWORD={len(words)}; "
        "_taurus_datamover; printf '%s\\n' \"${COMPREPLY[@]}\""
    )
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.split()


def test_tree_follows_the_parser() -> None:
    tree = command_tree()
    assert {"ls", "cp", "ws", "emulate", "completion", "man"} <= set(tree.commands)
    assert set(tree.commands["ws"].commands) >= {"list", "allocate", "extend", "release", "restore", "report"}
    assert "--expiring" in tree.commands["ws"].commands["list"].options
    assert "--root" not in tree.commands["emulate"].options  # hidden alias stays hidden


def test_bash_script_is_valid_and_completes(tmp_path: Path) -> None:
    done = cli(tmp_path, "completion", "bash")
    assert done.returncode == 0 and done.stdout == bash_script()
    script = tmp_path / "taurus-datamover.bash"
    script.write_text(done.stdout)
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    assert _complete(script, "w") == ["wget", "ws"]
    assert _complete(script, "ws", "") == list(command_tree().commands["ws"].commands)
    assert "--expiring" in _complete(script, "ws", "list", "--ex")
    assert "--emulate" in _complete(script, "--emulate", "ws", "list", "--em")  # global options too
    (tmp_path / "adir").mkdir()
    assert _complete(script, "--site-root", str(tmp_path / "ad")) == [str(tmp_path / "adir")]


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_script_is_valid(tmp_path: Path) -> None:
    script = tmp_path / "_taurus-datamover"
    script.write_text(zsh_script())
    subprocess.run(["zsh", "-n", str(script)], check=True, timeout=30)

    def offered(*words: str) -> list[str]:
        # compadd and _files stand in for zsh's completion system: they print what is offered
        probe = (
            'compadd() { shift; print -l -- "$@" }; _files() { print FILES }; '
            f"words=(taurus-datamover {' '.join(words)}); CURRENT={len(words) + 1}; source {script}"
        )
        return subprocess.run(
            ["zsh", "-f", "-c", probe], capture_output=True, text=True, timeout=30, check=True
        ).stdout.split()

    assert offered("ws", "l") == list(command_tree().commands["ws"].commands)
    assert "--expiring" in offered("ws", "list", "--ex")
    assert offered("ls", "/tm") == ["FILES"]


def test_zsh_script_names_every_path() -> None:
    text = zsh_script()
    assert text.startswith("#compdef taurus-datamover\n")
    assert '" ws list") subs=(); opts=(' in text.replace("' ws list'", '" ws list"')
    assert "cmdpath" in text and " path=" not in text  # zsh's $path is PATH


def test_man_page_renders(tmp_path: Path) -> None:
    done = cli(tmp_path, "man")
    assert done.returncode == 0
    page = done.stdout
    assert page.startswith(".TH TAURUS-DATAMOVER 1 ")
    for section in ("ws list", "ws auto-extend", "emulate", "EXIT STATUS"):
        assert section in page
    if shutil.which("groff") is not None:
        rendered = subprocess.run(
            ["groff", "-ww", "-man", "-Tutf8"],
            input=page,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=clean_env(tmp_path),
        )
        assert rendered.stderr == ""
        assert "--expiring" in rendered.stdout.replace("\u2010", "-")


def test_roff_text_guards_dots_and_backslashes() -> None:
    assert roff_text(".TH not a macro\nback\\slash\n'quote") == "\\&.TH not a macro\nback\\eslash\n\\&'quote"
    assert manpage().count(".TH ") == 1
