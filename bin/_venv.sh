# Sourced by bin/run, bin/test and bin/serve: go to the project, make .venv and install the
# project with its development tools (again only when pyproject.toml has changed). bin/serve
# sets VENV_EXTRAS="" to install the project without them (a .venv that has them will do).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2
    exit 1
}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
EXTRAS="${VENV_EXTRAS-[dev]}"
hash="$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest()[:16])')"
with_tools=".venv/.installed-$hash-dev"
without_tools=".venv/.installed-$hash"
if [ -n "$EXTRAS" ]; then stamp="$with_tools"; else stamp="$without_tools"; fi
if [ ! -f "$with_tools" ] && [ ! -f "$stamp" ]; then
    echo "Installing the project into .venv ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --editable ".$EXTRAS"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
