#include "ck_ad_run.h"

#include <string.h>

#include "ck_err.h"
#include "ck_ldap.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

static const char *
str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static void
print_names(FILE *fp, const char *label, const json_t *arr)
{
	size_t i;
	json_t *v;

	ck_textf(fp, "  %s:", label);
	if (json_array_size(arr) == 0)
		ck_textf(fp, " -");
	json_array_foreach(arr, i, v)
		ck_textf(fp, "%s%s", i ? ", " : " ", json_is_string(v) ? json_string_value(v) : "?");
	fputc('\n', fp);
}

void
ck_ad_print_text(FILE *fp, const json_t *rec)
{
	const char *kind = ck_record_kind(rec);
	size_t i;
	json_t *v;

	if (strcmp(kind, "template") == 0) {
		ck_textf(fp, "template %s (%s) v%lld oid %s\n", str(rec, "name"), str(rec, "display_name"),
		    (long long)json_integer_value(json_object_get(rec, "schema_version")),
		    str(rec, "oid"));
		print_names(fp, "eku", json_object_get(rec, "eku"));
		print_names(fp, "name_flag", json_object_get(json_object_get(rec, "name_flag"), "names"));
		print_names(fp, "enrollment_flag",
		    json_object_get(json_object_get(rec, "enrollment_flag"), "names"));
		ck_textf(fp, "  ra_signatures: %lld  min_key_bits: %lld\n",
		    (long long)json_integer_value(json_object_get(rec, "ra_signatures")),
		    (long long)json_integer_value(json_object_get(rec, "min_key_bits")));
		print_names(fp, "published_by", json_object_get(rec, "published_by"));
		json_array_foreach(json_object_get(rec, "acl"), i, v) {
			const char *nm = json_string_value(json_object_get(v, "name"));
			size_t k;
			json_t *x;

			ck_textf(fp, "  %s %s:", json_is_true(json_object_get(v, "allow")) ? "allow" : "deny ",
			    nm ? nm : str(v, "sid"));
			json_array_foreach(json_object_get(v, "rights"), k, x)
				ck_textf(fp, "%s%s", k ? "," : " ", json_string_value(x));
			fputc('\n', fp);
		}
	} else if (strcmp(kind, "ca") == 0) {
		ck_textf(fp, "ca %s on %s\n", str(rec, "name"), str(rec, "dns_host"));
		print_names(fp, "templates", json_object_get(rec, "templates"));
	} else if (strcmp(kind, "cert") == 0) {
		ck_textf(fp, "cert %s (%s)\n", str(json_object_get(rec, "subject"), "dn"),
		    str(json_object_get(rec, "source"), "uri"));
	} else if (strcmp(kind, "crl") == 0) {
		ck_textf(fp, "crl %s number %s next %s revoked %lld\n",
		    str(json_object_get(rec, "issuer"), "dn"), str(rec, "crl_number"),
		    str(rec, "next_update"),
		    (long long)json_integer_value(json_object_get(rec, "revoked_count")));
	} else if (strcmp(kind, "principal") == 0) {
		ck_textf(fp, "principal %s %s\n", str(rec, "name"), str(rec, "sid"));
		json_array_foreach(json_object_get(rec, "groups"), i, v)
			ck_textf(fp, "  member of %s %s\n", str(v, "name"), str(v, "sid"));
	} else if (strcmp(kind, "forest") == 0) {
		ck_textf(fp, "forest %s oid base %s\n", str(rec, "config_dn"), str(rec, "oid_base"));
	} else if (strcmp(kind, "oid") == 0) {
		ck_textf(fp, "oid %s %s (%s)\n", str(rec, "oid"), str(rec, "display_name"), str(rec, "type"));
	}
}

static int
emit(void *ctx, json_t *rec)
{
	return ck_out_put(ctx, rec);
}

int
ck_ad_run(const struct ck_ad_run *r)
{
	struct ck_out out = { .format = r->format, .text = ck_ad_print_text };
	FILE *rep = r->format == CK_FMT_JSON ? stdout : NULL;
	struct ck_ldap *l;
	struct ck_ad *ad = NULL;
	struct ck_err err;
	const char *source;
	int status = CK_OK, stop = 0;
	size_t i;

	if ((l = ck_ldap_cli_open(r->lc, &source, &err)) == NULL) {
		if (source == NULL)
			ck_warnx("%s", err.msg);
		else
			ck_report(rep, source, &err);
		return CK_UNKNOWN;
	}
	if ((ad = ck_ad_new(l, r->lc->o.uri, r->base, &err)) == NULL) {
		ck_report(rep, r->lc->o.uri, &err);
		status = CK_UNKNOWN;
		goto out;
	}
	/* Its error records count through out.status; -1: stdout failed, stop. */
	if (r->what != 0 && ck_ad_read(ad, r->what, r->templates, r->ntemplates, emit, &out) < 0)
		stop = 1;
	for (i = 0; i < r->nprincipals && !stop; i++) {
		json_t *p = ck_ad_principal(ad, r->principals[i], &err);

		if (p == NULL) {
			ck_report(rep, r->principals[i], &err);
			status = CK_UNKNOWN;
			continue;
		}
		stop = emit(&out, p) < 0;
	}
out:
	ck_ad_free(ad);
	ck_ldap_close(l);
	return ck_status_worse(status, out.status);
}
