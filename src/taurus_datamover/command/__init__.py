"""The command layer: finding the tools and running them, one :class:`~.job.Job` per call.

* :mod:`.tools` finds the ``dt*`` and ``ws_*`` executables; :mod:`.argv` says what one
  argument may be; :mod:`.toolset` is the base class of ``Datamover`` and ``Workspace``
  (tools as methods).
* :mod:`.job` is the ``Popen`` a call returns (process plumbing), over :mod:`.process` (its
  pipes and process group); :mod:`.tracker` turns what Slurm says (:mod:`.slurm` reads its
  words) into job id, state and return code, with no process of its own; :mod:`.watcher`
  follows batch jobs through the queue; :mod:`.waitfor` is the original package's helper.

Nothing is imported here, so that a caller pays only for the modules it uses.
"""
