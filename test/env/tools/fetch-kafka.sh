#!/usr/bin/env bash
# Copies the Kafka broker jars named by kafka/pom.xml from Maven Central into the cache.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${SYNCFLOW_CACHE:-$HOME/.cache/syncflow}
VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/kafka/pom.xml")
OUT="$CACHE/kafka-$VERSION"
if [ -f "$OUT/.stamp" ]; then echo "$OUT"; exit 0; fi
command -v mvn >/dev/null || { echo "missing prerequisite: Maven — install it with 'apt-get install maven'" >&2; exit 2; }
rm -rf "$OUT"; mkdir -p "$OUT/lib"
mvn -B -q -f "$HERE/kafka/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
  -DoutputDirectory="$OUT/lib" -DincludeScope=runtime >&2
touch "$OUT/.stamp"
echo "$OUT"
