#!/usr/bin/env bash
# KAFKA_PATH's bin/kafka-acls.sh for librdkafka's suite (0109, 0115 and 0119 run e.g. --add
# --deny-principal 'User:*' --operation All --deny-host '*' --topic NAME): samsa acls, which takes
# kafka-acls.sh's flags, from the compiled CLI (npm run build).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
exec node "$root/bin/samsa.js" acls "$@"
