/*
 * Unit tests for ck_sd: a security descriptor read from a real Samba DC,
 * built descriptors (object ACEs, inheritance, unknown ACE types), every
 * truncation and a table of malformed inputs, and the rights mapping of
 * [MS-CRTD] template security: Enroll and AutoEnroll extended rights, [MS-DTYP] 2.4.4 ACEs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "ck_ad.h"
#include "ck_sd.h"

/* nTSecurityDescriptor of a template after `samba-tool dsacl set
 * --sddl=(OA;;CR;0e10c968-...;;<group>)`: O:EAG:EAD:AI(OA;;CR;enroll;;S-...-1102)
 * (A;;full;;;DA)(A;;full;;;SY)(A;;RPLCLORC;;;AU)(A;CIID;full;;;EA)(A;CIID;...;;;DA) */
static const char samba_sd_b64[] =
    "AQAEhBQAAAAwAAAAAAAAAEwAAAABBQAAAAAABRUAAAB40nBqjXbZQ7Bf3XoHAgAAAQUAAAAAAAUVAAAAeNJwao12"
    "2UOwX916BwIAAAQA1AAGAAAABQA4AAABAAABAAAAaMkQDvt40hGQ1ADAT3ncVQEFAAAAAAAFFQAAAHjScGqNdtlD"
    "sF/dek4EAAAAACQA/wEPAAEFAAAAAAAFFQAAAHjScGqNdtlDsF/degACAAAAABQA/wEPAAEBAAAAAAAFEgAAAAAA"
    "FACUAAIAAQEAAAAAAAULAAAAABIkAP8BDwABBQAAAAAABRUAAAB40nBqjXbZQ7Bf3XoHAgAAABIkAL0BDwABBQAA"
    "AAAABRUAAAB40nBqjXbZQ7Bf3XoAAgAA";

#define DOM "S-1-5-21-1785778808-1138325133-2061328304"

static unsigned char *
samba_sd(size_t *len)
{
	size_t n = strlen(samba_sd_b64);
	unsigned char *b = malloc(n);
	int r;

	assert_non_null(b);
	r = EVP_DecodeBlock(b, (const unsigned char *)samba_sd_b64, (int)n);
	assert_true(r > 0);
	/* EVP_DecodeBlock counts the '=' padding bytes as zero bytes. */
	*len = (size_t)r - (samba_sd_b64[n - 1] == '=') - (samba_sd_b64[n - 2] == '=');
	return b;
}

static void
test_samba_descriptor(void **state)
{
	size_t len;
	unsigned char *b = samba_sd(&len);
	struct ck_sd sd;
	struct ck_err err;

	(void)state;
	assert_int_equal(len, 288);
	assert_int_equal(ck_sd_parse(b, len, &sd, &err), 0);
	assert_true(sd.has_owner && sd.has_group && sd.has_dacl);
	assert_string_equal(sd.owner, DOM "-519");
	assert_string_equal(sd.group, DOM "-519");
	assert_int_equal(sd.nace, 6);
	assert_int_equal(sd.aces[0].type, CK_ACE_ALLOWED_OBJECT);
	assert_int_equal(sd.aces[0].mask, CK_DS_CONTROL_ACCESS);
	assert_true(sd.aces[0].has_object_type);
	assert_string_equal(sd.aces[0].object_type, CK_GUID_ENROLL);
	assert_false(sd.aces[0].has_inherited_object_type);
	assert_string_equal(sd.aces[0].sid, DOM "-1102");
	assert_int_equal(sd.aces[1].type, CK_ACE_ALLOWED);
	assert_int_equal(sd.aces[1].mask, 0xF01FF);
	assert_string_equal(sd.aces[1].sid, DOM "-512");
	assert_string_equal(sd.aces[2].sid, "S-1-5-18");
	assert_int_equal(sd.aces[3].mask, 0x20094);
	assert_string_equal(sd.aces[3].sid, "S-1-5-11");
	assert_int_equal(sd.aces[4].flags, CK_ACE_CONTAINER_INHERIT | CK_ACE_INHERITED);
	assert_string_equal(sd.aces[4].sid, DOM "-519");
	assert_int_equal(sd.aces[5].mask, 0xF01BD);
	ck_sd_release(&sd);
	free(b);
}

static void
test_every_truncation_fails(void **state)
{
	size_t len, i;
	unsigned char *b = samba_sd(&len), *copy;
	struct ck_sd sd;
	struct ck_err err;

	(void)state;
	for (i = 0; i < len; i++) {
		/* An exact-size heap copy, so ASan sees any read past the end. */
		copy = malloc(i ? i : 1);
		memcpy(copy, b, i);
		err.code = 0;
		if (ck_sd_parse(copy, i, &sd, &err) != -1)
			fail_msg("accepted a descriptor cut at %zu bytes", i);
		assert_int_equal(err.code, CK_E_PARSE);
		assert_null(sd.aces);
		free(copy);
	}
	free(b);
}

/* A builder for small descriptors. */
struct buf {
	unsigned char b[1024];
	size_t n;
};

static void
put8(struct buf *w, unsigned v)
{
	w->b[w->n++] = (unsigned char)v;
}

static void
put16(struct buf *w, unsigned v)
{
	put8(w, v & 0xff);
	put8(w, (v >> 8) & 0xff);
}

static void
put32(struct buf *w, uint32_t v)
{
	put16(w, v & 0xffff);
	put16(w, v >> 16);
}

static void
put_sid_s11(struct buf *w)	/* S-1-5-11 */
{
	static const unsigned char s[] = { 1, 1, 0, 0, 0, 0, 0, 5, 11, 0, 0, 0 };

	memcpy(w->b + w->n, s, sizeof(s));
	w->n += sizeof(s);
}

static const unsigned char autoenroll_guid[16] = {
	0xc2, 0x8c, 0x5b, 0xa0, 0xbc, 0x17, 0x02, 0x48, 0xa7, 0x10, 0xe7, 0xc1, 0x5a, 0xb8, 0x66, 0xa2
};

/* SD with no owner/group and a DACL of: denied object ACE (AutoEnroll, with an
 * inherited object type), an inherit-only allow, an unknown ACE type 0x11. */
static size_t
build(struct buf *w)
{
	size_t acl, ace;

	memset(w, 0, sizeof(*w));
	put8(w, 1); put8(w, 0); put16(w, 0x8004);
	put32(w, 0); put32(w, 0); put32(w, 0); put32(w, 20);
	acl = w->n;
	put8(w, 4); put8(w, 0); put16(w, 0); put16(w, 3); put16(w, 0);
	/* ACE 1: ACCESS_DENIED_OBJECT, object + inherited object type. */
	ace = w->n;
	put8(w, CK_ACE_DENIED_OBJECT); put8(w, 0); put16(w, 0);
	put32(w, CK_DS_CONTROL_ACCESS); put32(w, 3);
	memcpy(w->b + w->n, autoenroll_guid, 16); w->n += 16;
	memcpy(w->b + w->n, autoenroll_guid, 16); w->n += 16;
	put_sid_s11(w);
	w->b[ace + 2] = (unsigned char)(w->n - ace);
	/* ACE 2: allowed, inherit only, GENERIC_ALL. */
	ace = w->n;
	put8(w, CK_ACE_ALLOWED); put8(w, CK_ACE_INHERIT_ONLY | CK_ACE_CONTAINER_INHERIT);
	put16(w, 0); put32(w, CK_GENERIC_ALL); put_sid_s11(w);
	w->b[ace + 2] = (unsigned char)(w->n - ace);
	/* ACE 3: unknown type 0x11 (mandatory label) with 8 bytes of body. */
	ace = w->n;
	put8(w, 0x11); put8(w, 0); put16(w, 12); put32(w, 1); put32(w, 0);
	w->b[acl + 2] = (unsigned char)(w->n - acl);
	return w->n;
}

static void
test_built_descriptor(void **state)
{
	struct buf w;
	size_t len = build(&w);
	struct ck_sd sd;
	struct ck_err err;
	json_t *acl, *owner, *r;

	(void)state;
	assert_int_equal(ck_sd_parse(w.b, len, &sd, &err), 0);
	assert_false(sd.has_owner);
	assert_false(sd.has_group);
	assert_int_equal(sd.nace, 3);
	assert_true(ck_ace_is_deny(&sd.aces[0]));
	assert_string_equal(sd.aces[0].object_type, CK_GUID_AUTOENROLL);
	assert_true(sd.aces[0].has_inherited_object_type);
	assert_string_equal(sd.aces[0].sid, "S-1-5-11");
	assert_int_equal(sd.aces[2].type, 0x11);
	assert_false(sd.aces[2].has_sid);
	ck_sd_release(&sd);
	ck_sd_release(&sd);	/* twice is harmless */

	/* As an acl array: the inherit-only and the unknown ACE are left out. */
	assert_int_equal(ck_ad_acl_json(w.b, len, NULL, NULL, &acl, &owner, &err), 0);
	assert_int_equal(json_array_size(acl), 1);
	r = json_array_get(acl, 0);
	assert_true(json_is_false(json_object_get(r, "allow")));
	assert_true(json_is_null(json_object_get(r, "name")));
	assert_string_equal(json_string_value(json_array_get(json_object_get(r, "rights"), 0)),
	    "autoenroll");
	assert_int_equal(json_array_size(json_object_get(r, "rights")), 1);
	assert_true(json_is_null(owner));
	json_decref(acl);
	json_decref(owner);
}

static void
test_malformed(void **state)
{
	struct buf w;
	size_t len;
	struct ck_sd sd;
	struct ck_err err;
	int i;

	(void)state;
	for (i = 0; i < 9; i++) {
		len = build(&w);
		switch (i) {
		case 0: w.b[0] = 2; break;				/* SD revision */
		case 1: w.b[16] = 0xff; w.b[17] = 0xff; break;		/* DACL offset out */
		case 2: w.b[20] = 3; break;				/* ACL revision */
		case 3: w.b[22] = 0xff; w.b[23] = 0xff; break;		/* ACL size too big */
		case 4: w.b[24] = 0xff; w.b[25] = 0xff; break;		/* ACE count too big */
		case 5: w.b[30] = 2; w.b[31] = 0; break;		/* first ACE size < 4 */
		case 6: w.b[4] = 0xf0; break;				/* owner offset out */
		case 7: w.b[28 + 44 + 1] = 20; break;			/* SID count 20 */
		case 8: w.b[22] = 8; break;				/* ACL too small for ACEs */
		}
		err.code = 0;
		if (ck_sd_parse(w.b, len, &sd, &err) != -1)
			fail_msg("malformed case %d accepted", i);
		assert_int_equal(err.code, CK_E_PARSE);
		assert_null(sd.aces);
	}
	/* No DACL_PRESENT bit: no DACL, no error (a NULL DACL). */
	len = build(&w);
	w.b[2] = 0;
	assert_int_equal(ck_sd_parse(w.b, len, &sd, &err), 0);
	assert_false(sd.has_dacl);
	assert_int_equal(sd.nace, 0);
	ck_sd_release(&sd);
	assert_int_equal(ck_sd_parse(NULL, 0, &sd, &err), -1);
}

static void
test_guid(void **state)
{
	char s[CK_GUID_STR_MAX];
	static const unsigned char enroll[16] = {
		0x68, 0xc9, 0x10, 0x0e, 0xfb, 0x78, 0xd2, 0x11, 0x90, 0xd4, 0x00, 0xc0, 0x4f,
		0x79, 0xdc, 0x55
	};

	(void)state;
	ck_guid_to_string(enroll, s);
	assert_string_equal(s, CK_GUID_ENROLL);
	ck_guid_to_string(autoenroll_guid, s);
	assert_string_equal(s, CK_GUID_AUTOENROLL);
}

static char *
rights(uint32_t mask, const char *object_type)
{
	struct ck_ace a;
	json_t *r;
	char *s = calloc(1, 512);
	size_t i, n = 0;
	json_t *v;

	memset(&a, 0, sizeof(a));
	a.type = CK_ACE_ALLOWED;
	a.mask = mask;
	if (object_type != NULL) {
		a.has_object_type = 1;
		snprintf(a.object_type, sizeof(a.object_type), "%s", object_type);
	}
	r = ck_ace_rights_json(&a);
	json_array_foreach(r, i, v) {
		n += (size_t)snprintf(s + n, 512 - n, "%s%s", i ? "," : "", json_string_value(v));
	}
	json_decref(r);
	return s;
}

static void
test_rights_table(void **state)
{
	static const struct {
		uint32_t mask;
		const char *obj;
		const char *want;
	} t[] = {
		{ CK_DS_CONTROL_ACCESS, CK_GUID_ENROLL, "enroll" },
		{ CK_DS_CONTROL_ACCESS, CK_GUID_AUTOENROLL, "autoenroll" },
		{ CK_DS_CONTROL_ACCESS, "00299570-246d-11d0-a768-00aa006e0529", "extended_right" },
		{ CK_DS_CONTROL_ACCESS, NULL, "all_extended_rights,enroll,autoenroll" },
		{ CK_WRITE_DAC, NULL, "write_dacl" },
		{ CK_WRITE_OWNER, NULL, "write_owner" },
		{ CK_DS_WRITE_PROP, NULL, "write_property" },
		{ CK_DS_WRITE_PROP, "bf967a0a-0de6-11d0-a285-00aa003049e2", "write_property_object" },
		{ 0x20094, NULL, "read" },
		{ CK_GENERIC_READ, NULL, "read" },
		{ CK_GENERIC_WRITE, NULL, "generic_write,write_property,validated_write" },
		{ CK_GENERIC_ALL, NULL, "generic_all,generic_write,read,write_dacl,write_owner,delete,"
		    "write_property,create_child,delete_child,delete_tree,validated_write,"
		    "all_extended_rights,enroll,autoenroll" },
		{ 0xF01FF, NULL, "generic_all,generic_write,read,write_dacl,write_owner,delete,"
		    "write_property,create_child,delete_child,delete_tree,validated_write,"
		    "all_extended_rights,enroll,autoenroll" },
		/* Full control narrowed by an object type is not GenericAll. */
		{ 0xF01FF, CK_GUID_ENROLL, "read,write_dacl,write_owner,delete,write_property_object,"
		    "create_child,delete_child,delete_tree,validated_write,enroll" },
		{ CK_DS_READ_PROP, NULL, "" },
		{ 0, NULL, "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *got = rights(t[i].mask, t[i].obj);

		if (strcmp(got, t[i].want) != 0)
			fail_msg("mask 0x%08x: got '%s', want '%s'", (unsigned)t[i].mask, got,
			    t[i].want);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samba_descriptor),
		cmocka_unit_test(test_every_truncation_fails),
		cmocka_unit_test(test_built_descriptor),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_guid),
		cmocka_unit_test(test_rights_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
