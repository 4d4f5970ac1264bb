/*
 * cert-ad: read AD CS configuration (certificate templates with decoded
 * flags and ACLs, enrollment services, NTAuth, AIA, CDP, OIDs) and
 * principals' groups from Active Directory over LDAP, as certkit records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_ad.h"
#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_ldap_cli.h"
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

static struct {
	int fmt;
	int failed_write;
	int errors;
} out;

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static void
print_names(const char *label, const json_t *arr)
{
	size_t i;
	json_t *v;

	ck_textf(stdout, "  %s:", label);
	if (json_array_size(arr) == 0)
		ck_textf(stdout, " -");
	json_array_foreach(arr, i, v)
		ck_textf(stdout, "%s%s", i ? ", " : " ", json_is_string(v) ? json_string_value(v) : "?");
	putchar('\n');
}

static void
print_text(const json_t *rec)
{
	const char *kind = ck_record_kind(rec);
	size_t i;
	json_t *v;

	if (strcmp(kind, "template") == 0) {
		ck_textf(stdout, "template %s (%s) v%lld oid %s\n", str(rec, "name"), str(rec, "display_name"),
		    (long long)json_integer_value(json_object_get(rec, "schema_version")),
		    str(rec, "oid"));
		print_names("eku", json_object_get(rec, "eku"));
		print_names("name_flag", json_object_get(json_object_get(rec, "name_flag"), "names"));
		print_names("enrollment_flag",
		    json_object_get(json_object_get(rec, "enrollment_flag"), "names"));
		ck_textf(stdout, "  ra_signatures: %lld  min_key_bits: %lld\n",
		    (long long)json_integer_value(json_object_get(rec, "ra_signatures")),
		    (long long)json_integer_value(json_object_get(rec, "min_key_bits")));
		print_names("published_by", json_object_get(rec, "published_by"));
		json_array_foreach(json_object_get(rec, "acl"), i, v) {
			const json_t *r = json_object_get(v, "rights");
			const char *nm = json_string_value(json_object_get(v, "name"));

			ck_textf(stdout, "  %s %s:", json_is_true(json_object_get(v, "allow")) ? "allow" : "deny ",
			    nm ? nm : str(v, "sid"));
			{
				size_t k;
				json_t *x;

				json_array_foreach(r, k, x)
					ck_textf(stdout, "%s%s", k ? "," : " ", json_string_value(x));
			}
			putchar('\n');
		}
	} else if (strcmp(kind, "ca") == 0) {
		ck_textf(stdout, "ca %s on %s\n", str(rec, "name"), str(rec, "dns_host"));
		print_names("templates", json_object_get(rec, "templates"));
	} else if (strcmp(kind, "cert") == 0) {
		ck_textf(stdout, "cert %s (%s)\n", str(json_object_get(rec, "subject"), "dn"),
		    str(json_object_get(rec, "source"), "uri"));
	} else if (strcmp(kind, "crl") == 0) {
		ck_textf(stdout, "crl %s number %s next %s revoked %lld\n",
		    str(json_object_get(rec, "issuer"), "dn"), str(rec, "crl_number"),
		    str(rec, "next_update"),
		    (long long)json_integer_value(json_object_get(rec, "revoked_count")));
	} else if (strcmp(kind, "principal") == 0) {
		ck_textf(stdout, "principal %s %s\n", str(rec, "name"), str(rec, "sid"));
		json_array_foreach(json_object_get(rec, "groups"), i, v)
			ck_textf(stdout, "  member of %s %s\n", str(v, "name"), str(v, "sid"));
	} else if (strcmp(kind, "forest") == 0) {
		ck_textf(stdout, "forest %s oid base %s\n", str(rec, "config_dn"), str(rec, "oid_base"));
	} else if (strcmp(kind, "oid") == 0) {
		ck_textf(stdout, "oid %s %s (%s)\n", str(rec, "oid"), str(rec, "display_name"), str(rec, "type"));
	}
}

/* Writes one record (stealing it); error records also go to stderr. */
static int
emit(void *ctx, json_t *rec)
{
	struct ck_err err;

	(void)ctx;
	if (ck_record_is(rec, "error")) {
		out.errors++;
		ck_warnx("'%s': %s", str(rec, "source"), str(rec, "message"));
		if (out.fmt == CK_FMT_TEXT) {
			json_decref(rec);
			return 0;
		}
	}
	if (out.fmt == CK_FMT_TEXT)
		print_text(rec);
	else if (ck_record_write(stdout, rec, &err) < 0) {
		out.failed_write = 1;
		json_decref(rec);
		return -1;
	}
	json_decref(rec);
	return 0;
}

static struct ck_ldap_cli lc;
static const char *base, *format, *what_s;
static struct ck_strv principals, templates;

static const struct ck_opt opts[] = {
	CK_LDAP_CLI_OPTS(lc, 1),
	{ .name = "base", .arg = "DN", .desc = "the configuration naming context",
	    .type = CK_OPT_STR, .target = &base },
	{ .name = "what", .arg = "LIST", .desc = "what to read (templates,cas,...; none)",
	    .type = CK_OPT_STR, .target = &what_s,
	    .complete = "templates cas ntauth aia cdp oids all none" },
	{ .name = "principal", .arg = "NAME", .desc = "a principal's groups (repeatable)",
	    .type = CK_OPT_LIST, .target = &principals, .synopsis = "[--principal NAME ...]" },
	{ .name = "template", .arg = "NAME", .desc = "only these templates (repeatable)",
	    .type = CK_OPT_LIST, .target = &templates, .synopsis = "[--template NAME ...]" },
	{ .name = "format", .arg = "json|text", .desc = "output format", .type = CK_OPT_STR,
	    .target = &format, .complete = "json text" },
	{ .name = NULL }
};

static const struct ck_tool_def tool = { .prog = "cert-ad", .opts = opts };

int
main(int argc, char **argv)
{
	struct ck_ldap *l = NULL;
	struct ck_ad *ad = NULL;
	struct ck_err err;
	size_t i;
	const char *source;
	unsigned what = CK_AD_ALL;
	int first, rc, status = CK_OK, fmt;

	ck_tool_init("cert-ad");
	ck_ldap_cli_init(&lc);
	if ((rc = ck_opt_start(&tool, argc, argv, &first, NULL)) >= 0)
		return rc;
	if ((fmt = ck_format_option(format, NULL, stdout)) < 0)
		return ck_opt_usage_error(&tool, NULL, NULL);
	out.fmt = fmt;
	if (what_s != NULL) {
		if (strcmp(what_s, "none") == 0)
			what = 0;
		else if (ck_ad_parse_what(what_s, &what, &err) < 0) {
			ck_warnx("%s", err.msg);
			return CK_UNKNOWN;
		}
	}
	if ((l = ck_ldap_cli_open(&lc, &source, &err)) == NULL) {
		if (source == NULL) {
			ck_warnx("%s", err.msg);
			return CK_UNKNOWN;
		}
		ck_report(fmt == CK_FMT_JSON ? stdout : NULL, source, &err);
		status = CK_UNKNOWN;
		goto done;
	}
	ad = ck_ad_new(l, lc.o.uri, base, &err);
	if (ad == NULL) {
		ck_report(fmt == CK_FMT_JSON ? stdout : NULL, lc.o.uri, &err);
		status = CK_UNKNOWN;
		goto done;
	}
	if (what != 0 && ck_ad_read(ad, what, templates.v, templates.n, emit, NULL) != 0)
		status = CK_UNKNOWN;
	for (i = 0; i < principals.n && !out.failed_write; i++) {
		json_t *p = ck_ad_principal(ad, principals.v[i], &err);

		if (p == NULL) {
			ck_report(fmt == CK_FMT_JSON ? stdout : NULL, principals.v[i], &err);
			status = CK_UNKNOWN;
			continue;
		}
		emit(NULL, p);
	}
	if (out.errors > 0 || out.failed_write)
		status = CK_UNKNOWN;
done:
	ck_ad_free(ad);
	ck_ldap_close(l);
	ck_ldap_cli_release(&lc);
	ck_strv_release(&principals);
	ck_strv_release(&templates);
	if (ck_close_stdout() < 0)
		status = CK_UNKNOWN;
	return status;
}
