/*
 * Unit tests of ck_group: cert records of one source form one candidate;
 * index 0 again, another source, or no source start a new one; other
 * records close the open candidate and pass through, in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ck_group.h"

static char log_[512];

static void
on_close(void *arg, json_t *certs, const char *source)
{
	size_t n = strlen(log_);

	(void)arg;
	snprintf(log_ + n, sizeof(log_) - n, "[%s:%zu]", source, json_array_size(certs));
	json_decref(certs);
}

static void
on_pass(void *arg, json_t *rec)
{
	size_t n = strlen(log_);

	(void)arg;
	snprintf(log_ + n, sizeof(log_) - n, "(%s)", json_string_value(json_object_get(rec, "kind")));
	json_decref(rec);
}

static json_t *
cert(const char *uri, int index)
{
	if (uri == NULL)
		return json_pack("{s:s}", "kind", "cert");
	return json_pack("{s:s, s:{s:s, s:s, s:i}}", "kind", "cert", "source", "type", "file",
	    "uri", uri, "index", index);
}

static void
test_grouping(void **state)
{
	struct ck_group g = { .close = on_close, .pass = on_pass };
	char key[CK_GROUP_KEY];
	json_t *rec;

	(void)state;
	log_[0] = '\0';
	ck_group_take(&g, cert("a.pem", 0));
	ck_group_take(&g, cert("a.pem", 1));
	ck_group_take(&g, cert("a.pem", 2));
	ck_group_take(&g, cert("a.pem", 0));	/* the same file named twice */
	ck_group_take(&g, cert("b.pem", 1));	/* another source */
	ck_group_take(&g, json_pack("{s:s}", "kind", "template"));
	ck_group_take(&g, cert(NULL, 0));	/* no source: each on its own */
	ck_group_take(&g, cert(NULL, 0));
	ck_group_close(&g);
	ck_group_close(&g);			/* nothing open: nothing happens */
	assert_string_equal(log_, "[a.pem:3][a.pem:1][b.pem:1](template)[-:1][-:1]");
	rec = cert("a.pem", 1);
	assert_int_equal(ck_group_starts(rec, "file a.pem", key, sizeof(key)), 0);
	assert_string_equal(key, "file a.pem");
	json_decref(rec);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grouping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
