#!/bin/sh
# Sign N (default 1000) CSRs: cert-issue sign (one process per CSR, and one
# batch process with every --csr) vs openssl ca -batch on the same CSRs (one
# process per CSR, and one process with -infiles).  Prints times and ratios.
# Also one process per CSR with --sync full (an fsync per commit), to show
# what power-loss durability costs.
set -eu
N=${BENCH_N:-1000}
dir="$BENCH/cert-issue"
mkdir -p "$dir/csr"
cd "$dir"
export CERTKIT_NOW=2026-06-01T00:00:00Z
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l 2>/dev/null || python3 -c "print($2 - $1)"; }
ratio() { python3 -c "print('%.2f' % ($1 / $2))"; }

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out leaf.key 2>/dev/null
i=1
while [ "$i" -le "$N" ]; do
	openssl req -new -key leaf.key -subj "/CN=amt$i.corp.example" -out "csr/$i.csr" 2>/dev/null
	i=$((i + 1))
done

cert-issue init --dir ca --subject 'CN=Bench CA' >/dev/null
cp -r ca ca-batch
cp -r ca ca-full

# openssl ca with the same CA key and certificate.
mkdir -p oca/new
: >oca/index.txt
echo 01 >oca/serial
cat >oca/ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = $dir/oca/index.txt
new_certs_dir = $dir/oca/new
serial = $dir/oca/serial
certificate = $dir/ca/ca.pem
private_key = $dir/ca/ca.key
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
cp -r oca oca-batch
sed -i "s|$dir/oca/|$dir/oca-batch/|g" oca-batch/ca.cnf

t0=$(now)
i=1
while [ "$i" -le "$N" ]; do
	cert-issue sign --dir ca --template amt-web-server --csr "csr/$i.csr" >/dev/null
	i=$((i + 1))
done
t1=$(now)
set --
i=1
while [ "$i" -le "$N" ]; do
	set -- "$@" --csr "csr/$i.csr"
	i=$((i + 1))
done
cert-issue sign --dir ca-batch --template amt-web-server "$@" >/dev/null
t2=$(now)
i=1
while [ "$i" -le "$N" ]; do
	openssl ca -batch -config oca/ca.cnf -in "csr/$i.csr" -out /dev/null -notext 2>/dev/null
	i=$((i + 1))
done
t3=$(now)
set --
i=1
while [ "$i" -le "$N" ]; do
	set -- "$@" "csr/$i.csr"
	i=$((i + 1))
done
openssl ca -batch -config oca-batch/ca.cnf -out /dev/null -notext -infiles "$@" 2>/dev/null
t4=$(now)

fs=""
if cert-issue --help | grep -q -- '--sync'; then
	t5=$(now)
	i=1
	while [ "$i" -le "$N" ]; do
		cert-issue sign --dir ca-full --sync full --template amt-web-server --csr "csr/$i.csr" >/dev/null
		i=$((i + 1))
	done
	fs=$(secs "$t5" "$(now)")
fi

ci=$(secs "$t0" "$t1")
cb=$(secs "$t1" "$t2")
oi=$(secs "$t2" "$t3")
ob=$(secs "$t3" "$t4")
echo "sign $N CSRs, one process each: cert-issue ${ci}s, openssl ca ${oi}s, ratio $(ratio "$ci" "$oi") (cert-issue/openssl)"
echo "sign $N CSRs, one batch process: cert-issue ${cb}s, openssl ca -infiles ${ob}s, ratio $(ratio "$cb" "$ob") (cert-issue/openssl)"
[ -z "$fs" ] || echo "sign $N CSRs, one process each, --sync full: cert-issue ${fs}s, ratio $(ratio "$fs" "$oi") (cert-issue/openssl)"
echo "ledger rows: $(cert-issue list --dir ca --status issued | grep -c .) + $(cert-issue list --dir ca-batch --status issued | grep -c .)"
