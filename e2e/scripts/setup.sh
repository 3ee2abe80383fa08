#!/usr/bin/env bash
# Debian's chromium for the e2e suite (playwright-core drives it; no browser download of its own).
exec bash "$(dirname "$0")/../../scripts/apt-ensure.sh" e2e chromium=/usr/bin/chromium
