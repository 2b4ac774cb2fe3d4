#!/usr/bin/env python3
"""A webhook receiver for the tests and the benchmark: an HTTP/1.1 server on a free port of
127.0.0.1 that appends one JSON line per request to LOG (arrival time in epoch ms, path, headers,
body) and answers with the status that STATUS_FILE holds (200 when it is missing or empty; a
list such as "500 200" answers each in turn, the last one repeating). Writes its port to
PORT_FILE once it listens.

usage: hook_receiver.py PORT_FILE LOG [STATUS_FILE] [PORT]"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port_file, log_path = sys.argv[1], sys.argv[2]
status_file = sys.argv[3] if len(sys.argv) > 3 else ""
port = int(sys.argv[4]) if len(sys.argv) > 4 else 0
lock = threading.Lock()
served = [0]


def next_status():
    if not status_file or not os.path.exists(status_file):
        return 200
    with open(status_file) as f:
        codes = f.read().split()
    if not codes:
        return 200
    i = min(served[0], len(codes) - 1)
    return int(codes[i])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes: with Nagle's algorithm the second waits for
    # the client's delayed ACK of the first (40 ms on Linux) on a kept-alive connection.
    disable_nagle_algorithm = True

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        now = time.time() * 1000
        with lock:
            status = next_status()
            served[0] += 1
            with open(log_path, "a") as log:
                log.write(json.dumps({"t": now, "path": self.path,
                                      "headers": {k: v for k, v in self.headers.items()},
                                      "body": body.decode("utf-8", "replace"),
                                      "answered": status}) + "\n")
        reply = b'{"ok": true}' if status < 300 else b'{"error": "try again"}'
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Receiver", "weft-test")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
