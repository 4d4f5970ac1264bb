#!/usr/bin/env bats
# make deb: the Debian package (debian/, debhelper), lintian without errors,
# installed into a throwaway root with dpkg --root (the machine's own dpkg
# database is not touched), used, and removed.  The package is built once
# per run (about 15 s of CPU with noopt) and reused while no source is newer.

bats_require_minimum_version 1.5.0
load helper

setup_file() {
	cd "$CK_TOP" || return 1
	version=$(sed -n 's/^#define CK_VERSION "\(.*\)"/\1/p' certtool/lib/core/ck_tool.h)
	deb="build-deb/certkit_${version}_$(dpkg --print-architecture).deb"
	echo "$deb" >"$BATS_FILE_TMPDIR/deb"
	if ! command -v dpkg-buildpackage >/dev/null || ! command -v lintian >/dev/null; then
		return 0
	fi
	if [ ! -f "$deb" ] || [ -n "$(find Makefile certtool man templates policy completion debian \
		-newer "$deb" -type f 2>/dev/null | head -n 1)" ]; then
		# noopt (-O0): the package's files and metadata are what is tested,
		# not the optimiser; it saves about 40% of the build's CPU time.
		DEB_BUILD_OPTIONS="noopt ${DEB_BUILD_OPTIONS:-}" \
			make --no-print-directory deb >"$BATS_FILE_TMPDIR/make-deb.log" 2>&1 || true
	else
		echo "$deb" >"$BATS_FILE_TMPDIR/make-deb.log"
	fi
}

@test "make deb: a .deb with the real library Depends, lintian without errors" {
	require_cmd dpkg-buildpackage lintian
	deb="$CK_TOP/$(cat "$BATS_FILE_TMPDIR/deb")"
	cat "$BATS_FILE_TMPDIR/make-deb.log" >&2
	[ -f "$deb" ]
	# The last line of make deb is the path of the package.
	[ "$(tail -n 1 "$BATS_FILE_TMPDIR/make-deb.log")" = "${deb#"$CK_TOP"/}" ]
	run -0 lintian --fail-on error "$deb"
	[ "$(dpkg-deb -f "$deb" Package)" = certkit ]
	[ "$(dpkg-deb -f "$deb" Version)" = "$(dpkg-parsechangelog -l "$CK_TOP/debian/changelog" -S Version)" ]
	depends=$(dpkg-deb -f "$deb" Depends)
	for lib in libssl3 libcurl4 libjansson4 libldap- libsqlite3-0; do
		[[ "$depends" == *"$lib"* ]] || { echo "Depends lacks $lib: $depends" >&2; return 1; }
	done
	# Every dependency is a package this Debian has (installed here).
	for p in $(printf '%s\n' "$depends" | tr ',' '\n' | sed 's/(.*//; s/|.*//' | tr -d ' '); do
		dpkg-query -W -f='${Status}\n' "$p" | grep -q 'install ok installed' ||
			{ echo "depends on $p, which is not a package here" >&2; return 1; }
	done
	files=$(dpkg-deb -c "$deb" | awk '{print $6}')
	for src in "$CK_TOP"/certtool/cert-*.c; do
		t=$(basename "$src" .c)
		for f in "./usr/bin/$t" "./usr/share/man/man1/$t.1.gz" "./usr/share/bash-completion/completions/$t"; do
			printf '%s\n' "$files" | grep -qx "$f" || { echo "not in the package: $f" >&2; return 1; }
		done
	done
	for f in ./usr/share/certkit/templates/amt-web-server.json ./usr/share/certkit/policy/amt.json \
		./usr/share/man/man5/certkit-records.5.gz ./usr/share/man/man7/certkit.7.gz \
		./usr/share/doc/certkit/copyright ./usr/share/doc/certkit/examples/grafana-cert-expiry.json; do
		printf '%s\n' "$files" | grep -qx "$f" || { echo "not in the package: $f" >&2; return 1; }
	done
}

@test "the .deb installs into a fresh root, its tools and man pages work, and it removes cleanly" {
	require_cmd dpkg-buildpackage lintian man
	deb="$CK_TOP/$(cat "$BATS_FILE_TMPDIR/deb")"
	[ -f "$deb" ]
	R="$BATS_TEST_TMPDIR/root"
	mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/var/lib/dpkg/triggers"
	: >"$R/var/lib/dpkg/status"
	: >"$R/var/lib/dpkg/available"
	# The fresh root has no libc: its dependencies are the host's (checked above).
	run -0 dpkg --root="$R" --force-depends --force-script-chrootless -i "$deb"
	run -0 "$R/usr/bin/cert-read" --version
	[[ "$output" == "cert-read (certkit) "* ]]
	run -0 env MANPATH="$R/usr/share/man" man -w cert-chain
	[ "$output" = "$R/usr/share/man/man1/cert-chain.1.gz" ]
	# The tools look for their data in /usr/share/certkit ...
	run -3 --separate-stderr env -u CERTKIT_DATADIR "$R/usr/bin/cert-tmpl" list --format text
	[[ "$stderr" == *"/usr/share/certkit/templates"* ]] || [ -d /usr/share/certkit/templates ]
	# ... which the package fills.
	run -0 env CERTKIT_DATADIR="$R/usr/share/certkit" "$R/usr/bin/cert-tmpl" list --format text
	[[ "$output" == *"amt-web-server"* ]]
	run -0 dpkg --root="$R" -r certkit
	[ -z "$(find "$R" -path "$R/var" -prune -o -type f -print)" ]
	run -1 dpkg --root="$R" -L certkit
}
