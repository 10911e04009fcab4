"""A proxy in front of the real server that can cut a download mid-stream (like test/support/cli.ts's
cutting proxy) or answer a range with one that does not continue the caller's ``.part``."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}


class CuttingProxy:
    def __init__(self, target: str) -> None:
        self.target = urllib.parse.urlsplit(target)
        self.cut_after: Optional[int] = None
        self.wrong_range = False
        self.downloads: List[Dict[str, Any]] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                proxy._forward(self)

            def do_POST(self) -> None:
                proxy._forward(self)

            def do_HEAD(self) -> None:
                proxy._forward(self)

            def do_PUT(self) -> None:
                proxy._forward(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _forward(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length) if length else None
        headers = {k: v for k, v in h.headers.items() if k.lower() not in _HOP_BY_HOP}
        is_download = h.command == "GET" and "/blobs/" in h.path
        wrong_range = is_download and self.wrong_range and "Range" in headers
        if wrong_range:  # ask for the whole file, then label it as a range that starts at 0
            self.wrong_range = False
            headers.pop("Range")
            headers.pop("If-Range", None)
        conn = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=60)
        conn.request(h.command, h.path, body=body, headers=headers)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        status = res.status
        out_headers = [(k, v) for k, v in res.getheaders() if k.lower() not in _HOP_BY_HOP]
        if wrong_range and status == 200:
            status = 206
            out_headers.append(("Content-Range", f"bytes 0-{len(data) - 1}/{len(data)}"))
        cut = self.cut_after if is_download else None
        if is_download:
            self.cut_after = None
            self.downloads.append({"range": h.headers.get("Range"), "status": status,
                                   "bytes": len(data) if cut is None else min(cut, len(data))})
        h.send_response(status)
        for k, v in out_headers:
            h.send_header(k, v)
        h.send_header("Connection", "close")
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(data if cut is None else data[:cut])
        h.wfile.flush()
        h.close_connection = True
