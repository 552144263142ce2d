#!/usr/bin/env bash
# Start a single-node Slurm cluster (Debian 12, Slurm 22.05, no systemd) for CI.
#
# What and why: the slurm-marked tests need a real srun/sbatch/squeue/scancel with a
# "datamover" partition. This script installs Debian's slurm packages and MUNGE when they
# are missing, writes /etc/slurm/slurm.conf, starts munged, slurmctld and slurmd directly
# (no systemd here) and waits until the node is idle. It is idempotent: when the cluster
# already answers, it does nothing. See docs: /work/shared/reference/slurm-ci.md.
#
# Knobs (environment):
#   SLURM_CI_CPUS    CPUs of the node (default 8, so several batch jobs run at once even on
#                    2 cores: a 4-part sync and its listing start together, each job takes one
#                    CPU under CR_CPU, no OverSubscribe needed; more than the hardware adds
#                    SlurmdParameters=config_overrides)
#   SLURM_CI_WARMUP  1 (default): run one warm-up batch job so later jobs start within ~1 s
#
# Stop with ci/stop-slurm.sh.
set -euo pipefail

CPUS="${SLURM_CI_CPUS:-8}"
WARMUP="${SLURM_CI_WARMUP:-1}"
CONF=/etc/slurm/slurm.conf
JOBCOMP=/var/log/slurm/jobcomp.log

log() { printf 'start-slurm: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# poll CMD... until it succeeds, at most $1 tenths of a second
poll() {
    local tries=$1; shift
    local i
    for ((i = 0; i < tries; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

# is the PID in FILE alive and called NAME?
pid_alive() {
    local file=$1 name=$2 pid
    [[ -r $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/comm ]] || return 1
    [[ $(</proc/"$pid"/comm) == "$name" ]]
}

ctld_up() { scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_idle() { [[ $(sinfo -h -N -n localhost -o %T 2>/dev/null) == idle* ]]; }
node_ready() {
    local state
    state=$(sinfo -h -N -n localhost -o %T 2>/dev/null) || return 1
    [[ $state == idle* || $state == mixed* || $state == allocated* ]]
}
munge_ok() { munge -n | unmunge; }
datamover_ok() { [[ -n $(sinfo -h -p datamover -o %P 2>/dev/null) ]]; }

# ---------------------------------------------------------------- already running?
if command -v scontrol >/dev/null 2>&1 \
    && pid_alive /run/munge/munged.pid munged \
    && pid_alive /run/slurm/slurmctld.pid slurmctld \
    && pid_alive /run/slurm/slurmd.pid slurmd \
    && ctld_up && node_ready && datamover_ok; then
    log "already running"
    exit 0
fi

# ---------------------------------------------------------------- 1. packages
if ! command -v slurmctld >/dev/null 2>&1 || ! command -v slurmd >/dev/null 2>&1 \
    || ! command -v srun >/dev/null 2>&1 || ! command -v munged >/dev/null 2>&1; then
    log "installing slurm packages"
    temp_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        # keep apt from starting daemons; removed again below
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        temp_policy=1
    fi
    remove_policy() { if [[ $temp_policy == 1 ]]; then rm -f /usr/sbin/policy-rc.d; fi; }
    trap remove_policy EXIT
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        slurm-wlm slurmctld slurmd slurm-client munge
    remove_policy
    trap - EXIT
fi

# ---------------------------------------------------------------- 3. configuration
nproc_hw=$(nproc)
mem=$(slurmd -C 2>/dev/null | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -n 1)
[[ -n $mem ]] || die "slurmd -C did not report RealMemory"
mem=$((mem > 200 ? mem - 100 : mem))
overrides=""
if ((CPUS > nproc_hw)); then
    overrides="SlurmdParameters=config_overrides"
fi

install -d -m 0755 /etc/slurm
cat >"$CONF.new" <<EOF
# Written by the start script - single-node CI cluster, no systemd, no cgroups.
ClusterName=ci
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# no cgroups: track processes through /proc, no task binding
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# A submitted batch job starts at the next pass of either scheduler: the main one, run by
# slurmctld's background loop (ten 0.1 s sleeps, then its work: about once a second; no
# setting changes that loop), or backfill, every bf_interval s (default 30) on its own
# clock; srun jobs are placed at once. batch_sched_delay=0: the main pass takes new batch
# jobs at every turn of the loop, not every 3 s. bf_interval=1: a second, independent tick,
# so a job waits for the earlier of two (4 jobs at once, 90 rounds each: 0.56 s from
# submission to start without it, 0.40 s with it). sched_min_interval (default 2 us) only
# throttles; defer and sched/builtin (no backfill) would start them later.
SchedulerParameters=batch_sched_delay=0,bf_interval=1
ReturnToService=2
# reject impossible requests (-c 64, -N 2, ...) at once instead of leaving
# them pending forever with Reason=PartitionConfig
EnforcePartLimits=ALL
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
# "sacct -c" reads finished jobs from this job-completion text file
JobCompType=jobcomp/filetxt
JobCompLoc=$JOBCOMP
InactiveLimit=0
KillWait=5
MinJobAge=300
SlurmctldTimeout=30
SlurmdTimeout=30
Waittime=0
${overrides}

NodeName=localhost NodeAddr=127.0.0.1 CPUs=${CPUS} RealMemory=${mem} State=UNKNOWN
PartitionName=compute Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=datamover Nodes=localhost MaxTime=INFINITE State=UP
EOF
mv "$CONF.new" "$CONF"
chmod 0644 "$CONF"

# ---------------------------------------------------------------- 4. start
install -d -o slurm -g slurm -m 0755 /var/spool/slurmctld /var/log/slurm /run/slurm
install -d -o root -g root -m 0755 /var/spool/slurmd
install -d -o munge -g munge -m 0755 /run/munge

if [[ ! -s /etc/munge/munge.key ]]; then
    log "creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 0600 /etc/munge/munge.key
fi

if ! pid_alive /run/munge/munged.pid munged; then
    log "starting munged"
    runuser -u munge -- /usr/sbin/munged
fi
poll 100 munge_ok || die "munge does not answer"

if ! pid_alive /run/slurm/slurmctld.pid slurmctld; then
    log "starting slurmctld"
    /usr/sbin/slurmctld -c
fi
poll 300 ctld_up || die "slurmctld does not answer (see /var/log/slurm/slurmctld.log)"

if ! pid_alive /run/slurm/slurmd.pid slurmd; then
    log "starting slurmd"
    /usr/sbin/slurmd -N localhost
fi
poll 300 node_ready || die "node localhost not idle (see /var/log/slurm/slurmd.log)"
datamover_ok || die "no datamover partition"

if [[ $WARMUP == 1 ]] && node_idle; then
    # The first scheduler pass after a start still uses the 3 s batch delay: run one job.
    # The job script comes on stdin (an argv, no --wrap string).
    job=$(printf '#!/bin/sh\nexit 0\n' | sbatch --parsable -p compute -J warmup -o /dev/null)
    job=${job%%;*}
    warm_done() { scontrol show job "$job" 2>/dev/null | grep -q 'JobState=COMPLETED'; }
    poll 150 warm_done || log "warm-up job $job did not complete in 15 s (continuing)"
    : >"$JOBCOMP"
fi
touch "$JOBCOMP"
chmod 0666 "$JOBCOMP"
log "slurm is up: $(sinfo -h -p datamover -o '%P %a %D %t')"
