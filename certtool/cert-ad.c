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
#include "ck_num.h"
#include "ck_opt.h"
#include "ck_record.h"
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

	printf("  %s:", label);
	if (json_array_size(arr) == 0)
		printf(" -");
	json_array_foreach(arr, i, v)
		printf("%s%s", i ? ", " : " ", json_is_string(v) ? json_string_value(v) : "?");
	putchar('\n');
}

static void
print_text(const json_t *rec)
{
	const char *kind = ck_record_kind(rec);
	size_t i;
	json_t *v;

	if (strcmp(kind, "template") == 0) {
		printf("template %s (%s) v%lld oid %s\n", str(rec, "name"), str(rec, "display_name"),
		    (long long)json_integer_value(json_object_get(rec, "schema_version")),
		    str(rec, "oid"));
		print_names("eku", json_object_get(rec, "eku"));
		print_names("name_flag", json_object_get(json_object_get(rec, "name_flag"), "names"));
		print_names("enrollment_flag",
		    json_object_get(json_object_get(rec, "enrollment_flag"), "names"));
		printf("  ra_signatures: %lld  min_key_bits: %lld\n",
		    (long long)json_integer_value(json_object_get(rec, "ra_signatures")),
		    (long long)json_integer_value(json_object_get(rec, "min_key_bits")));
		print_names("published_by", json_object_get(rec, "published_by"));
		json_array_foreach(json_object_get(rec, "acl"), i, v) {
			const json_t *r = json_object_get(v, "rights");
			const char *nm = json_string_value(json_object_get(v, "name"));

			printf("  %s %s:", json_is_true(json_object_get(v, "allow")) ? "allow" : "deny ",
			    nm ? nm : str(v, "sid"));
			{
				size_t k;
				json_t *x;

				json_array_foreach(r, k, x)
					printf("%s%s", k ? "," : " ", json_string_value(x));
			}
			putchar('\n');
		}
	} else if (strcmp(kind, "ca") == 0) {
		printf("ca %s on %s\n", str(rec, "name"), str(rec, "dns_host"));
		print_names("templates", json_object_get(rec, "templates"));
	} else if (strcmp(kind, "cert") == 0) {
		printf("cert %s (%s)\n", str(json_object_get(rec, "subject"), "dn"),
		    str(json_object_get(rec, "source"), "uri"));
	} else if (strcmp(kind, "crl") == 0) {
		printf("crl %s number %s next %s revoked %lld\n",
		    str(json_object_get(rec, "issuer"), "dn"), str(rec, "crl_number"),
		    str(rec, "next_update"),
		    (long long)json_integer_value(json_object_get(rec, "revoked_count")));
	} else if (strcmp(kind, "principal") == 0) {
		printf("principal %s %s\n", str(rec, "name"), str(rec, "sid"));
		json_array_foreach(json_object_get(rec, "groups"), i, v)
			printf("  member of %s %s\n", str(v, "name"), str(v, "sid"));
	} else if (strcmp(kind, "forest") == 0) {
		printf("forest %s oid base %s\n", str(rec, "config_dn"), str(rec, "oid_base"));
	} else if (strcmp(kind, "oid") == 0) {
		printf("oid %s %s (%s)\n", str(rec, "oid"), str(rec, "display_name"), str(rec, "type"));
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

static int
parse_sasl(const char *arg, void *target, struct ck_err *err)
{
	if (strcasecmp(arg, "gssapi") != 0)
		return ck_err_set(err, CK_E_USAGE, "only gssapi is supported");
	*(int *)target = 1;
	return 0;
}

static struct ck_ldap_opts lo;
static const char *base, *pwfile, *pwenv, *format, *what_s;
static struct ck_strv principals, templates;
static long timeout = -1, max_entries = -1;

static const struct ck_opt opts[] = {
	{ .name = "uri", .arg = "ldap[s]://HOST[:PORT]", .desc = "the domain controller",
	    .type = CK_OPT_STR, .target = &lo.uri, .required = 1 },
	{ .name = "base", .arg = "DN", .desc = "the configuration naming context",
	    .type = CK_OPT_STR, .target = &base },
	{ .name = "bind-dn", .arg = "DN", .desc = "LDAP bind DN", .type = CK_OPT_STR,
	    .target = &lo.bind_dn, .synopsis = "[--bind-dn DN --bind-password-file F | "
	    "--bind-password-env VAR | --sasl gssapi]" },
	{ .name = "bind-password-file", .arg = "F", .desc = "LDAP bind password from a file",
	    .type = CK_OPT_STR, .target = &pwfile, .complete = CK_COMPLETE_FILE,
	    .synopsis = "" },
	{ .name = "bind-password-env", .arg = "VAR", .desc = "LDAP bind password from a variable",
	    .type = CK_OPT_STR, .target = &pwenv, .synopsis = "" },
	{ .name = "sasl", .arg = "gssapi", .desc = "bind with Kerberos (kinit first)",
	    .type = CK_OPT_PARSE, .target = &lo.sasl_gssapi, .parse = parse_sasl,
	    .complete = "gssapi", .synopsis = "" },
	{ .name = "password-file", .arg = "F", .type = CK_OPT_STR, .target = &pwfile,
	    .replaced_by = "bind-password-file" },
	{ .name = "password-env", .arg = "VAR", .type = CK_OPT_STR, .target = &pwenv,
	    .replaced_by = "bind-password-env" },
	{ .name = "starttls", .desc = "StartTLS on ldap://", .type = CK_OPT_SET,
	    .target = &lo.starttls, .value = 1 },
	{ .name = "cacert", .arg = "F", .desc = "CA certificates for LDAPS and StartTLS",
	    .type = CK_OPT_STR, .target = &lo.cacert, .complete = CK_COMPLETE_FILE,
	    .synopsis = "[--cacert F | --insecure]" },
	{ .name = "insecure", .desc = "do not verify the server", .type = CK_OPT_SET,
	    .target = &lo.insecure, .value = 1, .synopsis = "" },
	{ .name = "timeout", .arg = "SECONDS", .desc = "network timeout", .type = CK_OPT_LONG,
	    .target = &timeout, .min = 1, .max = 3600 },
	{ .name = "max-entries", .arg = "N", .desc = "refuse larger answers",
	    .type = CK_OPT_LONG, .target = &max_entries, .min = 1, .max = 10000000 },
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
	char *password = NULL;
	unsigned what = CK_AD_ALL;
	int first, status = CK_OK, fmt;

	ck_tool_init("cert-ad");
	ck_ldap_opts_init(&lo);
	switch (ck_opt_parse(&tool, argc, argv, &first, NULL)) {
	case CK_OPT_OK:
		break;
	case CK_OPT_DONE:
		return CK_OK;
	default:
		return CK_UNKNOWN;
	}
	if (first != argc) {
		ck_warnx("unexpected argument '%s'", argv[first]);
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	if (timeout > 0)
		lo.timeout = (int)timeout;
	if (max_entries > 0)
		lo.max_entries = (size_t)max_entries;
	if ((fmt = ck_format_option(format, NULL, stdout)) < 0) {
		ck_opt_usage(&tool, stderr);
		return CK_UNKNOWN;
	}
	out.fmt = fmt;
	if (what_s != NULL) {
		if (strcmp(what_s, "none") == 0)
			what = 0;
		else if (ck_ad_parse_what(what_s, &what, &err) < 0) {
			ck_warnx("%s", err.msg);
			return CK_UNKNOWN;
		}
	}
	if ((pwfile != NULL) + (pwenv != NULL) + lo.sasl_gssapi > 1) {
		ck_warnx("give one of --bind-password-file, --bind-password-env, --sasl");
		return CK_UNKNOWN;
	}
	if ((pwfile != NULL || pwenv != NULL) && lo.bind_dn == NULL) {
		ck_warnx("a password needs --bind-dn");
		return CK_UNKNOWN;
	}
	if (pwfile != NULL)
		password = ck_secret_from_file(pwfile, &err);
	else if (pwenv != NULL)
		password = ck_secret_from_env(pwenv, &err);
	if ((pwfile != NULL || pwenv != NULL) && password == NULL) {
		ck_report(fmt == CK_FMT_JSON ? stdout : NULL, pwfile ? pwfile : pwenv, &err);
		status = CK_UNKNOWN;
		goto done;
	}
	lo.password = password;
	l = ck_ldap_open(&lo, &err);
	if (l == NULL) {
		ck_report(fmt == CK_FMT_JSON ? stdout : NULL, lo.uri, &err);
		status = CK_UNKNOWN;
		goto done;
	}
	ad = ck_ad_new(l, lo.uri, base, &err);
	if (ad == NULL) {
		ck_report(fmt == CK_FMT_JSON ? stdout : NULL, lo.uri, &err);
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
	ck_secret_free(password);
	ck_strv_release(&principals);
	ck_strv_release(&templates);
	if (ck_close_stdout() < 0)
		status = CK_UNKNOWN;
	return status;
}
