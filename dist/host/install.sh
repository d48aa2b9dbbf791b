#!/usr/bin/env bash
# Installs the release this script belongs to (run it from the unpacked palisade-<version>/):
#   /opt/palisade/releases/<version>   the release (copied; checked against SHA256SUMS first)
#   /opt/palisade/current              symlink to it (switched atomically)
#   /etc/palisade/palisade.yaml        a default config, only if there is none (never overwritten)
#   /etc/palisade/secrets/             0700, for the secrets the config names
#   /var/lib/palisade                  the data directory, 0700, owned by the palisade system user
#   /etc/systemd/system/palisade.service, enabled and started
# Safe to run again. A different version already installed is upgraded with upgrade.sh instead.
# PALISADE_ROOT and SYSTEMCTL: see lib/host.sh. docs/install.md, "On a host".
set -euo pipefail
script=install.sh
release_dir="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
# shellcheck source=lib/host.sh
. "$release_dir/lib/host.sh"

usage() {
  echo "usage: install.sh   (from the unpacked release; PALISADE_ROOT=/ and SYSTEMCTL=systemctl by default)"
}
case "${1:-}" in
  "") ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac

require_root_user
verify_checksums "$release_dir"
version="$(release_version "$release_dir")"
installed="$(linked_version "$current")"
if [ -n "$installed" ] && [ "$installed" != "$version" ]; then
  die "Palisade $installed is installed; to move to $version run upgrade.sh from this release instead"
fi

if on_real_root; then
  if ! id "$service_user" >/dev/null 2>&1; then
    useradd --system --user-group --home-dir /var/lib/palisade --no-create-home --shell /usr/sbin/nologin "$service_user"
    say "created the system user $service_user"
  fi
else
  say "not creating the system user $service_user nor changing owners (PALISADE_ROOT is $root)"
fi

install_release "$release_dir" "$version"
point_link "$current" "$version"

# Config: root writes it, the service reads it. An existing one is the operator's and is left alone.
mkdir -p "$etc"
chmod 0755 "$etc"
if [ -e "$config" ]; then
  say "keeping the existing $config"
else
  install -m 0640 "$release_dir/config/palisade.yaml" "$config"
  say "wrote a default config to $config (edit it, then: systemctl reload palisade)"
fi
mkdir -p "$etc/secrets" "$data"
chmod 0700 "$etc/secrets" "$data"
if on_real_root; then
  chgrp "$service_user" "$config"
  chown "$service_user:$service_user" "$etc/secrets" "$data"
fi

install_unit "$release_dir"
service_manager enable --now "$service"
say "Palisade $version is installed: $current -> releases/$version; status: systemctl status palisade"
