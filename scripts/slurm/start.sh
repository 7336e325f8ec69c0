#!/usr/bin/env bash
# Bring up a single-node SLURM on this machine: munged, slurmctld and slurmd,
# one partition "main" holding this host. For tests and for trying the
# workflow's slurm profile; a real cluster needs none of this.
#
# Needs root and apt (Debian/Ubuntu). No systemd needed: the three daemons
# daemonize themselves and write pid files under /run, which stop.sh reads.
# Idempotent: running it again with everything up changes nothing.
#
# Exit status: 0 SLURM is up and the node is idle (or busy with jobs);
#              2 not root; 3 SLURM could not be installed (no apt, no network);
#              4 /etc/slurm/slurm.conf belongs to another SLURM (left alone);
#              1 anything else (the daemons' logs are in /var/log/slurm/).
set -euo pipefail

CONF=/etc/slurm/slurm.conf          # default path: the jobs' inner srun reads it
MARK="# Written by scripts/slurm/start.sh of the glorot workflow."
PARTITION=main
WAIT_SECONDS=${SLURM_START_WAIT_SECONDS:-60}

say() { echo "slurm/start.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || { say "needs root"; exit 2; }

# --- 1. install (8 packages without recommends) ------------------------------
export PATH=$PATH:/usr/sbin:/sbin
missing=""
for bin in munged slurmctld slurmd sinfo sbatch squeue; do
    command -v "$bin" >/dev/null 2>&1 || missing="$missing $bin"
done
if [ -n "$missing" ]; then
    say "installing slurm and munge (missing:$missing)"
    command -v apt-get >/dev/null 2>&1 || { say "no apt-get: cannot install SLURM"; exit 3; }
    export DEBIAN_FRONTEND=noninteractive
    if ! { timeout 300 apt-get update -qq &&
           timeout 600 apt-get install -y -qq --no-install-recommends \
               slurmctld slurmd slurm-client munge; } >&2; then
        say "apt-get failed: cannot install SLURM"
        exit 3
    fi
fi

# --- 2. host name must resolve ----------------------------------------------
HOST=$(hostname -s)
if ! getent hosts "$HOST" >/dev/null; then
    say "adding $HOST to /etc/hosts"
    echo "127.0.1.1 $HOST" >>/etc/hosts
fi

# --- 3. slurm.conf -----------------------------------------------------------
# slurmd -C measures this node; keep CPUs/sockets/cores as measured and ask
# for less memory than the machine has (slurmd drains a node whose RealMemory
# exceeds what it finds).
node_line=$(slurmd -C | grep '^NodeName=')
mem_mb=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
real_mem=$((mem_mb * 9 / 10))
node_line=$(sed -e "s/^NodeName=[^ ]*/NodeName=$HOST/" \
                -e "s/RealMemory=[0-9]*/RealMemory=$real_mem/" <<<"$node_line")

mkdir -p /etc/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd /var/log/slurm
new_conf=$(cat <<CONF
$MARK
# Single node, no accounting database, no cgroups (no systemd here).
ClusterName=glorot
SlurmctldHost=$HOST
SlurmUser=root
AuthType=auth/munge
# No slurmdbd: the workflow's test uses --slurm-status-command squeue, and
# squeue only sees finished jobs for MinJobAge seconds (at least 120, or the
# executor plugin falls back to sacct, which fails without a database).
MinJobAge=86400
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
$node_line
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
)
conf_changed=0
if [ -e "$CONF" ]; then
    if ! head -n1 "$CONF" | grep -qxF "$MARK"; then
        say "$CONF exists and was not written by this script; not touching it"
        exit 4
    fi
    [ "$(cat "$CONF")" = "$new_conf" ] || conf_changed=1
else
    conf_changed=1
fi
if [ "$conf_changed" = 1 ]; then
    say "writing $CONF"
    printf '%s\n' "$new_conf" >"$CONF"
fi

# --- 4. munge key --------------------------------------------------------------
KEY=/etc/munge/munge.key
if [ ! -s "$KEY" ]; then
    say "creating $KEY"
    mkdir -p /etc/munge
    dd if=/dev/urandom of="$KEY" bs=1024 count=1 status=none
fi
chown munge:munge "$KEY"
chmod 400 "$KEY"
mkdir -p /run/munge /var/lib/munge /var/log/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge

# --- 5. daemons ----------------------------------------------------------------
# alive PIDFILE NAME: the pid in PIDFILE is a running process called NAME.
alive() {
    local pid
    [ -s "$1" ] || return 1
    pid=$(cat "$1")
    [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$2" ]
}

if [ "$conf_changed" = 1 ] && { alive /run/slurmctld.pid slurmctld || alive /run/slurmd.pid slurmd; }; then
    say "configuration changed: restarting slurmctld and slurmd"
    "$(dirname "$0")/stop.sh" slurmd slurmctld
fi

if ! alive /run/munge/munged.pid munged; then
    say "starting munged"
    runuser -u munge -- munged
fi
for _ in $(seq 50); do munge -n </dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
munge -n </dev/null | unmunge >/dev/null || { say "munge does not work"; exit 1; }

if ! alive /run/slurmctld.pid slurmctld; then
    say "starting slurmctld"
    slurmctld
fi
slurmd_started=0
if ! alive /run/slurmd.pid slurmd; then
    say "starting slurmd"
    slurmd_started=$(date +%s)
    slurmd
fi

# registered NODE SINCE: slurmctld has heard from a slurmd started at or after SINCE.
registered() {
    local started
    started=$(scontrol show node "$1" 2>/dev/null | sed -n 's/.*SlurmdStartTime=\([^ ]*\).*/\1/p')
    [ -n "$started" ] && [ "$started" != None ] &&
        [ "$(date -d "$started" +%s 2>/dev/null || echo 0)" -ge "$(($2 - 1))" ]
}

# --- 6. wait for the node ------------------------------------------------------
deadline=$((SECONDS + WAIT_SECONDS))
state=""
while [ $SECONDS -lt $deadline ]; do
    state=$(sinfo -h -N -n "$HOST" -o %t 2>/dev/null | head -n1 || true)
    # After a restart slurmctld reloads the old node state: wait for the new slurmd.
    if [ "$slurmd_started" != 0 ] && ! registered "$HOST" "$slurmd_started"; then
        state="registering"
    fi
    case "$state" in
        idle|mix|mixed|alloc|allocated|comp|completing) break ;;
        drain*|drng|down*)
            # e.g. left down by an earlier unclean stop
            scontrol update NodeName="$HOST" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
done
case "$state" in
    idle|mix|mixed|alloc|allocated|comp|completing)
        say "up: node $HOST is $state in partition $PARTITION" ;;
    *)
        say "node $HOST did not become idle within ${WAIT_SECONDS}s (state: '${state:-none}'); see /var/log/slurm/"
        exit 1 ;;
esac
