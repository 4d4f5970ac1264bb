#!/bin/sh
# Sign N (default 1000) CSRs: cert-issue sign (one process per CSR, and one
# batch process with every --csr) vs openssl ca -batch on the same CSRs (one
# process per CSR, and one process with -infiles).  Prints times and ratios
# (openssl / cert-issue: above 1 means cert-issue is faster).
#
# The machine is shared, so the two tools take turns: the per-process runs go
# in ROUNDS chunks (default 10), cert-issue first in odd rounds and openssl
# first in even ones, and each batch run is repeated ROUNDS_BATCH times
# (default 3) the same way, each time on a fresh CA; CPU time (user + sys, of
# every process) is printed beside wall time, since it says less about the
# neighbours.  Then BENCH_ALT (default 300) single runs of each, taking turns
# one by one and timed one by one: their medians are the least disturbed
# per-process figure on a busy machine.
#
# Durability, like for like: cert-issue prints a certificate only after its
# ledger row is committed (SQLite WAL, synchronous=NORMAL: a commit survives
# the process being killed at any moment; no fsync per commit; a batch is one
# transaction, committed before its certificates print).  openssl ca writes
# index.txt.new, then the certificates, and renames the new index into place
# at the end of its run, never fsyncing: killed in between, it has handed out
# certificates its database does not list.  One more
# per-process run with --sync full (an fsync per commit) shows what
# power-loss durability costs.
#
# Measured on the shared 2-core machine (load 4 to 8 from other work), 1000
# CSRs, openssl/cert-issue: before the signing work (1fc0504) one process
# each 0.94-1.10x (cpu 0.94-1.08x), batch 1.03-1.19x (cpu 1.04-1.38x); after
# it one process each 1.20-1.52x (cpu 1.22-1.52x; single runs taking turns,
# medians: 1.37-1.62x), batch 1.85-2.87x (cpu 1.77-2.44x).  Batch wall
# time needs both cores free; with other work on them it falls toward the
# cpu ratio.  On the idle machine, after the legacy key path and SQLite
# linked in (2608e48): one process each 1.64-1.78x (medians 1.48-1.53x),
# batch 3.5-3.7x (cpu 2.0x); before them (66438c5) 1.29x (medians 1.23x),
# batch 2.7x.
set -eu
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-10}
ROUNDS_BATCH=${BENCH_ROUNDS_BATCH:-3}
dir="$BENCH/cert-issue"
mkdir -p "$dir/csr"
cd "$dir"
export CERTKIT_NOW=2026-06-01T00:00:00Z
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l 2>/dev/null || python3 -c "print($2 - $1)"; }
add() { python3 -c "print('%.3f' % ($1 + $2))"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }
# CPU seconds (user + sys) of a command and everything it ran.
cpu() {
	/usr/bin/time -f '%U %S' -o cpu.out "$@"
	awk '{ print $1 + $2 }' cpu.out
}

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key 2>/dev/null
i=1
while [ "$i" -le "$N" ]; do
	openssl req -new -key leaf.key -subj "/CN=amt$i.corp.example" -out "csr/$i.csr" 2>/dev/null
	i=$((i + 1))
done

cert-issue init --dir ca0 --subject 'CN=Bench CA' >/dev/null

# openssl ca with the same CA key and certificate (DIR: its own index, serial, new certs).
oca() {
	mkdir -p "$1/new"
	: >"$1/index.txt"
	echo 01 >"$1/serial"
	cat >"$1/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $dir/$1/index.txt
new_certs_dir = $dir/$1/new
serial = $dir/$1/serial
certificate = $dir/ca0/ca.pem
private_key = $dir/ca0/ca.key
policy = p
unique_subject = no
default_md = sha256
default_days = 730
copy_extensions = copy
x509_extensions = ext
rand_serial = yes
[p]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
}

# One process per CSR: sh each.sh ci|oc DIR FIRST LAST [--sync full]
cat >each.sh <<'SH'
tool=$1 d=$2 i=$3 last=$4
shift 4
while [ "$i" -le "$last" ]; do
	if [ "$tool" = ci ]; then
		cert-issue sign --dir "$d" "$@" --template amt-web-server --csr "csr/$i.csr" >/dev/null
	else
		openssl ca -batch -config "$d/ca.cnf" -in "csr/$i.csr" -out /dev/null -notext 2>/dev/null
	fi
	i=$((i + 1))
done
SH

# Runs "$@" and adds its wall and CPU seconds to the variables w_$tag and c_$tag.
timed() {
	tag=$1
	shift
	t=$(now)
	/usr/bin/time -f '%U %S' -o cpu.out "$@"
	eval "w_$tag=\$(add \"\$w_$tag\" \"\$(secs \"$t\" \"\$(now)\")\")"
	eval "c_$tag=\$(add \"\$c_$tag\" \"\$(awk '{ print \$1 + \$2 }' cpu.out)\")"
}

cp -r ca0 ca
cp -r ca0 ca-full
oca oca
w_ci=0 c_ci=0 w_oc=0 c_oc=0 w_full=0 c_full=0 w_cb=0 c_cb=0 w_ob=0 c_ob=0
chunk=$(( (N + ROUNDS - 1) / ROUNDS ))
r=0
lo=1
while [ "$lo" -le "$N" ]; do
	hi=$((lo + chunk - 1))
	[ "$hi" -le "$N" ] || hi=$N
	if [ $((r % 2)) -eq 0 ]; then order="ci oc"; else order="oc ci"; fi
	for who in $order; do
		if [ "$who" = ci ]; then
			timed ci sh each.sh ci ca "$lo" "$hi"
		else
			timed oc sh each.sh oc oca "$lo" "$hi"
		fi
	done
	r=$((r + 1))
	lo=$((hi + 1))
done

# Single runs taking turns (cert-issue, openssl ca, openssl ca, cert-issue,
# ...), each timed alone: the medians are what one run costs, whatever the
# neighbours did in between.
cp -r ca0 ca-alt
oca oca-alt
ALT=${BENCH_ALT:-300}
[ "$ALT" -le "$N" ] || ALT=$N
alt=$(python3 - "$ALT" <<'PY'
import os, statistics, subprocess, sys, time
n = int(sys.argv[1])
runs = {"ci": [], "oc": []}
def cmd(k, i):
    if k == "ci":
        return ["cert-issue", "sign", "--dir", "ca-alt", "--template", "amt-web-server",
                "--csr", "csr/%d.csr" % i]
    return ["openssl", "ca", "-batch", "-config", "oca-alt/ca.cnf", "-in", "csr/%d.csr" % i,
            "-out", "/dev/null", "-notext"]
for i in range(1, n + 1):
    for k in (("ci", "oc") if i % 2 else ("oc", "ci")):
        t = time.perf_counter()
        subprocess.run(cmd(k, i), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        runs[k].append(time.perf_counter() - t)
ci, oc = statistics.median(runs["ci"]), statistics.median(runs["oc"])
print("%.2f %.2f %.2f" % (ci * 1e3, oc * 1e3, oc / ci))
PY
)

set --
i=1
while [ "$i" -le "$N" ]; do
	set -- "$@" "csr/$i.csr"
	i=$((i + 1))
done
r=0
while [ "$r" -lt "$ROUNDS_BATCH" ]; do
	rm -rf ca-batch oca-batch
	cp -r ca0 ca-batch
	oca oca-batch
	if [ $((r % 2)) -eq 0 ]; then order="ci oc"; else order="oc ci"; fi
	for who in $order; do
		if [ "$who" = ci ]; then
			# shellcheck disable=SC2046 # one --csr per file
			timed cb cert-issue sign --dir ca-batch --template amt-web-server \
			    $(for f in "$@"; do printf ' --csr %s' "$f"; done) >/dev/null
		else
			timed ob openssl ca -batch -config oca-batch/ca.cnf -out /dev/null -notext \
			    -infiles "$@" 2>/dev/null
		fi
	done
	r=$((r + 1))
done

timed full sh each.sh ci ca-full 1 "$N" --sync full

echo "sign $N CSRs, one process each: cert-issue ${w_ci}s (cpu ${c_ci}s), openssl ca ${w_oc}s (cpu ${c_oc}s): cert-issue $(ratio "$w_oc" "$w_ci")x faster (cpu $(ratio "$c_oc" "$c_ci")x)"
echo "$alt" | awk -v n="$ALT" '{ printf "sign %d CSRs, single runs taking turns, medians: cert-issue %s ms, openssl ca %s ms: cert-issue %sx faster\n", n, $1, $2, $3 }'
echo "sign $N CSRs, one batch process, $ROUNDS_BATCH runs: cert-issue ${w_cb}s (cpu ${c_cb}s, all cores), openssl ca -infiles ${w_ob}s (cpu ${c_ob}s): cert-issue $(ratio "$w_ob" "$w_cb")x faster (cpu $(ratio "$c_ob" "$c_cb")x)"
echo "sign $N CSRs, one process each, --sync full: cert-issue ${w_full}s (cpu ${c_full}s): $(ratio "$w_oc" "$w_full")x openssl ca's speed"
echo "ledger rows: $(cert-issue list --dir ca --status issued | grep -c .) + $(cert-issue list --dir ca-alt --status issued | grep -c .) + $(cert-issue list --dir ca-batch --status issued | grep -c .) + $(cert-issue list --dir ca-full --status issued | grep -c .)"
