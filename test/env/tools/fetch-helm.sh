#!/usr/bin/env bash
# Builds the helm CLI from its Go module into the cache, stamped like an upstream release build
# (version, and the Kubernetes version `helm template` and `helm lint` assume without a cluster).
# Skips work when the stamp is there; prints the folder that holds `helm`.
set -euo pipefail
HELM_VERSION=${HELM_VERSION:-3.19.0}
KUBE_MINOR=34
CACHE=${SYNCFLOW_CACHE:-$HOME/.cache/syncflow}
OUT="$CACHE/bin/helm-$HELM_VERSION"
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null || { echo "missing prerequisite: Go (>= 1.24) — install it from the Go toolchain and put it on PATH" >&2; exit 2; }
mkdir -p "$OUT" "$CACHE/build"
exec 9>"$CACHE/build/.helm.lock"; flock 9
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
LDF="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in helm.sh/helm/v3/pkg/chartutil helm.sh/helm/v3/pkg/lint/rules; do
  LDF="$LDF -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$KUBE_MINOR"
done
CGO_ENABLED=0 GOBIN="$OUT" go install -trimpath -ldflags "$LDF" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
"$OUT/helm" version >&2
touch "$OUT/.stamp"
echo "$OUT"
