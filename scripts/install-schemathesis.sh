#!/usr/bin/env bash
# Installe schemathesis (PyPI, version épinglée) dans un environnement Python à part, .schemathesis/
# (ignoré par git), pour la suite de tests : il éprouve l'API contre son document OpenAPI.
# Idempotent : ne refait rien quand la bonne version est déjà là.
set -euo pipefail

VERSION="4.32.5"
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.schemathesis/venv"
stamp="$root/.schemathesis/version"

if [[ -x "$venv/bin/st" && -f "$stamp" && "$(cat "$stamp")" == "$VERSION" ]]; then exit 0; fi
echo "[schemathesis] installation de schemathesis $VERSION (PyPI) dans .schemathesis/…" >&2
rm -rf "$root/.schemathesis"
mkdir -p "$root/.schemathesis"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
echo "$VERSION" > "$stamp"
