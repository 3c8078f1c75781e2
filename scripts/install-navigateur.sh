#!/usr/bin/env bash
# Installe Chromium de Debian pour les tests de l'interface (playwright-core le pilote, sans
# téléchargement de navigateur). Idempotent : ne fait rien si le navigateur est déjà là.
# CHROMIUM_PATH désigne un autre exécutable.
set -euo pipefail
chemin="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$chemin" ]; then exit 0; fi
echo "[navigateur] Chromium absent : installation du paquet Debian chromium" >&2
sudo_="";
if [ "$(id -u)" != "0" ]; then sudo_="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo_ apt-get install -y -q chromium >/dev/null 2>&1 || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q chromium >/dev/null; }
[ -x "$chemin" ] || { echo "[navigateur] Chromium introuvable après installation ($chemin)" >&2; exit 1; }
