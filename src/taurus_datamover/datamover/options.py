"""The datamover's own options of a call (``--blocking --time --account``), stated once;
what a call leaves out comes from the ``Datamover``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from taurus_datamover.command.argv import arg_words, end_of_options
from taurus_datamover.errors import JobOptionsError
from taurus_datamover.facts import TRANSFER_TOOLS


class ListingOptions(TypedDict, total=False):
    """A listing's options: ``timeout`` (s; then the job stops, ``CommandTimeout``), the Slurm
    ``time_limit`` (``"2:00:00"``; ``time`` is its first name) and ``account``."""

    timeout: float | None
    time_limit: str | None
    account: str | None
    time: str | None


class JobOptions(ListingOptions, total=False):
    """A transfer's options: a listing's (``dtls`` always blocks), and ``blocking`` (False
    submits a batch job)."""

    blocking: bool | None


#: The keywords a listing takes, and those a transfer takes.
LISTING_KEYS: frozenset[str] = ListingOptions.__optional_keys__
JOB_KEYS: frozenset[str] = JobOptions.__optional_keys__


def pick_time_limit(time_limit: str | None, time: str | None) -> str | None:
    """``time_limit``, or ``time`` (its first name) when only that one is given."""
    if time_limit is not None and time is not None:
        raise JobOptionsError(
            f"give the Slurm time limit once: time_limit={time_limit!r} and time={time!r} "
            "(time= is the old name of time_limit=)"
        )
    return time if time_limit is None else time_limit


@dataclass(frozen=True)
class SlurmOptions:
    """The datamover's own options of one call: ``--blocking``, ``--time``, ``--account``."""

    blocking: bool = True
    time_limit: str | None = None
    account: str | None = None

    def given(self, options: Mapping[str, object], allowed: frozenset[str] = JOB_KEYS) -> SlurmOptions:
        """These defaults with a call's ``options`` applied (None keeps the default); a key
        not ``allowed`` (a misspelt name, ``blocking`` for a listing) is a JobOptionsError."""
        unknown = sorted(set(options) - allowed)
        if unknown:
            raise JobOptionsError(f"unexpected option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        blocking = options.get("blocking")
        limit = pick_time_limit(_text(options, "time_limit"), _text(options, "time"))
        account = _text(options, "account")
        return SlurmOptions(
            self.blocking if blocking is None else bool(blocking),
            self.time_limit if limit is None else limit,
            self.account if account is None else account,
        )

    def words(self) -> list[str]:
        """``--blocking``, ``--time=T``, ``--account=A``, those that apply, in that order."""
        words = ["--blocking"] if self.blocking else []
        if self.time_limit is not None:
            words.append(f"--time={self.time_limit}")
        return words if self.account is None else [*words, f"--account={self.account}"]

    def placed(self, tool: str, argv: Sequence[str | bytes]) -> list[str | bytes]:
        """``argv`` with these options when ``tool`` takes them: before the first ``--`` (or
        ``b"--"``), else at the end, as the original package did."""
        if tool not in TRANSFER_TOOLS:
            return list(argv)
        cut = end_of_options(argv)
        return [*argv, *self.words()] if cut is None else [*argv[:cut], *self.words(), *argv[cut:]]


def submits_batch_job(tool: str, argv: Sequence[str | bytes]) -> bool:
    """True when this call submits a batch job: a transfer tool but ``dtls`` without
    ``--blocking``. Only then is ``Submitted batch job N`` believed (else: a file name?)."""
    return tool in TRANSFER_TOOLS and tool != "dtls" and "--blocking" not in arg_words(argv[1 : end_of_options(argv)])


def _text(options: Mapping[str, object], key: str) -> str | None:
    """``options[key]`` as text: a str, or an int (Slurm reads ``--time=60`` as minutes)."""
    value = options.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise JobOptionsError(f"{key}= takes text (Slurm syntax, e.g. '2:00:00'), not {value!r}")
