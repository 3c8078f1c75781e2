#!/usr/bin/env bash
# Vérifie le code : types et lint (scripts/types-et-lint.ts : tsc et typescript-eslint sur un même
# calcul des types) et mise en forme (Prettier), les deux en parallèle. Échoue si l'un d'eux échoue,
# après les avoir laissés finir et afficher ce qu'ils ont trouvé.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
dossier="$(mktemp -d)"
trap 'rm -rf "$dossier"' EXIT
npx tsx scripts/types-et-lint.ts > "$dossier/types-lint" 2>&1 & types_lint=$!
npx prettier --check --log-level=warn . > "$dossier/forme" 2>&1 & forme=$!
echec=0
wait "$types_lint" || { cat "$dossier/types-lint" >&2; echec=1; }
wait "$forme" || { echo "[vérification] fichiers mal mis en forme (npx prettier --write . les corrige) :" >&2; cat "$dossier/forme" >&2; echec=1; }
exit "$echec"
