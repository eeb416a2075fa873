#!/bin/bash
# The README's Slurm job array, on a real Slurm: a one-node cluster (munge + slurmctld + slurmd) started from a
# config written to a temporary folder, the README's array script submitted for a small run in 3 shards, the
# shards merged with `stylelab compare merge`, and the merged CSV checked against a one-process run (time and
# memory columns masked). Then one array task is cancelled mid-way (scancel), resubmitted, and must resume its
# shard rather than redo it. Needs root (slurmd runs jobs as their users) and Debian's slurm-wlm and munge, which
# `make test-slurm` installs when missing. Usage: scripts/slurm-test.sh STYLELAB_BINARY
set -euo pipefail
STYLELAB=$(realpath "$1")
REPO=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/stylelab-slurm.XXXXXX)
PORT=$((17000 + RANDOM % 2000))
cleanup() {
    for pid in "$T"/*.pid; do [ -f "$pid" ] && kill "$(cat "$pid")" 2>/dev/null || true; done
    sleep 1
    [ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT
say() { echo "slurm-test: $*"; }

# --- munge, with its key, socket and logs in the temp folder
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/out"
chmod 700 "$T/munge"
mungekey --create --keyfile="$T/munge/munge.key" --bits=1024
munged --force --key-file="$T/munge/munge.key" --socket="$T/munge/munge.socket" \
    --pid-file="$T/munge.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/seed"
NODE=$(hostname -s)
CPUS=$(nproc)
cat > "$T/slurm.conf" <<EOF
ClusterName=stylelab-test
SlurmctldHost=$NODE
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
NodeName=$NODE CPUs=$CPUS RealMemory=16000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$T/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o "%N %T %c CPUs" | sed 's/^/slurm-test: node /'
sinfo -h -o %T | grep -q idle || { say "the node never became idle"; cat "$T/slurmd.log"; exit 1; }

# --- a small run on the embedded set: quilting and analogies on every case, and a slow command that copies its
# input after a pause, so that a task can be cancelled while a cell of it runs.
SET=$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' "$REPO/datasets/embedded.json" "$T")
cat > "$T/run.json" <<EOF
{"name": "slurm test", "set": "$SET", "max_side": 96, "synthesis_size": "96x96", "seed": 1,
 "timeout_seconds": 300,
 "methods": [
  {"id": "quilting", "kind": "quilting", "synthesis": {"parameters": {"blockSize": 16}},
   "transfer": {"parameters": {"quilting": {"blockSize": 12}, "passes": 2}}},
  {"id": "analogies", "kind": "analogies", "filter": {"preset": "learned-filter"},
   "transfer": {"preset": "texture-transfer"}},
  {"id": "slow", "kind": "command",
   "args": ["/bin/sh", "-c", "sleep \${SLOW_SECONDS:-0}; cp \"\$1\" \"\$2\"", "sh", "{content}", "{output}"]}
 ]}
EOF

# --- the README's array script, taken from the README as it is, pointed at this run with 3 shards
awk '/^#!\/bin\/bash$/ {on = 1} on {print} on && /^    --shard/ {exit}' "$REPO/README.md" > "$T/array.sh"
grep -q 'SBATCH --array=' "$T/array.sh" || { say "no array script in the README"; exit 1; }
sed -i -e 's/--array=1-[0-9]*/--array=1-3/' -e 's/^SHARDS=[0-9]*/SHARDS=3/' -e 's/--mem=[0-9A-Z]*/--mem=1G/' -e 's/--cpus-per-task=[0-9]*/--cpus-per-task=1/' \
    -e "s#datasets/runs/paintings.json#$T/run.json#" -e "s#runs/paintings-#$T/out/shard-#" "$T/array.sh"
say "the README's script, as submitted:"; sed 's/^/    /' "$T/array.sh"
export PATH="$(dirname "$STYLELAB"):$PATH" DATA="$REPO/datasets/embedded"
count() { find "$@" 2>/dev/null | wc -l || true; }  # files found (0 while the folder is not there yet)
wait_for() {  # job id: until it has left the queue
    for _ in $(seq 600); do [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0; sleep 1; done
    say "job $1 did not finish"; return 1
}
JOB=$(sbatch --parsable --chdir="$T" --output="$T/task-%a.log" "$T/array.sh")
say "submitted array job $JOB"
wait_for "$JOB"
stylelab compare merge "$T"/out/shard-* --out "$T/merged"
stylelab compare "$T/run.json" --out "$T/whole" >/dev/null
mask() { python3 - "$1" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
drop = {i for i, name in enumerate(rows[0]) if name in ("seconds", "wall_seconds", "peak_rss_mb")}
for row in sorted(rows[1:]): print(",".join(v for i, v in enumerate(row) if i not in drop))
EOF
}
cells=$(($(wc -l < "$T/whole/metrics.csv") - 1))
if [ "$(mask "$T/merged/metrics.csv")" != "$(mask "$T/whole/metrics.csv")" ]; then
    say "the merged CSV differs from the one-process run"; diff <(mask "$T/merged/metrics.csv") <(mask "$T/whole/metrics.csv"); exit 1
fi
say "3 array tasks merged: $cells cells, the same CSV as one process (time and memory masked)"

# --- cancel a task while its slow cell runs (after at least one cell finished), resubmit it, check it resumes
K=$(ls -d "$T"/out/shard-*/cells/*/slow | head -1 | sed 's#.*/shard-\([0-9]*\)/.*#\1#')
rm -rf "$T/out/shard-$K"
JOB=$(SLOW_SECONDS=60 sbatch --parsable --chdir="$T" --output="$T/cancelled-%a.log" --array="$K" "$T/array.sh")
for _ in $(seq 600); do
    finished=$(count "$T/out/shard-$K/cells" -name result.json)
    running=$(count "$T/out/shard-$K/cells" -path '*/slow/*' -name stdout.txt)
    [ "$finished" -ge 1 ] && [ "$running" -ge 1 ] && break
    sleep 0.5
done
scancel "$JOB"
wait_for "$JOB"
done_before=$(count "$T/out/shard-$K/cells" -name result.json)
say "task $K cancelled with $done_before of its cells finished"
JOB=$(sbatch --parsable --chdir="$T" --output="$T/resumed-%a.log" --array="$K" "$T/array.sh")
wait_for "$JOB"
grep -q "$done_before already finished" "$T/resumed-$K.log" || { say "the resubmitted task did not resume:"; cat "$T/resumed-$K.log"; exit 1; }
stylelab compare merge "$T"/out/shard-* --out "$T/merged-again" >/dev/null
[ "$(mask "$T/merged-again/metrics.csv")" = "$(mask "$T/whole/metrics.csv")" ] || { say "the resumed shard's CSV differs"; exit 1; }
say "resubmitted, task $K resumed: $(grep -o '[0-9]* already finished' "$T/resumed-$K.log"), and the merge still matches"
say "ok"
