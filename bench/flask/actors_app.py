"""The actors service as the original Flask app served it: bench:actors' Flask+gunicorn baseline.

The same routes, basic auth and data as service/ (the bench checks GET /actors answers the same
JSON): GET /actors and GET /actors/<id> behind HTTP basic auth (401 with a WWW-Authenticate
challenge), 400 for a non-integer id, 404 for an unknown one, /health and /version open, errors as
{"error": {"code", "message"}}. Written the way a Flask app is: jsonify on every request, the
credentials checked in a decorator. Run as the original would be, one sync gunicorn worker:

    ACTORS_AUTH_USER=u ACTORS_AUTH_PASSWORD=p \
      python3 -m gunicorn --workers 1 --worker-class sync --bind 127.0.0.1:5000 \
      --chdir bench/flask actors_app:app
"""

import hashlib
import hmac
import os
import re
from functools import wraps

from flask import Flask, jsonify, request

ACTORS = [
    {"id": 1, "actor": "William Shatner", "role": "James T"},
    {"id": 2, "actor": "Leonard Nimoy", "role": "Spock"},
    {"id": 3, "actor": "DeForest Kelley", "role": "Leonard McCoy"},
    {"id": 4, "actor": "James Doohan", "role": "Montgomery Scott"},
    {"id": 5, "actor": "George Takei", "role": "Hikaru Sulu"},
    {"id": 6, "actor": "Walter Koenig", "role": "Pavel Chekov"},
    {"id": 7, "actor": "Nichelle Nichols", "role": "Nyota Uhura"},
    {"id": 8, "actor": "Majel Barrett", "role": "Christine Chapel"},
]
ACTORS_BY_ID = {actor["id"]: actor for actor in ACTORS}
CHALLENGE = 'Basic realm="actors", charset="UTF-8"'
INTEGER_ID = re.compile(r"^-?\d{1,15}$")

app = Flask(__name__)
# The service's key order (id, actor, role), so both answer the same bytes.
app.json.sort_keys = False


def _digest(user, password):
    return hashlib.sha256(f"{user}:{password}".encode("utf-8")).digest()


EXPECTED = _digest(os.environ["ACTORS_AUTH_USER"], os.environ["ACTORS_AUTH_PASSWORD"])


def error(status, code, message, headers=None):
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    response.headers.update(headers or {})
    return response


def requires_auth(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        auth = request.authorization
        # Equal-length digests (something is hashed even without credentials), compared in constant
        # time, as the service does.
        basic = auth is not None and auth.type == "basic"
        given = _digest(auth.username, auth.password) if basic else _digest("", "\0")
        if not hmac.compare_digest(given, EXPECTED):
            return error(
                401,
                "UNAUTHORIZED",
                "valid basic auth credentials are required",
                {"WWW-Authenticate": CHALLENGE, "Cache-Control": "private, no-store"},
            )
        response = view(*args, **kwargs)
        response.headers["Cache-Control"] = "private, no-store"
        return response

    return guarded


@app.get("/actors")
@requires_auth
def list_actors():
    return jsonify(ACTORS)


@app.get("/actors/<raw_id>")
@requires_auth
def get_actor(raw_id):
    if not INTEGER_ID.match(raw_id):
        return error(400, "BAD_REQUEST", f"actor id must be an integer, got '{raw_id[:40]}'")
    actor = ACTORS_BY_ID.get(int(raw_id))
    if actor is None:
        return error(404, "NOT_FOUND", f"no actor with id {int(raw_id)}")
    return jsonify(actor)


@app.get("/health")
def health():
    response = jsonify({"status": "ok"})
    response.headers["Cache-Control"] = "no-store"
    return response


@app.get("/version")
def version():
    def env(name):
        return os.environ.get(name, "").strip() or None

    response = jsonify(
        {
            "digest": env("DEPLOY_IMAGE_DIGEST"),
            "revision": env("DEPLOY_REVISION"),
            "image": env("DEPLOY_IMAGE"),
            "version": "flask",
        }
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@app.errorhandler(404)
def not_found(_error):
    return error(404, "NOT_FOUND", f"no route {request.method} {request.path[:120]}")


@app.errorhandler(405)
def method_not_allowed(_error):
    return error(405, "METHOD_NOT_ALLOWED", f"{request.method} is not allowed on {request.path[:120]}")
