#!/bin/sh
# Starts opencode's web UI as the user opencoder unless another command is given
# (e.g. "docker run -it IMAGE bash", which also runs as opencoder). OPENCODE_PORT is occ's
# opencode_web_port inside the container (3000).
set -eu
if [ "${USE_SYSTEMD:-0}" = "1" ]; then
  echo "opencode-sandbox: USE_SYSTEMD=1 (systemd mode) is not supported by this image; starting without systemd" >&2
fi
if [ "$#" -gt 0 ]; then
  exec runuser -u opencoder -- "$@"
fi
echo "opencode-sandbox: starting opencode web on port ${OPENCODE_PORT:-3000}"
exec runuser -u opencoder -- opencode web --hostname 0.0.0.0 --port "${OPENCODE_PORT:-3000}"
