#!/usr/bin/env bash
# Stop the nginx and the replicas that deploy/up.sh started (same DEPLOY_RUN_DIR). Logs are kept.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/.venv/bin/python" "$root/deploy/stack.py" down
