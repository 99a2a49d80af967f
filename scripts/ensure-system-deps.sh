#!/usr/bin/env bash
# Installs the Debian packages the test suites drive, when missing (runs as `npm test`'s pretest):
# - chromium: the docs site's browser test (playwright-core drives it; no browser download);
# - clickhouse-server: test/server/ starts its own server processes (Debian's 18.16);
# - zookeeper (and a Java runtime): test/cluster/ runs one beside a 2-shard cluster (not as a service).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
{ command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/sbin/clickhouse-server ] || [ -x /usr/bin/clickhouse ]; } || missing+=(clickhouse-server clickhouse-client)
{ [ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1; } || missing+=(zookeeper)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "tsdbt tests need: ${missing[*]} (install them with your package manager)" >&2
  exit 1
fi
echo "Installing ${missing[*]} for the test suites…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
