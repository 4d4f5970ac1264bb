#!/bin/sh
# Installs the Debian packages certkit needs to build, test, demo and bench.
# Idempotent and quiet when nothing is missing.
set -eu

PKGS="make gcc clang pkg-config openssl ca-certificates
libssl-dev libcurl4-openssl-dev libjansson-dev libldap-dev libsqlite3-dev
libc-ares-dev libcmocka-dev bats jq python3 python3-jsonschema python3-cryptography sqlite3
samba samba-common-bin samba-ad-dc samba-ad-provision ldap-utils krb5-user winbind
gnutls-bin golang-cfssl mandoc shellcheck hyperfine nginx-light nmap ssl-cert-check dnsmasq-base iproute2 faketime
chromium fonts-dejavu-core parallel debhelper lintian dpkg-dev fakeroot time"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run as root, or: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Daemons from the samba packages must not start on install: the tests run
# their own domain controller on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
	chmod 0755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing >/tmp/certkit-deps.log 2>&1; then
	apt-get update -q >>/tmp/certkit-deps.log 2>&1
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >>/tmp/certkit-deps.log 2>&1 || {
		echo "deps: apt-get failed; see /tmp/certkit-deps.log" >&2
		tail -n 20 /tmp/certkit-deps.log >&2
		exit 1
	}
fi
