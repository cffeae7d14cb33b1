# Sourced by the crawl benchmarks: start_moto starts moto's server (S3 + Glue) on a free port of
# 127.0.0.1 with its log in "$dir", points the AWS SDKs at it, stops it when the script exits, and
# waits until it answers. Needs $py (python with moto[server]) and $dir.
start_moto() {
  local port
  port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$dir" && exec "$py" -m moto.server -H 127.0.0.1 -p "$port" > moto.log 2>&1) &
  moto=$!
  trap 'kill $moto 2>/dev/null || true' EXIT
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  for _ in $(seq 50); do curl -s "$AWS_ENDPOINT_URL/moto-api/" > /dev/null && break; sleep 0.2; done
}
