#!/usr/bin/env bash
# Vérifie le code avant les tests : types (tsc), lint (typescript-eslint) et mise en forme (Prettier),
# les trois en parallèle (chacun n'occupe qu'un cœur). Échoue si l'un d'eux échoue, après les avoir
# tous laissés finir et afficher ce qu'ils ont trouvé.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dossier="$(mktemp -d)"
trap 'rm -rf "$dossier"' EXIT
npx tsc --noEmit > "$dossier/types" 2>&1 & types=$!
npx eslint --max-warnings=0 . > "$dossier/lint" 2>&1 & lint=$!
npx prettier --check --log-level=warn . > "$dossier/forme" 2>&1 & forme=$!
echec=0
wait "$types" || { echo "[vérification] erreurs de types (tsc) :" >&2; cat "$dossier/types" >&2; echec=1; }
wait "$lint" || { echo "[vérification] erreurs de lint (eslint) :" >&2; cat "$dossier/lint" >&2; echec=1; }
wait "$forme" || { echo "[vérification] fichiers mal mis en forme (npx prettier --write . les corrige) :" >&2; cat "$dossier/forme" >&2; echec=1; }
exit "$echec"
