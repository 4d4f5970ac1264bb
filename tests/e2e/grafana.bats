#!/usr/bin/env bats
# docs/examples/grafana-cert-expiry.json: every metric and label the
# dashboard queries is one cert-expiry --format prometheus writes.

bats_require_minimum_version 1.5.0
load helper

setup() {
	DASH="$CK_TOP/docs/examples/grafana-cert-expiry.json"
	NAMES="$CK_TOP/tests/harness/grafana_metrics.py"
}

# emitted: "metric NAME" and "label NAME" lines of what cert-expiry writes
# (plus instance and job, the labels Prometheus adds to every scraped series).
emitted() {
	cert-expiry --format prometheus "$FIX/expiry/ok.pem" "$FIX/expiry/garbage.pem" 2>/dev/null >"$BATS_TEST_TMPDIR/prom" || true
	{
		sed -n 's/^# TYPE \([^ ]*\) .*/metric \1/p' "$BATS_TEST_TMPDIR/prom"
		grep -v '^#' "$BATS_TEST_TMPDIR/prom" | grep -o '[A-Za-z_]*="' | sed 's/="$//; s/^/label /'
		printf 'label instance\nlabel job\n'
	} | LC_ALL=C sort -u
}

@test "grafana: the dashboard is valid JSON for import (datasource input, uid, panels with queries)" {
	run -0 jq -e '.uid == "certkit-cert-expiry" and (.__inputs[0].pluginId == "prometheus")
		and ([.panels[].targets[]?.expr] | length >= 5)' "$DASH"
}

@test "grafana: every metric and label the dashboard queries is one cert-expiry emits" {
	emitted >"$BATS_TEST_TMPDIR/emitted"
	python3 "$NAMES" "$DASH" | LC_ALL=C sort >"$BATS_TEST_TMPDIR/used"
	# It queries the expiry metrics at all (the check is not vacuous).
	[ "$(grep -c '^metric x509_' "$BATS_TEST_TMPDIR/used")" -ge 3 ]
	grep -qx 'label subject_CN' "$BATS_TEST_TMPDIR/used"
	run -0 env LC_ALL=C comm -23 "$BATS_TEST_TMPDIR/used" "$BATS_TEST_TMPDIR/emitted"
	[ -z "$output" ] || { echo "queried but not emitted: $output" >&2; return 1; }
}

@test "grafana: a metric cert-expiry does not emit is caught (the check can fail)" {
	emitted >"$BATS_TEST_TMPDIR/emitted"
	jq '.panels[0].targets[0].expr = "sum(x509_cert_expiry_days{subject=\"a\"}) by (common_name)"' "$DASH" >"$BATS_TEST_TMPDIR/bad.json"
	python3 "$NAMES" "$BATS_TEST_TMPDIR/bad.json" | LC_ALL=C sort >"$BATS_TEST_TMPDIR/used"
	run -0 env LC_ALL=C comm -23 "$BATS_TEST_TMPDIR/used" "$BATS_TEST_TMPDIR/emitted"
	[ "$output" = "label common_name
label subject
metric x509_cert_expiry_days" ]
}
