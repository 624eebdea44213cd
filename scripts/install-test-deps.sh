#!/usr/bin/env bash
# Installs the real Kafka clients the test suite drives, once:
# - through apt, kcat and python3-confluent-kafka, plus the compilers and -dev libraries that
#   @confluentinc/kafka-javascript is built against, and RapidJSON (headers only), with which
#   librdkafka's test suite (npm run compat:librdkafka) checks the statistics JSON;
# - through npm, interop/clients (@confluentinc/kafka-javascript), a project of its own so that the
#   root npm ci never compiles anything. Its bundled librdkafka is built from source against
#   Debian's libraries (CKJS_LINKING=dynamic; the default static build downloads library sources).
# Idempotent: apt is only touched when a package is missing, npm only when the client's native
# addon is missing, out of date or does not load. Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  kcat python3-confluent-kafka
  g++ make python3 zlib1g-dev libssl-dev libzstd-dev liblz4-dev libsasl2-dev libcurl4-openssl-dev
  rapidjson-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing test dependencies: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Exits 0 when the installed client is the locked version and its native addon loads.
clients=interop/clients
client_ok() {
  node -e '
    const { readFileSync } = require("node:fs");
    const { createRequire } = require("node:module");
    const dir = process.argv[1];
    const name = "@confluentinc/kafka-javascript";
    const locked = JSON.parse(readFileSync(`${dir}/package-lock.json`, "utf8"))
      .packages[`node_modules/${name}`].version;
    const installed = JSON.parse(readFileSync(`${dir}/node_modules/${name}/package.json`, "utf8"));
    if (installed.version !== locked) process.exit(1);
    createRequire(`${dir}/package.json`)(name);
  ' "$PWD/$clients"
}
# npm runs the package's install script because interop/clients/package.json allows it
# (allowScripts); build_from_source keeps node-pre-gyp from fetching a prebuilt binary instead.
if ! client_ok 2>/dev/null; then
  echo "Building @confluentinc/kafka-javascript and its librdkafka in $clients (a few minutes)"
  CKJS_LINKING=dynamic npm_config_build_from_source=true \
    npm ci --prefix "$clients" --no-audit --no-fund
  client_ok
fi
