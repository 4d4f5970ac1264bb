/* Unit tests for ck_expiry: boundaries, escaping, chains, renderings. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ck_clock.h"
#include "ck_expiry.h"

#define NOW 1780272000		/* 2026-06-01T00:00:00Z */
#define D 86400

static void
test_classify(void **state)
{
	static const struct {
		long long nb, na;	/* offsets from NOW */
		int want, nyv;
	} t[] = {
		{ -D, 31LL * D, CK_EXPIRY_OK, 0 },
		{ -D, 30LL * D + 1, CK_EXPIRY_OK, 0 },
		{ -D, 30LL * D, CK_EXPIRY_WARNING, 0 },	/* exactly at warn */
		{ -D, 7LL * D + 1, CK_EXPIRY_WARNING, 0 },
		{ -D, 7LL * D, CK_EXPIRY_CRITICAL, 0 },	/* exactly at crit */
		{ -D, 1, CK_EXPIRY_CRITICAL, 0 },	/* one second before expiry */
		{ -D, 0, CK_EXPIRY_CRITICAL, 0 },	/* notAfter itself is still valid */
		{ -D, -1, CK_EXPIRY_EXPIRED, 0 },
		{ 1, 365LL * D, CK_EXPIRY_WARNING, 1 },	/* not yet valid */
		{ 0, 365LL * D, CK_EXPIRY_OK, 0 },	/* valid from this second */
		{ 1, 3LL * D, CK_EXPIRY_CRITICAL, 1 },	/* the worse state stays */
	};
	struct ck_expiry_policy p;
	size_t i;
	int nyv;

	(void)state;
	ck_expiry_policy_init(&p, NOW);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = ck_expiry_classify(&p, NOW + t[i].nb, NOW + t[i].na, &nyv);

		if (got != t[i].want || nyv != t[i].nyv)
			fail_msg("case %zu: state %d nyv %d, want %d %d", i, got, nyv,
			    t[i].want, t[i].nyv);
	}
	assert_int_equal(ck_expiry_status(CK_EXPIRY_EXPIRED, 0), CK_CRITICAL);
	assert_int_equal(ck_expiry_status(CK_EXPIRY_OK, 1), CK_WARNING);
	assert_string_equal(ck_expiry_state_name(CK_EXPIRY_EXPIRED), "expired");
}

static void
test_escape(void **state)
{
	static const struct {
		const char *in, *prom, *perf;
	} t[] = {
		{ "plain.example", "plain.example", "plain.example" },
		{ "a\"b", "a\\\"b", "a\"b" },
		{ "back\\slash", "back\\\\slash", "back\\slash" },
		{ "new\nline", "new\\nline", "new_line" },
		{ "it's", "it's", "it''s" },
		{ "a=b|c", "a=b|c", "a_b_c" },
	};
	char buf[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_expiry_prom_escape(t[i].in, buf, sizeof(buf));
		assert_string_equal(buf, t[i].prom);
		ck_expiry_perf_label(t[i].in, buf, sizeof(buf));
		assert_string_equal(buf, t[i].perf);
	}
	/* Truncation never splits an escape or overruns. */
	ck_expiry_prom_escape("\"\"\"\"", buf, 6);
	assert_true(strlen(buf) < 6);
	assert_string_equal(buf, "\\\"\\\"");
}

static void
test_serial(void **state)
{
	static const struct {
		const char *hex, *dec;
	} t[] = {
		{ "01", "1" }, { "ff", "255" }, { "0100", "256" },
		{ "1d5e0e6f1b1a8f7c1b3a6c3b5e2b8a9d", "39035980538913529242271291851246635677" },
		{ "", "" }, { "xyz", "xyz" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *d = ck_expiry_serial_dec(t[i].hex);

		assert_non_null(d);
		assert_string_equal(d, t[i].dec);
		free(d);
	}
}

static json_t *
cert(const char *id, const char *cn, const char *nb, const char *na, const char *uri)
{
	return json_pack("{s:s, s:i, s:s, s:{s:s}, s:{s:s}, s:s, s:s, s:s, s:{s:s, s:s, s:i}}",
	    "kind", "cert", "v", 1, "id", id, "subject", "cn", cn, "issuer", "cn", "Test CA",
	    "serial", "0a", "not_before", nb, "not_after", na,
	    "source", "type", "file", "uri", uri, "index", 0);
}

static void
test_records(void **state)
{
	struct ck_expiry_policy p;
	struct ck_expiry_set s;
	struct ck_err err;
	json_t *c1, *c2, *c1dup, *chain, *crl, *ca, *bad, *other;
	struct ck_expiry_counts cnt;

	(void)state;
	ck_expiry_policy_init(&p, NOW);
	assert_int_equal(ck_expiry_set_init(&s, &p, &err), 0);
	c1 = cert("aa", "leaf", "2026-01-01T00:00:00Z", "2026-06-04T00:00:00Z", "a.pem");
	c2 = cert("bb", "root", "2020-01-01T00:00:00Z", "2036-01-01T00:00:00Z", "a.pem");
	c1dup = cert("aa", "leaf", "2026-01-01T00:00:00Z", "2026-06-04T00:00:00Z", "a.pem");
	assert_int_equal(ck_expiry_record(&s, c1, &err), CK_CRITICAL);
	assert_int_equal(ck_expiry_record(&s, c2, &err), CK_OK);
	assert_int_equal(ck_expiry_record(&s, c1dup, &err), CK_CRITICAL);
	assert_int_equal(s.n, 2);	/* the same certificate from the same source once */
	assert_string_equal(json_string_value(json_object_get(json_object_get(c1, "expiry"),
	    "status")), "critical");
	assert_true(json_real_value(json_object_get(json_object_get(c1, "expiry"),
	    "days_left")) == 3.0);

	/* A chain by ids: summary of its soonest certificate. */
	chain = json_pack("{s:s, s:i, s:s, s:[s, s]}", "kind", "chain", "v", 1, "id", "ch",
	    "path", "aa", "bb");
	assert_int_equal(ck_expiry_record(&s, chain, &err), CK_CRITICAL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(chain, "expiry"),
	    "cert")), "aa");
	json_decref(chain);

	/* A chain naming a certificate never seen: UNKNOWN with a reason. */
	chain = json_pack("{s:s, s:i, s:s, s:[s, s]}", "kind", "chain", "v", 1, "id", "ch2",
	    "path", "aa", "zz");
	assert_int_equal(ck_expiry_record(&s, chain, &err), -1);
	assert_non_null(strstr(err.msg, "1 of its 2 certificates"));
	assert_int_equal(s.errors, 1);
	json_decref(chain);

	/* A chain embedding its certificates. */
	chain = json_pack("{s:s, s:i, s:s, s:[s], s:[o]}", "kind", "chain", "v", 1, "id", "ch3",
	    "path", "cc", "certs",
	    cert("cc", "emb", "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z", "tls://h:1"));
	assert_int_equal(ck_expiry_record(&s, chain, &err), CK_CRITICAL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(chain, "certs"), 0), "expiry"), "status")), "expired");
	json_decref(chain);

	/* ca: the inner cert is judged. */
	ca = json_pack("{s:s, s:i, s:s, s:o}", "kind", "ca", "v", 1, "name", "CA1", "cert",
	    cert("dd", "CA1", "2020-01-01T00:00:00Z", "2026-06-20T00:00:00Z", "ldap://x"));
	assert_int_equal(ck_expiry_record(&s, ca, &err), CK_WARNING);
	assert_non_null(json_object_get(json_object_get(ca, "cert"), "expiry"));

	/* crl by next_update. */
	crl = json_pack("{s:s, s:i, s:{s:s}, s:s, s:s}", "kind", "crl", "v", 1, "issuer", "cn",
	    "CA1", "this_update", "2026-05-25T00:00:00Z", "next_update", "2026-06-01T12:00:00Z");
	assert_int_equal(ck_expiry_record(&s, crl, &err), CK_CRITICAL);

	/* A cert record without not_after, an unknown kind. */
	bad = json_pack("{s:s, s:i, s:s}", "kind", "cert", "v", 1, "serial", "01");
	assert_int_equal(ck_expiry_record(&s, bad, &err), -1);
	other = json_pack("{s:s, s:i}", "kind", "template", "v", 1);
	assert_int_equal(ck_expiry_record(&s, other, &err), CK_OK);
	assert_null(json_object_get(other, "expiry"));

	assert_int_equal(s.status, CK_CRITICAL);
	ck_expiry_sort(&s);
	assert_string_equal(s.items[0].subject_cn, "emb");	/* expired first */
	ck_expiry_count(&s, &cnt);
	assert_int_equal(cnt.expired, 1);
	assert_int_equal(cnt.critical, 2);
	assert_int_equal(cnt.warning, 1);
	assert_int_equal(cnt.ok, 1);

	json_decref(c1);
	json_decref(c2);
	json_decref(c1dup);
	json_decref(ca);
	json_decref(crl);
	json_decref(bad);
	json_decref(other);
	ck_expiry_set_release(&s);
}

static char *
render(struct ck_expiry_set *s, int which, int all, int *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct ck_err err;

	assert_non_null(fp);
	if (which == 0)
		assert_int_equal(ck_expiry_write_nagios(fp, s, all, st, &err), 0);
	else if (which == 1)
		assert_int_equal(ck_expiry_write_text(fp, s, all, 0, &err), 0);
	else
		assert_int_equal(ck_expiry_write_prometheus(fp, s, &err), 0);
	fclose(fp);
	return buf;
}

static void
test_nagios(void **state)
{
	struct ck_expiry_policy p;
	struct ck_expiry_set s;
	struct ck_err err;
	char *out, id[8], cn[32];
	int st, i;
	json_t *c;

	(void)state;
	ck_expiry_policy_init(&p, NOW);
	assert_int_equal(ck_expiry_set_init(&s, &p, &err), 0);
	out = render(&s, 0, 0, &st);
	assert_string_equal(out, "CERT UNKNOWN - no certificates found\n");
	assert_int_equal(st, CK_UNKNOWN);
	free(out);
	/* Nothing to report in the table: nothing printed (cron mails nothing). */
	out = render(&s, 1, 0, &st);
	assert_string_equal(out, "");
	free(out);

	for (i = 0; i < 15; i++) {
		snprintf(id, sizeof(id), "%02d", i);
		snprintf(cn, sizeof(cn), "h%02d.example", i);
		c = cert(id, cn, "2026-01-01T00:00:00Z", i == 0 ? "2026-06-11T00:00:00Z" :
		    "2027-01-01T00:00:00Z", "d/");
		assert_int_equal(ck_expiry_record(&s, c, &err) >= 0, 1);
		json_decref(c);
	}
	ck_expiry_sort(&s);
	out = render(&s, 0, 0, &st);
	assert_int_equal(st, CK_WARNING);
	assert_true(strncmp(out, "CERT WARNING - 0 expired, 0 critical, 1 warning, 14 ok; "
	    "soonest: h00.example (10.0d left) | 'days_h00.example'=10.00;30;7;; ", 100) == 0);
	/* CK_EXPIRY_PERF_MAX perfdata entries, one line. */
	{
		int n = 0;
		char *q;

		for (q = out; (q = strstr(q, "'days_")) != NULL; q++)
			n++;
		assert_int_equal(n, CK_EXPIRY_PERF_MAX);
		assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1);
	}
	free(out);
	out = render(&s, 0, 1, &st);	/* --all: every certificate */
	assert_non_null(strstr(out, "'days_h14.example'"));
	free(out);
	out = render(&s, 1, 0, &st);
	assert_non_null(strstr(out, "h00.example"));
	assert_null(strstr(out, "h01.example"));
	assert_non_null(strstr(out, "15 checked: 0 expired, 0 critical, 1 warning, 14 ok"));
	free(out);
	out = render(&s, 2, 0, &st);
	assert_non_null(strstr(out, "x509_cert_not_after{subject_CN=\"h00.example\","
	    "issuer_CN=\"Test CA\",serial_number=\"10\",source=\"d/\"} 1781136000\n"));
	assert_non_null(strstr(out, "x509_cert_expires_in_seconds{subject_CN=\"h00.example\","
	    "issuer_CN=\"Test CA\",serial_number=\"10\",source=\"d/\"} 864000\n"));
	assert_non_null(strstr(out, "# TYPE x509_cert_expired gauge\n"));
	assert_non_null(strstr(out, "x509_read_errors 0\n"));
	free(out);
	ck_expiry_set_release(&s);
}

static void
test_atomic(void **state)
{
	char dir[] = "/tmp/ck_expiry_test.XXXXXX", path[128], *tmp;
	struct ck_err err;
	struct stat st;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.prom", dir);
	fp = ck_expiry_out_open(path, &tmp, &err);
	assert_non_null(fp);
	assert_int_equal(strncmp(tmp, dir, strlen(dir)), 0);	/* same directory */
	assert_non_null(strstr(tmp, "/.x.prom."));
	fputs("a 1\n", fp);
	assert_int_equal(stat(path, &st), -1);	/* nothing visible before the rename */
	assert_int_equal(ck_expiry_out_commit(fp, tmp, path, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(st.st_size, 4);
	/* abort leaves nothing behind */
	fp = ck_expiry_out_open(path, &tmp, &err);
	assert_non_null(fp);
	ck_expiry_out_abort(fp, tmp);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);	/* empty: no stray temp file */
	/* A directory that does not exist. */
	assert_null(ck_expiry_out_open("/nonexistent-dir/x.prom", &tmp, &err));
	assert_int_equal(err.code, CK_E_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_nagios),
		cmocka_unit_test(test_atomic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
