#!/usr/bin/env bash
# Queues N shard tasks and, after all of them succeed, the merge:
#   examples/distributed/slurm/submit.sh 8 pipelines/rare.yaml
# Run from the repository root. DATAFLOW_FLAGS (e.g. "--set cache.dir=/shared/cache") reaches both jobs.
set -euo pipefail
SHARDS=${1:?usage: submit.sh N [PIPELINE]}
PIPELINE=${2:-pipelines/rare.yaml}
HERE=$(dirname "$0")
mkdir -p logs
export SHARDS PIPELINE
array=$(sbatch --parsable --array="0-$((SHARDS - 1))" --export=ALL "$HERE/shard.sbatch")
merge=$(sbatch --parsable --dependency="afterok:${array}" --export=ALL "$HERE/merge.sbatch")
echo "shards: job ${array} (tasks 0-$((SHARDS - 1))); merge: job ${merge}, after all shards succeed"
echo "a failed task I: sbatch --array=I --export=ALL,SHARDS=${SHARDS},PIPELINE=${PIPELINE} $HERE/shard.sbatch, then $HERE/merge.sbatch"
