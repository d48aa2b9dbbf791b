#!/usr/bin/env bash
# Switches Palisade back to the previous release (or --to VERSION) and restarts it.
# The older release is asked first (`palisade store schema`) whether it can read the store: when a
# newer release migrated the store past what it knows, the rollback is REFUSED and nothing changes,
# unless --restore-backup names the backup taken before the upgrade, which the older release then
# restores (with the service stopped) before it starts. Writes made since that backup are lost.
set -euo pipefail
script=rollback.sh
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
# shellcheck source=lib/host.sh
. "$here/lib/host.sh"

usage() {
  cat <<USAGE
usage: rollback.sh [--to VERSION] [--restore-backup PATH] [--url URL] [--attempts N]
  --to VERSION           the installed release to go back to (default: the previous one)
  --restore-backup PATH  restore this backup (e.g. /var/lib/palisade/backups/pre-upgrade-OLD-to-NEW) with the older release first
  --url URL              where the gateway answers (default: PALISADE_URL, else server.host/port from the config)
  --attempts N           how many times /health/ready is asked, a second apart (default 60)
USAGE
}
target="" backup="" url="" attempts=60
while [ $# -gt 0 ]; do
  case "$1" in
    --to) target="${2:?--to needs a version}"; shift ;;
    --restore-backup) backup="${2:?--restore-backup needs a path}"; shift ;;
    --url) url="${2:?--url needs a value}"; shift ;;
    --attempts) attempts="${2:?--attempts needs a value}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done
case "$attempts" in '' | *[!0-9]* | 0) die "--attempts must be a positive number" ;; esac

require_root_user
from="$(linked_version "$current")"
[ -n "$from" ] || die "no installed Palisade ($current is missing)"
if [ -z "$target" ]; then
  target="$(linked_version "$previous")"
  [ -n "$target" ] || die "no previous release is recorded: name one with --to (installed: $(installed_releases))"
fi
[ "$target" != "$from" ] || die "$target is already the current release"
[ -x "$releases/$target/bin/palisade" ] || die "release $target is not installed in $releases (installed: $(installed_releases))"
if [ -n "$backup" ] && [ ! -e "$backup" ]; then
  die "no backup at $backup: nothing was changed"
fi

# Ask the OLDER release: it alone knows which schema it can read.
code=0
answer="$(store_schema "$target")" || code=$?
if [ "$code" -eq 4 ] && [ -z "$backup" ]; then
  die_with 4 "REFUSED: the store was migrated by a newer release past what $target can read ($answer).
Nothing was changed. To roll back anyway, restore the backup taken before the upgrade together with it
(writes since that backup are lost):
  $here/rollback.sh --to $target --restore-backup $data/backups/pre-upgrade-$target-to-$from"
elif [ "$code" -ne 0 ] && [ "$code" -ne 4 ]; then
  die "cannot tell whether $target can read the store (palisade store schema exited $code, above): nothing was changed"
fi

if [ -n "$backup" ]; then
  say "stopping the service to restore $backup with $target"
  service_manager stop "$service"
  if ! as_service_user "$releases/$target/bin/palisade" restore --config "$config" --input "$backup"; then
    service_manager start "$service" || true
    die "restoring $backup failed (above): $from is still current and was started again"
  fi
  if ! answer="$(store_schema "$target")"; then
    service_manager start "$service" || true
    die "after restoring $backup the store is still not readable by $target ($answer): $from is still current and was started again"
  fi
fi

point_link "$current" "$target"
point_link "$previous" "$from"
install_unit "$releases/$target"
say "switched $current from $from back to $target; restarting"
service_manager restart "$service" || die "the service did not restart (journalctl -u palisade)"
base_url="$(health_base_url "$url")"
wait_until_ready "$base_url" "$attempts" || die "$target did not become ready at $base_url (journalctl -u palisade)"
say "rolled back to $target ($from stays installed; go forward again with: $here/rollback.sh --to $from)"
