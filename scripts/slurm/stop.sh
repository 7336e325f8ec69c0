#!/usr/bin/env bash
# Stop the daemons started by start.sh, by the pids in their /run pid files
# (never by name). With arguments, stop only those of: slurmd slurmctld munged.
# Idempotent: a daemon that is not running is skipped.
set -euo pipefail

say() { echo "slurm/stop.sh: $*" >&2; }

pidfile() {
    case "$1" in
        slurmd) echo /run/slurmd.pid ;;
        slurmctld) echo /run/slurmctld.pid ;;
        munged) echo /run/munge/munged.pid ;;
        *) say "unknown daemon '$1' (slurmd, slurmctld or munged)"; exit 2 ;;
    esac
}

stop_one() {
    local name=$1 file pid
    file=$(pidfile "$name")
    [ -s "$file" ] || return 0
    pid=$(cat "$file")
    # Only a live process of that name: a stale pid file may name another process.
    if [ ! -r "/proc/$pid/comm" ] || [ "$(cat "/proc/$pid/comm")" != "$name" ]; then
        return 0
    fi
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        [ -d "/proc/$pid" ] || return 0
        sleep 0.1
    done
    say "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

[ "$(id -u)" = 0 ] || { say "needs root"; exit 2; }
# slurmd before slurmctld before munged: each needs the next one to shut down cleanly.
daemons=("$@")
[ ${#daemons[@]} -gt 0 ] || daemons=(slurmd slurmctld munged)
for d in slurmd slurmctld munged; do
    for want in "${daemons[@]}"; do
        [ "$want" = "$d" ] && stop_one "$d"
    done
done
for want in "${daemons[@]}"; do pidfile "$want" >/dev/null; done
exit 0
