#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and etcd from their Go modules
# into the cache, version-stamped like upstream release builds. Skips work when the stamp matches.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
K8S_VERSION=${K8S_VERSION:-1.34.4}
ETCD_VERSION=${ETCD_VERSION:-3.6.13}
CACHE=${SYNCFLOW_CACHE:-$HOME/.cache/syncflow}
# Bump REVISION when the set of binaries changes, so caches built before are rebuilt.
REVISION=2
OUT="$CACHE/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-r$REVISION"
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
command -v go >/dev/null || { echo "missing prerequisite: Go (>= 1.24) — install it with 'apt-get install golang' or from the Go toolchain" >&2; exit 2; }
mkdir -p "$OUT" "$CACHE/build"
# One build at a time per cache, whoever started it.
exec 9>"$CACHE/build/.lock"; flock 9
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
MINOR=$(echo "$K8S_VERSION" | cut -d. -f2)
STAGING="v0.${K8S_VERSION#1.}"

# Work in a copy so the checkout stays clean; committed go.mod/go.sum make the resolution repeatable.
WORK="$CACHE/build/k8sbin-$K8S_VERSION"; rm -rf "$WORK"; cp -r "$HERE/k8sbin" "$WORK"; cd "$WORK"
if ! grep -q '^tool' go.mod; then
  MODFILE=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  MODS=$(grep -E '^[[:space:]]+k8s\.io/[a-z0-9-]+ v0\.0\.0([[:space:]]|$)' "$MODFILE" | awk '{print $1}' | sort -u)
  for m in $MODS k8s.io/sample-cli-plugin k8s.io/sample-controller; do go mod edit -replace="$m=$m@$STAGING"; done
  go get -tool "k8s.io/kubernetes/cmd/kube-apiserver@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-controller-manager@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kube-scheduler@v$K8S_VERSION" \
    "k8s.io/kubernetes/cmd/kubectl@v$K8S_VERSION"
  go mod tidy
fi
BUILD_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)
LDF="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  LDF="$LDF -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$MINOR"
  LDF="$LDF -X $pkg.gitTreeState=clean -X $pkg.buildDate=$BUILD_DATE"
done
CGO_ENABLED=0 go build -trimpath -ldflags "$LDF" -o "$OUT/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
mkdir -p "$CACHE/build/k8sbin.resolved"; cp go.mod go.sum "$CACHE/build/k8sbin.resolved/"

WORK="$CACHE/build/etcdbin-$ETCD_VERSION"; rm -rf "$WORK"; cp -r "$HERE/etcdbin" "$WORK"; cd "$WORK"
if ! grep -q '^tool' go.mod; then
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  go mod tidy
fi
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/etcd" go.etcd.io/etcd/server/v3
mkdir -p "$CACHE/build/etcdbin.resolved"; cp go.mod go.sum "$CACHE/build/etcdbin.resolved/"
"$OUT/kube-apiserver" --version >&2
"$OUT/etcd" --version >&2
touch "$OUT/.stamp"
echo "$OUT"
