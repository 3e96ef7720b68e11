# pingpin: the job workers and the app, in cluster mode against docker-compose.yml's Camunda 8.8
# (or, without CAMUNDA_REST_ADDRESS, with the embedded engine). Node major = package.json engines.

# ---- build: install with dev dependencies, compile (tsc) and bundle the pages (vite), then drop the dev dependencies --------
FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Dependencies first (cached while package*.json are unchanged); scripts off because `prepare` would
# build before the sources are here, then better-sqlite3's install script fetches/builds its binding.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY workers ./workers
# The pages (任务中心, 运行监控) are built with Vite into dist/web next to the server.
COPY web ./web
RUN npm run build && npm prune --omit=dev

# ---- runtime ----------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    DATA_DIR=/data \
    PORT=8080
WORKDIR /app
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY package.json package-lock.json ./
COPY bin ./bin
COPY bpmn ./bpmn
COPY forms ./forms
COPY config ./config
# The data directory belongs to the unprivileged `node` user of the base image (uid 1000); a named
# volume mounted here takes over that ownership on first use.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# What `npm start` runs after its `prestart` build; the build already happened in the image (and the
# compiler is not in it), so start the compiled CLI directly.
CMD ["node", "bin/pingpin.js", "start"]
