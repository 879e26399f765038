#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the Slurm e2e tests (CI runs it as root; Debian 12 packages
# slurmctld slurmd slurm-client munge). Usage: scripts/slurm-cluster.sh start|stop|env
#   start  writes $SLURM_TEST_DIR/slurm.conf (default /tmp/ntk-lab-slurm), starts munged (as user munge),
#          slurmctld and slurmd, and waits until sinfo shows the node idle
#   stop   stops the three daemons it started (by their pid files)
#   env    prints `export SLURM_CONF=…` for the clients (sbatch, squeue, scancel read SLURM_CONF)
set -euo pipefail
DIR="${SLURM_TEST_DIR:-/tmp/ntk-lab-slurm}"
CONF="$DIR/slurm.conf"
NODE="$(hostname -s)"

start() {
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log" "$DIR/run"
  # munge: a key (the package makes one; make it if missing), its socket dir, the daemon as user munge
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
  fi
  chown -R munge:munge /etc/munge && chmod 700 /etc/munge && chmod 600 /etc/munge/munge.key
  mkdir -p /run/munge /var/lib/munge /var/log/munge && chown munge:munge /run/munge /var/lib/munge /var/log/munge
  # started only when no munged runs (its pid file names a live process); `stop` stops only one started here
  if ! { [ -s /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; }; then
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 1 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
    cp /run/munge/munged.pid "$DIR/run/munged.pid"
  fi
  local mem
  mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.8)}' /proc/meminfo)
  cat >"$CONF" <<CONF
ClusterName=ntklab
SlurmctldHost=$NODE
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
KillWait=5
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  /usr/sbin/slurmctld -f "$CONF"
  /usr/sbin/slurmd -f "$CONF"
  for _ in $(seq 1 60); do
    if SLURM_CONF="$CONF" sinfo -h -o '%t' 2>/dev/null | grep -qx 'idle'; then
      echo "slurm: node $NODE idle (SLURM_CONF=$CONF)"
      return 0
    fi
    sleep 1
  done
  echo "slurm: the node did not become idle within 60 s; logs in $DIR/log" >&2
  tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
  return 1
}

stop() {
  for d in slurmd slurmctld; do
    if [ -s "$DIR/run/$d.pid" ]; then kill "$(cat "$DIR/run/$d.pid")" 2>/dev/null || true; fi
  done
  sleep 1
  if [ -s "$DIR/run/munged.pid" ]; then
    kill "$(cat "$DIR/run/munged.pid")" 2>/dev/null || true
    rm -f "$DIR/run/munged.pid"
  fi
  echo "slurm: stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *)
    echo "usage: $0 start|stop|env" >&2
    exit 2
    ;;
esac
