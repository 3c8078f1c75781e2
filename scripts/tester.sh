#!/usr/bin/env bash
# La suite de tests (appelée par « npm test », après l'installation) : la vérification du code
# (scripts/verifier-code.sh : tsc, eslint, prettier) tourne pendant les tests au lieu de les précéder.
# Les tests attendent souvent (Temporal, PostgreSQL, le navigateur) : la vérification occupe ce temps.
# Son compte rendu s'affiche à la fin ; la commande échoue si l'une ou l'autre échoue.
# Arguments : passés à vitest (un fichier, -t « nom »…).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
compte_rendu="$(mktemp)"
trap 'rm -f "$compte_rendu"' EXIT
echo "[vérification] types, lint et mise en forme pendant les tests (compte rendu à la fin)"
bash scripts/verifier-code.sh > "$compte_rendu" 2>&1 &
verification=$!
npx vitest run "$@"
tests=$?
wait "$verification"
code=$?
if [ "$code" -eq 0 ]; then
  echo "[vérification] types, lint et mise en forme : rien à redire"
else
  cat "$compte_rendu" >&2
fi
[ "$tests" -eq 0 ] && [ "$code" -eq 0 ]
