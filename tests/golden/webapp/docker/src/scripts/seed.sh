#!/bin/sh
# Seed the shop's data folder; runs after packages, users and files in every target.
set -eu
mkdir -p /srv/app/data
printf 'seeded\n' > /srv/app/data/.seeded
chown -R app:app /srv/app/data
