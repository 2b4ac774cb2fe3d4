#!/usr/bin/env python3
"""Sends bytes over one TCP connection and prints what comes back, for the integration tests that
need what curl hides: a body after a HEAD response, a reply before the request body is sent.

usage: rawhttp.py HOST PORT [--until-headers] [--timeout SECONDS] [--chunked-body N --chunk M]

Standard input is sent as is. With --chunked-body, N bytes of body follow standard input as
HTTP chunks of M bytes each, without the final zero-length chunk (a body that keeps growing);
sending stops quietly if the server closes, and "sent N" on standard error tells how much went. Reads until the server closes the connection, or,
with --until-headers, until the response headers are complete. Exit 0, 3 on timeout (what arrived
is still printed), 4 when the connection could not be made.
"""
import socket
import sys
import time


def main():
    args = sys.argv[1:]
    host, port = args[0], int(args[1])
    until_headers = "--until-headers" in args
    timeout = float(args[args.index("--timeout") + 1]) if "--timeout" in args else 5.0
    chunked = int(args[args.index("--chunked-body") + 1]) if "--chunked-body" in args else 0
    chunk = int(args[args.index("--chunk") + 1]) if "--chunk" in args else 4096
    request = sys.stdin.buffer.read()
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except OSError as e:
        sys.stderr.write("connect: %s\n" % e)
        return 4
    received = b""
    status = 0
    sent = 0
    try:
        sock.sendall(request)
        while sent < chunked:
            n = min(chunk, chunked - sent)
            try:
                sock.sendall(b"%x\r\n" % n + b"a" * n + b"\r\n")
            except OSError:
                break
            sent += n
        while True:
            if until_headers and b"\r\n\r\n" in received:
                break
            left = deadline - time.monotonic()
            if left <= 0:
                status = 3
                break
            sock.settimeout(left)
            try:
                data = sock.recv(65536)
            except socket.timeout:
                status = 3
                break
            except ConnectionResetError:
                break
            if not data:
                break
            received += data
    finally:
        sock.close()
    if chunked:
        sys.stderr.write("sent %d\n" % sent)
    sys.stdout.buffer.write(received)
    return status


if __name__ == "__main__":
    sys.exit(main())
