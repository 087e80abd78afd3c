#!/usr/bin/env bash
# Installs what `make run` and `make test` need on a fresh Debian machine, and nothing twice:
# uv (from PyPI), the locked Python environment, and as root the Debian packages
# rabbitmq-server and postgresql (for the integration tests' private servers), and chromium
# with fonts-noto-cjk (the console's browser tests; Chinese renders instead of boxes).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v uv >/dev/null 2>&1; then
  echo "setup: installing uv" >&2
  python3 -m pip install --quiet uv
fi
# --compile-bytecode: every test starts dozens of Python processes (services, workers, gunicorn,
# inner pytest sessions), and where PYTHONDONTWRITEBYTECODE is set (this machine) each would
# compile every library it imports from source again: about 2.5 s of CPU per process start.
# Compiled once here, that cost is gone; when nothing changed this takes under a second.
uv sync --frozen --quiet --compile-bytecode

need=()
command -v rabbitmq-server >/dev/null 2>&1 || [ -x /usr/sbin/rabbitmq-server ] || need+=(rabbitmq-server)
command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] && compgen -G "/usr/share/fonts/opentype/noto/NotoSansCJK*" >/dev/null || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: please install the Debian packages: ${need[*]} (needs root)" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]} (Debian packages; takes a minute or two)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
