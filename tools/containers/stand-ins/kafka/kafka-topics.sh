#!/bin/bash
# The Kafka stand-in's kafka-topics.sh: the few forms deploy/compose/kafka/create-topics.sh (the compose
# `kafka-init` job) uses, with Kafka's output format. The test broker implements no CreateTopics, so the
# request goes, one line, to the stand-in's control listener on the bootstrap host's port 9093 (see
# broker.mjs). --alter (raising partitions) has no counterpart in the mock and fails.
set -euo pipefail

bootstrap='' action='' topic='' partitions=''
while (($#)); do
  case $1 in
    --bootstrap-server) bootstrap=$2 && shift ;;
    --list | --describe | --create | --alter) action=${1#--} ;;
    --topic) topic=$2 && shift ;;
    --partitions) partitions=$2 && shift ;;
    --replication-factor | --if-not-exists) [[ $1 == --replication-factor ]] && shift ;;
    *) echo "kafka-topics (stand-in): unsupported option $1" >&2 && exit 2 ;;
  esac
  shift
done
[[ -n "$bootstrap" ]] || { echo 'kafka-topics (stand-in): --bootstrap-server is required' >&2 && exit 2; }

ask() {
  local reply
  exec 3<>"/dev/tcp/${bootstrap%:*}/9093" || return 1
  printf '%s\n' "$1" >&3
  reply=$(cat <&3)
  exec 3>&-
  [[ "$reply" != error:* ]] || { echo "kafka-topics (stand-in): ${reply#error: }" >&2 && return 1; }
  printf '%s' "$reply"
}

case $action in
  list) ask list && echo ;;
  describe)
    ask describe | while read -r name count; do
      [[ -n "$name" ]] && printf 'Topic: %s\tPartitionCount: %s\tReplicationFactor: 1\n' "$name" "$count"
    done
    ;;
  create)
    [[ -n "$topic" && -n "$partitions" ]] || { echo 'kafka-topics (stand-in): --create needs --topic and --partitions' >&2 && exit 2; }
    ask "create $topic $partitions" >/dev/null && echo "Created topic $topic."
    ;;
  *) echo "kafka-topics (stand-in): --${action:-<none>} is not supported by the test broker" >&2 && exit 2 ;;
esac
