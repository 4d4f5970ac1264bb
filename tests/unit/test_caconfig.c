/* Unit tests for ck_caconfig: certutil -getreg text and JSON CA settings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

#include "ck_caconfig.h"

#define HDR "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\CertSvc\\Configuration\\"
#define POL "\\PolicyModules\\CertificateAuthority_MicrosoftDefault.Policy:\n\n"
#define OKLINE "CertUtil: -getreg command completed successfully.\n"

struct good_case {
	const char *name;
	const char *in;
	const char *ca;
	int has_disp;
	uint32_t disp;
	int has_edit;
	uint32_t edit;
	int has_iface;
	uint32_t iface;
};

static const struct good_case good[] = {
	{ "disp 0x1", HDR "CORP-CA" POL "  RequestDisposition REG_DWORD = 1\n    REQDISP_ISSUE -- 1\n" OKLINE,
	  "CORP-CA", 1, 0x1, 0, 0, 0, 0 },
	{ "disp 0x101", HDR "CORP-CA" POL "  RequestDisposition REG_DWORD = 101 (257)\n"
	  "    REQDISP_PENDINGFIRST -- 100 (256)\n    REQDISP_ISSUE -- 1\n" OKLINE,
	  "CORP-CA", 1, 0x101, 0, 0, 0, 0 },
	{ "crlf", HDR "My CA" POL "  RequestDisposition REG_DWORD = 101 (257)\r\n" OKLINE,
	  "My CA", 1, 0x101, 0, 0, 0, 0 },
	{ "no path", "  RequestDisposition REG_DWORD = 0\n", "", 1, 0, 0, 0, 0, 0 },
	{ "editflags", HDR "X" POL "  EditFlags REG_DWORD = 15014e (1376590)\n"
	  "    EDITF_ATTRIBUTESUBJECTALTNAME2 -- 40000 (262144)\n" OKLINE,
	  "X", 0, 0, 1, 0x15014e, 0, 0 },
	{ "interface on CA key", HDR "X:\n\n  InterfaceFlags REG_DWORD = 641 (1601)\n" OKLINE,
	  "X", 0, 0, 0, 0, 1, 0x641 },
	{ "negative decimal", HDR "X:\n  InterfaceFlags REG_DWORD = ffffffff (-1)\n",
	  "X", 0, 0, 0, 0, 1, 0xffffffffu },
	{ "all three concatenated",
	  HDR "X" POL "  RequestDisposition REG_DWORD = 1\n" OKLINE
	  HDR "X" POL "  EditFlags REG_DWORD = 2\n" OKLINE
	  HDR "X:\n  InterfaceFlags REG_DWORD = 200 (512)\n" OKLINE,
	  "X", 1, 1, 1, 2, 1, 0x200 },
	{ "full key listing, aligned", HDR "X" POL "Values:\n"
	  "  Name                    REG_SZ = abc\n"
	  "  RequestDisposition      REG_DWORD = 1\n"
	  "  EditFlags               REG_DWORD = 11014e (1114446)\n" OKLINE,
	  "X", 1, 1, 1, 0x11014e, 0, 0 },
	{ "same value twice agrees", "RequestDisposition REG_DWORD = 1\nRequestDisposition REG_DWORD = 1\n",
	  "", 1, 1, 0, 0, 0, 0 },
	{ "json object", "{\"ca\": \"CORP-CA\", \"request_disposition\": 257, \"edit_flags\": \"0x40000\", "
	  "\"interface_flags\": {\"raw\": 512}}", "CORP-CA", 1, 0x101, 1, 0x40000, 1, 0x200 },
	{ "json decimal string, no ca", "  {\"request_disposition\": \"1\"}", "", 1, 1, 0, 0, 0, 0 },
	{ "json name alias", "{\"kind\": \"ca\", \"name\": \"N\", \"request_disposition\": {\"raw\": 1, \"action\": \"issue\"}}",
	  "N", 1, 1, 0, 0, 0, 0 },
};

static void
test_good(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct ck_caconfig c[4];
		struct ck_err err = { 0 };
		int n = ck_caconfig_parse(good[i].in, strlen(good[i].in), c, 4, &err);

		if (n != 1)
			fail_msg("%s: parse returned %d: %s", good[i].name, n, err.msg);
		assert_string_equal(c[0].ca, good[i].ca);
		assert_int_equal(c[0].has_request_disposition, good[i].has_disp);
		if (good[i].has_disp)
			assert_int_equal(c[0].request_disposition, good[i].disp);
		assert_int_equal(c[0].has_edit_flags, good[i].has_edit);
		if (good[i].has_edit)
			assert_int_equal(c[0].edit_flags, good[i].edit);
		assert_int_equal(c[0].has_interface_flags, good[i].has_iface);
		if (good[i].has_iface)
			assert_int_equal(c[0].interface_flags, good[i].iface);
	}
}

struct bad_case {
	const char *name;
	const char *in;
	const char *why;	/* a substring of the error message */
};

static const struct bad_case bad[] = {
	{ "empty", "", "no RequestDisposition" },
	{ "garbage", "hello\nworld\n", "no RequestDisposition" },
	{ "hex/dec disagree", "RequestDisposition REG_DWORD = 101 (256)\n", "disagree" },
	{ "not hex", "RequestDisposition REG_DWORD = 1g1\n", "not a hexadecimal" },
	{ "too long hex", "RequestDisposition REG_DWORD = 123456789\n", "not a hexadecimal" },
	{ "no value", "RequestDisposition REG_DWORD =\n", "not a hexadecimal" },
	{ "wrong type", "RequestDisposition REG_SZ = 1\n", "expected REG_DWORD" },
	{ "no equals", "RequestDisposition REG_DWORD 1\n", "expected '='" },
	{ "bad decimal", "RequestDisposition REG_DWORD = 1 (x)\n", "(decimal)" },
	{ "trailing junk", "RequestDisposition REG_DWORD = 1 (1) more\n", "unexpected" },
	{ "conflict", "RequestDisposition REG_DWORD = 1\nRequestDisposition REG_DWORD = 101 (257)\n",
	  "given twice" },
	{ "certutil failed", "CertUtil: -getreg command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\n",
	  "certutil reported a failure" },
	{ "json bad", "{\"request_disposition\": ", "invalid JSON" },
	{ "json no setting", "{\"ca\": \"X\"}", "no request_disposition" },
	{ "json wrong type", "{\"request_disposition\": true}", "expected an integer" },
	{ "json word", "{\"request_disposition\": \"pending\"}", "not a DWORD" },
	{ "json too big", "{\"request_disposition\": 4294967296}", "is not a DWORD" },
	{ "json negative", "{\"request_disposition\": -1}", "-1 is not a DWORD" },
	{ "text negative", "RequestDisposition REG_DWORD = -1\n", "not a hexadecimal" },
	{ "json ca not string", "{\"ca\": 1, \"request_disposition\": 1}", "must be a string" },
	{ "json empty array", "[]", "empty array" },
	{ "json array of junk", "[1]", "expected a JSON object" },
	{ "binary", "RequestDisposition\0 REG_DWORD = 1\n", "binary data" },
};

static void
test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ck_caconfig c[4];
		struct ck_err err = { 0 };
		size_t len = strlen(bad[i].in);
		int n;

		if (strcmp(bad[i].name, "binary") == 0)
			len = sizeof("RequestDisposition\0 REG_DWORD = 1\n") - 1;
		n = ck_caconfig_parse(bad[i].in, len, c, 4, &err);
		if (n != -1)
			fail_msg("%s: parse returned %d, expected -1", bad[i].name, n);
		if (strstr(err.msg, bad[i].why) == NULL)
			fail_msg("%s: message '%s' lacks '%s'", bad[i].name, err.msg, bad[i].why);
	}
}

static void
test_several_cas_and_limit(void **state)
{
	static const char in[] =
	    HDR "A" POL "  RequestDisposition REG_DWORD = 1\n"
	    HDR "B" POL "  RequestDisposition REG_DWORD = 101 (257)\n"
	    HDR "a" POL "  EditFlags REG_DWORD = 2\n"
	    HDR "Empty" POL;
	struct ck_caconfig c[4];
	struct ck_err err = { 0 };

	(void)state;
	assert_int_equal(ck_caconfig_parse(in, sizeof(in) - 1, c, 4, &err), 2);
	assert_string_equal(c[0].ca, "A");
	assert_int_equal(c[0].request_disposition, 1);
	assert_int_equal(c[0].has_edit_flags, 1);	/* "a" is the same CA */
	assert_string_equal(c[1].ca, "B");
	assert_int_equal(c[1].request_disposition, 0x101);
	assert_int_equal(ck_caconfig_parse(in, sizeof(in) - 1, c, 1, &err), -1);
	assert_int_equal(err.code, CK_E_LIMIT);
}

static void
test_utf16(void **state)
{
	static const char ascii[] = HDR "CORP-CA" POL "  RequestDisposition REG_DWORD = 101 (257)\r\n";
	unsigned char buf[2 + 2 * sizeof(ascii)];
	struct ck_caconfig c[2];
	struct ck_err err = { 0 };
	size_t i;

	(void)state;
	buf[0] = 0xFF;
	buf[1] = 0xFE;
	for (i = 0; i < sizeof(ascii) - 1; i++) {
		buf[2 + 2 * i] = (unsigned char)ascii[i];
		buf[3 + 2 * i] = 0;
	}
	assert_int_equal(ck_caconfig_parse((const char *)buf, 2 + 2 * (sizeof(ascii) - 1), c, 2, &err), 1);
	assert_string_equal(c[0].ca, "CORP-CA");
	assert_int_equal(c[0].request_disposition, 0x101);
}

static void
test_disposition_action(void **state)
{
	static const struct { uint32_t v; const char *a; } t[] = {
		{ 0x0, "pending" }, { 0x1, "issue" }, { 0x2, "deny" }, { 0x3, "pending" },
		{ 0x101, "pending" }, { 0x102, "pending" }, { 0x100, "pending" }, { 0x201, "issue" },
		{ 0xff, "pending" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(ck_caconfig_disposition_action(t[i].v), t[i].a);
}

static void
test_apply_and_read_back(void **state)
{
	struct ck_caconfig in = { .ca = "CORP-CA", .has_request_disposition = 1,
	    .request_disposition = 0x101, .has_edit_flags = 1, .edit_flags = 0x40002,
	    .has_interface_flags = 1, .interface_flags = 0x200 }, out;
	struct ck_err err = { 0 };
	json_t *ca = json_pack("{s:s, s:s}", "kind", "ca", "name", "CORP-CA"), *names;

	(void)state;
	assert_int_equal(ck_caconfig_apply(&in, ca, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(ca,
	    "request_disposition"), "raw")), 0x101);
	assert_string_equal(json_string_value(json_object_get(json_object_get(ca,
	    "request_disposition"), "action")), "pending");
	names = json_object_get(json_object_get(ca, "edit_flags"), "names");
	assert_int_equal(json_array_size(names), 2);
	assert_string_equal(json_string_value(json_array_get(names, 0)), "0x00000002");
	assert_string_equal(json_string_value(json_array_get(names, 1)),
	    "EDITF_ATTRIBUTESUBJECTALTNAME2");
	names = json_object_get(json_object_get(ca, "interface_flags"), "names");
	assert_string_equal(json_string_value(json_array_get(names, 0)),
	    "IF_ENFORCEENCRYPTICERTREQUEST");
	assert_int_equal(ck_caconfig_from_ca(ca, &out, &err), 0);
	assert_string_equal(out.ca, "CORP-CA");
	assert_int_equal(out.request_disposition, 0x101);
	assert_int_equal(out.edit_flags, 0x40002);
	assert_int_equal(out.interface_flags, 0x200);
	json_object_set_new(ca, "edit_flags", json_string("nope"));
	assert_int_equal(ck_caconfig_from_ca(ca, &out, &err), -1);
	json_decref(ca);
}

/* What ck_caconfig_apply_all reported: "E<entry>" failed, "W<entry>" ignored. */
static char reported[64];

static void
note(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	size_t n = strlen(reported);

	(void)arg;
	(void)err;
	snprintf(reported + n, sizeof(reported) - n, "%c%zu", failed ? 'E' : 'W', entry);
}

/* The edit_flags raw value a ca record got, or -1. */
static long long
edit_raw(const json_t *ca)
{
	const json_t *v = json_object_get(json_object_get(ca, "edit_flags"), "raw");

	return v != NULL ? (long long)json_integer_value(v) : -1;
}

static void
test_apply_all_placement(void **state)
{
	struct ck_caconfig c[3];
	json_t *cas[2];
	size_t i;

	(void)state;
	memset(c, 0, sizeof(c));
	for (i = 0; i < 3; i++) {
		c[i].has_edit_flags = 1;
		c[i].edit_flags = (uint32_t)(i + 1);
	}
	snprintf(c[0].ca, sizeof(c[0].ca), "ca2.corp.example");	/* by DNS host */
	/* c[1]: no registry path.  c[2]: a CA not in the input. */
	snprintf(c[2].ca, sizeof(c[2].ca), "ELSEWHERE-CA");
	cas[0] = json_pack("{s:s, s:s, s:s}", "kind", "ca", "name", "CORP-CA", "dns_host",
	    "ca1.corp.example");
	cas[1] = json_pack("{s:s, s:s, s:s}", "kind", "ca", "name", "OTHER-CA", "dns_host",
	    "ca2.corp.example");

	/* Two CAs and no --ca: the entry without a path is not guessed. */
	reported[0] = '\0';
	assert_int_equal(ck_caconfig_apply_all(c, 3, cas, 2, NULL, note, NULL), 1);
	assert_string_equal(reported, "E1W2");
	assert_int_equal(edit_raw(cas[0]), -1);
	assert_int_equal(edit_raw(cas[1]), 1);

	/* --ca names the CA of the entry without a path (by name, any case). */
	reported[0] = '\0';
	assert_int_equal(ck_caconfig_apply_all(c, 2, cas, 2, "corp-ca", note, NULL), 0);
	assert_string_equal(reported, "");
	assert_int_equal(edit_raw(cas[0]), 2);

	/* One ca record, even without a name: it gets the entry without a path. */
	json_object_del(cas[0], "name");
	json_object_del(cas[0], "edit_flags");
	reported[0] = '\0';
	assert_int_equal(ck_caconfig_apply_all(c + 1, 1, cas, 1, NULL, note, NULL), 0);
	assert_string_equal(reported, "");
	assert_int_equal(edit_raw(cas[0]), 2);

	/* No ca records at all: an entry without a path cannot be placed. */
	reported[0] = '\0';
	assert_int_equal(ck_caconfig_apply_all(c + 1, 1, cas, 0, NULL, note, NULL), 1);
	assert_string_equal(reported, "E0");
	json_decref(cas[0]);
	json_decref(cas[1]);
}

/* A temporary file holding text; its path in path (PATH_MAX-sized). */
static void
temp_file(char *path, size_t size, const char *text)
{
	FILE *fp;
	int fd;

	snprintf(path, size, "/tmp/test_caconfig.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

/* ck_caconfig_set_load: entries of several files, in order, each with its file. */
static void
test_set_load(void **state)
{
	struct ck_caconfig_set set = { 0 };
	struct ck_err err;
	char a[64], b[64];

	(void)state;
	temp_file(a, sizeof(a), "{\"ca\": \"CORP-CA\", \"edit_flags\": \"0x15014e\"}");
	temp_file(b, sizeof(b), "[{\"ca\": \"A\", \"request_disposition\": 1},"
	    " {\"ca\": \"B\", \"request_disposition\": 257}]");
	assert_int_equal(ck_caconfig_set_load(&set, a, &err), 0);
	assert_int_equal(ck_caconfig_set_load(&set, "/nonexistent/x.txt", &err), -1);
	assert_int_equal(ck_caconfig_set_load(&set, b, &err), 0);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.conf[0].ca, "CORP-CA");
	assert_string_equal(set.conf[2].ca, "B");
	assert_int_equal(set.conf[2].request_disposition, 257);
	assert_ptr_equal(set.src[0], a);
	assert_ptr_equal(set.src[1], b);
	assert_ptr_equal(set.src[2], b);
	ck_caconfig_set_release(&set);
	assert_int_equal(set.n, 0);
	unlink(a);
	unlink(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_several_cas_and_limit),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_disposition_action),
		cmocka_unit_test(test_apply_and_read_back),
		cmocka_unit_test(test_apply_all_placement),
		cmocka_unit_test(test_set_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
