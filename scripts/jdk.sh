# Sourced by ./palisade, bench/run and bench/jmh/run: one definition of which JDK runs Palisade
# and when target/palisade.jar is rebuilt. Needs ROOT (the repository) set by the caller.

PALISADE_REQUIRED_JDK=21

java_major() {
  "$1" -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# Prints the first JDK >= 21 among JAVA_HOME, the `java` on PATH and /usr/lib/jvm/*.
find_jdk() {
  local candidates=() home version
  if [ -n "${JAVA_HOME:-}" ]; then candidates+=("$JAVA_HOME"); fi
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  for home in /usr/lib/jvm/*; do candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || continue
    version="$(java_major "$home/bin/java")"
    if [ -n "$version" ] && [ "$version" -ge "$PALISADE_REQUIRED_JDK" ]; then
      echo "$home"
      return 0
    fi
  done
  return 1
}

# Sets JDK and JAVA_HOME (and MAVEN_OPTS for JDK 24+), or explains and exits. $1: who is asking.
use_jdk() {
  if ! JDK="$(find_jdk)"; then
    echo "$1: no JDK $PALISADE_REQUIRED_JDK or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*)." >&2
    echo "$1: install one (e.g. 'apt-get install openjdk-21-jdk') or point JAVA_HOME at it." >&2
    exit 2
  fi
  export JAVA_HOME="$JDK"
  # Maven itself (Guice) touches sun.misc.Unsafe; JDK 24+ warns about it on every build.
  if [ "$(java_major "$JDK/bin/java")" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
  fi
}

jar_is_stale() {
  [ ! -f "$ROOT/target/palisade.jar" ] && return 0
  [ -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$ROOT/target/palisade.jar" -print -quit 2>/dev/null)" ]
}

# Builds target/palisade.jar when it is missing or older than the sources. Two callers started at
# once (serve and simulate in two terminals) take turns on a lock instead of building together.
ensure_jar() {
  jar_is_stale || return 0
  mkdir -p "$ROOT/target"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$ROOT/target/.build.lock"
    flock 9
  fi
  if jar_is_stale; then
    echo "palisade: building $ROOT/target/palisade.jar (first run or sources changed)…" >&2
    (cd "$ROOT" && ./mvnw -B -q -ntp -DskipTests package) >&2
  fi
  if command -v flock >/dev/null 2>&1; then
    flock -u 9
  fi
}
