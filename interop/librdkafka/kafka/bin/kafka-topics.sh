#!/usr/bin/env bash
# KAFKA_PATH's bin/kafka-topics.sh for librdkafka's suite: Samsa's stand-in (create, alter
# partitions, delete) in scripts/librdkafka/kafka-topics.ts, compiled by npm run build.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
exec node "$root/dist/scripts/librdkafka/kafka-topics.js" "$@"
