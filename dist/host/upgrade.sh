#!/usr/bin/env bash
# Upgrades the installed Palisade to the release this script belongs to (run it from the NEW
# unpacked palisade-<version>/). In order, stopping at the first failure:
#   1. checks the new release against its SHA256SUMS
#   2. backs the store up with the CURRENT release: /var/lib/palisade/backups/pre-upgrade-<old>-to-<new>/
#   3. installs the new release beside the old one and switches `current` (the old one stays, as `previous`)
#   4. restarts the service and waits for /health/ready
#   5. runs `palisade eval smoke --owner upgrade:<old>-><new>`; the upgrade is complete only when it passes
# On a failure after the switch it prints how to roll back; --auto-rollback does it.
# At most --keep releases are kept (default 3); the current and previous ones never go.
set -euo pipefail
script=upgrade.sh
release_dir="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
# shellcheck source=lib/host.sh
. "$release_dir/lib/host.sh"

usage() {
  cat <<USAGE
usage: upgrade.sh [--skip-backup] [--skip-smoke] [--auto-rollback] [--url URL] [--attempts N] [--keep N]
  --skip-backup    do not take the pre-upgrade backup (a rollback across a schema change then cannot restore)
  --skip-smoke     do not run \`palisade eval smoke\` after the restart (e.g. eval.smoke is not configured)
  --auto-rollback  roll back by itself when the new release does not become ready or fails the smoke eval
  --url URL        where the gateway answers (default: PALISADE_URL, else server.host/port from the config)
  --attempts N     how many times /health/ready is asked, a second apart (default 60)
  --keep N         how many releases to keep installed (default 3, at least 2)
USAGE
}
backup=yes smoke=yes auto_rollback=no url="" attempts=60 keep=3
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-backup) backup=no ;;
    --skip-smoke) smoke=no ;;
    --auto-rollback) auto_rollback=yes ;;
    --url) url="${2:?--url needs a value}"; shift ;;
    --attempts) attempts="${2:?--attempts needs a value}"; shift ;;
    --keep) keep="${2:?--keep needs a value}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done
case "$attempts" in '' | *[!0-9]* | 0) die "--attempts must be a positive number" ;; esac
case "$keep" in '' | *[!0-9]* | 0 | 1) die "--keep must be a number of at least 2 (the current and the previous release)" ;; esac

require_root_user
old="$(linked_version "$current")"
[ -n "$old" ] || die "no installed Palisade ($current is missing): run install.sh"
[ -d "$releases/$old" ] || die "$current points at a missing release $old"
verify_checksums "$release_dir"
new="$(release_version "$release_dir")"
if [ "$new" = "$old" ]; then
  say "Palisade $new is already the current release: nothing to upgrade"
  exit 0
fi

backup_dir=""
if [ "$backup" = yes ]; then
  backup_dir="$data/backups/pre-upgrade-$old-to-$new"
  [ ! -e "$backup_dir" ] || die "$backup_dir already exists: move it away (it may be the only copy of an earlier attempt's data), then run again"
  mkdir -p "$data/backups"
  chmod 0700 "$data/backups"
  if on_real_root; then chown "$service_user:$service_user" "$data/backups"; fi
  say "backing up the store with $old into $backup_dir"
  as_service_user "$releases/$old/bin/palisade" backup --config "$config" --output "$backup_dir" ||
    die "the pre-upgrade backup failed (above): nothing was changed; fix it, or run with --skip-backup"
else
  say "no pre-upgrade backup (--skip-backup): a rollback across a schema change will not be possible"
fi

install_release "$release_dir" "$new"
point_link "$previous" "$old"
point_link "$current" "$new"
install_unit "$release_dir"
say "switched $current from $old to $new; restarting"

rollback_command="$releases/$new/rollback.sh --to $old"
if [ -n "$backup_dir" ]; then
  rollback_command="$rollback_command   (if it refuses because the schema changed, add: --restore-backup $backup_dir)"
fi
failed() {
  say "UPGRADE NOT COMPLETE: $1"
  if [ "$auto_rollback" = yes ]; then
    say "rolling back to $old (--auto-rollback)"
    local arguments=(--to "$old" --attempts "$attempts")
    [ -z "$url" ] || arguments+=(--url "$url")
    # The older release reads the store only if the new one did not migrate it past what it knows.
    if [ -n "$backup_dir" ] && ! store_schema "$old" >/dev/null; then
      arguments+=(--restore-backup "$backup_dir")
    fi
    "$releases/$new/rollback.sh" "${arguments[@]}" || die "the automatic rollback failed (above)"
    die "rolled back to $old; $new is still installed for another attempt"
  fi
  die "to roll back: $rollback_command"
}

service_manager restart "$service" || failed "the service did not restart (journalctl -u palisade)"
base_url="$(health_base_url "$url")"
wait_until_ready "$base_url" "$attempts" || failed "$new did not become ready at $base_url (journalctl -u palisade)"
if [ "$smoke" = yes ]; then
  say "running the smoke eval (owner upgrade:$old->$new)"
  as_service_user "$releases/$new/bin/palisade" eval smoke --config "$config" --owner "upgrade:$old->$new" ||
    failed "the smoke eval did not pass (above)"
else
  say "no smoke eval (--skip-smoke)"
fi

# Keep at most $keep releases: current and previous, then the most recently installed others.
others=0
while read -r version; do
  if [ "$version" = "$new" ] || [ "$version" = "$old" ] || [ ! -d "$releases/$version" ]; then
    continue
  fi
  if [ "$others" -lt $((keep - 2)) ]; then
    others=$((others + 1))
  else
    rm -rf "${releases:?}/$version"
    say "removed the old release $version (keeping $keep)"
  fi
done < <(ls -1t "$releases")
say "Palisade is upgraded from $old to $new (the previous release stays installed: $rollback_command)"
