#!/bin/sh
# make (before the first compile): checks with pkg-config that the libraries
# certkit builds against are there, and when some are not, names the Debian
# packages that provide them and `make deps`, instead of letting the
# compiler stop at "jansson.h: No such file or directory".
#   sh tests/build-deps.sh MODULE...     (the pkg-config modules of the Makefile)
set -u

# deb MODULE: the Debian package with MODULE's .pc file.
deb() {
	case $1 in
	openssl) echo libssl-dev ;;
	libcurl) echo libcurl4-openssl-dev ;;
	jansson) echo libjansson-dev ;;
	ldap) echo libldap-dev ;;
	sqlite3) echo libsqlite3-dev ;;
	libcares) echo libc-ares-dev ;;
	cmocka) echo libcmocka-dev ;;
	*) echo "(the package with $1.pc)" ;;
	esac
}

if ! command -v pkg-config >/dev/null 2>&1; then
	missing=" pkg-config"
	debs=" pkg-config"
	for m in "$@"; do debs="$debs $(deb "$m")"; done
else
	missing=""
	debs=""
	for m in "$@"; do
		if ! pkg-config --exists "$m"; then
			missing="$missing $m"
			debs="$debs $(deb "$m")"
		fi
	done
fi
[ -z "$missing" ] && exit 0
{
	echo "make: missing build dependencies:$missing"
	echo "make: on Debian, install:${debs}"
	echo "make:   as root: make deps   (installs them; make demo and make check do too)"
	echo "make:   or:      apt-get install${debs}"
} >&2
exit 1
