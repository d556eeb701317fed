# Shared helpers of the scripts in this folder; sourced, not run.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVER_JAR="$ROOT/workspace-server/target/workspace-server-0.1.0-SNAPSHOT.jar"
CLI_JAR="$ROOT/workspace-cli/target/workspace-cli-0.1.0-SNAPSHOT.jar"

# Runs a command as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs Debian packages that are missing: need_packages CMD:PACKAGE ...
need_packages() {
  local missing=()
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    as_root apt-get -o DPkg::Lock::Timeout=600 update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Builds the server jar when it is missing or older than any source file.
build_if_needed() {
  need_packages java:openjdk-17-jdk-headless mvn:maven
  if [ ! -f "$SERVER_JAR" ] || [ ! -f "$CLI_JAR" ] || [ -n "$(find "$ROOT" -path '*/src/main/*' -newer "$SERVER_JAR" -print -quit)" ] \
      || [ -n "$(find "$ROOT" -name pom.xml -newer "$SERVER_JAR" -print -quit)" ]; then
    echo "building..." >&2
    (cd "$ROOT" && mvn -q -B -ntp -DskipTests install) >&2
  fi
}

# Runs several test scripts at once, each with its output in a file printed when it ends; fails when any failed.
run_parallel() {
  local dir pids=() names=() status=0 i
  dir="$(mktemp -d)"
  for cmd in "$@"; do
    "$ROOT/$cmd" >"$dir/${cmd//\//_}.log" 2>&1 &
    pids+=($!)
    names+=("$cmd")
  done
  for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
      echo "== ${names[$i]}: passed" >&2
    else
      echo "== ${names[$i]}: FAILED" >&2
      status=1
    fi
    cat "$dir/${names[$i]//\//_}.log"
  done
  rm -rf "$dir"
  return $status
}
