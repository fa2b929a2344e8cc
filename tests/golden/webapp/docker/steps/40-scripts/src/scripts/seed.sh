#!/bin/sh
# Runs after packages, users and files in every target.
set -eu
# Only the shop's site: nginx's stock site would also listen on port 80, which the spec does not
# declare.
rm -f /etc/nginx/sites-enabled/default
# Debian creates the PostgreSQL cluster on the first free port from 5432 up; a build that shares
# the host's network (docker build --network host) next to another PostgreSQL would get 5433.
sed -i 's/^port = .*/port = 5432/' /etc/postgresql/15/main/postgresql.conf
mkdir -p /srv/app/data
printf 'seeded\n' > /srv/app/data/.seeded
chown -R app:app /srv/app/data
