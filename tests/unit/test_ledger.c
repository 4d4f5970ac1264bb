/* Unit tests for ck_ledger: schema rules the tools rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "ck_ledger.h"

static char path[64];

static int
setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/ck_ledger_XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	close(fd);
	unlink(path);
	return 0;
}

static int
teardown(void **state)
{
	char p[80];

	(void)state;
	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
	return 0;
}

static void
row(struct ck_ledger_row *r, const char *serial)
{
	static const unsigned char der[] = { 0x30, 0x00 };

	memset(r, 0, sizeof(*r));
	r->template = "T";
	r->subject = "CN=x";
	r->serial = serial;
	r->der = der;
	r->der_len = sizeof(der);
	r->not_after = "2027-01-01T00:00:00Z";
}

static int
count_row(const struct ck_ledger_row *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void
test_issue_unique_serial(void **state)
{
	struct ck_err e;
	struct ck_ledger *l;
	struct ck_ledger_row r;
	long long id = 0;
	int n = 0;

	(void)state;
	assert_non_null(l = ck_ledger_create(path, &e));
	row(&r, "4a");
	assert_int_equal(ck_ledger_issue(l, &r, "2026-06-01T00:00:00Z", "t", &id, &e), 0);
	assert_int_equal(id, 1);
	/* Same serial again: -2, and nothing written (no orphan request). */
	assert_int_equal(ck_ledger_issue(l, &r, "2026-06-01T00:00:00Z", "t", &id, &e), -2);
	assert_int_equal(ck_ledger_each(l, NULL, count_row, &n, &e), 0);
	assert_int_equal(n, 1);
	ck_ledger_close(l);
	/* create refuses an existing file. */
	assert_null(ck_ledger_create(path, &e));
}

static void
test_pending_states(void **state)
{
	struct ck_err e;
	struct ck_ledger *l;
	struct ck_ledger_row r;
	long long id = 0, id2 = 0;
	int n = 0;

	(void)state;
	assert_non_null(l = ck_ledger_create(path, &e));
	row(&r, NULL);
	assert_int_equal(ck_ledger_request_add(l, &r, "2026-06-01T00:00:00Z", "t", &id, &e), 0);
	assert_int_equal(ck_ledger_request_add(l, &r, "2026-06-01T00:00:00Z", "t", &id2, &e), 0);
	assert_int_equal(ck_ledger_each(l, "pending", count_row, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ck_ledger_deny(l, id2, "2026-06-01T00:00:00Z", "t", &e), 0);
	assert_int_equal(ck_ledger_deny(l, id2, "2026-06-01T00:00:00Z", "t", &e), -1);
	assert_int_equal(e.code, CK_E_POLICY);
	row(&r, "4b");
	r.id = id2;	/* denied: cannot be issued */
	assert_int_equal(ck_ledger_issue(l, &r, "2026-06-01T00:00:00Z", "t", NULL, &e), -1);
	assert_int_equal(e.code, CK_E_POLICY);
	r.id = id;
	assert_int_equal(ck_ledger_issue(l, &r, "2026-06-01T00:00:00Z", "t", NULL, &e), 0);
	assert_int_equal(ck_ledger_revoke(l, "4B", "superseded", "2026-06-02T00:00:00Z", "t", &e), 0);
	assert_int_equal(ck_ledger_revoke(l, "4b", "superseded", "2026-06-02T00:00:00Z", "t", &e), -1);
	assert_int_equal(e.code, CK_E_POLICY);
	assert_int_equal(ck_ledger_revoke(l, "77", NULL, "2026-06-02T00:00:00Z", "t", &e), -1);
	assert_int_equal(e.code, CK_E_NOTFOUND);
	n = 0;
	assert_int_equal(ck_ledger_each(l, "revoked", count_row, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ck_ledger_find(l, "zz!", count_row, &n, &e), -1);
	assert_int_equal(e.code, CK_E_USAGE);
	ck_ledger_close(l);
}

static void
test_open_rejects(void **state)
{
	struct ck_err e;
	FILE *fp;

	(void)state;
	assert_null(ck_ledger_open(path, 100, &e));
	assert_int_equal(e.code, CK_E_DB);
	assert_non_null(fp = fopen(path, "w"));
	fputs("this is not a database, not even close to one, at all.......", fp);
	fclose(fp);
	assert_null(ck_ledger_open(path, 100, &e));
	assert_int_equal(e.code, CK_E_DB);
}

/*
 * Each cert-issue process opens the ledger, commits once and closes it
 * without a checkpoint; the WAL must still stay short (the next process
 * rebuilds its index from the whole WAL), and every row must be there.
 */
static void
test_wal_stays_short(void **state)
{
	struct ck_ledger_row r;
	struct ck_ledger *l;
	struct ck_err e;
	struct stat st;
	char serial[16], wal[80];
	off_t most = 0;
	int i, n = 0;

	(void)state;
	assert_non_null(l = ck_ledger_create(path, &e));
	ck_ledger_close(l);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	for (i = 0; i < 400; i++) {
		assert_non_null(l = ck_ledger_open(path, 1000, &e));
		snprintf(serial, sizeof(serial), "%x", i + 1);
		row(&r, serial);
		assert_int_equal(ck_ledger_issue(l, &r, "2026-06-01T00:00:00Z", "t", NULL, &e), 0);
		ck_ledger_close(l);
		if (stat(wal, &st) == 0 && st.st_size > most)
			most = st.st_size;
	}
	/* 128 pages of 4 KiB and a commit's worth more; unbounded it passes 1 MiB. */
	assert_true(most < 700 * 1024);
	assert_non_null(l = ck_ledger_open(path, 1000, &e));
	assert_int_equal(ck_ledger_each(l, "issued", count_row, &n, &e), 0);
	assert_int_equal(n, 400);
	ck_ledger_close(l);
}

static void
test_reasons(void **state)
{
	static const struct { const char *in, *canon; int code; } t[] = {
		{ "key_compromise", "key_compromise", 1 },
		{ "keyCompromise", "key_compromise", 1 },
		{ "superseded", "superseded", 4 },
		{ "cessationOfOperation", "cessation_of_operation", 5 },
		{ "aa_compromise", "aa_compromise", 10 },
		{ "sneezing", NULL, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *c = NULL;
		assert_int_equal(ck_ledger_reason_code(t[i].in, &c), t[i].code);
		if (t[i].canon)
			assert_string_equal(c, t[i].canon);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_issue_unique_serial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_rejects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wal_stays_short, setup, teardown),
		cmocka_unit_test(test_reasons),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
