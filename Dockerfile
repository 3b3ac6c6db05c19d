# Journalen in production: the same compiled output and start command that the tests run.
# Not built in CI (CI has no container engine); `npm test` covers everything this image runs.
#
#   docker build -t journalen .
#   docker run --env-file deploy/production.env -v /run/secrets/journalen:/run/secrets/journalen:ro -p 3000:3000 journalen

# ---- build: the whole lockfile, TypeScript compiled once ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The prepare script builds; sources are not here yet, so scripts wait until they are.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- run: production dependencies only, non-root ----
FROM node:20-bookworm-slim
ENV NODE_ENV=production JOURNALEN_MODE=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY drizzle ./drizzle
COPY bin ./bin
# Production belongs on PostgreSQL (DATABASE_URL); the embedded database, if used, needs a writable folder.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# The internal listener (engagement index, mutual TLS) listens on INTERNAL_HOST:INTERNAL_PORT
# (127.0.0.1:3100 by default); set INTERNAL_HOST=0.0.0.0 and publish it when ENGAGEMENT_INDEX=own.
CMD ["node", "dist/main.js"]
