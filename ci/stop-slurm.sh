#!/usr/bin/env bash
# Stop the single-node CI Slurm started by ci/start-slurm.sh.
#
# What and why: cancel every job first (so no job outlives the cluster), then SIGTERM the
# daemons named in their PID files, all at once (each needs 1.5-2 s to exit), and SIGKILL
# any that is still there after 15 s. A PID is only signalled when /proc/PID/comm matches
# the daemon's name, so a stale PID file never hits an unrelated process. Nothing is killed
# by name. Safe to run when nothing is running.
set -uo pipefail

log() { printf 'stop-slurm: %s\n' "$*" >&2; }

# "pidfile:name" pairs, in stop order
DAEMONS=(
    /run/slurm/slurmd.pid:slurmd
    /run/slurm/slurmctld.pid:slurmctld
    /run/munge/munged.pid:munged
)

# is PID alive (not a zombie) and called NAME?
alive() {
    local pid=$1 name=$2 stat
    [[ -r /proc/$pid/comm && $(</proc/"$pid"/comm) == "$name" ]] || return 1
    # a zombie waiting to be reaped has exited already
    stat=$(<"/proc/$pid/stat") 2>/dev/null || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != Z ]]
}

# print the PID in FILE when it is alive and called NAME
live_pid() {
    local file=$1 name=$2 pid
    [[ -r $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    alive "$pid" "$name" || return 1
    printf '%s\n' "$pid"
}

# 1. cancel all jobs while slurmctld still answers
if command -v squeue >/dev/null 2>&1 && live_pid /run/slurm/slurmctld.pid slurmctld >/dev/null; then
    mapfile -t jobs < <(squeue -h -o %i 2>/dev/null)
    if ((${#jobs[@]} > 0)); then
        log "cancelling ${#jobs[@]} job(s)"
        scancel "${jobs[@]}" 2>/dev/null || true
        # wait (at most 10 s) until the jobs are gone, so slurmd has no step left to wait for
        for ((i = 0; i < 100; i++)); do
            [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
            sleep 0.1
        done
    fi
fi

# 2. SIGTERM all daemons together
declare -A pids=()
for entry in "${DAEMONS[@]}"; do
    file=${entry%%:*}
    name=${entry##*:}
    if pid=$(live_pid "$file" "$name"); then
        log "stopping $name ($pid)"
        kill -TERM "$pid" 2>/dev/null || true
        pids[$pid]="$name"   # remember the PID: slurmd removes its PID file early
    fi
done

# 3. wait up to 15 s, then SIGKILL what is left
for ((i = 0; i < 150; i++)); do
    left=0
    for pid in "${!pids[@]}"; do
        if alive "$pid" "${pids[$pid]}"; then left=1; fi
    done
    ((left == 0)) && break
    sleep 0.1
done
for pid in "${!pids[@]}"; do
    if alive "$pid" "${pids[$pid]}"; then
        log "killing ${pids[$pid]} ($pid) after 15 s"
        kill -KILL "$pid" 2>/dev/null || true
    fi
done
log "stopped"
exit 0
