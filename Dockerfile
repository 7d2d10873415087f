# One Dockerfile for every app of the shop:
#
#   docker build --build-arg APP=orders-service -t shop/orders-service .
#
# APP is one of gateway, users-service, orders-service, payments-service, email-service, or monolith
# (the same shop as one process: the API and the four modules; see apps/monolith).
#
# build    the whole workspace (npm ci), then Nx bundles the one app to dist/apps/$APP: main.js,
#          telemetry.js and a package.json + package-lock.json that list its production dependencies
#          (and, for the gateway and the monolith, the storefront's static build in storefront/)
# deps     installs exactly those production dependencies, nothing else (no dev tools, no sources)
# runtime  Node, the bundle and its node_modules, owned by root and run as the unprivileged `node` user
#          (the gateway's bundle also holds issue-certificates.js, the development CA's certificate job)
#
# Nothing is downloaded at build time except packages from the npm registry. The npm cache mount (and
# --prefer-offline) keeps rebuilds fast; the workspace install is shared by all five images because APP
# is declared after it. .dockerignore is an allowlist: only manifests, apps/, libs/ and the probe.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /workspace
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_TUI=false \
    NX_SKIP_NX_CACHE=true \
    CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --prefer-offline --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "${APP}" || { echo 'APP is not set: build with --build-arg APP=<app>' >&2; exit 1; }
RUN npx nx build "${APP}" --outputStyle=static \
 && test -f "dist/apps/${APP}/main.js" \
 && test -f "dist/apps/${APP}/package-lock.json"
# The gateway (and the monolith, which serves the same API) serves the storefront: its static build goes
# into the image, beside main.js.
RUN if [ "${APP}" = gateway ] || [ "${APP}" = monolith ]; then \
      npx nx build storefront --outputStyle=static \
      && test -f dist/apps/storefront/index.html \
      && mv dist/apps/storefront "dist/apps/${APP}/storefront"; \
    fi

FROM ${NODE_IMAGE} AS deps
ARG APP
WORKDIR /app
COPY --from=build /workspace/dist/apps/${APP}/package.json /workspace/dist/apps/${APP}/package-lock.json ./
# Production dependencies of the bundle only. None of them has a native part, so install scripts are off.
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --ignore-scripts --prefer-offline --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ARG APP
LABEL org.opencontainers.image.title="shop ${APP}" \
      org.opencontainers.image.description="The shop's ${APP}" \
      org.opencontainers.image.licenses="MIT"
# Read by the health probe only (which port, which protocol); the app itself is configured by its env.
ENV SHOP_APP=${APP}
# Read by the gateway and the monolith only: where their images keep the storefront's build.
ENV STOREFRONT_DIR=/app/storefront
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /workspace/dist/apps/${APP}/ ./
COPY deploy/docker/healthcheck.cjs ./healthcheck.cjs
# Mount points of the gRPC certificates (compose's volumes): a fresh named volume takes the owner of
# the directory it is mounted on, so the gateway image's certificate job, running as `node`, can write.
RUN mkdir -p /certs /ca && chown node:node /certs /ca && chmod 0755 /certs && chmod 0700 /ca
USER node
# Services: the standard gRPC health check (grpc.health.v1.Health/Check); the gateway and the monolith:
# GET /readyz.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "healthcheck.cjs"]
# Telemetry starts before the app (configured by the standard OTEL_* variables).
CMD ["node", "--enable-source-maps", "--import", "./telemetry.js", "main.js"]
