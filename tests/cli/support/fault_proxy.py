"""A fault-injecting HTTP/1.1 proxy between lakeops and moto: does lakeops survive S3 faults?

    python fault_proxy.py --target http://127.0.0.1:MOTO_PORT [--port 0] [--fail-rate 0.2]
        [--reset-rate 0.1] [--truncate-rate 0.1] [--seed 1] [--log FILE]

Listens on 127.0.0.1:--port (0: the OS picks), prints the port as one line on stdout once it is
listening, then serves until killed. Standard library only; one daemon thread per client
connection, keep-alive (many requests per connection), one upstream connection per client
connection (reopened when moto closes it).

Each request is read in full (Content-Length or chunked body; an `Expect: 100-continue` is answered
here with `100 Continue` and not forwarded), then one draw from a seeded random.Random, taken
under a lock in arrival order, picks its fate:
  * fail-rate:     not forwarded; answered `503 Slow Down` with an S3 `SlowDown` XML error, and the
                   connection stays usable;
  * reset-rate:    not forwarded; the client connection is reset (SO_LINGER 0, so ECONNRESET);
  * truncate-rate: forwarded; if it is a GET whose response body (as framed on the wire) is longer
                   than 1024 bytes, the client gets the status line, the headers and about half of
                   the body, then a reset. Otherwise it is relayed normally;
  * otherwise:     forwarded and relayed normally.
Rates are all 0 by default (a transparent proxy) and must add up to at most 1.

Everything else is verbatim: request line, header lines (case, order, Host), body bytes including
any chunked/aws-chunked framing, and the response's status line, headers and body framing.

--log FILE appends `METHOD TARGET -> OUTCOME` per request (OUTCOME: ok, 503, reset, truncated, or
502 when moto could not be reached and the proxy answered 502 itself), flushed line by line."""
import argparse
import random
import signal
import socket
import socketserver
import struct
import sys
import threading
import urllib.parse

MAX_LINE = 65536
MAX_HEADERS = 200
SLOW_DOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message><RequestId>fault-proxy</RequestId></Error>"
)


class Closed(Exception):
    """The peer closed the connection (at a point where that may be normal)."""


class Upstream(Exception):
    """The target could not be reached or answered something unusable."""


def read_line(f):
    line = f.readline(MAX_LINE + 1)
    if not line:
        raise Closed()
    if len(line) > MAX_LINE:
        raise ValueError("line too long")
    return line


def read_exact(f, n):
    data = f.read(n)
    if data is None or len(data) < n:
        raise Closed()
    return data


def read_head(f):
    """Reads a start line and header lines.

    Returns (start_line, [raw header lines], {lower-case name: value})."""
    start = read_line(f)
    while start in (b"\r\n", b"\n"):  # stray CRLF between messages (RFC 9112 2.2)
        start = read_line(f)
    lines, fields = [], {}
    while True:
        line = read_line(f)
        if line in (b"\r\n", b"\n"):
            break
        if len(lines) >= MAX_HEADERS:
            raise ValueError("too many headers")
        lines.append(line)
        name, _, value = line.partition(b":")
        key = name.strip().lower().decode("latin-1")
        value = value.strip().decode("latin-1")
        fields[key] = f"{fields[key]}, {value}" if key in fields else value
    return start, lines, fields


def is_chunked(fields):
    te = fields.get("transfer-encoding", "")
    codings = [c.strip().lower() for c in te.split(",") if c.strip()]
    return bool(codings) and codings[-1] == "chunked"


def read_chunked_raw(f):
    """Reads a chunked body (chunks, last chunk, trailers); returns its bytes exactly as framed."""
    out = bytearray()
    while True:
        line = read_line(f)
        out += line
        size = int(line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            break
        out += read_exact(f, size + 2)  # data and its CRLF
    while True:  # trailer section, up to the empty line
        line = read_line(f)
        out += line
        if line in (b"\r\n", b"\n"):
            return bytes(out)


def read_body(f, fields, until_close=False):
    if is_chunked(fields):
        return read_chunked_raw(f)
    if "content-length" in fields:
        n = int(fields["content-length"].split(",")[0].strip())
        return read_exact(f, n) if n else b""
    if until_close:
        return f.read()
    return b""


def wants_close(version, fields):
    tokens = {t.strip().lower() for t in fields.get("connection", "").split(",")}
    if "close" in tokens:
        return True
    return version == "HTTP/1.0" and "keep-alive" not in tokens


def reset(sock, reader=None):
    """Closes `sock` with an RST (SO_LINGER on, 0 s), so the peer sees ECONNRESET."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    if reader is not None:
        try:
            reader.close()  # the socket's fd stays open while a makefile() object refers to it
        except OSError:
            pass
    try:
        sock.close()
    except OSError:
        pass


class Faults:
    def __init__(self, args):
        self.fail, self.reset, self.truncate = args.fail_rate, args.reset_rate, args.truncate_rate
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None
        self.log_lock = threading.Lock()

    def draw(self):
        """One draw per request, in arrival order: 'fail', 'reset', 'truncate' or None."""
        with self.lock:
            r = self.rng.random()
        if r < self.fail:
            return "fail"
        if r < self.fail + self.reset:
            return "reset"
        if r < self.fail + self.reset + self.truncate:
            return "truncate"
        return None

    def record(self, method, target, outcome):
        if self.log is None:
            return
        with self.log_lock:
            self.log.write(f"{method} {target} -> {outcome}\n")
            self.log.flush()


class UpstreamConn:
    """One keep-alive connection to the target, opened lazily and reopened after it closes."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.sock = self.reader = None
        self.used = False  # whether a response already came over this connection

    def close(self):
        for thing in (self.reader, self.sock):
            if thing is not None:
                try:
                    thing.close()
                except OSError:
                    pass
        self.sock = self.reader = None
        self.used = False

    def exchange(self, raw_request, method):
        """Sends a request; returns (status_line, header_lines, fields, body, framed_by_close).
        Retries once on a fresh connection when a reused one turns out to be closed before any
        response came."""
        for attempt in (0, 1):
            reused = self.sock is not None and self.used
            try:
                if self.sock is None:
                    self.sock = socket.create_connection((self.host, self.port), timeout=300)
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    self.reader = self.sock.makefile("rb")
                self.sock.sendall(raw_request)
                status, lines, fields = read_head(self.reader)
            except (Closed, OSError) as e:
                self.close()
                if reused and attempt == 0:
                    continue
                raise Upstream(f"no response from target: {e!r}") from e
            try:
                while True:
                    version, code = self.parse_status(status)
                    if 100 <= code < 200 and code != 101:  # interim; the final response follows
                        status, lines, fields = read_head(self.reader)
                        continue
                    break
                if code == 101:
                    raise Upstream("protocol switching is not supported")
                no_body = method == "HEAD" or code in (204, 304)
                body = b"" if no_body else read_body(self.reader, fields, until_close=True)
                framed_by_close = (
                    not no_body and not is_chunked(fields) and "content-length" not in fields
                )
                if framed_by_close or wants_close(version, fields):
                    self.close()
                else:
                    self.used = True
                return status, lines, fields, body, framed_by_close
            except (Closed, OSError, ValueError) as e:
                self.close()
                raise Upstream(f"bad response from target: {e!r}") from e

    @staticmethod
    def parse_status(status):
        parts = status.decode("latin-1").split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError(f"bad status line {status!r}")
        return parts[0], int(parts[1])


def make_handler(faults, host, port):
    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            sock = self.request
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            reader = sock.makefile("rb")
            upstream = UpstreamConn(host, port)
            try:
                while self.one(sock, reader, upstream):
                    pass
            except (Closed, ConnectionError, TimeoutError):
                pass  # the client went away, or we reset it
            except OSError:
                pass
            except Exception as e:  # a malformed request, a bug: drop this connection only
                print(f"fault_proxy: connection error: {e!r}", file=sys.stderr, flush=True)
            finally:
                upstream.close()
                try:
                    reader.close()
                except OSError:
                    pass

        def one(self, sock, reader, upstream):
            """Serves one request; returns whether the connection stays open."""
            start, lines, fields = read_head(reader)
            parts = start.decode("latin-1").split()
            if len(parts) != 3:
                raise ValueError(f"bad request line {start!r}")
            method, target, version = parts
            forwarded = lines
            if fields.get("expect", "").lower() == "100-continue":
                if version != "HTTP/1.0":
                    sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                forwarded = [l for l in lines if l.split(b":", 1)[0].strip().lower() != b"expect"]
            body = read_body(reader, fields)
            close = wants_close(version, fields)

            fault = faults.draw()
            if fault == "fail":
                faults.record(method, target, "503")
                head = (
                    "HTTP/1.1 503 Slow Down\r\n"
                    "Content-Type: application/xml\r\n"
                    f"Content-Length: {len(SLOW_DOWN)}\r\n"
                    "x-amz-request-id: fault-proxy\r\n"
                    + ("Connection: close\r\n" if close else "")
                    + "\r\n"
                )
                sock.sendall(head.encode("latin-1") + (b"" if method == "HEAD" else SLOW_DOWN))
                return not close
            if fault == "reset":
                faults.record(method, target, "reset")
                reset(sock, reader)
                return False

            raw = start + b"".join(forwarded) + b"\r\n" + body
            try:
                status, rlines, rfields, rbody, framed_by_close = upstream.exchange(raw, method)
            except Upstream as e:
                faults.record(method, target, "502")
                msg = str(e).encode("latin-1", "replace")
                sock.sendall(
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                    + f"Content-Length: {len(msg)}\r\n\r\n".encode("latin-1")
                    + msg
                )
                return False
            head = status + b"".join(rlines) + b"\r\n"
            if fault == "truncate" and method == "GET" and len(rbody) > 1024:
                faults.record(method, target, "truncated")
                sock.sendall(head + rbody[: len(rbody) // 2])
                reset(sock, reader)
                return False
            faults.record(method, target, "ok")
            sock.sendall(head + rbody)
            rversion = status.split(None, 1)[0].decode("latin-1")
            return not (close or framed_by_close or wants_close(rversion, rfields))

    return Handler


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        pass  # handle() already reports what is worth reporting


def rate(text):
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a probability in [0, 1]")
    return value


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--target", required=True, help="http://HOST:PORT of the S3 server (moto)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free one)")
    p.add_argument("--fail-rate", type=rate, default=0.0, help="probability of a 503 SlowDown")
    p.add_argument("--reset-rate", type=rate, default=0.0, help="probability of a connection reset")
    p.add_argument("--truncate-rate", type=rate, default=0.0, help="probability of a cut GET body")
    p.add_argument("--seed", type=int, default=1, help="seed of the fault sequence")
    p.add_argument("--log", help="append a `METHOD TARGET -> OUTCOME` line per request here")
    args = p.parse_args()
    if args.fail_rate + args.reset_rate + args.truncate_rate > 1.0 + 1e-9:
        p.error("--fail-rate + --reset-rate + --truncate-rate must be at most 1")
    url = urllib.parse.urlsplit(args.target if "://" in args.target else "http://" + args.target)
    if url.scheme != "http" or not url.hostname:
        p.error(f"--target must be http://HOST:PORT, not {args.target}")
    host, port = url.hostname, url.port or 80

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = Server(("127.0.0.1", args.port), make_handler(Faults(args), host, port))
    try:
        print(server.server_address[1], flush=True)
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
