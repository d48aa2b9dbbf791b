#!/usr/bin/env bash
# Writes the secret files compose.dev.yaml and compose.prod.yaml mount (./secrets/ beside this script,
# or the directory given as the first argument). A file that exists is kept, never overwritten, so running
# it again after an upgrade changes nothing; delete a file to have it made anew (and restart what uses it).
#
# The directory is 0700 (only its owner on the host can list or read it); the files are 0444 because
# Compose bind-mounts them into containers that run as other users (Palisade 10001, Prometheus 65534,
# Grafana 472, PostgreSQL 70) and must read them.
set -euo pipefail

dir="${1:-$(cd "$(dirname "$0")" && pwd)/secrets}"
mkdir -p "$dir"
chmod 0700 "$dir"

random() { # 32 random bytes as 64 hex characters: safe in URLs and config files without quoting
  od -An -tx1 -N32 /dev/urandom | tr -d ' \n'
}

write() { # write NAME CONTENT: only when NAME does not exist yet
  local file="$dir/$1"
  if [[ -e "$file" ]]; then
    echo "kept    $file"
    return
  fi
  # No trailing line break: not every reader strips one (Palisade, PostgreSQL and Prometheus do).
  (umask 0222 && printf '%s' "$2" > "$file")
  echo "written $file"
}

postgres_password="$(cat "$dir/postgres_password" 2>/dev/null || random)"
redis_password="$(sed -n 's/^requirepass //p' "$dir/redis.conf" 2>/dev/null || true)"
redis_password="${redis_password:-$(random)}"

write admin_key "$(random)"
write metrics_token "$(random)"
write audit_checkpoint_key "$(random)"
write grafana_admin_password "$(random)"
write postgres_password "$postgres_password"
write store_url "postgresql://palisade:${postgres_password}@postgres:5432/palisade"
write redis.conf "requirepass ${redis_password}
appendonly yes"
write redis_url "redis://:${redis_password}@redis:6379"
