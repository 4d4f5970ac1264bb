#!/bin/sh
# Benchmark: cert-approve judging 10 000 (template, CA) pairs (1 000
# templates published on 10 CAs, one principal with 50 groups, ACLs of 20
# entries).  There is no peer tool on Unix to compare with (on Windows an
# administrator reads the template ACLs and the CA registry by hand), so
# this prints the time and the pairs per second only.
set -u
dir="$BENCH/approve"
mkdir -p "$dir"
D=S-1-5-21-1-2-3
awk -v D="$D" 'BEGIN {
	g = ""
	for (i = 0; i < 50; i++) g = g sprintf("%s{\"sid\":\"%s-%d\",\"name\":\"CORP\\\\G%d\"}", i ? "," : "", D, 2000 + i, i)
	printf "{\"kind\":\"principal\",\"v\":1,\"name\":\"CORP\\\\SITESRV01$\",\"sid\":\"%s-1105\",\"groups\":[%s]}\n", D, g
	t = ""
	for (i = 0; i < 1000; i++) t = t sprintf("%s\"T%d\"", i ? "," : "", i)
	for (c = 0; c < 10; c++)
		printf "{\"kind\":\"ca\",\"v\":1,\"name\":\"CA%d\",\"templates\":[%s],\"request_disposition\":{\"raw\":1}}\n", c, t
	for (i = 0; i < 1000; i++) {
		a = ""
		for (k = 0; k < 19; k++) a = a sprintf("{\"sid\":\"%s-%d\",\"allow\":true,\"rights\":[\"read\",\"enroll\"]},", D, 5000 + k)
		a = a sprintf("{\"sid\":\"%s-%d\",\"allow\":true,\"rights\":[\"enroll\"]}", D, 2000 + (i % 60))
		printf "{\"kind\":\"template\",\"v\":1,\"name\":\"T%d\",\"enrollment_flag\":{\"raw\":%d},\"ra_signatures\":0,\"acl\":[%s]}\n", i, (i % 7 == 0) ? 2 : 0, a
	}
}' > "$dir/records.jsonl"
start=$(date +%s.%N)
cert-approve --requester 'CORP\SITESRV01$' "$dir/records.jsonl" > "$dir/out.jsonl"
rc=$?
end=$(date +%s.%N)
n=$(grep -c '"kind":"approval"' "$dir/out.jsonl")
awk -v s="$start" -v e="$end" -v n="$n" -v rc="$rc" 'BEGIN {
	t = e - s
	printf "cert-approve: %d approvals in %.3f s (%.0f pairs/s, exit %d); no peer tool to compare with\n", n, t, (t > 0 ? n / t : 0), rc
}'
