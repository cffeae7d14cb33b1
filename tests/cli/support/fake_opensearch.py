"""A recording stand-in for an OpenSearch cluster, for `lakeops load --to http://...`.

    python fake_opensearch.py LOG [FAULTS_JSON]

Serves HEAD/PUT /INDEX, GET /INDEX/_mapping, POST /_bulk, POST /INDEX/_refresh, GET
/INDEX/_count and POST /INDEX/_search (match_all sorted by doc_id and chunk_index, `knn`, and
`script_score` with `knn_score`; both k-NN queries are answered by exact search over the stored
documents, so recall through it is 1). Keeps documents in memory by `_id`. Prints its port, then
appends one JSON line per request to LOG: method, path, headers, body.

FAULTS_JSON injects failures, each used once:
  {"bulk_429": N}            the first N _bulk requests are answered 429 (Retry-After: 0);
  {"item_503": ["ID", ...]}  in the first _bulk holding them, these items fail with 503;
  {"item_400": ["ID", ...]}  these items are refused with a mapper_parsing_exception, always.
This is not OpenSearch: it checks none of OpenSearch's behaviour beyond these answers."""
import http.server, json, math, socketserver, sys, threading

log_path = sys.argv[1]
faults = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
lock = threading.Lock()
indices = {}  # name -> {"mapping": body, "docs": {id: source}}
item_503 = set(faults.get("item_503", []))
item_400 = set(faults.get("item_400", []))


def score(space, a, b):
    if space == "l2":
        return -sum((x - y) ** 2 for x, y in zip(a, b))
    dot = sum(x * y for x, y in zip(a, b))
    if space == "innerproduct":
        return dot
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(x * x for x in b)) or 1.0
    return dot / (na * nb)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self, body):
        with lock, open(log_path, "a") as f:
            f.write(json.dumps({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }) + "\n")

    def reply(self, status, value=None, headers=()):
        data = b"" if value is None else json.dumps(value).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        body = self.body()
        self.record(body)
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if self.command == "POST" and parts == ["_bulk"]:
            return self.bulk(body)
        if not parts:
            return self.reply(200, {"version": {"number": "2.17.0"}})
        index = parts[0]
        if len(parts) == 1:
            if self.command == "HEAD":
                return self.reply(200 if index in indices else 404)
            if self.command == "PUT":
                if index in indices:
                    return self.reply(400, {"error": {"type": "resource_already_exists_exception"}})
                indices[index] = {"mapping": json.loads(body), "docs": {}}
                return self.reply(200, {"acknowledged": True, "index": index})
        if index not in indices:
            return self.reply(404, {"error": {"type": "index_not_found_exception"}})
        docs = indices[index]["docs"]
        if parts[1:] == ["_mapping"]:
            return self.reply(200, {index: {"mappings": indices[index]["mapping"]["mappings"]}})
        if parts[1:] == ["_refresh"]:
            return self.reply(200, {"_shards": {"failed": 0}})
        if parts[1:] == ["_count"]:
            return self.reply(200, {"count": len(docs)})
        if parts[1:] == ["_search"]:
            return self.search(index, json.loads(body))
        return self.reply(400, {"error": {"type": "unsupported"}})

    do_GET = do_POST = do_PUT = do_HEAD = handle_any

    def bulk(self, body):
        with lock:
            if faults.get("bulk_429", 0) > 0:
                faults["bulk_429"] -= 1
                return self.reply(429, {"error": {"type": "es_rejected_execution_exception"}},
                                  [("Retry-After", "0")])
        lines = body.decode().split("\n")
        items = []
        for action_line, doc_line in zip(lines[0::2], lines[1::2]):
            action = json.loads(action_line)["index"]
            doc = json.loads(doc_line)
            _id = action["_id"]
            if _id in item_503:
                item_503.discard(_id)
                items.append({"index": {"_id": _id, "status": 503,
                              "error": {"type": "unavailable_shards_exception", "reason": "try again"}}})
                continue
            if _id in item_400:
                items.append({"index": {"_id": _id, "status": 400,
                              "error": {"type": "mapper_parsing_exception", "reason": "failed to parse field [embedding]"}}})
                continue
            with lock:
                indices[action["_index"]]["docs"][_id] = doc
            items.append({"index": {"_id": _id, "status": 201, "result": "created"}})
        errors = any(i["index"]["status"] >= 300 for i in items)
        return self.reply(200, {"took": 1, "errors": errors, "items": items})

    def search(self, index, query):
        docs = indices[index]["docs"]
        space = indices[index]["mapping"]["mappings"]["properties"]["embedding"]["method"]["space_type"]
        size = query.get("size", 10)
        q = query.get("query", {})
        if "knn" in q:
            vector = q["knn"]["embedding"]["vector"]
            ranked = sorted(docs, key=lambda i: -score(space, docs[i]["embedding"], vector))
        elif "script_score" in q:
            vector = q["script_score"]["script"]["params"]["query_value"]
            ranked = sorted(docs, key=lambda i: -score(space, docs[i]["embedding"], vector))
        else:
            ranked = sorted(docs, key=lambda i: (docs[i]["doc_id"], docs[i]["chunk_index"]))
        hits = [{"_id": i, "_source": {"embedding": docs[i]["embedding"]}} for i in ranked[:size]]
        return self.reply(200, {"hits": {"hits": hits}})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
