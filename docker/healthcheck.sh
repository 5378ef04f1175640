#!/bin/sh
# Healthy when opencode's web server answers its health endpoint with {"healthy":true,...},
# the contract of the published image; occ also runs this through exec for its readiness.
set -eu
curl -fsS --max-time 4 "http://127.0.0.1:${OPENCODE_PORT:-3000}/global/health" | grep -q '"healthy":true'
