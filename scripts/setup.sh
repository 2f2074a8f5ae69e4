# Sourced by scripts/test and scripts/run: everything a fresh Debian machine needs.
# Idempotent: the virtual environment is rebuilt only when pyproject.toml changes.

PYTHON=${PYTHON:-python3}

setup_venv() {
    local stamp=.venv/.installed-from
    local want
    want=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ -x .venv/bin/python ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        return
    fi
    echo "==> creating .venv and installing pinned packages"
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    echo "$want" > "$stamp"
}

ensure_chromium() {
    # The browser tests need Debian's chromium, and fonts-noto-cjk so that the district
    # console's Chinese (drawn with system fonts, nothing downloaded) renders.
    local missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    [ ${#missing[@]} -eq 0 ] && return
    echo "==> installing ${missing[*]} for the browser tests"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}
