#!/usr/bin/env bash
# Installs the system packages the test suite drives as real Kafka clients, once.
# Idempotent: apt is only touched when a package is missing. Needs root (or sudo).
set -euo pipefail

packages=(kcat python3-confluent-kafka)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing test dependencies: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
