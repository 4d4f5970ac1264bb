# shellcheck shell=sh
# tests/harness/samba.sh: a throwaway Samba AD domain controller on loopback.
#
# A sourceable POSIX sh library (sh, dash, bash, bats).  Each DC binds its own
# address 127.0.0.N (N claimed with a lock dir /tmp/certkit-samba-ip.N), so
# several DCs run at once.  The domain is provisioned once per Samba version
# into a cache (/tmp/certkit-samba-cache-*) and copied for every DC, so a
# start costs ~1-2 s instead of ~6 s.  Only the LDAP service runs (no DNS,
# KDC, SMB, RPC) unless SAMBA_DNS=1: then the domain is provisioned with
# Samba's internal DNS (its own cache) and the DC also runs the DNS service
# on $SAMBA_IP:53 and RPC (for samba-tool dns), so records added with
# samba_dns_add are real AD-integrated DNS records; LDAPS uses a fresh CA whose server certificate carries
# IP:$SAMBA_IP in its SAN, so clients verify it with $SAMBA_CACERT.
#
#   . "$CK_TOP/tests/harness/samba.sh"
#   samba_start                  # or: samba_start || skip "no samba"
#   ...
#   samba_stop
#
# In bats:
#   setup_file()    { load helper; . "$CK_TOP/tests/harness/samba.sh"; samba_start; }
#   teardown_file() { . "$CK_TOP/tests/harness/samba.sh"; samba_stop; }
# samba_start exports every SAMBA_* variable, so tests and teardown_file see
# them.  samba_stop is safe to call twice or when the start failed.
#
# Variables set by samba_start (all exported):
#   SAMBA_IP          127.0.0.N the DC listens on (389 ldap, 636 ldaps, 3268/3269 GC)
#   SAMBA_LDAP_URI    ldap://$SAMBA_IP      (simple binds allowed; StartTLS works)
#   SAMBA_LDAPS_URI   ldaps://$SAMBA_IP
#   SAMBA_CACERT      PEM of the CA that issued the DC's TLS certificate
#   SAMBA_REALM       CORP.EXAMPLE            SAMBA_DOMAIN  CORP (NetBIOS)
#   SAMBA_BASE        DC=corp,DC=example
#   SAMBA_CONFIG_DN   CN=Configuration,DC=corp,DC=example
#   SAMBA_PKS_DN      CN=Public Key Services,CN=Services,$SAMBA_CONFIG_DN
#   SAMBA_TEMPLATES_DN CN=Certificate Templates,$SAMBA_PKS_DN
#   SAMBA_ENROLL_DN   CN=Enrollment Services,$SAMBA_PKS_DN
#   SAMBA_ADMIN_DN    CN=Administrator,CN=Users,DC=corp,DC=example
#   SAMBA_ADMIN_PW    the administrator password (test-only, throwaway)
#   SAMBA_PWFILE      file holding that password, no trailing newline
#   SAMBA_DIR         the DC's directory (etc/smb.conf, private/, log, tls/)
#   SAMBA_PID         pid of the samba process
#   SAMBA_DOMAIN_SID  the domain SID (S-1-5-21-...)
#
# Functions (return non-zero and print a reason on stderr on failure):
#   samba_start                  provision/copy, start, wait for LDAPS (<= 60 s)
#   samba_stop                   kill, wait, remove $SAMBA_DIR, release the IP
#   samba_ldapadd FILE.ldif      ldapadd as Administrator over LDAPS ('-' = stdin)
#   samba_ldapmodify FILE.ldif   ldapmodify likewise
#   samba_ldapsearch ARGS...     ldapsearch -LLL as Administrator over LDAPS
#   samba_add_template NAME [LDIF-LINE...]
#                                a pKICertificateTemplate in $SAMBA_TEMPLATES_DN;
#                                each "attr: value" (or "attr:: base64") line
#                                replaces the default for attr; defaults: a v2
#                                server-auth template, 1 year / 6 weeks, flags 0
#   samba_add_ca NAME DNSHOST CERT.pem [TEMPLATE...]
#                                a pKIEnrollmentService in $SAMBA_ENROLL_DN
#   samba_add_ntauth CERT.pem    adds a cACertificate to CN=NTAuthCertificates
#   samba_add_aia NAME CERT.pem  certificationAuthority CN=NAME,CN=AIA,...
#   samba_add_cdp NAME HOST CRL.pem   cRLDistributionPoint CN=NAME,CN=HOST,CN=CDP,...
#   samba_add_computer NAME      computer CN=NAME,CN=Computers (sAMAccountName NAME$)
#   samba_add_user NAME          user CN=NAME,CN=Users
#   samba_add_group NAME         global security group CN=NAME,CN=Users
#   samba_add_member GROUP MEMBER   adds MEMBER (a group, user or computer CN
#                                under CN=Users/CN=Computers, or a full DN) to GROUP
#   samba_dn NAME                DN of a user/group/computer/template by CN
#   samba_sid NAME               objectSid (string form) of that object
#   samba_dsacl DN SDDL          adds the ACEs in SDDL to DN's DACL (samba-tool dsacl set)
#   samba_tool ARGS...           samba-tool with the DC's smb.conf on its local database
#   samba_dns_add NAME TYPE DATA [ZONE]  a DNS record NAME.corp.example (SAMBA_DNS=1 only)
#   samba_dns_zone ZONE          a new forward zone
#   samba_dns_delete NAME TYPE DATA  removes it
#   samba_system_replace DN ATTR VALUE  sets a system-only attribute locally
#
# The password travels only in $SAMBA_PWFILE (ldap*) and in samba-tool's local
# database access (no password needed).  Nothing listens beyond 127.0.0.N.

SAMBA_REALM=CORP.EXAMPLE
SAMBA_DOMAIN=CORP
SAMBA_BASE=DC=corp,DC=example
SAMBA_CONFIG_DN="CN=Configuration,$SAMBA_BASE"
SAMBA_PKS_DN="CN=Public Key Services,CN=Services,$SAMBA_CONFIG_DN"
SAMBA_TEMPLATES_DN="CN=Certificate Templates,$SAMBA_PKS_DN"
SAMBA_ENROLL_DN="CN=Enrollment Services,$SAMBA_PKS_DN"
SAMBA_ADMIN_DN="CN=Administrator,CN=Users,$SAMBA_BASE"
SAMBA_ADMIN_PW='Certkit.Adm1n-Pw'
export SAMBA_REALM SAMBA_DOMAIN SAMBA_BASE SAMBA_CONFIG_DN SAMBA_PKS_DN \
	SAMBA_TEMPLATES_DN SAMBA_ENROLL_DN SAMBA_ADMIN_DN SAMBA_ADMIN_PW

_samba_log() { echo "samba.sh: $*" >&2; }

# _samba_alive PID: 0 when the process exists.
_samba_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# _samba_claim_ip: claims a free 127.0.0.N (N in 20..250), sets SAMBA_IP and
# _SAMBA_LOCK.  A lock whose owner and samba are both gone is reclaimed.
_samba_claim_ip() {
	_n=20
	while [ "$_n" -le 250 ]; do
		_l="/tmp/certkit-samba-ip.$_n"
		if [ -d "$_l" ]; then
			_o=$(cat "$_l/owner" 2>/dev/null)
			_p=$(cat "$_l/pid" 2>/dev/null)
			_m=$(find "$_l" -maxdepth 0 -mmin +1 2>/dev/null)
			if [ -n "$_m" ] && ! _samba_alive "$_o" && ! _samba_alive "$_p"; then
				rm -rf "$_l"
			fi
		fi
		if mkdir "$_l" 2>/dev/null; then
			echo "$$" >"$_l/owner"
			if ss -Hltn "src 127.0.0.$_n" 2>/dev/null | grep -q .; then
				rm -rf "$_l"
			else
				SAMBA_IP="127.0.0.$_n"
				_SAMBA_LOCK="$_l"
				export SAMBA_IP _SAMBA_LOCK
				return 0
			fi
		fi
		_n=$((_n + 1))
	done
	_samba_log "no free loopback address in 127.0.0.20-250"
	return 1
}

# _samba_cache: echoes the directory of a provisioned domain, making it once
# per Samba version (mkdir lock; other callers wait for it).
_samba_cache() {
	_v=$(samba --version 2>/dev/null | tr -c 'A-Za-z0-9.\n' '_')
	_c="/tmp/certkit-samba-cache-$_v"
	_dnsb=NONE
	if [ "${SAMBA_DNS:-0}" = 1 ]; then
		_c="$_c-dns"
		_dnsb=SAMBA_INTERNAL
	fi
	if [ -f "$_c/ready" ]; then echo "$_c"; return 0; fi
	_i=0
	while ! mkdir "$_c.lock" 2>/dev/null; do
		[ -f "$_c/ready" ] && { echo "$_c"; return 0; }
		_i=$((_i + 1))
		if [ "$_i" -gt 1200 ]; then
			# A provisioner died holding the lock: take it over.
			rm -rf "$_c.lock"
			_i=0
		fi
		sleep 0.1
	done
	if [ -f "$_c/ready" ]; then rm -rf "$_c.lock"; echo "$_c"; return 0; fi
	rm -rf "$_c"
	if ! samba-tool domain provision --targetdir="$_c" --realm="$SAMBA_REALM" \
	    --domain="$SAMBA_DOMAIN" --host-name=DC1 --server-role=dc \
	    --dns-backend="$_dnsb" --adminpass="$SAMBA_ADMIN_PW" --use-rfc2307 \
	    --option="interfaces=127.0.0.250" --option="bind interfaces only=yes" \
	    >"$_c.log" 2>&1; then
		_samba_log "provision failed; see $_c.log"
		tail -n 5 "$_c.log" >&2
		rm -rf "$_c" "$_c.lock"
		return 1
	fi
	touch "$_c/ready"
	rm -rf "$_c.lock"
	echo "$_c"
}

# _samba_tls DIR IP: a CA and a server certificate with the IP in its SAN.
_samba_tls() {
	mkdir -p "$1/tls" && chmod 700 "$1/tls"
	(
		cd "$1/tls" || exit 1
		umask 077
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout ca.key -out ca.pem -days 3650 -subj "/CN=certkit test DC CA" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || exit 1
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-keyout server.key -out server.csr -subj "/CN=dc1.corp.example" \
			2>/dev/null || exit 1
		printf '%s\n' "subjectAltName=IP:$2,DNS:dc1.corp.example" \
			"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" >ext.cnf
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
			-days 3650 -extfile ext.cnf -out server.pem 2>/dev/null || exit 1
		chmod 600 server.key
		chmod 644 ca.pem server.pem
	)
}

samba_start() {
	command -v samba >/dev/null 2>&1 || { _samba_log "samba is not installed"; return 1; }
	command -v ldapsearch >/dev/null 2>&1 || { _samba_log "ldap-utils is not installed"; return 1; }
	_cache=$(_samba_cache) || return 1
	_samba_claim_ip || return 1
	SAMBA_DIR=$(mktemp -d /tmp/certkit-samba.XXXXXX) || return 1
	export SAMBA_DIR
	echo "$SAMBA_DIR" >"$_SAMBA_LOCK/dir"
	cp -a "$_cache/private" "$_cache/state" "$_cache/bind-dns" "$SAMBA_DIR/" 2>/dev/null
	mkdir -p "$SAMBA_DIR/etc" "$SAMBA_DIR/cache" "$SAMBA_DIR/run" "$SAMBA_DIR/lock" \
		"$SAMBA_DIR/log"
	_samba_tls "$SAMBA_DIR" "$SAMBA_IP" || { _samba_log "openssl failed"; samba_stop; return 1; }
	SAMBA_CACERT="$SAMBA_DIR/tls/ca.pem"
	_services=ldap
	[ "${SAMBA_DNS:-0}" = 1 ] && _services="ldap, dns, rpc"
	SAMBA_PWFILE="$SAMBA_DIR/admin.pw"
	(umask 077 && printf '%s' "$SAMBA_ADMIN_PW" >"$SAMBA_PWFILE")
	cat >"$SAMBA_DIR/etc/smb.conf" <<EOF
[global]
	netbios name = DC1
	workgroup = $SAMBA_DOMAIN
	realm = $SAMBA_REALM
	server role = active directory domain controller
	server services = $_services
	interfaces = $SAMBA_IP/8
	bind interfaces only = yes
	private dir = $SAMBA_DIR/private
	state directory = $SAMBA_DIR/state
	cache directory = $SAMBA_DIR/cache
	lock directory = $SAMBA_DIR/lock
	pid directory = $SAMBA_DIR/run
	ncalrpc dir = $SAMBA_DIR/run/ncalrpc
	ntp signd socket directory = $SAMBA_DIR/run/ntp_signd
	winbindd socket directory = $SAMBA_DIR/run/winbindd
	binddns dir = $SAMBA_DIR/bind-dns
	log file = $SAMBA_DIR/log/samba.log
	log level = 1
	logging = file
	panic action =
	tls enabled = yes
	tls keyfile = $SAMBA_DIR/tls/server.key
	tls certfile = $SAMBA_DIR/tls/server.pem
	tls cafile = $SAMBA_DIR/tls/ca.pem
	ldap server require strong auth = no
	dsdb password event notification = no
EOF
	SAMBA_LDAP_URI="ldap://$SAMBA_IP"
	SAMBA_LDAPS_URI="ldaps://$SAMBA_IP"
	export SAMBA_CACERT SAMBA_PWFILE SAMBA_LDAP_URI SAMBA_LDAPS_URI
	samba -i -M single -s "$SAMBA_DIR/etc/smb.conf" </dev/null \
		>"$SAMBA_DIR/log/stdout.log" 2>&1 &
	SAMBA_PID=$!
	export SAMBA_PID
	echo "$SAMBA_PID" >"$_SAMBA_LOCK/pid"
	_i=0
	while :; do
		if LDAPTLS_CACERT="$SAMBA_CACERT" LDAPTLS_REQCERT=demand ldapsearch -x -LLL \
		    -o nettimeout=2 -H "$SAMBA_LDAPS_URI" -s base -b "" defaultNamingContext \
		    >/dev/null 2>&1; then
			break
		fi
		if ! _samba_alive "$SAMBA_PID" || [ "$_i" -ge 600 ]; then
			_samba_log "the DC on $SAMBA_IP did not answer LDAPS; log:"
			tail -n 20 "$SAMBA_DIR/log/stdout.log" "$SAMBA_DIR/log/samba.log" >&2 2>/dev/null
			samba_stop
			return 1
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	SAMBA_DOMAIN_SID=$(samba_sid "Domain Users" | sed 's/-513$//')
	export SAMBA_DOMAIN_SID
	return 0
}

samba_stop() {
	if _samba_alive "${SAMBA_PID:-}"; then
		kill "$SAMBA_PID" 2>/dev/null
		_i=0
		while _samba_alive "$SAMBA_PID" && [ "$_i" -lt 50 ]; do
			sleep 0.1
			_i=$((_i + 1))
		done
		_samba_alive "$SAMBA_PID" && kill -9 "$SAMBA_PID" 2>/dev/null
	fi
	case "${SAMBA_DIR:-}" in
	/tmp/certkit-samba.*) rm -rf "$SAMBA_DIR" ;;
	esac
	case "${_SAMBA_LOCK:-}" in
	/tmp/certkit-samba-ip.*) rm -rf "$_SAMBA_LOCK" ;;
	esac
	SAMBA_PID=
	SAMBA_DIR=
	_SAMBA_LOCK=
	return 0
}

# _samba_ldap TOOL ARGS...: an OpenLDAP client bound as Administrator over LDAPS.
_samba_ldap() {
	_t=$1
	shift
	LDAPTLS_CACERT="$SAMBA_CACERT" LDAPTLS_REQCERT=demand "$_t" -x -H "$SAMBA_LDAPS_URI" \
		-D "$SAMBA_ADMIN_DN" -y "$SAMBA_PWFILE" -o nettimeout=10 "$@"
}

samba_ldapadd() {
	if [ "${1:--}" = - ]; then _samba_ldap ldapadd >/dev/null
	else _samba_ldap ldapadd -f "$1" >/dev/null; fi
}

samba_ldapmodify() {
	if [ "${1:--}" = - ]; then _samba_ldap ldapmodify >/dev/null
	else _samba_ldap ldapmodify -f "$1" >/dev/null; fi
}

samba_ldapsearch() { _samba_ldap ldapsearch -LLL -o ldif-wrap=no "$@"; }

# _samba_b64 FILE: base64 on one line.
_samba_b64() { openssl base64 -A -in "$1"; }

# _samba_der CERT.pem|CRL.pem KIND: DER bytes base64 (KIND x509 or crl).
_samba_der_b64() {
	openssl "$2" -in "$1" -outform DER 2>/dev/null | openssl base64 -A
}

samba_add_template() {
	_name=$1
	shift
	_tmp=$(mktemp /tmp/certkit-samba-tmpl.XXXXXX)
	for _a in "$@"; do printf '%s\n' "$_a"; done >"$_tmp.args"
	# Defaults ([MS-CRTD] 2.11 periods, 2.22 msPKI-RA-Signature, pKIKeyUsage bytes): replaced by any argument naming the same attribute.
	{
		printf 'dn: CN=%s,%s\n' "$_name" "$SAMBA_TEMPLATES_DN"
		printf 'objectClass: top\nobjectClass: pKICertificateTemplate\n'
		printf 'cn: %s\n' "$_name"
		while IFS= read -r _d; do
			_k=${_d%%:*}
			grep -qi "^$_k:" "$_tmp.args" || printf '%s\n' "$_d"
		done <<EOF
displayName: $_name
flags: 131648
revision: 100
msPKI-Template-Schema-Version: 2
msPKI-Template-Minor-Revision: 1
msPKI-Cert-Template-OID: 1.3.6.1.4.1.311.21.8.1.2.3.4.5.6.$(printf '%s' "$_name" | cksum | cut -d' ' -f1)
msPKI-Enrollment-Flag: 0
msPKI-Certificate-Name-Flag: 1
msPKI-Private-Key-Flag: 16
msPKI-RA-Signature: 0
msPKI-Minimal-Key-Size: 2048
pKIDefaultKeySpec: 1
pKIMaxIssuingDepth: 0
pKIKeyUsage:: oA==
pKIExpirationPeriod:: AEA5hy7h/v8=
pKIOverlapPeriod:: AICmCv/e//8=
pKIExtendedKeyUsage: 1.3.6.1.5.5.7.3.1
EOF
		cat "$_tmp.args"
	} >"$_tmp"
	samba_ldapadd "$_tmp"
	_rc=$?
	rm -f "$_tmp" "$_tmp.args"
	return $_rc
}

samba_add_ca() {
	_name=$1 _host=$2 _cert=$3
	shift 3
	{
		printf 'dn: CN=%s,%s\n' "$_name" "$SAMBA_ENROLL_DN"
		printf 'objectClass: top\nobjectClass: pKIEnrollmentService\n'
		printf 'cn: %s\ndNSHostName: %s\n' "$_name" "$_host"
		printf 'cACertificate:: %s\n' "$(_samba_der_b64 "$_cert" x509)"
		printf 'flags: 10\n'
		for _t in "$@"; do printf 'certificateTemplates: %s\n' "$_t"; done
	} | samba_ldapadd -
}

samba_add_ntauth() {
	# Samba does not provision CN=NTAuthCertificates (AD CS setup creates it).
	if ! samba_ldapsearch -b "CN=NTAuthCertificates,$SAMBA_PKS_DN" -s base dn >/dev/null 2>&1; then
		printf 'dn: CN=NTAuthCertificates,%s\nobjectClass: top\nobjectClass: certificationAuthority\ncn: NTAuthCertificates\nauthorityRevocationList:: AA==\ncertificateRevocationList:: AA==\ncACertificate:: %s\n' \
			"$SAMBA_PKS_DN" "$(_samba_der_b64 "$1" x509)" | samba_ldapadd -
		return
	fi
	printf 'dn: CN=NTAuthCertificates,%s\nchangetype: modify\nadd: cACertificate\ncACertificate:: %s\n' \
		"$SAMBA_PKS_DN" "$(_samba_der_b64 "$1" x509)" | samba_ldapmodify -
}

samba_add_aia() {
	printf 'dn: CN=%s,CN=AIA,%s\nobjectClass: top\nobjectClass: certificationAuthority\ncn: %s\nauthorityRevocationList:: AA==\ncertificateRevocationList:: AA==\ncACertificate:: %s\n' \
		"$1" "$SAMBA_PKS_DN" "$1" "$(_samba_der_b64 "$2" x509)" | samba_ldapadd -
}

samba_add_cdp() {
	# The per-host container first (it may exist already).
	printf 'dn: CN=%s,CN=CDP,%s\nobjectClass: top\nobjectClass: container\ncn: %s\n' \
		"$2" "$SAMBA_PKS_DN" "$2" | _samba_ldap ldapadd -c >/dev/null 2>&1 || true
	printf 'dn: CN=%s,CN=%s,CN=CDP,%s\nobjectClass: top\nobjectClass: cRLDistributionPoint\ncn: %s\ncertificateRevocationList:: %s\n' \
		"$1" "$2" "$SAMBA_PKS_DN" "$1" "$(_samba_der_b64 "$3" crl)" | samba_ldapadd -
}

samba_add_computer() {
	printf 'dn: CN=%s,CN=Computers,%s\nobjectClass: computer\nsAMAccountName: %s$\nuserAccountControl: 4096\ndNSHostName: %s.corp.example\n' \
		"$1" "$SAMBA_BASE" "$1" "$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')" | samba_ldapadd -
}

samba_add_user() {
	printf 'dn: CN=%s,CN=Users,%s\nobjectClass: user\nsAMAccountName: %s\nuserPrincipalName: %s@corp.example\n' \
		"$1" "$SAMBA_BASE" "$1" "$1" | samba_ldapadd -
}

samba_add_group() {
	printf 'dn: CN=%s,CN=Users,%s\nobjectClass: group\nsAMAccountName: %s\ngroupType: -2147483646\n' \
		"$1" "$SAMBA_BASE" "$1" | samba_ldapadd -
}

# samba_dn NAME: the DN of the object whose cn is NAME (or NAME when it is a DN).
samba_dn() {
	case "$1" in
	*=*) printf '%s\n' "$1"; return 0 ;;
	esac
	samba_ldapsearch -b "$SAMBA_BASE" "(cn=$1)" dn | sed -n 's/^dn: //p' | head -n 1
}

samba_add_member() {
	_g=$(samba_dn "$1")
	_m=$(samba_dn "$2")
	if [ -z "$_g" ] || [ -z "$_m" ]; then _samba_log "samba_add_member: unknown '$1' or '$2'"; return 1; fi
	printf 'dn: %s\nchangetype: modify\nadd: member\nmember: %s\n' "$_g" "$_m" | samba_ldapmodify -
}

# samba_sid NAME: the objectSid of NAME (cn or DN) in S-1-5-... form.
samba_sid() {
	_d=$(samba_dn "$1")
	[ -n "$_d" ] || return 1
	samba_ldapsearch -b "$_d" -s base objectSid | sed -n 's/^objectSid:: //p' |
		python3 -c '
import base64, struct, sys
b = base64.b64decode(sys.stdin.read().strip())
n = b[1]
auth = int.from_bytes(b[2:8], "big")
subs = struct.unpack("<%dI" % n, b[8:8 + 4 * n])
print("S-1-%d" % auth + "".join("-%d" % s for s in subs))'
}

samba_tool() {
	samba-tool "$@" -s "$SAMBA_DIR/etc/smb.conf" -H "$SAMBA_DIR/private/sam.ldb"
}

samba_dsacl() {
	samba_tool dsacl set --objectdn="$1" --sddl="$2" >/dev/null
}

# samba_dns_add NAME TYPE DATA [ZONE]: an AD-integrated DNS record NAME.ZONE
# (default zone: the realm's; samba-tool dns add over RPC to the DC; needs
# SAMBA_DNS=1 at samba_start).
samba_dns_add() {
	samba-tool dns add "$SAMBA_IP" "${4:-$(printf '%s' "$SAMBA_REALM" | tr '[:upper:]' '[:lower:]')}" \
		"$1" "$2" "$3" -U "Administrator%$SAMBA_ADMIN_PW" -s "$SAMBA_DIR/etc/smb.conf" >/dev/null
}

# samba_dns_zone ZONE: a new AD-integrated forward zone on the DC.
samba_dns_zone() {
	samba-tool dns zonecreate "$SAMBA_IP" "$1" -U "Administrator%$SAMBA_ADMIN_PW" \
		-s "$SAMBA_DIR/etc/smb.conf" >/dev/null
}

# samba_dns_delete NAME TYPE DATA: removes that record again.
samba_dns_delete() {
	samba-tool dns delete "$SAMBA_IP" "$(printf '%s' "$SAMBA_REALM" | tr '[:upper:]' '[:lower:]')" \
		"$1" "$2" "$3" -U "Administrator%$SAMBA_ADMIN_PW" -s "$SAMBA_DIR/etc/smb.conf" >/dev/null
}

# samba_system_replace DN ATTR VALUE: replaces ATTR as the system on the DC's
# local database (for system-only attributes such as a crossRef's
# systemFlags, which LDAP clients may not set).
samba_system_replace() {
	/usr/bin/python3 - "$SAMBA_DIR" "$1" "$2" "$3" <<'PY'
import sys, ldb
from samba.samdb import SamDB
from samba.auth import system_session
from samba.param import LoadParm
lp = LoadParm()
lp.load(sys.argv[1] + "/etc/smb.conf")
db = SamDB(url=sys.argv[1] + "/private/sam.ldb", session_info=system_session(), lp=lp)
m = ldb.Message()
m.dn = ldb.Dn(db, sys.argv[2])
m[sys.argv[3]] = ldb.MessageElement(sys.argv[4], ldb.FLAG_MOD_REPLACE, sys.argv[3])
db.modify(m, controls=["relax:0"])
PY
}
