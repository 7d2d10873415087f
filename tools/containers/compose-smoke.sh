#!/usr/bin/env bash
# npm run compose:smoke: `docker compose up` for real, on a machine with no image registry. Builds the
# five app images from the Dockerfile (on a base image made locally, as `npm run images:check` makes it),
# makes stand-ins for the images no registry serves here, runs the real docker-compose.yml (converted for
# docker-compose 1.29 by tools/containers/compose-v1.mjs, printed, never kept), and checks what the file
# promises between containers:
#
#   up        every service healthy (jobs exited 0) in the order its depends_on conditions promise, every
#             container under the memory limit the file gives it;
#   flow      through the published gateway port: register, log in, an order with the card that pays and
#             one with the card that is declined, both settled, the three mails in the catcher;
#   scale     --scale payments-service=3 --scale email-service=2: every replica does work (Kafka
#             partitions split over the consumers; the gateway's dns:/// round robin over email-service),
#             seen in each replica's spans (counted per container by the OTLP stand-in) and mail logs;
#   kill      one payments and one email replica killed (SIGKILL) while orders flow: nothing is lost;
#   load      a short mixed load (apps/loadgen): no container killed for memory, each one's peak under its
#             limit;
#   down      `down --volumes`: nothing of the run is left.
#
# STAND-INS (tools/containers/stand-ins/, tagged with the compose file's image names, same environment,
# ports, healthcheck command and volumes): PostgreSQL 15 from Debian's packages for postgres:17; the
# project's test broker (librdkafka's mock, libs/kafka-mock-broker) for apache/kafka, advertised as
# kafka:9092, with a kafka-topics.sh that the unchanged kafka-init job drives; a small SMTP catcher with
# Mailpit's message API for axllent/mailpit; an OTLP/HTTP sink for the collector. Left out of the run (no
# stand-in makes sense): jaeger, loki, prometheus, grafana. So this does NOT prove Kafka's own behaviour
# (KRaft, retention, the broker's memory), PostgreSQL 17, Mailpit, or the collector, Jaeger, Loki,
# Prometheus and Grafana configurations: those stay checked offline only (npm run compose:check).
#
# Needs root; installs what it lacks from Debian (docker.io, docker-compose, debootstrap, gcc) and starts
# its own dockerd (--storage-driver=vfs) unless one answers already, and stops what it started. Writes
# tmp/compose-smoke/report.md; fails on the first broken promise with the container's last log lines.
#
# Options (environment): COMPOSE_SMOKE_BUILD=0 (use the images built before), COMPOSE_SMOKE_LOAD (load
# generator arguments, default "--scenario mixed --rate 10 --duration 30s"), SHOP_TAG (default dev),
# GATEWAY_HOST_PORT / MAILPIT_HOST_PORT (published ports, default 8080 / 8025).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/tmp/compose-smoke"
mkdir -p "$work"
report="$work/report.md"
export SHOP_TAG="${SHOP_TAG:-dev}"
# With vfs storage the engine copies a whole image for each container it creates, so creating a dozen
# at once on a busy machine outlasts docker-compose's default 60 s wait for the engine's answer.
export COMPOSE_HTTP_TIMEOUT="${COMPOSE_HTTP_TIMEOUT:-600}" DOCKER_CLIENT_TIMEOUT="${DOCKER_CLIENT_TIMEOUT:-600}"
tag=$SHOP_TAG
gateway_url="http://127.0.0.1:${GATEWAY_HOST_PORT:-8080}"
mail_url="http://127.0.0.1:${MAILPIT_HOST_PORT:-8025}"
apps=(gateway users-service orders-service payments-service email-service)
left_out=jaeger,loki,prometheus,grafana
started=$(date +%s)
rows=() unproven=()

step() {
  step_name=$1 step_t0=$(date +%s)
  printf '\n==> %s\n' "$1"
}
# The step passed: one report row (name, seconds, what it showed).
passed() { rows+=("| $step_name | passed | $(($(date +%s) - step_t0)) s | $1 |"); }
seconds_since() { echo $(($(date +%s) - $1)); }
write_report() {
  {
    echo "# compose:smoke, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| step | result | time | evidence |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${rows[@]}"
    [[ -s "$work/memory.md" ]] && { echo; cat "$work/memory.md"; }
    [[ -s "$work/scaling.md" ]] && { echo; cat "$work/scaling.md"; }
    echo
    echo "Stand-ins: postgres:17 → Debian's PostgreSQL 15; apache/kafka → the project's test broker (librdkafka"
    echo "mock) advertised as kafka:9092, topics made by the unchanged kafka-init job; axllent/mailpit → an SMTP"
    echo "catcher with Mailpit's message API; the collector → an OTLP/HTTP sink. Left out: $left_out."
    echo "Total: $(seconds_since "$started") s."
  } >"$report"
}
fail() {
  printf '\ncompose:smoke FAILED at "%s": %s\n' "${step_name:-setup}" "$*" >&2
  rows+=("| ${step_name:-setup} | FAILED | $(($(date +%s) - ${step_t0:-$started})) s | $* |")
  write_report
  exit 1
}
# The last log lines of a service's containers, then fail.
fail_with_logs() {
  local service=$1
  shift
  for id in $("${compose[@]}" ps -q "$service" 2>/dev/null); do
    echo "--- $(docker inspect --format '{{.Name}}' "$id") (last 40 lines)" >&2
    docker logs --tail 40 "$id" >&2 2>&1 || true
  done
  fail "$@"
}

[[ $(id -u) == 0 ]] || fail "needs root (it runs its own dockerd)"

# --- tools and the engine -------------------------------------------------------------------------------
step "tools"
missing=()
[[ -x /usr/sbin/dockerd ]] || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v gcc >/dev/null || missing+=(gcc)
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# The engine's own CLI (20.10): its built-in BuildKit client builds the Dockerfile's RUN --mount, where a
# newer CLI without the buildx plugin would fall back to the legacy builder.
docker() { /usr/bin/docker "$@"; }
export DOCKER_BUILDKIT=1
echo "$(docker --version); $(docker-compose --version)"
passed "$(docker --version | cut -d, -f1); $(docker-compose --version | cut -d, -f1)"

step "dockerd"
own_dockerd=''
if docker info >/dev/null 2>&1; then
  echo "a Docker engine answers already: using it"
else
  dockerd --storage-driver=vfs >"$work/dockerd.log" 2>&1 &
  own_dockerd=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log"; fail "dockerd did not start"; }
fi
compose=(docker-compose -p shop --project-directory "$root" -f "$work/docker-compose.yml")
cleanup() {
  set +e
  [[ -f "$work/docker-compose.yml" ]] && "${compose[@]}" down --volumes --remove-orphans -t 5 >/dev/null 2>&1
  [[ -n "${load_pid:-}" ]] && kill "$load_pid" 2>/dev/null
  [[ -n "${events_pid:-}" ]] && kill "$events_pid" 2>/dev/null
  if [[ -n "$own_dockerd" ]]; then
    kill "$own_dockerd" 2>/dev/null
    wait "$own_dockerd" 2>/dev/null
  fi
}
trap cleanup EXIT
passed "$(docker info --format '{{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}')"

# --- images ---------------------------------------------------------------------------------------------
# shellcheck source=tools/containers/base-image.sh
source tools/containers/base-image.sh
base_image_names
step "base image $qualified_base"
if docker image inspect "$qualified_base" >/dev/null 2>&1; then
  echo "present"
else
  make_base_image "$work" docker import
fi
passed "$(($(docker image inspect --format '{{.Size}}' "$qualified_base") / 1024 / 1024)) MiB"

declare -A build_time
for app in "${apps[@]}"; do
  step "image shop/$app:$tag"
  if [[ "${COMPOSE_SMOKE_BUILD:-1}" == 0 ]]; then
    docker image inspect "shop/$app:$tag" >/dev/null 2>&1 || fail "no image shop/$app:$tag (leave COMPOSE_SMOKE_BUILD unset)"
    build_time[$app]='not rebuilt'
  else
    docker build --progress plain --build-arg "APP=$app" -t "shop/$app:$tag" -f Dockerfile . \
      >"$work/build-$app.log" 2>&1 || { grep -v 'npm warn' "$work/build-$app.log" | tail -30; fail "docker build of $app (log: $work/build-$app.log)"; }
    build_time[$app]="$(seconds_since "$step_t0") s"
  fi
  passed "build ${build_time[$app]}, $(($(docker image inspect --format '{{.Size}}' "shop/$app:$tag") / 1024 / 1024)) MiB"
done

# The images of the compose file that the stand-ins take the place of.
image_of() { node -e 'import("./tools/containers/compose-file.mjs").then(({ readCompose }) => console.log(readCompose().services[process.argv[1]].image))' "$1"; }
step "stand-ins"
bash libs/kafka-mock-broker/native/build.sh >"$work/kafka-mock-broker-build.log" 2>&1 \
  || { tail -20 "$work/kafka-mock-broker-build.log"; fail "building the test broker"; }
rm -rf "$work/stand-ins" && cp -r tools/containers/stand-ins "$work/stand-ins"
lib_dir=$(ls -d .cache/kafka-mock-broker/librdkafka-*/ | head -1)
# The project's broker program, unchanged, linked with the wrapper that makes it advertise kafka:9092.
gcc -Wall -Wextra -O2 -isystem "$lib_dir/include" -Wl,--wrap=rd_kafka_mock_cluster_bootstraps \
  -o "$work/stand-ins/kafka/kafka-mock-broker" libs/kafka-mock-broker/native/kafka-mock-broker.c \
  tools/containers/stand-ins/kafka/advertise.c "$lib_dir/librdkafka.a" -lpthread -lm -ldl
stand_ins=()
for pair in postgres:users-db kafka:kafka mailpit:mailpit otel-collector:otel-collector; do
  dir=${pair%%:*} image=$(image_of "${pair#*:}")
  docker build --progress plain --build-arg "BASE_IMAGE=$qualified_base" -t "$image" "$work/stand-ins/$dir" \
    >"$work/build-stand-in-$dir.log" 2>&1 || { tail -30 "$work/build-stand-in-$dir.log"; fail "stand-in $dir"; }
  stand_ins+=("$image ($dir)")
done
passed "$(IFS=,; echo "${stand_ins[*]}")"

# --- up -------------------------------------------------------------------------------------------------
step "compose file for docker-compose 1.29"
node tools/containers/compose-v1.mjs "$work/docker-compose.yml" --without "$left_out" >/dev/null 2>"$work/conversion.txt"
cat "$work/conversion.txt"
cat "$work/docker-compose.yml"
"${compose[@]}" config -q || fail "docker-compose 1.29 rejects the converted file"
passed "$(wc -l <"$work/conversion.txt") changes ($(paste -sd';' "$work/conversion.txt" | sed 's/compose-v1: //g'))"

step "up: every service healthy, in the order of its depends_on"
"${compose[@]}" down --volumes --remove-orphans -t 5 >/dev/null 2>&1 || true
services=$("${compose[@]}" config --services)
up_t0=$(date +%s)
# The engine's events, streamed while the stack starts (the engine keeps only the last 256 for later).
docker events --filter type=container \
  --format '{{.TimeNano}}|{{.Actor.Attributes.name}}|{{.Action}}|{{.Actor.Attributes.exitCode}}' >"$work/events.txt" &
events_pid=$!
# Compose itself waits for each depends_on condition before it starts a container; `up -d` returns once the
# last container has started.
"${compose[@]}" up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; fail "docker-compose up failed"; }
cat "$work/up.log"
# Then every service healthy (jobs exited 0; services without a healthcheck running).
while :; do
  waiting=()
  for service in $services; do
    id=$("${compose[@]}" ps -q "$service" 2>/dev/null | head -1)
    state=$(docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.ExitCode}}' "$id")
    case $state in
      'running healthy '* | 'running none '* | 'exited none 0') ;;
      'exited '* | 'dead '*) fail_with_logs "$service" "$service exited ($state)" ;;
      *) waiting+=("$service") ;;
    esac
  done
  ((${#waiting[@]} == 0)) && break
  (($(seconds_since "$up_t0") < 300)) || fail_with_logs "${waiting[0]}" "not healthy after 300 s: ${waiting[*]}"
  sleep 2
done
# The order, from the engine's events (nanoseconds): a container starts only after what it depends
# on is healthy (service_healthy), has exited 0 (service_completed_successfully) or has started.
kill "$events_pid" 2>/dev/null
wait "$events_pid" 2>/dev/null || true
# The first time NAME's container did ACTION (start, health_status: healthy, die with exit code 0), in ns.
first_event() {
  awk -F'|' -v name="$1" -v action="$2" '$2 == name && (action == "die0" ? $3 == "die" && $4 == "0" : $3 == action) {
      print $1; exit }' "$work/events.txt"
}
declare -A healthy_s
order=()
for service in $services; do
  name="shop_${service}_1"
  started_ns=$(first_event "$name" start)
  [[ -n "$started_ns" ]] || fail "no start event for $name"
  ready_ns=$(first_event "$name" 'health_status: healthy')
  [[ -n "$ready_ns" ]] || ready_ns=$(first_event "$name" die0)
  [[ -n "$ready_ns" ]] || ready_ns=$started_ns
  healthy_s[$service]=$(awk -v t="$ready_ns" -v t0="$up_t0" 'BEGIN { printf "%.1f", t / 1e9 - t0 }')
  while read -r dependency condition; do
    [[ -n "$dependency" ]] || continue
    case $condition in
      service_completed_successfully) ready=$(first_event "shop_${dependency}_1" die0) ;;
      service_healthy) ready=$(first_event "shop_${dependency}_1" 'health_status: healthy') ;;
      *) ready=$(first_event "shop_${dependency}_1" start) ;;
    esac
    [[ -n "$ready" ]] || fail_with_logs "$dependency" "$service started, but $dependency never became $condition"
    awk -v a="$ready" -v b="$started_ns" 'BEGIN { exit !(a <= b) }' ||
      fail_with_logs "$service" "$service started $(awk -v a="$ready" -v b="$started_ns" 'BEGIN { printf "%.1f", (a - b) / 1e9 }') s before $dependency was $condition"
    order+=("$dependency<$service")
  done < <(node -e '
    const { readFileSync } = require("fs"); const { parse } = require("yaml");
    const s = parse(readFileSync(process.argv[1], "utf8")).services[process.argv[2]];
    const d = s.depends_on ?? {};
    for (const [k, v] of Object.entries(Array.isArray(d) ? Object.fromEntries(d.map((x) => [x, {}])) : d))
      console.log(k, v.condition ?? "service_started");' "$work/docker-compose.yml" "$service")
done
# Every container runs under the limit the file gives its service.
for service in $services; do
  limit=$(node -e 'import("./tools/containers/compose-file.mjs").then(({ readCompose, memoryOf, mebibytes }) => console.log(mebibytes(memoryOf(readCompose().services[process.argv[1]]))))' "$service")
  for id in $("${compose[@]}" ps -q "$service"); do
    have=$(($(docker inspect --format '{{.HostConfig.Memory}}' "$id") / 1024 / 1024))
    [[ "$have" == "$limit" ]] || fail "$service runs with a memory limit of $have MiB, the file says $limit"
  done
done
timeline=$(for s in $services; do echo "${healthy_s[$s]} $s"; done | sort -n | awk '{ printf "%s%s %ss", sep, $2, $1; sep = ", " }')
echo "healthy, completed or started (s after up): $timeline"
echo "${#order[@]} depends_on edges kept"
passed "healthy after: $timeline; ${#order[@]} depends_on edges in order; every memory limit applied"

# --- the client flow ------------------------------------------------------------------------------------
step "flow: register, log in, both cards, settle, mails"
curl -fsS -H 'accept: text/html' "$gateway_url/" | grep '<div id="app"' >/dev/null || fail_with_logs gateway "no storefront at $gateway_url/"
flow=$(node tools/containers/compose-flow.mjs --gateway "$gateway_url" --mail "$mail_url" --shoppers 1 --email-reads 1) ||
  fail_with_logs gateway "the client flow failed"
echo "$flow"
passed "$flow"

# --- scale ----------------------------------------------------------------------------------------------
# Span counts per container, from the OTLP stand-in; addresses mapped to container names.
otlp_counts() {
  local sink names
  sink=$("${compose[@]}" ps -q otel-collector | head -1)
  names=$(docker network inspect shop_default --format '{{range .Containers}}{{.IPv4Address}} {{.Name}}{{"\n"}}{{end}}')
  docker exec "$sink" node -e 'fetch("http://127.0.0.1:4318/counts").then((r) => r.text()).then(console.log)' |
    node -e '
      const counts = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const names = Object.fromEntries(process.argv[1].trim().split("\n").map((l) => l.split(" ")).map(([ip, name]) => [ip.split("/")[0], name]));
      const out = {};
      for (const [ip, entry] of Object.entries(counts)) out[names[ip] ?? ip] = entry;
      console.log(JSON.stringify(out));' "$names"
}
# Spans of SERVICE's replicas matching PATTERN, per container: "name count" lines.
spans_per_replica() {
  node -e '
    const [counts, service, pattern] = [JSON.parse(process.argv[1]), process.argv[2], new RegExp(process.argv[3])];
    for (const [name, entry] of Object.entries(counts))
      if (name.includes(`_${service}_`))
        console.log(name, Object.entries(entry.spans).filter(([span]) => pattern.test(span)).reduce((n, [, c]) => n + c, 0));' \
    "$1" "$2" "$3"
}
mails_per_replica() {
  for id in $("${compose[@]}" ps -q email-service); do
    echo "$(docker inspect --format '{{.Name}}' "$id" | tr -d /) $(docker logs "$id" 2>&1 | grep -c '"mail sent"' || true)"
  done
}

step "scale: payments-service=3, email-service=2"
"${compose[@]}" up -d --no-recreate --scale payments-service=3 --scale email-service=2 >"$work/scale.log" 2>&1 ||
  { cat "$work/scale.log"; fail "docker-compose up --scale"; }
for _ in $(seq 1 120); do
  unhealthy=$(for s in payments-service email-service; do for id in $("${compose[@]}" ps -q "$s"); do
    [[ $(docker inspect --format '{{.State.Health.Status}}' "$id") == healthy ]] || echo "$s"; done; done)
  [[ -z "$unhealthy" ]] && break
  sleep 1
done
[[ -z "$unhealthy" ]] || fail_with_logs payments-service "replicas not healthy after 120 s: $unhealthy"
echo "replicas healthy after $(seconds_since "$step_t0") s"
# The gateway's channel to email-service resolved one address when it started; it resolves again when a
# connection closes, and the servers close each one after five minutes (README, "Scaling a service").
# Rather than wait for that, the gateway restarts, as after a deploy, and resolves both replicas.
"${compose[@]}" restart -t 10 gateway >/dev/null 2>&1 || fail_with_logs gateway "docker-compose restart gateway"
for _ in $(seq 1 90); do
  [[ $(docker inspect --format '{{.State.Health.Status}}' "$("${compose[@]}" ps -q gateway)") == healthy ]] && break
  sleep 1
done
[[ $(docker inspect --format '{{.State.Health.Status}}' "$("${compose[@]}" ps -q gateway)") == healthy ]] ||
  fail_with_logs gateway "the gateway is not healthy again after its restart"
echo "gateway restarted and healthy"
before=$(otlp_counts)
declare -A mails_before
while read -r name count; do mails_before[$name]=$count; done < <(mails_per_replica)
# Work per replica since `before`, into scaling.md; sets `idle` to what the replicas did not do.
replica_work() {
  local after service id name consumed served mails
  after=$(otlp_counts)
  {
    echo "Work per replica after scaling ($1):"
    echo
    echo "| replica | Kafka deliveries processed (consumer spans) | gRPC calls served (server spans, health probes excluded) | mails sent (log lines) |"
    echo "| --- | --- | --- | --- |"
  } >"$work/scaling.md"
  idle=()
  for service in payments-service email-service; do
    for id in $("${compose[@]}" ps -q "$service"); do
      name=$(docker inspect --format '{{.Name}}' "$id" | tr -d /)
      consumed=$(($(spans_per_replica "$after" "$service" '^CONSUMER:' | awk -v n="$name" '$1 == n { print $2 }') + 0))
      consumed=$((consumed - $(spans_per_replica "$before" "$service" '^CONSUMER:' | awk -v n="$name" '$1 == n { print $2 }') - 0))
      served=$(($(spans_per_replica "$after" "$service" '^SERVER:grpc\.(?!grpc\.health)' | awk -v n="$name" '$1 == n { print $2 }') + 0))
      served=$((served - $(spans_per_replica "$before" "$service" '^SERVER:grpc\.(?!grpc\.health)' | awk -v n="$name" '$1 == n { print $2 }') - 0))
      mails='-'
      [[ $service == payments-service ]] || mails=$(($(docker logs "$id" 2>&1 | grep -c '"mail sent"' || true) - ${mails_before[$name]:-0}))
      echo "| $name | $consumed | $served | $mails |" >>"$work/scaling.md"
      # A replica that did nothing shows that the work does not spread.
      ((consumed > 0)) || idle+=("$name processed no Kafka delivery")
      [[ $service == payments-service ]] || ((served > 0)) || idle+=("$name served no gRPC call")
    done
  done
}
# New members join a consumer group by rebalances (each waits the session timeout, 10 s, minus 1 s in the
# test broker; members that join at once can take several rounds): orders flow in rounds until every
# replica has processed deliveries, for at most 120 s.
rounds=0 orders=0 reads=0
while :; do
  flow=$(node tools/containers/compose-flow.mjs --gateway "$gateway_url" --mail "$mail_url" --shoppers 6 --email-reads 4) ||
    fail_with_logs payments-service "the client flow failed with replicas"
  rounds=$((rounds + 1)) orders=$((orders + 12)) reads=$((reads + 24))
  sleep 7 # the apps export their spans every 5 s
  replica_work "$rounds rounds of the flow: $orders orders, $reads mail reads through the gateway"
  echo "round $rounds, $(seconds_since "$step_t0") s after scaling: ${idle[*]:-every replica did work}"
  ((${#idle[@]} == 0)) && break
  (($(seconds_since "$step_t0") < 120)) || break
done
cat "$work/scaling.md"
if ((${#idle[@]})); then
  # The Kafka stand-in's limit, not the compose file's: librdkafka's mock answers a SyncGroup that arrives
  # once the group is stable again with INVALID_REQUEST (Kafka answers with the member's assignment);
  # kafkajs then restarts the consumer, which rejoins and starts the next rebalance, and new members keep
  # losing the race. Recorded as not proven, with the evidence, and the run goes on; anything else fails.
  stand_in_limit=1
  for entry in "${idle[@]}"; do
    replica=${entry%% *}
    [[ $entry == *'no Kafka delivery' ]] && docker logs "$replica" 2>&1 | grep 'request being malformed.*Response SyncGroup' >/dev/null ||
      stand_in_limit=0
  done
  ((stand_in_limit)) || fail_with_logs payments-service "work does not spread over the replicas within 120 s: ${idle[*]}"
  syncs=$(for id in $("${compose[@]}" ps -q payments-service email-service); do docker logs "$id" 2>&1 | grep -c 'request being malformed.*Response SyncGroup' || true; done | awk '{ n += $1 } END { print n + 0 }')
  echo "NOT PROVEN with the Kafka stand-in: ${idle[*]} ($syncs SyncGroup requests answered INVALID_REQUEST by the test broker)"
  unproven+=("$step_name: ${idle[*]}")
  rows+=("| $step_name | not proven (Kafka stand-in) | $(seconds_since "$step_t0") s | gRPC round robin: every email-service replica served calls; Kafka: ${idle[*]}, because the test broker answered $syncs SyncGroup requests with INVALID_REQUEST and the new members never got an assignment ($rounds rounds, $orders orders, every one settled, every mail caught; table below) |")
else
  passed "every replica did work $(seconds_since "$step_t0") s after scaling, after $rounds rounds ($orders orders, every one settled, every mail caught; table below)"
fi

step "kill: one payments and one email replica (SIGKILL) while orders flow"
victims=("$("${compose[@]}" ps -q payments-service | sed -n 2p)" "$("${compose[@]}" ps -q email-service | sed -n 2p)")
node tools/containers/compose-flow.mjs --gateway "$gateway_url" --mail "$mail_url" --shoppers 8 --email-reads 2 \
  >"$work/kill-flow.json" 2>"$work/kill-flow.err" &
flow_pid=$!
sleep 2
killed=()
for id in "${victims[@]}"; do
  killed+=("$(docker inspect --format '{{.Name}}' "$id" | tr -d /)")
  docker kill "$id" >/dev/null
done
echo "killed ${killed[*]}"
wait "$flow_pid" || { cat "$work/kill-flow.err"; fail_with_logs payments-service "orders or mails lost after killing ${killed[*]}"; }
flow=$(cat "$work/kill-flow.json")
echo "$flow"
passed "killed ${killed[*]} 2 s into the flow; every order settled and every mail arrived: $flow"

# --- load and memory ------------------------------------------------------------------------------------
# shellcheck source=tools/containers/cgroup-memory.sh
source tools/containers/cgroup-memory.sh
# Working set (usage without the inactive page cache, as `docker stats` counts it), KiB.
working_set_kib() {
  local usage
  usage=$(first_file "$1/memory.current" "$1/memory.usage_in_bytes")
  awk -v usage="$usage" '$1 == "inactive_file" || $1 == "total_inactive_file" { inactive = $2 }
    END { printf "%d\n", (usage - inactive) / 1024 }' "$1/memory.stat"
}
load_args=${COMPOSE_SMOKE_LOAD:---scenario mixed --rate 10 --duration 30s}
step "load: $load_args"
declare -A cg limit_mib peak_kib svc_of
for id in $("${compose[@]}" ps -q); do
  [[ $(docker inspect --format '{{.State.Status}}' "$id") == running ]] || continue
  name=$(docker inspect --format '{{.Name}}' "$id" | tr -d /)
  cg[$name]=$(memory_cgroup "$(docker inspect --format '{{.State.Pid}}' "$id")")
  limit_mib[$name]=$(($(docker inspect --format '{{.HostConfig.Memory}}' "$id") / 1024 / 1024))
  svc_of[$name]=$(docker inspect --format '{{index .Config.Labels "com.docker.compose.service"}}' "$id")
done
sample() {
  local name kib
  for name in "${!cg[@]}"; do
    [[ -f "${cg[$name]}/memory.stat" ]] || continue
    kib=$(working_set_kib "${cg[$name]}")
    ((kib <= ${peak_kib[$name]:-0})) || peak_kib[$name]=$kib
  done
}
# shellcheck disable=SC2086 # the options are words on purpose
node_modules/.bin/tsx --tsconfig tsconfig.base.json apps/loadgen/src/main.ts --target "$gateway_url" \
  $load_args --out "$work/load" --quiet >"$work/load.log" 2>&1 &
load_pid=$!
while kill -0 "$load_pid" 2>/dev/null; do sample; sleep 1; done
wait "$load_pid" || { cat "$work/load.log"; load_pid=''; fail_with_logs gateway "the load generator failed"; }
load_pid=''
sample
grep -v '^wrote' "$work/load.log" | sed '/^$/d'
node -e '
  const r = require(process.argv[1]);
  const bad = r.errors + r.dropped + (r.settle ? r.settle.timedOut : 0);
  if (bad > 0) { console.error(`${r.errors} errors, ${r.dropped} dropped, ${r.settle?.timedOut ?? 0} orders unsettled`); process.exit(1); }
' "$work/load/report.json" || fail_with_logs gateway "the load had failures (report: $work/load/report.html)"
{
  echo "Memory per container (working set, sampled every second; peak over the whole run is the kernel's"
  echo "high-water mark, page cache included):"
  echo
  echo "| container | limit | now | peak during the load | kernel peak since start | OOM kills |"
  echo "| --- | --- | --- | --- | --- | --- |"
} >"$work/memory.md"
over=()
for name in $(printf '%s\n' "${!cg[@]}" | sort); do
  [[ -f "${cg[$name]}/memory.stat" ]] || { over+=("$name is gone"); continue; }
  now=$(($(working_set_kib "${cg[$name]}") / 1024))
  kernel_peak=$(($(first_file "${cg[$name]}/memory.peak" "${cg[$name]}/memory.max_usage_in_bytes") / 1024 / 1024))
  ooms=$(first_file "${cg[$name]}/memory.events" "${cg[$name]}/memory.oom_control" | awk '$1 == "oom_kill" { n += $2 } END { print n + 0 }')
  echo "| $name | ${limit_mib[$name]} MiB | $now MiB | $((${peak_kib[$name]:-0} / 1024)) MiB | $kernel_peak MiB | $ooms |" >>"$work/memory.md"
  ((ooms == 0)) || over+=("$name: $ooms processes killed for memory")
  ((${peak_kib[$name]:-0} / 1024 < ${limit_mib[$name]})) || over+=("$name reached its limit")
done
cat "$work/memory.md"
for name in "${!svc_of[@]}"; do
  id=$(docker ps -aq --filter "name=^/$name$")
  [[ $(docker inspect --format '{{.State.Status}} {{.State.OOMKilled}}' "$id") == 'running false' ]] ||
    over+=("$name: $(docker inspect --format '{{.State.Status}}, OOM killed {{.State.OOMKilled}}' "$id")")
done
((${#over[@]} == 0)) || fail_with_logs "${svc_of[${over[0]%%[: ]*}]:-gateway}" "memory: ${over[*]}"
passed "$(grep -m1 -i 'requests\|throughput' "$work/load.log" | sed 's/|/\//g' || true); every container under its limit"

# --- down -----------------------------------------------------------------------------------------------
step "down --volumes"
"${compose[@]}" down --volumes --remove-orphans -t 10 >"$work/down.log" 2>&1 || { cat "$work/down.log"; fail "docker-compose down"; }
left=$(docker ps -aq --filter label=com.docker.compose.project=shop; docker volume ls -q --filter label=com.docker.compose.project=shop)
[[ -z "$left" ]] || fail "left after down: $left"
passed "no container, network or volume of the project left"

write_report
cat "$report"
((${#unproven[@]} == 0)) || { printf 'compose:smoke: every step ran; NOT PROVEN with the stand-ins:%s\n' "$(printf '\n  %s' "${unproven[@]}")" >&2; exit 1; }
echo "compose:smoke passed"
