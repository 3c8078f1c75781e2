#!/usr/bin/env bash
# Ce que la suite de tests installe avant de commencer, en parallèle (chaque installation attend
# surtout le registre et le disque) : dépendances npm, CLI Temporal (PyPI), Chromium (Debian) et
# schemathesis (PyPI). Chacune est idempotente. Échoue si l'une échoue, après les avoir toutes
# laissées finir.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
pids=()
for script in installer-dependances install-temporal install-navigateur install-schemathesis; do
  bash "scripts/$script.sh" &
  pids+=("$!")
done
echec=0
for pid in "${pids[@]}"; do wait "$pid" || echec=1; done
[ "$echec" -eq 0 ] || echo "[installation] une installation a échoué (voir ci-dessus)" >&2
exit "$echec"
