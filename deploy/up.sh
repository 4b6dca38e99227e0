#!/usr/bin/env bash
# Start N Streamlit replicas of the dashboard and nginx in front of them, all on 127.0.0.1.
# Usage: deploy/up.sh [N=2] [PORT=8080]   then open http://127.0.0.1:PORT/ ; stop with deploy/down.sh
# DEPLOY_RUN_DIR (default /tmp/kz2022-deploy) holds the generated nginx.conf, pid files and logs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
exec "$root/.venv/bin/python" "$root/deploy/stack.py" up "$@"
