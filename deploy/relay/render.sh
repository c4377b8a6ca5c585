#!/bin/sh
# Prints the LINE Pay egress relay's nginx config (linepay-relay.conf.template), filled from the
# environment. Required: RELAY_KEY (24+ characters of [A-Za-z0-9_-], e.g. `openssl rand -hex 24`),
# RELAY_SERVER_NAME, RELAY_CERT, RELAY_CERT_KEY. Optional, with defaults:
#   RELAY_LISTEN=443
#   RELAY_UPSTREAM_ADDRESS=api-pay.line.me:443  RELAY_UPSTREAM_NAME=api-pay.line.me
#     (LINE's sandbox: sandbox-api-pay.line.me:443 and sandbox-api-pay.line.me)
#   RELAY_UPSTREAM_CA=/etc/ssl/certs/ca-certificates.crt   (Debian's CA bundle)
#   RELAY_ACCESS_LOG=/var/log/nginx/linepay-relay.log
# Usage: RELAY_KEY=... RELAY_SERVER_NAME=... RELAY_CERT=... RELAY_CERT_KEY=... sh render.sh > linepay-relay.conf
set -eu

fail() {
  echo "render.sh: $1" >&2
  exit 1
}
: "${RELAY_KEY:?render.sh: set RELAY_KEY (e.g. export RELAY_KEY=\$(openssl rand -hex 24))}"
: "${RELAY_SERVER_NAME:?render.sh: set RELAY_SERVER_NAME (the relay's host name)}"
: "${RELAY_CERT:?render.sh: set RELAY_CERT (its certificate chain, PEM)}"
: "${RELAY_CERT_KEY:?render.sh: set RELAY_CERT_KEY (its private key, PEM)}"
RELAY_LISTEN=${RELAY_LISTEN:-443}
RELAY_UPSTREAM_ADDRESS=${RELAY_UPSTREAM_ADDRESS:-api-pay.line.me:443}
RELAY_UPSTREAM_NAME=${RELAY_UPSTREAM_NAME:-api-pay.line.me}
RELAY_UPSTREAM_CA=${RELAY_UPSTREAM_CA:-/etc/ssl/certs/ca-certificates.crt}
RELAY_ACCESS_LOG=${RELAY_ACCESS_LOG:-/var/log/nginx/linepay-relay.log}

case "$RELAY_KEY" in *[!A-Za-z0-9_-]*) fail "RELAY_KEY may hold only letters, digits, - and _" ;; esac
[ "${#RELAY_KEY}" -ge 24 ] || fail "RELAY_KEY must be at least 24 characters"
for value in "$RELAY_SERVER_NAME" "$RELAY_CERT" "$RELAY_CERT_KEY" "$RELAY_LISTEN" "$RELAY_UPSTREAM_ADDRESS" \
  "$RELAY_UPSTREAM_NAME" "$RELAY_UPSTREAM_CA" "$RELAY_ACCESS_LOG"; do
  case "$value" in *[\|\;\{\}\ ]*) fail "a setting holds one of | ; { } or a space: $value" ;; esac
done

sed -e "s|@RELAY_KEY@|$RELAY_KEY|g" \
  -e "s|@RELAY_SERVER_NAME@|$RELAY_SERVER_NAME|g" \
  -e "s|@RELAY_CERT@|$RELAY_CERT|g" \
  -e "s|@RELAY_CERT_KEY@|$RELAY_CERT_KEY|g" \
  -e "s|@RELAY_LISTEN@|$RELAY_LISTEN|g" \
  -e "s|@RELAY_UPSTREAM_ADDRESS@|$RELAY_UPSTREAM_ADDRESS|g" \
  -e "s|@RELAY_UPSTREAM_NAME@|$RELAY_UPSTREAM_NAME|g" \
  -e "s|@RELAY_UPSTREAM_CA@|$RELAY_UPSTREAM_CA|g" \
  -e "s|@RELAY_ACCESS_LOG@|$RELAY_ACCESS_LOG|g" \
  "$(dirname "$0")/linepay-relay.conf.template"
