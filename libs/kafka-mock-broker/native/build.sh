#!/usr/bin/env bash
# Builds the Kafka-protocol test broker: librdkafka's mock cluster wrapped in a small program.
#
# librdkafka comes from the sources bundled in the npm package @confluentinc/kafka-javascript,
# because the npm registry is the one source the build machines can always reach. Only the static
# library is built, with every optional dependency off, so bash, tar, gcc, make, git and npm suffice.
#
# Two patches are applied to the mock cluster's sources (librdkafka-*.patch, in name order):
# - librdkafka-fetch-wakeup.patch: the mock holds an empty Fetch response for the request's whole
#   MaxWait, even when a producer writes to the partition meanwhile (its own comment says so); Apache
#   Kafka answers as soon as data arrives. The patch sends the held response at once when data is
#   appended to a partition it waits on, so each Kafka hop costs a round trip rather than up to
#   KAFKA_FETCH_MAX_WAIT_MS. mock-broker.spec.ts checks it.
# - librdkafka-group-rejoin.patch: a group member that sends JoinGroup again while its earlier join is
#   still held (the client gave up on it and retried, as consumers do after a broker restart) tripped
#   an assertion that aborted the whole broker; the new request now replaces the old, as in Kafka.
set -euo pipefail

# The one pin. 1.10.1 bundles librdkafka 2.15.1 (needs >= 2.2 for rd_kafka_mock_set_controller_id).
KAFKA_JAVASCRIPT_VERSION=1.10.1

NATIVE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$NATIVE_DIR/../../.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache/kafka-mock-broker"
PATCHES=("$NATIVE_DIR"/librdkafka-*.patch)
# Changed patches make another library: their digest names the build.
PATCH_DIGEST="$(cat "${PATCHES[@]}" | sha256sum | cut -c1-12)"
LIB_DIR="$CACHE_DIR/librdkafka-from-kafka-javascript-$KAFKA_JAVASCRIPT_VERSION-$PATCH_DIGEST"
BIN="$CACHE_DIR/bin/kafka-mock-broker"
SOURCE="$NATIVE_DIR/kafka-mock-broker.c"
SCRIPT="$NATIVE_DIR/build.sh"

log() { echo "kafka-mock-broker: $*" >&2; }

jobs() { getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2; }

build_librdkafka() {
  local work="$CACHE_DIR/work-$KAFKA_JAVASCRIPT_VERSION"
  rm -rf "$work"
  mkdir -p "$work/librdkafka"

  log "fetching @confluentinc/kafka-javascript@$KAFKA_JAVASCRIPT_VERSION (librdkafka sources)"
  (cd "$work" && npm pack --silent "@confluentinc/kafka-javascript@$KAFKA_JAVASCRIPT_VERSION" >/dev/null)
  tar -xzf "$work"/confluentinc-kafka-javascript-*.tgz -C "$work/librdkafka" \
    --strip-components=3 package/deps/librdkafka

  local patch
  for patch in "${PATCHES[@]}"; do
    log "patching the mock cluster: $(basename "$patch")"
    # As a plain patch tool: the ceiling keeps git from taking the repository around .cache for the
    # sources' own (it would read the patch's paths from the repository's root).
    (cd "$work/librdkafka" && GIT_CEILING_DIRECTORIES="$work" git apply -p1 "$patch")
  done

  log "configuring librdkafka (static, no optional dependencies)"
  (cd "$work/librdkafka" && ./configure --disable-ssl --disable-gssapi --disable-zstd \
    --disable-lz4-ext --disable-curl --disable-sasl --disable-zlib --disable-regex-ext \
    --disable-c11threads --enable-static >"$work/configure.log" 2>&1) ||
    { tail -n 30 "$work/configure.log" >&2; exit 1; }

  log "compiling librdkafka.a (about a minute)"
  make -j"$(jobs)" -C "$work/librdkafka/src" librdkafka.a >"$work/make.log" 2>&1 ||
    { tail -n 30 "$work/make.log" >&2; exit 1; }

  # Publish the library and headers in one rename so an interrupted build never looks finished.
  local staged="$LIB_DIR.tmp"
  rm -rf "$staged"
  mkdir -p "$staged/include/librdkafka"
  cp "$work/librdkafka/src/librdkafka.a" "$staged/"
  cp "$work/librdkafka/src/rdkafka.h" "$work/librdkafka/src/rdkafka_mock.h" "$staged/include/librdkafka/"
  rm -rf "$LIB_DIR"
  mv "$staged" "$LIB_DIR"
  rm -rf "$work"
}

mkdir -p "$CACHE_DIR/bin"

# Parallel test workers may all find the binary missing: one builds, the others wait and then find
# everything up to date. flock releases the lock even if a build is killed (skipped where absent).
if command -v flock >/dev/null; then
  exec 9>"$CACHE_DIR/.build.lock"
  flock 9
fi

if [[ -f "$LIB_DIR/librdkafka.a" ]]; then
  log "librdkafka for kafka-javascript $KAFKA_JAVASCRIPT_VERSION already built"
else
  build_librdkafka
fi

if [[ -x "$BIN" && "$BIN" -nt "$SOURCE" && "$BIN" -nt "$SCRIPT" && "$BIN" -nt "$LIB_DIR/librdkafka.a" ]]; then
  log "program up to date: $BIN"
else
  log "compiling $BIN"
  # pthread/m/dl: what the static librdkafka needs once compression, TLS and SASL are off.
  gcc -Wall -Wextra -O2 -isystem "$LIB_DIR/include" -o "$BIN.tmp" "$SOURCE" \
    "$LIB_DIR/librdkafka.a" -lpthread -lm -ldl
  mv "$BIN.tmp" "$BIN"
fi
