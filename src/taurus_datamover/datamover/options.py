"""The datamover's own options of a call (``--blocking --time --account``), stated once.

The transfers of :class:`~taurus_datamover.Datamover` (``cp mv rm rsync tar tar_raw wget
save``, and ``run``) take the keywords of :class:`JobOptions`, the listings (``ls stat
exists walk``) those of :class:`ListingOptions` (``dtls`` always blocks); what a call leaves
out comes from the ``Datamover``. ``time=``, the first name of ``time_limit=``, keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from taurus_datamover.command.argv import arg_words, end_of_options
from taurus_datamover.errors import JobOptionsError
from taurus_datamover.facts import TRANSFER_TOOLS


class ListingOptions(TypedDict, total=False):
    """The options of a listing: ``timeout`` (seconds, then the job and its Slurm job are
    stopped and :class:`~taurus_datamover.CommandTimeout` raised), the Slurm ``time_limit``
    (``"2:00:00"``) and ``account``; ``time`` is ``time_limit``'s first name."""

    timeout: float | None
    time_limit: str | None
    account: str | None
    time: str | None


class JobOptions(ListingOptions, total=False):
    """The options of a transfer: those of a listing, and ``blocking`` (``--blocking``: the
    call ends with the transfer; ``False`` submits a batch job that the Job follows)."""

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
        """These defaults with a call's ``options`` applied (None keeps the default).

        ``allowed`` are the keys of the call's kind (:data:`JOB_KEYS`, :data:`LISTING_KEYS`):
        any other (a misspelt name, ``blocking`` for a listing) raises
        :class:`JobOptionsError`, as a wrong keyword would, before anything runs.
        """
        unknown = sorted(set(options) - allowed)
        if unknown:
            raise JobOptionsError(f"unexpected option(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}")
        blocking = options.get("blocking")
        limit = pick_time_limit(_text(options, "time_limit"), _text(options, "time"))
        account = _text(options, "account")
        return SlurmOptions(
            blocking=self.blocking if blocking is None else bool(blocking),
            time_limit=self.time_limit if limit is None else limit,
            account=self.account if account is None else account,
        )

    def words(self) -> list[str]:
        """``--blocking``, ``--time=T``, ``--account=A``, those that apply, in that order."""
        words = ["--blocking"] if self.blocking else []
        if self.time_limit is not None:
            words.append(f"--time={self.time_limit}")
        return words if self.account is None else [*words, f"--account={self.account}"]

    def placed(self, tool: str, argv: Sequence[str | bytes]) -> list[str | bytes]:
        """``argv`` (tool path first) with these options when ``tool`` takes them (the
        transfer tools): before a ``--`` end-of-options marker when there is one (``b"--"``
        counts), else at the end, as the original package did."""
        if tool not in TRANSFER_TOOLS:
            return list(argv)
        cut = end_of_options(argv)
        return [*argv, *self.words()] if cut is None else [*argv[:cut], *self.words(), *argv[cut:]]


def submits_batch_job(tool: str, argv: Sequence[str | bytes]) -> bool:
    """True when this call of ``tool`` submits a batch job (``sbatch``) and returns: a
    transfer tool other than ``dtls`` without ``--blocking`` among its options. Only then is
    ``Submitted batch job N`` on stdout taken as the job's id (else it could be a file name).
    """
    if tool not in TRANSFER_TOOLS or tool == "dtls":
        return False
    return "--blocking" not in arg_words(argv[1 : end_of_options(argv)])


def _text(options: Mapping[str, object], key: str) -> str | None:
    """``options[key]`` as text: a str, or an int (Slurm reads ``--time=60`` as minutes)."""
    value = options.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise JobOptionsError(f"{key}= takes text (Slurm syntax, e.g. '2:00:00'), not {value!r}")
