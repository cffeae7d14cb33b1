"""A local stand-in for the Hugging Face Hub's file endpoint, for `lakeops embed --model ORG/NAME`.

Serves GET /ORG/NAME/resolve/REVISION/PATH from the folder given as argv[1] the way the hub
does: X-Repo-Commit and ETag headers, and for *.safetensors a 302 to a storage URL (as LFS files
are) that carries X-Linked-Etag. Unknown files are 404. Prints its port, then logs each request
path to argv[2]."""
import hashlib, http.server, os, sys

root, log = sys.argv[1], sys.argv[2]
COMMIT = "0123456789abcdef0123456789abcdef01234567"


class Hub(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(log, "a") as f:
            f.write(self.path + "\n")
        parts = self.path.lstrip("/").split("/")
        if parts[0] == "cdn":
            return self.file(os.path.join(root, *parts[1:]), {})
        if len(parts) < 5 or parts[2] != "resolve":
            return self.send_error(404)
        path = os.path.join(root, *parts[4:])
        if not os.path.isfile(path):
            return self.send_error(404)
        etag = hashlib.sha256(open(path, "rb").read()).hexdigest()
        headers = {"X-Repo-Commit": COMMIT}
        if path.endswith(".safetensors"):
            self.send_response(302)
            self.send_header("Location", "/cdn/" + "/".join(parts[4:]))
            self.send_header("X-Repo-Commit", COMMIT)
            self.send_header("X-Linked-Etag", f'"{etag}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        headers["ETag"] = f'"{etag}"'
        self.file(path, headers)

    def file(self, path, headers):
        if not os.path.isfile(path):
            return self.send_error(404)
        body = open(path, "rb").read()
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hub)
print(server.server_address[1], flush=True)
server.serve_forever()
