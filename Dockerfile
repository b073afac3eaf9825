# syntax=docker/dockerfile:1
# Kabuto: API and customer portal in one process. Multi-stage: compilers and dev dependencies stay in
# the build stages; the runtime image holds production dependencies, the compiled server (dist/) and the
# built portal: no TypeScript sources, no transpiler.

# The current Node.js LTS line (24, "Krypton").
ARG NODE_VERSION=24

# --- dependencies: native modules (better-sqlite3) may compile when no prebuilt binary fits ---
FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: the server (tsc: src/ → dist/) and the portal (Vite: web/ → web/dist); needs the dev dependencies ---
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY src ./src
COPY web ./web
RUN npm run build

# --- production dependencies only ---
FROM deps AS prod-deps
RUN npm prune --omit=dev

# --- runtime ---
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    KABUTO_HOST=0.0.0.0 \
    KABUTO_PORT=3000 \
    KABUTO_DATABASE_URL=/data/kabuto.db \
    KABUTO_WEB_ROOT=/app/web/dist
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --chown=root:root package.json package-lock.json ./
COPY --chown=root:root bin ./bin
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/web/dist ./web/dist
# The code belongs to root and is read-only to the server; only /data (SQLite) is writable, by `node`.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /readyz: the process is up and its database answers. No curl in the slim image: Node's fetch does it.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.KABUTO_PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Exec form: node receives SIGTERM itself and closes gracefully (in-flight requests finish).
STOPSIGNAL SIGTERM
CMD ["node", "bin/kabuto.mjs", "serve"]
