#!/bin/bash
# The compose `kafka-init` job (apache/kafka image): creates the shop's topics with their partition counts
# from topics.txt (generated from libs/kafka/src/topics.ts), and raises the partition count of a topic
# that has fewer than the list says. Idempotent: a second run changes nothing. The broker does not
# auto-create topics, so the apps start only after this job has completed.
set -euo pipefail

bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
list="${TOPICS_FILE:-/topics/topics.txt}"
topics_cli=("${TOPICS_CLI:-/opt/kafka/bin/kafka-topics.sh}" --bootstrap-server "$bootstrap")

# Every call starts a JVM (a second or two), hence one listing and one description for all topics.
for attempt in $(seq 1 60); do
  if existing="$("${topics_cli[@]}" --list 2>/dev/null)"; then break; fi
  [[ $attempt == 60 ]] && { echo "kafka-init: no broker at $bootstrap" >&2; exit 1; }
  sleep 2
done

wanted=()
while read -r name partitions _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  wanted+=("$name")
  if grep -qxF "$name" <<<"$existing"; then continue; fi
  echo "kafka-init: creating $name ($partitions partitions)"
  "${topics_cli[@]}" --create --if-not-exists --topic "$name" --partitions "$partitions" --replication-factor 1
done <"$list"

described="$("${topics_cli[@]}" --describe 2>/dev/null || true)"
while read -r name partitions _; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  current="$(awk -v topic="$name" '$1 == "Topic:" && $2 == topic {
    for (i = 1; i <= NF; i++) if ($i == "PartitionCount:") print $(i + 1) }' <<<"$described")"
  if [[ -n "$current" && "$current" -lt "$partitions" ]]; then
    echo "kafka-init: $name has $current partitions, raising to $partitions"
    "${topics_cli[@]}" --alter --topic "$name" --partitions "$partitions"
  fi
done <"$list"

echo "kafka-init: ${#wanted[@]} topics ready: ${wanted[*]}"
