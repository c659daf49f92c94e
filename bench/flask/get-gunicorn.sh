#!/bin/sh
# Puts gunicorn where bench:actors looks for it, without touching any Python installation: Debian's
# python3-gunicorn (pure Python) is downloaded and unpacked into a cache directory that the bench
# adds to PYTHONPATH. Flask itself must come from the Python that runs it (`python3 -c 'import
# flask'`); on a machine without it: `apt-get install python3-flask` and BENCH_FLASK_PYTHON=/usr/bin/python3.
# Alternative for the system Python: `apt-get install gunicorn python3-flask`, then
# BENCH_FLASK_PYTHON=/usr/bin/python3 npm run bench:actors.
#   sh bench/flask/get-gunicorn.sh        (BENCH_GUNICORN_DIR overrides where it goes)
set -eu
dest="${BENCH_GUNICORN_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ecs-gitops-bench/gunicorn}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# apt-get download writes into the current directory.
(cd "$work" && apt-get download python3-gunicorn)
mkdir -p "$dest"
dpkg -x "$work"/python3-gunicorn_*.deb "$dest"
echo "gunicorn unpacked into $dest/usr/lib/python3/dist-packages"
