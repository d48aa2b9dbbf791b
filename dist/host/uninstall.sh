#!/usr/bin/env bash
# Stops and disables the service and removes the releases, the `current` link and the unit.
# The config (/etc/palisade) and the data (/var/lib/palisade) stay unless --purge is given, and
# --purge first writes an export of the whole audit trail to --audit-export PATH (outside the
# folders it deletes) and checks it, as users are exported before they are deleted.
set -euo pipefail
script=uninstall.sh
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
# shellcheck source=lib/host.sh
. "$here/lib/host.sh"

usage() {
  cat <<USAGE
usage: uninstall.sh [--purge --audit-export PATH]
  --purge              also delete /etc/palisade, /var/lib/palisade (the store, backups) and the palisade user
  --audit-export PATH  where --purge first writes the audit trail (JSON Lines; a new file outside those folders)
USAGE
}
purge=no export_path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --purge) purge=yes ;;
    --audit-export) export_path="${2:?--audit-export needs a path}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
  shift
done

require_root_user
binary="$current/bin/palisade"
if [ "$purge" = yes ]; then
  [ -n "$export_path" ] || die "REFUSED: --purge deletes the audit trail; export it first: --purge --audit-export PATH (nothing was changed)"
  [ ! -e "$export_path" ] || die "REFUSED: $export_path already exists; name a new file (nothing was changed)"
  export_dir="$(cd "$(dirname "$export_path")" 2>/dev/null && pwd)" || die "REFUSED: the folder of $export_path does not exist (nothing was changed)"
  export_path="$export_dir/$(basename "$export_path")"
  for doomed in "$etc" "$data" "$opt"; do
    case "$export_path/" in
      "$doomed"/*) die "REFUSED: $export_path is inside $doomed, which --purge deletes (nothing was changed)" ;;
    esac
  done
  [ -x "$binary" ] || die "REFUSED: no installed release to export the audit with ($binary): nothing was changed"
fi

service_manager disable --now "$service" || say "could not stop or disable $service (continuing)"

if [ "$purge" = yes ]; then
  # The service is stopped: the export holds every record there will ever be.
  say "exporting the audit trail to $export_path"
  "$binary" audit export --config "$config" --format jsonl --output "$export_path" ||
    die "REFUSED: the audit export failed (above): nothing was deleted (the service is stopped; start it with systemctl start palisade)"
  [ -f "$export_path" ] || die "REFUSED: the audit export wrote no file: nothing was deleted"
  if [ -s "$export_path" ]; then
    # Every line must be one JSON object: a truncated or garbled export is not an export.
    if grep -qv '^{.*}$' "$export_path"; then
      die "REFUSED: $export_path is not a JSON Lines export (a line is not a JSON object): nothing was deleted"
    fi
  elif ! "$binary" audit verify --config "$config" | grep -q 'intact: 0 records'; then
    die "REFUSED: the audit export is empty but the audit is not: nothing was deleted"
  fi
  say "audit exported: $(wc -l <"$export_path") records in $export_path"
fi

rm -f "$unit"
service_manager daemon-reload
rm -rf "${opt:?}"
say "removed the releases, $current and the unit"

if [ "$purge" = yes ]; then
  rm -rf "${etc:?}" "${data:?}"
  if on_real_root && id "$service_user" >/dev/null 2>&1; then
    userdel "$service_user" || say "could not remove the user $service_user"
  fi
  say "purged $etc and $data (the audit export is $export_path)"
else
  say "kept the config in $etc and the data in $data (uninstall.sh --purge --audit-export PATH deletes them)"
fi
