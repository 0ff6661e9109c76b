#!/usr/bin/env bash
# The build steps of the image (deploy/Dockerfile runs this script; tests/test_deploy.py runs
# it too, into a fresh venv, so what the image does is what the tests check).
#   deploy/image-steps.sh SOURCE REQUIREMENTS VENV [WHEELS]
# SOURCE        the host's source tree (a clone; the image's build context)
# REQUIREMENTS  the module set: a file made by `openimis-host modules freeze`
#               (or `modules freeze --openimis-json openimis.json`)
# VENV          where the host, its modules and its backends are installed
# WHEELS        optional: a folder of distributions on no package index (your own modules)
set -euo pipefail
if [ "$#" -lt 3 ]; then
  echo "usage: deploy/image-steps.sh SOURCE REQUIREMENTS VENV [WHEELS]" >&2
  exit 2
fi
source_dir=$1 requirements=$2 venv=$3 wheels=${4:-}
[ -f "$requirements" ] || {
  echo "image-steps: $requirements: no such file; make it with" \
       "\`openimis-host modules freeze > requirements.txt\`" >&2
  exit 2
}
python3 -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-cache-dir)
"${pip[@]}" install -q -U pip setuptools wheel
# The host as a wheel, as an index would serve it (the wheel carries static files,
# templates and scaffolds), so that the requirements' openimis-host pin finds it.
built=$(mktemp -d)
"${pip[@]}" wheel -q --no-deps -w "$built" "$source_dir"
links=(--find-links "$built")
[ -z "$wheels" ] || [ ! -d "$wheels" ] || links+=(--find-links "$wheels")
host_wheel=$(ls "$built"/openimis_host-*.whl)
# The backends a deployment uses (PostgreSQL, Redis, Celery on RabbitMQ), plus the module set.
"${pip[@]}" install -q "${links[@]}" "$host_wheel[postgres,celery,redis]" -r "$requirements"
rm -rf "$built"
# Every module must assemble: a broken module fails the build, not the first start.
scratch=$(mktemp -d)
(cd "$scratch" && SQLITE_PATH="$scratch/db.sqlite3" "$venv/bin/openimis-host" modules >/dev/null)
rm -rf "$scratch"
echo "image-steps: openimis-host $("$venv/bin/python" -c 'import openimis_host; print(openimis_host.__version__)')" \
     "and $(grep -cv '^\s*\(#\|$\)' "$requirements") requirement(s) installed in $venv"
