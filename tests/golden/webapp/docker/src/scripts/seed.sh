#!/bin/sh
# Seed the shop's data folder and retire nginx's stock site (the shop listens on 8080 only);
# runs after packages, users and files in every target.
set -eu
rm -f /etc/nginx/sites-enabled/default
mkdir -p /srv/app/data
printf 'seeded\n' > /srv/app/data/.seeded
chown -R app:app /srv/app/data
