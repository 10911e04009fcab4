"""The real registry server for the tests: `node -r @swc-node/register src/main.ts` from the
repository root, local mode, embedded SQLite in a temporary DATA_DIR, a free port (PORT=0)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from typing import List, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
START_TIMEOUT = 120


class Server:
    def __init__(self) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="py-client-")
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("DATABASE_URL", "NODE_ENV", "AUTH_JWKS_URL", "AUTH_ADMINS",
                                 "MODEL_REGISTRY_URL", "MODEL_REGISTRY_TOKEN")}
        self.env.update(DATA_DIR=self.data_dir, HOST="127.0.0.1", LOG_LEVEL="warn",
                        XDG_CONFIG_HOME=os.path.join(self.data_dir, "config"))
        self.proc: Optional[subprocess.Popen] = None
        self.url = ""
        self.output: List[str] = []

    def start(self) -> "Server":
        self.proc = subprocess.Popen(
            ["node", "-r", "@swc-node/register", "src/main.ts"], cwd=ROOT, env={**self.env, "PORT": "0"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        ready = threading.Event()

        def read() -> None:
            assert self.proc and self.proc.stdout
            for line in self.proc.stdout:
                self.output.append(line)
                m = re.search(r"Model registry ready at (http://\S+)/graphql", line)
                if m:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(START_TIMEOUT) or not self.url:
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.output))
        return self

    def token(self, subject: str) -> str:
        """A local-mode token, minted as the README says (`npm run -s token -- SUBJECT`)."""
        out = subprocess.run(["node", "-r", "@swc-node/register", "src/cli/token.ts", subject], cwd=ROOT,
                             env=self.env, check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        shutil.rmtree(self.data_dir, ignore_errors=True)
