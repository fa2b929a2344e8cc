#!/bin/sh
# Create the service's virtualenv (empty here: the app's wheels are installed at deploy time).
set -eu
python3 -m venv /srv/api/.venv
chown -R api:api /srv/api/.venv
