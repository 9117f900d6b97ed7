#!/bin/sh
# Run the differential test diff.js with node, from this folder (where
# `make deps` installs the edtf package); skipped, through tests/need.sh,
# when node or the package is missing.
#   sh tests/diff/run.sh PATH/TO/edtf_probe [diff.js options]
set -u
here=$(cd "$(dirname "$0")" && pwd)
SKIP_NAME=diff/edtf
. "$here/../need.sh"
NODE=$(command -v node || command -v nodejs || true)
[ -n "$NODE" ] || missing node "'make deps' installs it: apt-get install nodejs npm"
[ -d "$here/node_modules/edtf" ] ||
  missing "the edtf npm package (tests/diff/node_modules/edtf)" "'make deps' installs it: npm install in tests/diff"
cd "$here" && exec "$NODE" diff.js "$@"
