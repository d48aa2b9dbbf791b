# shellcheck shell=bash
# What install.sh, upgrade.sh, rollback.sh and uninstall.sh share. Sourced, never run.
#
#   PALISADE_ROOT  the filesystem root to install under (default /). Anything else is a staging or
#                  test root: no system user is created, nothing is chowned, and the service manager
#                  is only called through an explicit SYSTEMCTL.
#   SYSTEMCTL      the service manager command (default systemctl when PALISADE_ROOT is /).

# Set by the script that sources this file, and used in every message.
: "${script:?set script before sourcing lib/host.sh}"
# The paths below are used by the scripts that source this file.
# shellcheck disable=SC2034
{
root="${PALISADE_ROOT:-/}"
root="${root%/}"
opt="$root/opt/palisade"
releases="$opt/releases"
current="$opt/current"
previous="$opt/previous"
etc="$root/etc/palisade"
config="$etc/palisade.yaml"
data="$root/var/lib/palisade"
unit="$root/etc/systemd/system/palisade.service"
service=palisade.service
service_user=palisade
}

say() { printf '%s: %s\n' "$script" "$*"; }
die() {
  printf '%s: %s\n' "$script" "$*" >&2
  exit 1
}
# die with a chosen exit code: die_with CODE MESSAGE
die_with() {
  printf '%s: %s\n' "$script" "$2" >&2
  exit "$1"
}

on_real_root() { [ -z "$root" ]; }

require_root_user() {
  if on_real_root && [ "$(id -u)" -ne 0 ]; then
    die "run as root (it writes /opt/palisade, /etc/palisade and the systemd unit)"
  fi
}

# The service manager, or nothing (with a note) on a staging root without an explicit SYSTEMCTL.
service_manager() {
  if [ -n "${SYSTEMCTL:-}" ]; then
    # shellcheck disable=SC2086 # SYSTEMCTL may carry options, e.g. "systemctl --no-ask-password"
    ${SYSTEMCTL} "$@"
  elif on_real_root; then
    systemctl "$@"
  else
    say "not calling systemctl $* (PALISADE_ROOT is $root; set SYSTEMCTL to manage a service there)"
  fi
}

# Runs a release's binary as the service user, so files it creates in the data directory stay the service's.
as_service_user() {
  if on_real_root && [ "$(id -u)" -eq 0 ] && id "$service_user" >/dev/null 2>&1; then
    runuser -u "$service_user" -- "$@"
  else
    "$@"
  fi
}

# The version of the release in directory $1: its VERSION file, else the first version-looking word of `bin/palisade --version`.
release_version() {
  local dir="$1" version=""
  if [ -f "$dir/VERSION" ]; then
    version="$(head -n 1 "$dir/VERSION" | tr -d '[:space:]')"
  elif [ -x "$dir/bin/palisade" ]; then
    version="$("$dir/bin/palisade" --version 2>/dev/null | head -n 1 | tr ' ' '\n' | grep -E '^[0-9]' | head -n 1 || true)"
  fi
  if ! printf '%s' "$version" | grep -Eq '^[A-Za-z0-9][A-Za-z0-9._+-]*$'; then
    die "cannot tell the version of the release in $dir (no VERSION file, or an unusable one: '$version')"
  fi
  printf '%s\n' "$version"
}

# Checks every file of the release in $1 against its SHA256SUMS, and that no file is missing from
# the list: a tampered, truncated, missing or smuggled-in file refuses the whole release.
verify_checksums() {
  local dir="$1" listed unlisted
  [ -f "$dir/SHA256SUMS" ] || die "the release in $dir has no SHA256SUMS: refusing to install an unverifiable release"
  if grep -Eq '^[0-9a-f]{64} [ *](/|.*(^|/)\.\.(/|$))' "$dir/SHA256SUMS"; then
    die "the release's SHA256SUMS names a path outside the release: refusing it"
  fi
  if ! (cd "$dir" && sha256sum --check --strict --quiet SHA256SUMS) >&2; then
    die "checksum mismatch in the release in $dir (see the files named above): refusing to install it; download the bundle again and check it against the published SHA256SUMS"
  fi
  listed="$(sed -E 's/^[0-9a-f]{64} [ *](\.\/)?//' "$dir/SHA256SUMS" | sort)"
  unlisted="$(cd "$dir" && find . -type f ! -path ./SHA256SUMS | sed 's|^\./||' | sort | comm -23 - <(printf '%s\n' "$listed"))"
  if [ -n "$unlisted" ]; then
    die "files in the release that SHA256SUMS does not list: $(printf '%s' "$unlisted" | tr '\n' ' ')- refusing to install it"
  fi
}

# The installed releases' versions, on one line (for messages).
installed_releases() {
  find "$releases" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f ' 2>/dev/null || true
}

# The version the symlink $1 (current or previous) points at, or nothing.
linked_version() {
  if [ -L "$1" ]; then
    basename "$(readlink "$1")"
  fi
}

# Points symlink $1 at releases/$2, atomically: a new link renamed over the old one.
point_link() {
  local link="$1" version="$2" staging
  staging="$opt/.$(basename "$link").$$"
  ln -sfn "releases/$version" "$staging"
  mv -T "$staging" "$link"
}

# Copies the release in $1 to releases/$2 (staged, then renamed into place). An identical release
# already there is kept; a different one under the same version is refused.
install_release() {
  local source="$1" version="$2" target="$releases/$2" staging
  mkdir -p "$releases"
  chmod 0755 "$opt" "$releases"
  if [ -d "$target" ]; then
    if cmp -s "$source/SHA256SUMS" "$target/SHA256SUMS" && (cd "$target" && sha256sum --check --strict --quiet SHA256SUMS) >/dev/null 2>&1; then
      say "release $version is already installed in $target (unchanged)"
      return 0
    fi
    die "$target already holds a different or damaged release $version: remove it first (it is not current), or install another version"
  fi
  staging="$releases/.$version.$$"
  rm -rf "$staging"
  cp -a "$source/." "$staging/"
  if on_real_root; then
    chown -R root:root "$staging"
  fi
  chmod -R go-w "$staging"
  mv -T "$staging" "$target"
  # The release's files keep the bundle's times; the folder's time says when it was installed (pruning goes by it).
  touch "$target"
  say "installed release $version in $target"
}

# Writes the unit (ours: local changes belong in a drop-in) and tells systemd.
install_unit() {
  local source="$1"
  mkdir -p "$(dirname "$unit")"
  install -m 0644 "$source/palisade.service" "$unit"
  service_manager daemon-reload
}

# The URL health is asked at: --url, else PALISADE_URL, else server.host/port read from a block-style config.
health_base_url() {
  local url="${1:-${PALISADE_URL:-}}" port host
  if [ -n "$url" ]; then
    printf '%s\n' "${url%/}"
    return
  fi
  port="$(awk '/^server:/{s=1;next} /^[^ #]/{s=0} s&&$1=="port:"{print $2; exit}' "$config" 2>/dev/null || true)"
  host="$(awk '/^server:/{s=1;next} /^[^ #]/{s=0} s&&$1=="host:"{print $2; exit}' "$config" 2>/dev/null || true)"
  case "$host" in "" | 0.0.0.0 | "::" | "[::]") host=127.0.0.1 ;; esac
  printf 'http://%s:%s\n' "$host" "${port:-4000}"
}

# Asks $1/health/ready until it answers 200, at most $2 times a second apart.
wait_until_ready() {
  local url="$1/health/ready" attempts="$2" attempt=1
  while [ "$attempt" -le "$attempts" ]; do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
      say "ready: $url"
      return 0
    fi
    attempt=$((attempt + 1))
    sleep 1
  done
  say "not ready after $attempts attempts: $url"
  return 1
}

# Whether the release $1 can run on the store: 0 yes, 4 the store is newer, anything else could not tell.
# Its JSON answer goes to standard output.
store_schema() {
  local version="$1" code=0
  as_service_user "$releases/$version/bin/palisade" store schema --config "$config" || code=$?
  return "$code"
}
