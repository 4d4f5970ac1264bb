/*
 * cert-ad: read AD CS configuration (certificate templates with decoded
 * flags and ACLs, enrollment services, NTAuth, AIA, CDP, OIDs) and
 * principals' groups from Active Directory over LDAP, as certkit records.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_ad.h"
#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_num.h"
#include "ck_record.h"
#include "ck_tool.h"

#define MAX_NAMES 256

static void
usage(FILE *fp)
{
	fputs("usage: cert-ad --uri ldap[s]://HOST[:PORT] [--base DN]\n"
	    "               [--bind-dn DN --password-file F | --password-env VAR | --sasl gssapi]\n"
	    "               [--starttls] [--cacert F | --insecure] [--timeout SECONDS]\n"
	    "               [--max-entries N] [--what LIST] [--principal NAME ...]\n"
	    "               [--template NAME ...] [--format json|text]\n"
	    "       cert-ad -h | --version\n", fp);
}

enum { OPT_URI = 256, OPT_BASE, OPT_BIND_DN, OPT_PWFILE, OPT_PWENV, OPT_SASL, OPT_STARTTLS,
	OPT_CACERT, OPT_INSECURE, OPT_TIMEOUT, OPT_MAX_ENTRIES, OPT_WHAT, OPT_PRINCIPAL,
	OPT_TEMPLATE, OPT_FORMAT, OPT_VERSION };

static const struct option longopts[] = {
	{ "uri", required_argument, NULL, OPT_URI },
	{ "base", required_argument, NULL, OPT_BASE },
	{ "bind-dn", required_argument, NULL, OPT_BIND_DN },
	{ "password-file", required_argument, NULL, OPT_PWFILE },
	{ "password-env", required_argument, NULL, OPT_PWENV },
	{ "sasl", required_argument, NULL, OPT_SASL },
	{ "starttls", no_argument, NULL, OPT_STARTTLS },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "max-entries", required_argument, NULL, OPT_MAX_ENTRIES },
	{ "what", required_argument, NULL, OPT_WHAT },
	{ "principal", required_argument, NULL, OPT_PRINCIPAL },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

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

int
main(int argc, char **argv)
{
	struct ck_ldap_opts lo;
	struct ck_ldap *l = NULL;
	struct ck_ad *ad = NULL;
	struct ck_err err;
	const char *base = NULL, *pwfile = NULL, *pwenv = NULL, *format = NULL, *what_s = NULL;
	const char *principals[MAX_NAMES], *templates[MAX_NAMES];
	size_t np = 0, nt = 0, i;
	char *password = NULL;
	unsigned what = CK_AD_ALL;
	long n;
	int c, status = CK_OK, fmt;

	ck_tool_init("cert-ad");
	ck_ldap_opts_init(&lo);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_URI: lo.uri = optarg; break;
		case OPT_BASE: base = optarg; break;
		case OPT_BIND_DN: lo.bind_dn = optarg; break;
		case OPT_PWFILE: pwfile = optarg; break;
		case OPT_PWENV: pwenv = optarg; break;
		case OPT_SASL:
			if (strcasecmp(optarg, "gssapi") != 0) {
				ck_warnx("--sasl: only gssapi is supported");
				return CK_UNKNOWN;
			}
			lo.sasl_gssapi = 1;
			break;
		case OPT_STARTTLS: lo.starttls = 1; break;
		case OPT_CACERT: lo.cacert = optarg; break;
		case OPT_INSECURE: lo.insecure = 1; break;
		case OPT_TIMEOUT:
			if (ck_parse_long(optarg, 1, 3600, &n, &err) < 0) {
				ck_warnx("--timeout: %s", err.msg);
				return CK_UNKNOWN;
			}
			lo.timeout = (int)n;
			break;
		case OPT_MAX_ENTRIES:
			if (ck_parse_long(optarg, 1, 10000000, &n, &err) < 0) {
				ck_warnx("--max-entries: %s", err.msg);
				return CK_UNKNOWN;
			}
			lo.max_entries = (size_t)n;
			break;
		case OPT_WHAT: what_s = optarg; break;
		case OPT_PRINCIPAL:
			if (np == MAX_NAMES) {
				ck_warnx("--principal: at most %d", MAX_NAMES);
				return CK_UNKNOWN;
			}
			principals[np++] = optarg;
			break;
		case OPT_TEMPLATE:
			if (nt == MAX_NAMES) {
				ck_warnx("--template: at most %d", MAX_NAMES);
				return CK_UNKNOWN;
			}
			templates[nt++] = optarg;
			break;
		case OPT_FORMAT: format = optarg; break;
		case 'h': usage(stdout); return CK_OK;
		case OPT_VERSION: ck_print_version(); return CK_OK;
		default: usage(stderr); return CK_UNKNOWN;
		}
	}
	if (optind != argc || lo.uri == NULL) {
		if (lo.uri == NULL)
			ck_warnx("--uri is required");
		else
			ck_warnx("unexpected argument '%s'", argv[optind]);
		usage(stderr);
		return CK_UNKNOWN;
	}
	if ((fmt = ck_format_parse(format, stdout)) < 0) {
		ck_warnx("--format: '%s': use json or text", format);
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
		ck_warnx("give one of --password-file, --password-env, --sasl");
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
	if (what != 0 && ck_ad_read(ad, what, templates, nt, emit, NULL) != 0)
		status = CK_UNKNOWN;
	for (i = 0; i < np && !out.failed_write; i++) {
		json_t *p = ck_ad_principal(ad, principals[i], &err);

		if (p == NULL) {
			ck_report(fmt == CK_FMT_JSON ? stdout : NULL, principals[i], &err);
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
	if (ck_close_stdout() < 0)
		status = CK_UNKNOWN;
	return status;
}
