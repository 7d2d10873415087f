#!/usr/bin/env bash
# npm run images:check: builds every app image from the Dockerfile, runs each one under its memory limit
# from docker-compose.yml (and with the settings compose gives it) against a real Postgres and a
# Kafka-protocol broker, asserts that the image's own HEALTHCHECK reports healthy, then drives a mixed
# load through the gateway container (beside compose's demo traffic, in the base image) and measures each
# container's memory as its cgroup counts it: what a compose limit constrains, and what the budget in
# README.md ("Memory") is made of. Fails when a container is killed for memory or stops being healthy.
#
# For machines without a Docker engine or registry access: it uses podman (vfs storage, runc) and, when
# the Dockerfile's base image is not in podman's storage, makes it locally: a Debian bookworm root file
# system (debootstrap, from Debian's mirror) plus Node 24 and npm from the npm registry, tagged with the
# base image's name. Packages come from the npm registry during the build, as with Docker. When the host
# trusts extra certificate authorities (NODE_EXTRA_CA_CERTS, e.g. behind a TLS-inspecting proxy), the
# local base image trusts the same bundle, so that npm inside the build reaches the registry as the
# host's npm does; the Dockerfile itself knows nothing of it.
#
# Needs: root (or rootful podman), podman, debootstrap (installed with apt-get when missing), a Postgres
# with trust auth for the `postgres` role on PGHOST:PGPORT (default 127.0.0.1:5432), gcc/make for the
# test broker. Containers use the host's network. Leaves nothing running; the images stay in podman's
# storage (rerun builds from its layer cache). Prints each image's size, build time and memory, and
# writes them to tmp/images-check/report.md. Slow (a cold run builds for about half an hour on two
# cores), so it is a manual check, not part of CI.
#
# Options (environment): IMAGES_CHECK_APPS="gateway users-service" (default: all five),
# IMAGES_CHECK_BUILD=0 (run the images already built), IMAGES_CHECK_REBUILD_BASE=1 (remake the local
# base image), DEBIAN_MIRROR (debootstrap mirror), IMAGES_CHECK_LOAD (load generator arguments, default
# "--scenario mixed --rate 10 --duration 30s"; 0 skips it; it runs only when all five apps do).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/tmp/images-check"
mkdir -p "$work"

apps=(${IMAGES_CHECK_APPS:-users-service orders-service payments-service email-service gateway})
tag="${SHOP_TAG:-dev}"
# shellcheck source=tools/containers/base-image.sh
source tools/containers/base-image.sh
base_image_names
podman=(podman --storage-driver=vfs)
run_opts=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
pghost="${PGHOST:-127.0.0.1}" pgport="${PGPORT:-5432}"
prefix="images_check_"
started=$(date +%s)
step() { printf '\n==> %s\n' "$*"; }
fail() { printf 'images:check FAILED: %s\n' "$*" >&2; exit 1; }
seconds_since() { echo $(($(date +%s) - $1)); }

# --- tools ------------------------------------------------------------------------------------------
step "podman and debootstrap"
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || fail "missing ${missing[*]} (install them, or run as root)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
podman --version

# --- the base image ---------------------------------------------------------------------------------
step "base image $qualified_base"
if [[ "${IMAGES_CHECK_REBUILD_BASE:-}" == 1 ]] || ! "${podman[@]}" image exists "$qualified_base"; then
  make_base_image "$work" "${podman[@]}" import
else
  echo "present in podman's storage"
fi

# --- build ------------------------------------------------------------------------------------------
base_mib=$(($("${podman[@]}" image inspect --format '{{.Size}}' "$qualified_base") / 1024 / 1024))
declare -A build_time size_mib
for app in "${apps[@]}"; do
  if [[ "${IMAGES_CHECK_BUILD:-1}" == 0 ]]; then
    step "shop/$app:$tag, as built before"
    "${podman[@]}" image exists "shop/$app:$tag" || fail "no image shop/$app:$tag (leave IMAGES_CHECK_BUILD unset)"
    build_time[$app]='not rebuilt'
  else
    step "build shop/$app:$tag"
    t0=$(date +%s)
    "${podman[@]}" build --format docker --network host "${run_opts[@]}" \
      --build-arg "APP=$app" -t "shop/$app:$tag" -f Dockerfile . >"$work/build-$app.log" 2>&1 \
      || { tail -40 "$work/build-$app.log"; fail "build of $app (log: $work/build-$app.log)"; }
    build_time[$app]="$(seconds_since "$t0") s"
  fi
  size_mib[$app]=$(($("${podman[@]}" image inspect --format '{{.Size}}' "shop/$app:$tag") / 1024 / 1024))
  echo "${build_time[$app]}; ${size_mib[$app]} MiB: the base image $base_mib MiB + the app's own layers $((size_mib[$app] - base_mib)) MiB"

  # What the image promises: non-root, the final start command, a health probe, no dev tooling.
  user=$("${podman[@]}" image inspect --format '{{.Config.User}}' "shop/$app:$tag")
  cmd=$("${podman[@]}" image inspect --format '{{json .Config.Cmd}}' "shop/$app:$tag")
  health=$("${podman[@]}" image inspect --format '{{json .Config.Healthcheck}}' "shop/$app:$tag")
  [[ "$user" == node ]] || fail "$app runs as '$user', not node"
  [[ "$cmd" == '["node","--enable-source-maps","--import","./telemetry.js","main.js"]' ]] || fail "$app CMD is $cmd"
  [[ "$health" == *healthcheck.cjs* ]] || fail "$app has no HEALTHCHECK ($health)"
  "${podman[@]}" run --rm --no-healthcheck "${run_opts[@]}" --entrypoint /bin/sh "shop/$app:$tag" -c \
    'test -f main.js && test -f telemetry.js && test -d node_modules/@grpc/grpc-js &&
     for dev in typescript jest nx esbuild eslint tsx; do test ! -e "node_modules/$dev" || { echo "dev dependency $dev in the image"; exit 1; }; done' \
    || fail "$app image content"
  if [[ $app == gateway ]]; then
    "${podman[@]}" run --rm --no-healthcheck "${run_opts[@]}" --entrypoint /bin/sh "shop/$app:$tag" -c \
      'test -f "$STOREFRONT_DIR/index.html" && ls "$STOREFRONT_DIR"/assets/*.js >/dev/null' \
      || fail "gateway image has no storefront build in \$STOREFRONT_DIR"
  fi
done

# --- run --------------------------------------------------------------------------------------------
containers=() pids=() databases=()
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -q -v ON_ERROR_STOP=1 -h "$pghost" -p "$pgport" -U postgres "$@"; }
cleanup() {
  set +e
  for c in "${containers[@]}"; do "${podman[@]}" rm -f -t 5 "$c" >/dev/null 2>&1; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for d in "${databases[@]}"; do
    psql_admin -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" -c "DROP ROLE IF EXISTS $d" >/dev/null 2>&1
  done
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() {
  for _ in $(seq 1 "$2"); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 1; done
  return 1
}

step "Postgres on $pghost:$pgport, broker, OTLP sink, mail catcher"
pg_isready -q -h "$pghost" -p "$pgport" || fail "no Postgres on $pghost:$pgport"
for app in "${apps[@]}"; do
  [[ $app == gateway ]] && continue
  db="${prefix}${app%-service}"
  databases+=("$db")
  psql_admin -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $db" \
    -c "CREATE ROLE $db LOGIN PASSWORD '$db'" -c "CREATE DATABASE $db OWNER $db" >/dev/null
done

node_modules/.bin/tsx --tsconfig tsconfig.base.json libs/kafka-mock-broker/src/cli.ts >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 300); do grep -q '^KAFKA_BROKERS=' "$work/broker.log" && break; sleep 1; done
brokers=$(sed -n 's/^KAFKA_BROKERS=//p' "$work/broker.log")
[[ -n "$brokers" ]] || { cat "$work/broker.log"; fail "the broker did not start"; }
echo "KAFKA_BROKERS=$brokers"

# An OTLP/HTTP sink that counts what the containers' telemetry exports.
otlp_port=$(free_port)
node -e '
  const counts = {};
  require("http").createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      counts[req.url] = (counts[req.url] || 0) + 1;
      require("fs").writeFileSync(process.argv[1], JSON.stringify(counts));
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  }).listen(Number(process.argv[2]), "127.0.0.1");
' "$work/otlp-counts.json" "$otlp_port" &
pids+=($!)
rm -f "$work/otlp-counts.json"

# email-service really sends its mails under load, as it does to Mailpit in compose.
smtp_port=$(free_port)
node node_modules/maildev/bin/maildev --smtp "$smtp_port" --web "$(free_port)" --ip 127.0.0.1 \
  --web-ip 127.0.0.1 --silent >"$work/mail.log" 2>&1 &
pids+=($!)
wait_port "$smtp_port" 30 || { cat "$work/mail.log"; fail "the mail catcher did not start"; }

measured=()
declare -A grpc_port limit_mib app_pid cgroup healthy_kib peak_anon_kib peak_usage_kib peak_rss_kib oom_killed
declare -A probe_port
for app in "${apps[@]}"; do [[ $app == gateway ]] || { grpc_port[$app]=$(free_port); probe_port[$app]=$(free_port); }; done
gateway_port=$(free_port)

# gRPC is mutual TLS as under compose: the CA and every app's certificate, issued as compose's `certs` job
# does, into what the containers mount at /certs (GRPC_TLS_DIR=/certs/<app> comes from the compose file).
# The apps run as the image's `node` user (uid 1000), which must be able to read their keys.
npx tsx --tsconfig tsconfig.base.json libs/service-identity/src/cli.ts --out "$work/certs" --ca-dir "$work/ca" \
  gateway users-service orders-service payments-service email-service >/dev/null \
  || fail "issuing the gRPC certificates"
chown -R 1000:1000 "$work/certs"

# shellcheck source=tools/containers/cgroup-memory.sh
source tools/containers/cgroup-memory.sh
# "usage working-set anonymous", KiB. Usage includes the page cache, which the kernel reclaims before it
# kills anything; the working set leaves out the inactive file pages (as the kubelet and `docker stats`
# count it); anonymous memory (heap, buffers, scrypt's blocks) cannot be reclaimed without swap.
memory_now() {
  local usage
  usage=$(first_file "$1/memory.current" "$1/memory.usage_in_bytes")
  awk -v usage="$usage" '
    $1 == "anon" || $1 == "total_rss" { anon = $2 }
    $1 == "inactive_file" || $1 == "total_inactive_file" { inactive = $2 }
    END { printf "%d %d %d\n", usage / 1024, (usage - inactive) / 1024, anon / 1024 }' "$1/memory.stat"
}
# The kernel's own high-water mark of usage (page cache included), KiB, and the OOM kills so far.
memory_peak_kib() { echo $(($(first_file "$1/memory.peak" "$1/memory.max_usage_in_bytes") / 1024)); }
oom_kills() { first_file "$1/memory.events" "$1/memory.oom_control" | awk '$1 == "oom_kill" { n += $2 } END { print n + 0 }'; }

# Runs a container under the memory limit that compose gives SERVICE, with the other settings compose
# gives it; the rest of the arguments go to podman run (options, image, command).
run_limited() {
  local service=$1 name="shop-images-check-$1"
  shift
  limit_mib[$service]=$(node tools/containers/compose-file.mjs "$service" "$work/compose-$service.env")
  "${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
  # Swap is capped at the limit too, so that the limit is as hard as on a host without swap. On a machine
  # without systemd podman complains on stderr that it cannot arm the healthcheck's timer; harmless, as
  # this check runs the image's probe itself (podman healthcheck run).
  "${podman[@]}" run -d --name "$name" --network host "${run_opts[@]}" \
    --memory "${limit_mib[$service]}m" --memory-swap "${limit_mib[$service]}m" \
    --env-file "$work/compose-$service.env" "$@" >/dev/null 2>"$work/run-$service.log" \
    || { cat "$work/run-$service.log"; fail "podman run of $service"; }
  containers+=("$name")
}

# From now on its memory is sampled and reported.
measure() {
  app_pid[$1]=$("${podman[@]}" inspect --format '{{.State.Pid}}' "shop-images-check-$1")
  cgroup[$1]=$(memory_cgroup "${app_pid[$1]}")
  measured+=("$1")
}

start_app() {
  local app=$1
  shift
  run_limited "$app" -e OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" -v "$work/certs:/certs:ro" \
    "$@" "shop/$app:$tag"
}

wait_healthy() {
  local app=$1 name="shop-images-check-$1" t0 state
  t0=$(date +%s)
  for _ in $(seq 1 90); do
    state=$("${podman[@]}" inspect --format '{{.State.Status}}' "$name")
    [[ "$state" == running ]] || { "${podman[@]}" logs "$name" 2>&1 | tail -30; fail "$app exited ($state)"; }
    # Runs the image's HEALTHCHECK command on demand (without systemd, podman arms no timer for it).
    if "${podman[@]}" healthcheck run "$name" >/dev/null 2>&1; then
      measure "$app"
      read -r _ "healthy_kib[$app]" _ < <(memory_now "${cgroup[$app]}")
      echo "$app healthy after $(seconds_since "$t0") s, limit ${limit_mib[$app]} MiB, working set $((healthy_kib[$app] / 1024)) MiB"
      return 0
    fi
    sleep 1
  done
  "${podman[@]}" logs "$name" 2>&1 | tail -30
  fail "$app not healthy after 90 s"
}

for app in "${apps[@]}"; do
  [[ $app == gateway ]] && continue
  step "run $app"
  db="${prefix}${app%-service}"
  # On the host network every service needs a probe port of its own (compose gives each 50060).
  extra=(-e GRPC_HOST=127.0.0.1 -e GRPC_PORT="${grpc_port[$app]}" -e GRPC_PROBE_PORT="${probe_port[$app]}"
    -e KAFKA_BROKERS="$brokers"
    -e PGHOST="$pghost" -e PGPORT="$pgport" -e PGUSER="$db" -e PGPASSWORD="$db" -e PGDATABASE="$db")
  case $app in
    users-service) extra+=(--env-file deploy/compose/dev-keys/users-service.env) ;;
    orders-service) extra+=(-e USERS_SERVICE_ADDRESS="127.0.0.1:${grpc_port[users-service]:-1}"
      --env-file deploy/compose/dev-keys/gateway.env) ;;
    payments-service) extra+=(--env-file deploy/compose/dev-keys/gateway.env) ;;
    email-service) extra+=(-e SMTP_URL="smtp://127.0.0.1:$smtp_port" --env-file deploy/compose/dev-keys/gateway.env) ;;
  esac
  start_app "$app" "${extra[@]}"
  wait_healthy "$app"
done

if [[ " ${apps[*]} " == *" gateway "* ]]; then
  step "run gateway (its /readyz checks every service above)"
  address() { echo "127.0.0.1:${grpc_port[$1]:-1}"; }
  start_app gateway -e GATEWAY_HOST=127.0.0.1 -e GATEWAY_PORT="$gateway_port" -e KAFKA_BROKERS="$brokers" \
    --env-file deploy/compose/dev-keys/gateway.env \
    -e USERS_SERVICE_ADDRESS="$(address users-service)" -e ORDERS_SERVICE_ADDRESS="$(address orders-service)" \
    -e EMAIL_SERVICE_ADDRESS="$(address email-service)"
  wait_healthy gateway
  # The storefront, from the image's own build, at the gateway's root (the same origin as the API).
  curl -fsS -H 'accept: text/html' "http://127.0.0.1:$gateway_port/" | grep -q '<div id="app"' ||
    fail "the gateway does not serve the storefront at /"
  echo "the storefront is served at http://127.0.0.1:$gateway_port/"
fi

# --- load -------------------------------------------------------------------------------------------
load_args="${IMAGES_CHECK_LOAD-"--scenario mixed --rate 10 --duration 30s"}" problems=()
sample_memory() {
  local app anon
  for app in "${measured[@]}"; do
    [[ -f "${cgroup[$app]:-}/memory.stat" ]] || continue
    read -r _ _ anon < <(memory_now "${cgroup[$app]}")
    ((anon <= ${peak_anon_kib[$app]:-0})) || peak_anon_kib[$app]=$anon
    # Read while they exist: the cgroup and the process go with the container.
    oom_killed[$app]=$(oom_kills "${cgroup[$app]}")
    peak_usage_kib[$app]=$(memory_peak_kib "${cgroup[$app]}")
    peak_rss_kib[$app]=$(awk '/^VmHWM/ { print $2 }' "/proc/${app_pid[$app]}/status" 2>/dev/null || echo "${peak_rss_kib[$app]:-}")
  done
}
if ((${#apps[@]} < 5)) && [[ "$load_args" != 0 ]]; then
  echo "no load: it needs all five apps"
  load_args=0
fi
if [[ "$load_args" != 0 ]]; then
  step "load through the gateway: $load_args, and the demo traffic"
  rm -f "$work/probe-failures"
  # As compose runs it: the base image with the script mounted.
  run_limited demo-traffic --user node -w /demo -v "$root/deploy/compose/demo-traffic:/demo:ro" \
    -e GATEWAY_URL="http://127.0.0.1:$gateway_port" "$qualified_base" node demo-traffic.mjs
  measure demo-traffic
  # shellcheck disable=SC2086 # the options are words on purpose
  node_modules/.bin/tsx --tsconfig tsconfig.base.json apps/loadgen/src/main.ts \
    --target "http://127.0.0.1:$gateway_port" $load_args --out "$work/load" --quiet >"$work/load.log" 2>&1 &
  load_pid=$!
  pids+=("$load_pid")
  probes=() tick=0
  while kill -0 "$load_pid" 2>/dev/null; do
    sample_memory
    # Compose probes every 5 s, inside the container: the probe's own Node process counts against the
    # container's limit while it runs.
    if ((tick % 5 == 0)); then
      for app in "${apps[@]}"; do
        { "${podman[@]}" healthcheck run "shop-images-check-$app" >/dev/null 2>&1 || echo "$app" >>"$work/probe-failures"; } &
        probes+=($!)
      done
    fi
    tick=$((tick + 1))
    sleep 1
  done
  load_ok=1
  wait "$load_pid" || load_ok=0
  wait "${probes[@]}" 2>/dev/null || true
  sample_memory
  if ((load_ok)); then
    grep -v '^wrote' "$work/load.log" | sed '/^$/d'
    node -e '
      const r = require(process.argv[1]);
      const bad = r.errors + r.dropped + (r.settle ? r.settle.timedOut : 0);
      if (bad > 0) { console.error(`${r.errors} errors, ${r.dropped} dropped, ${r.settle?.timedOut ?? 0} orders unsettled`); process.exit(1); }
    ' "$work/load/report.json" || problems+=("the load had failures (report: $work/load/report.html)")
  else
    cat "$work/load.log"
    problems+=("the load generator failed")
  fi
  [[ ! -s "$work/probe-failures" ]] && echo "every probe during the load passed" \
    || echo "probes that failed during the load (compose marks unhealthy after 3 in a row): $(sort "$work/probe-failures" | uniq -c | xargs)"
fi

step "every container still running and healthy, no OOM kills"
sample_memory
for app in "${measured[@]}"; do
  name="shop-images-check-$app"
  state=$("${podman[@]}" inspect --format '{{.State.Status}}' "$name")
  if [[ "$state" != running ]]; then
    "${podman[@]}" logs "$name" 2>&1 | tail -20
    problems+=("$app: $state, exit code $("${podman[@]}" inspect --format '{{.State.ExitCode}}' "$name"), ${oom_killed[$app]:-0} OOM kills in its cgroup")
  elif ((${oom_killed[$app]:-0} > 0)); then
    problems+=("$app: ${oom_killed[$app]} processes killed for memory in its container (its probe, since the app runs)")
  elif [[ $app != demo-traffic ]] && ! "${podman[@]}" healthcheck run "$name" >/dev/null 2>&1; then
    problems+=("$app is not healthy after the load")
  else
    echo "$app: running${healthy_kib[$app]:+, healthy}"
  fi
done

step "telemetry exported by the containers"
for _ in $(seq 1 30); do grep -qs '/v1/metrics' "$work/otlp-counts.json" && break; sleep 1; done
counts=$(cat "$work/otlp-counts.json" 2>/dev/null || echo '{}')
echo "OTLP requests received: $counts"
[[ "$counts" == *'/v1/metrics'* ]] || problems+=("no metrics reached the OTLP endpoint: telemetry.js did not start")

# --- report -----------------------------------------------------------------------------------------
step "report"
mib() { [[ -n "${1:-}" ]] && echo "$(($1 / 1024)) MiB" || echo '-'; }
{
  echo "| image | size (own layers) | build | limit | idle | peak | peak anonymous | peak RSS of the app |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  for app in "${apps[@]}"; do
    printf '| shop/%s:%s | %d MiB (%d MiB) | %s | %d MiB | %s | %s | %s | %s |\n' "$app" "$tag" \
      "${size_mib[$app]}" $((size_mib[$app] - base_mib)) "${build_time[$app]}" "${limit_mib[$app]}" \
      "$(mib "${healthy_kib[$app]:-}")" "$(mib "${peak_usage_kib[$app]:-}")" "$(mib "${peak_anon_kib[$app]:-}")" \
      "$(mib "${peak_rss_kib[$app]:-}")"
  done
  if [[ " ${measured[*]} " == *" demo-traffic "* ]]; then
    printf '| demo-traffic (%s) | - | - | %d MiB | - | %s | %s | %s |\n' "$base_image" "${limit_mib[demo-traffic]}" \
      "$(mib "${peak_usage_kib[demo-traffic]:-}")" "$(mib "${peak_anon_kib[demo-traffic]:-}")" \
      "$(mib "${peak_rss_kib[demo-traffic]:-}")"
  fi
  echo
  echo "Base image: $base_image ($base_mib MiB). Load: ${load_args/#0/none}. Idle: the container's working set"
  echo "when it turned healthy. Peak: the kernel's high-water mark of the container's memory (page cache and"
  echo "probes included). Peak anonymous: heap and buffers, sampled every second. Peak RSS of the app: its"
  echo "process's high-water mark (VmHWM), with the pages of node and its libraries, which the cgroup may not"
  echo "be charged for when another container or the image build read them first."
  echo "Total time: $(seconds_since "$started") s."
} | tee "$work/report.md"
# Failures come after the report: how much memory an app took when it failed is worth seeing too.
((${#problems[@]} == 0)) || fail "$(printf '\n  %s' "${problems[@]}")"
echo "images:check passed"
