# imagine-bot: build the TypeScript, then run the CLI's `start` with production dependencies only.
FROM node:20-bookworm-slim AS build
# better-sqlite3 builds from source when its prebuilt binary cannot be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
# Large buffers (an image being decoded, a read of a stored image) on transparent huge pages where the kernel
# offers them on request: one page fault per 2 MiB instead of per 4 KiB (README "Operating").
ENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY package.json ./
# The SQLite store lives here by default; mount a volume to keep threads and buttons across restarts.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
# Alive while the event loop turns (/healthz on the operators' port; see README "Operating").
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# One V8 helper thread for the GC (Node's default is 4): on a small host the helpers otherwise take the cores
# from the event loop while big images churn external memory (README "Operating"). The same flags as npm start.
ENTRYPOINT ["node", "--v8-pool-size=1", "bin/imagine-bot.js"]
CMD ["start"]
