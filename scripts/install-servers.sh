#!/usr/bin/env bash
# Installs the real servers the integration tests and benchmarks start as child processes:
# InfluxDB 1.x, PostgreSQL, Redis, Mosquitto (+ clients), HAProxy, and openssl + curl for the TLS tests. Debian packages; needs root (or sudo).
# The packages' own system services are not used: tests start their own instances on free ports.
set -euo pipefail

need=()
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ]; } || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v psql >/dev/null 2>&1 || need+=(postgresql-client)
# The TLS tests make their certificates with openssl and talk HTTPS with curl.
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
# The cluster test puts HAProxy in front of three broker nodes (docs/scaling.md).
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || need+=(haproxy)
# The console's browser tests and bench:console drive Debian's chromium (playwright-core, no download);
# CJK fonts so zh-CN screens and screenshots show characters, not boxes.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-servers: influxdb, postgresql, redis-server, mosquitto, openssl, curl, chromium, haproxy already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-servers: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d 101: do not start the packages' system services (no init here, and we start our own).
if [ ! -e /usr/sbin/policy-rc.d ] && [ -z "$SUDO" ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
echo "install-servers: done"
