#!/usr/bin/env bash
# Installs what the in-VS Code integration tests need on a Debian 12 machine with Node 20:
#   - Debian packages: chromium (the headless window), and libkrb5-dev, pkg-config,
#     build-essential (code-server's native modules are built from source on install);
#   - code-server (VS Code's own server + workbench) and playwright-core, into a folder
#     OUTSIDE the checkout: $AUTOGRAD_LENS_VSCODE_DIR, by default
#     ${XDG_CACHE_HOME:-$HOME/.cache}/autograd-lens-vscode (scripts/vscode/run-tests.js
#     looks in the same place).
# Idempotent: what is already there is skipped, so a warm run takes a second or two.
# Works offline except for the npm registry and Debian's mirrors (no GitHub, no
# update.code.visualstudio.com); see docs/testing.md for why each step looks the way it does.
#
# Usage: bash scripts/vscode/setup.sh        (as root, or as a user with sudo)
set -euo pipefail

CODE_SERVER_VERSION=4.100.3   # VS Code 1.100.3: the newest code-server that installs on Node 20
PLAYWRIGHT_CORE_VERSION=1.65.1
# code-server@4.100.3 pins @vscode/ripgrep@1.15.11, whose postinstall downloads ripgrep
# v13.0.0-10 from GitHub unless this tarball is already in its cache folder.
RIPGREP_WRAPPER_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
RIPGREP_NPM_PACKAGE=@vscode/ripgrep-linux-x64@1.18.0   # ships package/bin/rg

APT_PACKAGES=(chromium libkrb5-dev pkg-config build-essential)

HOME_DIR="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"   # as os.homedir() in run-tests.js
TOOLS_DIR="${AUTOGRAD_LENS_VSCODE_DIR:-${XDG_CACHE_HOME:-$HOME_DIR/.cache}/autograd-lens-vscode}"
STAMP="$TOOLS_DIR/.installed"
WANT_STAMP="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION node@$(node -p 'process.versions.modules')"

export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
log() { echo "[setup] $*"; }

# --- Debian packages ---------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "[setup] need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    SUDO=(sudo DEBIAN_FRONTEND=noninteractive)
  fi
  log "apt-get install ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present: ${APT_PACKAGES[*]}"
fi
command -v chromium >/dev/null || { echo "[setup] chromium not on PATH after install" >&2; exit 1; }

# --- code-server + playwright-core --------------------------------------------------------
mkdir -p "$TOOLS_DIR"
exec 9>"$TOOLS_DIR/.lock"
flock 9   # two setups at once (parallel CI jobs on one machine) take turns

installed_ok() {
  [[ -f $STAMP && "$(cat "$STAMP")" == "$WANT_STAMP" ]] &&
    [[ -f $TOOLS_DIR/node_modules/code-server/out/node/entry.js ]] &&
    [[ -f $TOOLS_DIR/node_modules/playwright-core/package.json ]]
}

if installed_ok; then
  log "code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_CORE_VERSION present in $TOOLS_DIR"
else
  [[ $(uname -m) == x86_64 ]] || { echo "[setup] only x86_64 is supported (ripgrep tarball), not $(uname -m)" >&2; exit 1; }
  log "installing code-server@$CODE_SERVER_VERSION and playwright-core@$PLAYWRIGHT_CORE_VERSION into $TOOLS_DIR"
  rm -rf "$TOOLS_DIR/node_modules" "$TOOLS_DIR/package.json" "$TOOLS_DIR/package-lock.json" "$STAMP"

  # A private TMPDIR makes the ripgrep cache path predictable (os.tmpdir() in the postinstall).
  export TMPDIR="$TOOLS_DIR/tmp"
  rm -rf "$TMPDIR"
  rg_cache="$TMPDIR/vscode-ripgrep-cache-$RIPGREP_WRAPPER_VERSION"
  mkdir -p "$rg_cache" "$TMPDIR/rg"
  (cd "$TMPDIR/rg" && npm pack --silent "$RIPGREP_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz package/bin/rg)
  tar czf "$rg_cache/$RIPGREP_ASSET" -C "$TMPDIR/rg/package/bin" rg

  # Native modules are built against the local Node headers (node-gyp cannot download them).
  node_prefix=$(dirname "$(dirname "$(command -v node)")")
  [[ -f $node_prefix/include/node/node.h ]] || { echo "[setup] no Node headers in $node_prefix/include/node" >&2; exit 1; }

  echo '{ "name": "autograd-lens-vscode-tools", "private": true }' >"$TOOLS_DIR/package.json"
  (
    cd "$TOOLS_DIR"
    npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir="$node_prefix" \
    npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
      npm install --no-package-lock --loglevel=error \
        "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION"
  )
  [[ -x $TOOLS_DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg ]] ||
    { echo "[setup] code-server installed without ripgrep" >&2; exit 1; }
  rm -rf "$TMPDIR"
  echo "$WANT_STAMP" >"$STAMP"
fi

# (Not `code-server --version`: that writes ~/.config/code-server/config.yaml.)
log "code-server $(node -p "require('$TOOLS_DIR/node_modules/code-server/package.json').version"), $(chromium --version 2>/dev/null)"
log "done in $(($(date +%s) - start)) s"
