#!/usr/bin/env bash
# Creates (once) the Python virtual environment `.venv` at the repository root with
# PedPy 1.5.1, the reference implementation our analysis is checked against.
#
# Idempotent: when `.venv/bin/python` already imports pedpy 1.5.1, nothing is installed.
# Works from any directory. The last line printed is the path of the venv's python, so
# callers can do: PY="$(scripts/python-venv.sh | tail -n 1)".
#
# Environment:
#   PYTHON   interpreter used to create the venv (default: python3)
set -euo pipefail

PEDPY_VERSION="1.5.1"

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd -- "${script_dir}/.." && pwd)"
cd -- "${repo_root}"

venv="${repo_root}/.venv"
py="${venv}/bin/python"

have_pedpy() {
    [[ -x "${py}" ]] &&
        "${py}" -c "import pedpy; assert pedpy.__version__ == '${PEDPY_VERSION}'" >/dev/null 2>&1
}

if have_pedpy; then
    echo "pedpy ${PEDPY_VERSION} already installed in ${venv}" >&2
else
    if [[ ! -x "${py}" ]]; then
        echo "creating virtualenv ${venv}" >&2
        "${PYTHON:-python3}" -m venv "${venv}"
    fi
    echo "installing pedpy==${PEDPY_VERSION} into ${venv}" >&2
    "${py}" -m pip install --quiet --disable-pip-version-check "pedpy==${PEDPY_VERSION}" >&2
    if ! have_pedpy; then
        echo "error: pedpy ${PEDPY_VERSION} is still not importable from ${py}" >&2
        "${py}" -c "import pedpy; print('found pedpy', pedpy.__version__)" >&2 || true
        exit 1
    fi
fi

echo "${py}"
