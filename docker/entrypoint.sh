#!/bin/sh
# Starts opencode's server for the web UI unless another command is given
# (e.g. "docker run -it IMAGE bash"). OPENCODE_PORT defaults to occ's opencode_web_port.
set -eu
if [ "$#" -gt 0 ]; then
  exec "$@"
fi
exec opencode serve --hostname 0.0.0.0 --port "${OPENCODE_PORT:-3000}"
