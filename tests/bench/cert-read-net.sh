#!/bin/sh
# Benchmark: reading the TLS chains of many endpoints over a WAN-like link.
#
# A loopback proxy (delayproxy.c, built here) adds 25 ms each way (50 ms
# round trip) in front of a real nginx TLS server; every 127.1.y.z:PORT is
# a distinct endpoint.  Two runs:
#   1 000 endpoints, all answering, default settings;
#   10 000 endpoints, 10% silent (accept, never answer), --timeout 3.
# Side by side: cert-read's earlier thread pool (CERTKIT_NET_ENGINE=0,
# --jobs 256, its old maximum), an `openssl s_client` loop and
# ssl-cert-check (both one endpoint at a time: timed on a sample and scaled,
# said so), and nmap's ssl-cert script (parallel: the whole set).
# Then $SMALL http:// and https:// URLs on one nginx behind the same proxy:
# the engine, the libcurl thread pool (CERTKIT_NET_ENGINE=0) at its default
# 8 and at 256, and a curl loop (timed on a sample and scaled).
# Prints wall time and peak RSS.  Not a test: nothing fails on speed.
#
# CK_BENCH_NET_SMALL / CK_BENCH_NET_LARGE change the endpoint counts;
# CK_BENCH_NET_PEERS=0 times cert-read at its defaults only (no thread
# pool, s_client, ssl-cert-check, nmap or curl), to repeat the runs that
# matter on a shared machine.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
dir="$BENCH/cert-read-net"
mkdir -p "$dir"
SMALL=${CK_BENCH_NET_SMALL:-1000}
LARGE=${CK_BENCH_NET_LARGE:-10000}
SAMPLE=${CK_BENCH_NET_SAMPLE:-20}
PEERS=${CK_BENCH_NET_PEERS:-1}

# shellcheck source=tests/bench/ports.inc
. "$here/ports.inc"
net_prereqs cert-read-net "$dir" || exit 0

BACK=$(free_port)
BACKH=$(free_port)
BACKS=$(free_port)
N="$top/tests/fixtures/net"
mkdir -p "$dir/nginx/logs"
cat >"$dir/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 30000;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/logs/error.log;
events { worker_connections 20000; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$BACK ssl backlog=4096;
		ssl_certificate $N/chain.pem;
		ssl_certificate_key $N/leaf.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		return 204;
	}
	server {
		listen 127.0.0.1:$BACKH backlog=4096;
		root $N;
	}
	server {
		listen 127.0.0.1:$BACKS ssl backlog=4096;
		ssl_certificate $N/chain.pem;
		ssl_certificate_key $N/leaf.key;
		root $N;
	}
}
EOF
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done' EXIT INT TERM
nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log" &
pids="$pids $!"
P1=$(free_port)
"$dir/delayproxy" "$P1" "$BACK" 25 0 &
pids="$pids $!"
P2=$(free_port)
"$dir/delayproxy" "$P2" "$BACK" 25 10 &
pids="$pids $!"
PH=$(free_port)
"$dir/delayproxy" "$PH" "$BACKH" 25 0 &
pids="$pids $!"
PS=$(free_port)
"$dir/delayproxy" "$PS" "$BACKS" 25 0 &
pids="$pids $!"
if ! wait_port "$BACK" || ! wait_port "$P1" || ! wait_port "$P2" || ! wait_port "$PH" ||
    ! wait_port "$PS"; then
	echo "cert-read-net bench: nginx or the proxy did not start"
	exit 0
fi

# endpoints COUNT PORT: tls://127.1.y.z:PORT, numbered 1..COUNT (y*256+z).
endpoints() {
	awk -v n="$1" -v p="$2" 'BEGIN { for (i = 1; i <= n; i++) printf "tls://127.1.%d.%d:%d\n", int(i / 256), i % 256, p }'
}
endpoints "$SMALL" "$P1" >"$dir/small"
endpoints "$LARGE" "$P2" >"$dir/large"

# measure LABEL CMD...: wall seconds and peak RSS of CMD (GNU time).
measure() {
	label=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$dir/time" "$@" >"$dir/out" 2>/dev/null
	read -r wall rss usr sys <<EOF
$(tail -n 1 "$dir/time")
EOF
	certs=$(grep -c '"kind":"cert"' "$dir/out")
	errors=$(grep -c '"kind":"error"' "$dir/out")
	# CPU time too: on a shared machine it moves less than the wall time.
	printf '%-44s %7.2f s  %6d MB peak RSS  cpu %5.2f s  (%s certificates, %s errors)\n' \
		"$label" "$wall" "$((rss / 1024))" "$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')" \
		"$certs" "$errors"
	LAST=$wall
}

# The s_client loop and ssl-cert-check read one endpoint at a time.
sclient_loop() {
	while read -r u; do
		hp=${u#tls://}
		timeout 3 openssl s_client -connect "$hp" -showcerts </dev/null >/dev/null 2>&1
	done
}

echo "endpoints behind a 25 ms each way proxy (50 ms RTT), nginx TLS backend"
echo "-- $SMALL endpoints, all answering, default settings"
# shellcheck disable=SC2046
measure "cert-read (engine, defaults: --jobs 1024)" cert-read --no-pem $(cat "$dir/small")
ck=$LAST
if [ "$PEERS" = 1 ]; then
# shellcheck disable=SC2046
measure "cert-read thread pool (--jobs 256, old max)" env CERTKIT_NET_ENGINE=0 \
	cert-read --no-pem --jobs 256 $(cat "$dir/small")
head -n "$SAMPLE" "$dir/small" >"$dir/sample"
t0=$(date +%s.%N)
sclient_loop <"$dir/sample"
t=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v s="$SAMPLE" -v n="$SMALL" 'BEGIN { printf "%.1f", (b - a) * n / s }')
printf '%-44s %7s s  (%s endpoints timed, scaled)  -> cert-read %.0fx faster\n' \
	"openssl s_client loop" "$t" "$SAMPLE" "$(awk -v a="$t" -v b="$ck" 'BEGIN { print a / b }')"
if command -v ssl-cert-check >/dev/null 2>&1; then
	sed 's|^tls://||; s|:| |' "$dir/sample" >"$dir/sample.scc"
	t0=$(date +%s.%N)
	ssl-cert-check -b -f "$dir/sample.scc" >/dev/null 2>&1
	t=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v s="$SAMPLE" -v n="$SMALL" 'BEGIN { printf "%.1f", (b - a) * n / s }')
	printf '%-44s %7s s  (%s endpoints timed, scaled)  -> cert-read %.0fx faster\n' \
		"ssl-cert-check -f" "$t" "$SAMPLE" "$(awk -v a="$t" -v b="$ck" 'BEGIN { print a / b }')"
else
	echo "ssl-cert-check: not installed"
fi
if command -v nmap >/dev/null 2>&1; then
	sed 's|^tls://||; s|:.*||' "$dir/small" >"$dir/small.hosts"
	/usr/bin/time -f '%e %M' -o "$dir/time" nmap -n -Pn -T4 -p "$P1" --script ssl-cert \
		-iL "$dir/small.hosts" -oN "$dir/nmap.out" >/dev/null 2>&1
	read -r wall rss <<EOF
$(tail -n 1 "$dir/time")
EOF
	got=$(grep -c 'Subject: commonName' "$dir/nmap.out")
	printf '%-44s %7.2f s  %6d MB peak RSS  (%s certificates)  -> cert-read %.0fx faster\n' \
		"nmap --script ssl-cert" "$wall" "$((rss / 1024))" "$got" \
		"$(awk -v a="$wall" -v b="$ck" 'BEGIN { print a / b }')"
else
	echo "nmap: not installed"
fi

fi

echo "-- $LARGE endpoints, 10% silent, --timeout 3"
# shellcheck disable=SC2046
measure "cert-read --timeout 3 (defaults: --jobs 1024)" cert-read --no-pem --timeout 3 \
	$(cat "$dir/large")
if [ "$PEERS" != 1 ]; then
	exit 0
fi
for j in 256 2000; do
	# shellcheck disable=SC2046
	measure "cert-read --timeout 3 --jobs $j" cert-read --no-pem --timeout 3 --jobs "$j" \
		$(cat "$dir/large")
done
# shellcheck disable=SC2046
measure "cert-read thread pool (--jobs 256, old max)" env CERTKIT_NET_ENGINE=0 \
	cert-read --no-pem --timeout 3 --jobs 256 $(cat "$dir/large")
if command -v nmap >/dev/null 2>&1; then
	sed 's|^tls://||; s|:.*||' "$dir/large" >"$dir/large.hosts"
	/usr/bin/time -f '%e %M' -o "$dir/time" nmap -n -Pn -T4 -p "$P2" --script ssl-cert \
		--host-timeout 10s -iL "$dir/large.hosts" -oN "$dir/nmap.out" >/dev/null 2>&1
	read -r wall rss <<EOF
$(tail -n 1 "$dir/time")
EOF
	got=$(grep -c 'Subject: commonName' "$dir/nmap.out")
	printf '%-44s %7.2f s  %6d MB peak RSS  (%s certificates)\n' \
		"nmap --script ssl-cert --host-timeout 10s" "$wall" "$((rss / 1024))" "$got"
fi

# http(s):// sources: one web server (nginx) behind the same 50 ms RTT proxy,
# $SMALL URLs (distinct queries), https verified against the test root.
echo "-- $SMALL http:// and https:// URLs on one nginx behind the proxy, default settings"
for scheme in http https; do
	p=$PH
	[ "$scheme" = https ] && p=$PS
	awk -v n="$SMALL" -v s="$scheme" -v p="$p" 'BEGIN { for (i = 1; i <= n; i++) printf "%s://127.0.0.1:%d/leaf.der?%d\n", s, p, i }' >"$dir/urls"
	# shellcheck disable=SC2046
	measure "cert-read $scheme:// (engine)" cert-read --no-pem --cacert "$N/root.pem" $(cat "$dir/urls")
	ck=$LAST
	# shellcheck disable=SC2046
	measure "cert-read $scheme:// libcurl thread pool (8)" env CERTKIT_NET_ENGINE=0 \
		cert-read --no-pem --cacert "$N/root.pem" $(cat "$dir/urls")
	# shellcheck disable=SC2046
	measure "cert-read $scheme:// libcurl thread pool (256)" env CERTKIT_NET_ENGINE=0 \
		cert-read --no-pem --jobs 256 --cacert "$N/root.pem" $(cat "$dir/urls")
	head -n "$SAMPLE" "$dir/urls" >"$dir/sample"
	t0=$(date +%s.%N)
	while read -r u; do
		curl -s --cacert "$N/root.pem" -o /dev/null "$u"
	done <"$dir/sample"
	t=$(awk -v a="$t0" -v b="$(date +%s.%N)" -v s="$SAMPLE" -v n="$SMALL" 'BEGIN { printf "%.1f", (b - a) * n / s }')
	printf '%-44s %7s s  (%s URLs timed, scaled)  -> cert-read %.0fx faster\n' \
		"curl loop ($scheme)" "$t" "$SAMPLE" "$(awk -v a="$t" -v b="$ck" 'BEGIN { print a / b }')"
done
