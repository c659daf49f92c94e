// Finds a Python that can run bench/flask/actors_app.py under gunicorn (the Flask+gunicorn baseline
// of bench:actors) and says how to get one when there is none. Looked for, in order: the Python in
// BENCH_FLASK_PYTHON, else `python3` then `/usr/bin/python3`; each with the directory
// bench/flask/get-gunicorn.sh unpacks gunicorn into (BENCH_GUNICORN_DIR) on its PYTHONPATH.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface FlaskGunicorn {
  python: string;
  /** PYTHONPATH to run it with ('' when the Python finds gunicorn on its own). */
  pythonPath: string;
  /** e.g. 'Python 3.11.7, Flask 3.1.3, Werkzeug 3.1.8, gunicorn 20.1.0'. */
  versions: string;
}

export const GET_GUNICORN =
  'sh bench/flask/get-gunicorn.sh (Debian python3-gunicorn unpacked into a cache directory; needs apt) ' +
  'or apt-get install gunicorn python3-flask and BENCH_FLASK_PYTHON=/usr/bin/python3';

function gunicornDir(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return process.env.BENCH_GUNICORN_DIR ?? join(cache, 'ecs-gitops-bench', 'gunicorn');
}

const PROBE = [
  'import sys, importlib.metadata as m, flask, gunicorn',
  "print(f\"Python {sys.version.split()[0]}, Flask {m.version('flask')}, Werkzeug {m.version('werkzeug')}, gunicorn {gunicorn.__version__}\")",
].join('\n');

/** The first Python that imports flask and gunicorn, or undefined (then print GET_GUNICORN). */
export function findFlaskGunicorn(): FlaskGunicorn | undefined {
  const unpacked = join(gunicornDir(), 'usr', 'lib', 'python3', 'dist-packages');
  const pythonPath = existsSync(unpacked) ? unpacked : '';
  const candidates = process.env.BENCH_FLASK_PYTHON
    ? [process.env.BENCH_FLASK_PYTHON]
    : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    try {
      const versions = execFileSync(python, ['-c', PROBE], {
        env: { ...process.env, PYTHONPATH: pythonPath },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 20_000,
      }).trim();
      return { python, pythonPath, versions };
    } catch {
      // Not this one (no such Python, or flask or gunicorn missing): try the next.
    }
  }
  return undefined;
}

/** The command line of one sync gunicorn worker serving the Flask app, as the original ran. */
export function gunicornArgs(port: number): string[] {
  return [
    '-m',
    'gunicorn',
    '--workers',
    '1',
    '--worker-class',
    'sync',
    '--bind',
    `127.0.0.1:${port}`,
    '--chdir',
    'bench/flask',
    'actors_app:app',
  ];
}
