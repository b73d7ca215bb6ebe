#!/usr/bin/env bash
# Throughput of `lumen batch` against `lumen explain` on the whole folder, a loop of `lumen explain` calls (one JVM and one model load
# per study, as a shell loop over an archive runs it) and against the model's batched forward pass
# alone (`lumen bench`, batch 16), on the same studies, in one run:
#   scripts/bench-batch.sh MODEL STUDIES_FOLDER METHOD [LOOP_STUDIES]
set -euo pipefail
model=$1 studies=$2 method=$3 loop=${4:-10}
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
count=$(find "$studies" -maxdepth 1 -name '*.png' | wc -l)
"$root/lumen" bench "$model" --rounds 3 --runs 5 2>/dev/null | grep '^batch 16'
start=$(date +%s.%N)
"$root/lumen" batch "$model" "$studies" -o "$work/batch" -m "$method" 2>/dev/null | tail -1
batch=$(awk "BEGIN {print $(date +%s.%N) - $start}")
start=$(date +%s.%N)
"$root/lumen" explain "$model" "$studies" -o "$work/explain-all" -m "$method" >/dev/null 2>&1
whole=$(awk "BEGIN {print $(date +%s.%N) - $start}")
start=$(date +%s.%N)
for study in $(find "$studies" -maxdepth 1 -name '*.png' | sort | head -n "$loop"); do
  "$root/lumen" explain "$model" "$study" -o "$work/explain-$(basename "$study")" -m "$method" >/dev/null 2>&1
done
each=$(awk "BEGIN {print $(date +%s.%N) - $start}")
printf 'lumen batch    %d studies in %.1f s: %.2f studies/s (JVM start and model load included)\n' \
  "$count" "$batch" "$(awk "BEGIN {print $count / $batch}")"
printf 'lumen explain  %d studies in one call (maps, overlays, manifest) in %.1f s: %.2f studies/s\n' \
  "$count" "$whole" "$(awk "BEGIN {print $count / $whole}")"
printf 'lumen explain  %d studies, one call each, in %.1f s: %.2f studies/s\n' \
  "$loop" "$each" "$(awk "BEGIN {print $loop / $each}")"
