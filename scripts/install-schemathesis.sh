#!/usr/bin/env bash
# Installe schemathesis (PyPI, version épinglée) dans .schemathesis/ (ignoré par git), pour la suite
# de tests : il éprouve l'API contre son document OpenAPI. Un environnement Python à part (venv) ;
# si le module venv manque (Debian sans python3-venv), les paquets vont dans .schemathesis/site et
# un petit lanceur .schemathesis/bin/st les utilise. Idempotent : ne refait rien quand la bonne
# version est déjà là.
set -euo pipefail

VERSION="4.32.5"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.schemathesis"
stamp="$dest/version"

if [[ -x "$dest/bin/st" && -f "$stamp" && "$(cat "$stamp")" == "$VERSION" ]]; then exit 0; fi
echo "[schemathesis] installation de schemathesis $VERSION (PyPI) dans .schemathesis/…" >&2
rm -rf "$dest"
mkdir -p "$dest/bin"
if python3 -m venv "$dest/venv" >/dev/null 2>&1; then
  "$dest/venv/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
  ln -s ../venv/bin/st "$dest/bin/st"
else
  echo "[schemathesis] module venv absent : installation dans .schemathesis/site" >&2
  python3 -m pip install --quiet --disable-pip-version-check --target "$dest/site" "schemathesis==$VERSION" >&2
  cat > "$dest/bin/st" <<LANCEUR
#!/usr/bin/env bash
PYTHONPATH="$dest/site\${PYTHONPATH:+:\$PYTHONPATH}" exec python3 -c 'import sys; from schemathesis.cli import schemathesis; sys.argv[0] = "st"; sys.exit(schemathesis())' "\$@"
LANCEUR
  chmod +x "$dest/bin/st"
fi
echo "$VERSION" > "$stamp"
