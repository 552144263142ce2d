"""The command layer: finding the tools (:mod:`.tools`, :mod:`.argv`, :mod:`.toolset`) and
running them, one :class:`~.job.Job` per call (:mod:`.job` over :mod:`.process`), whose
Slurm job :mod:`.slurm` reads from Slurm's words and :mod:`.watcher` follows through the
queue. Nothing is imported here: a caller pays only for what it uses.
"""
