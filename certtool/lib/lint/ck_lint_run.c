/* ck_lint_run: cert-lint's pass over its inputs (judge, hold, print in order). */
#include "ck_lint_run.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ck_record.h"
#include "ck_rules.h"
#include "ck_text.h"
#include "ck_tmpl.h"

int
ck_lint_run_init(struct ck_lint_run *r)
{
	r->status = CK_OK;
	r->worst = 0;
	r->judged = 0;
	memset(r->counts, 0, sizeof(r->counts));
	return (r->held = json_array()) != NULL ? 0 : -1;
}

struct ck_lint *
ck_lint_open(const char *amt, const struct ck_strv *profiles, const struct ck_strv *policies,
    int list_all, int *all, struct ck_err *err)
{
	const char *envpol = getenv("CERTKIT_POLICY");
	struct ck_lint *l;
	struct stat st;
	size_t i;

	if (all != NULL)
		*all = 0;
	if ((l = ck_lint_new()) == NULL || ck_lint_add_default_dirs(l, err) < 0)
		goto nomem;
	if (amt != NULL)
		ck_lint_set_amt_version(l, amt);
	/* CERTKIT_POLICY naming a directory is a data directory (ck_datadir.h). */
	if (envpol == NULL || *envpol == '\0' || stat(envpol, &st) != 0 || S_ISDIR(st.st_mode))
		envpol = NULL;
	if (profiles->n == 0 && policies->n == 0 && envpol == NULL) {
		if (list_all) {
			*all = 1;
			return l;
		}
		if (ck_lint_add_profile(l, "default", err) < 0)
			goto fail;
	}
	for (i = 0; i < profiles->n; i++)
		if (ck_lint_add_profile(l, profiles->v[i], err) < 0)
			goto fail;
	for (i = 0; i < policies->n; i++)
		if (ck_lint_add_policy_file(l, policies->v[i], err) < 0)
			goto fail;
	if (envpol != NULL && ck_lint_add_policy_file(l, envpol, err) < 0)
		goto fail;
	return l;
nomem:
	ck_err_set(err, CK_E_NOMEM, "out of memory");
fail:
	ck_lint_free(l);
	return NULL;
}

void
ck_lint_print_text(FILE *fp, const json_t *rec)
{
	const json_t *f = json_object_get(rec, "findings"), *v;
	const char *k = ck_record_kind(rec), *s = ck_rule_subject(rec);
	size_t i;

	if (k != NULL && strcmp(k, "error") == 0) {
		ck_textf(fp, "error '%s': %s\n", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
		return;
	}
	if (!json_is_array(f))
		return;
	if (json_array_size(f) == 0) {
		ck_textf(fp, "%s '%s': ok\n", k, s ? s : "?");
		return;
	}
	ck_textf(fp, "%s '%s':\n", k, s ? s : "?");
	json_array_foreach(f, i, v)
		ck_textf(fp, "  %-8s %s: %s\n", json_string_value(json_object_get(v, "severity")),
		    json_string_value(json_object_get(v, "rule")),
		    json_string_value(json_object_get(v, "message")));
}

/* Judges (when a rule applies) and writes one record. */
static void
emit(struct ck_lint_run *r, json_t *rec)
{
	struct ck_err err;
	int before = 0, n;
	const json_t *f = json_object_get(rec, "findings");

	if (json_is_array(f))
		before = (int)json_array_size(f);
	n = ck_lint_judge(r->lint, rec, &r->worst);
	if (n >= 0) {
		size_t i;

		r->judged++;
		f = json_object_get(rec, "findings");
		for (i = (size_t)before; i < json_array_size(f); i++) {
			int lv = ck_severity_level(json_string_value(json_object_get(json_array_get(f, i),
			    "severity")));

			if (lv >= 0)
				r->counts[lv]++;
		}
	}
	if (r->format == CK_FMT_TEXT)
		ck_lint_print_text(stdout, rec);
	else if (ck_record_write(stdout, rec, &err) < 0) {
		ck_warnx("%s", err.msg);
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
	}
}

/* Reads rd (name for messages) to its end. */
static void
run_reader(struct ck_lint_run *r, struct ck_reader *rd, const char *name)
{
	json_t *held = r->held;
	struct ck_err err;
	json_t *rec;
	int rc;

	while ((rc = ck_reader_next(rd, &rec, &err)) != CK_READ_EOF) {
		if (r->progress != NULL)
			ck_progress_tick(r->progress);
		if (rc == CK_READ_FAIL) {
			ck_report(r->format == CK_FMT_JSON ? stdout : NULL, name, &err);
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
			break;
		}
		if (rc == CK_READ_RECORD && ck_record_is(rec, "error")) {
			/* An earlier stage's error: passed on, said, and the run is UNKNOWN. */
			ck_warn_record(rec);
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
		}
		if (rc == CK_READ_BROKEN) {
			ck_report(NULL, name, &err);
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
			if (json_array_size(held) > 0) {
				json_array_append_new(held, rec);
				continue;
			}
		} else {
			unsigned t = ck_lint_target(rec);

			/* A template file is judged only once it passes the one template schema. */
			if (ck_tmpl_check_definition(rec, &err) != 0) {
				ck_err_prefix(&err, "template '%s'",
				    ck_js(rec, "name") ? ck_js(rec, "name") : "?");
				ck_report(r->format == CK_FMT_JSON ? stdout : NULL, name, &err);
				r->status = ck_status_worse(r->status, CK_UNKNOWN);
			}
			ck_lint_index(r->lint, rec);
			if (t == CK_APPLY_TEMPLATE || t == CK_APPLY_CA || t == CK_APPLY_CHAIN) {
				if (json_array_size(held) == 0 && !ck_lint_wants(r->lint, t) &&
				    !(t == CK_APPLY_CA && r->hold_cas))
					t = 0;	/* nothing judges it: no need to hold */
			} else if (json_array_size(held) == 0)
				t = 0;
			if (t != 0 || json_array_size(held) > 0) {
				json_array_append_new(held, rec);
				continue;
			}
		}
		emit(r, rec);
		json_decref(rec);
	}
}

void
ck_lint_run_stream(struct ck_lint_run *r, FILE *fp, const char *name)
{
	struct ck_reader *rd = ck_reader_new(fp, name);
	struct ck_err err;

	if (rd == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, name, &err);
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	run_reader(r, rd, name);
	ck_reader_free(rd);
}

void
ck_lint_run_source(struct ck_lint_run *r, const char *path)
{
	struct ck_reader *rd;
	struct ck_err err;

	if ((rd = ck_reader_open(path, &err)) == NULL) {
		ck_lint_run_fail(r, path, &err);
		return;
	}
	run_reader(r, rd, strcmp(path, "-") == 0 ? "stdin" : path);
	ck_reader_free(rd);
}

void
ck_lint_run_fail(struct ck_lint_run *r, const char *name, const struct ck_err *err)
{
	ck_report(NULL, name, err);
	json_array_append_new(r->held, ck_error_record_err(name, err));
	r->status = ck_status_worse(r->status, CK_UNKNOWN);
}

/* ck_caconfig_apply_all's report: an error record and exit 3, or a warning. */
struct caconfig_report {
	struct ck_lint_run *r;
	const struct ck_caconfig_set *set;
};

static void
caconfig_report(void *arg, size_t entry, const struct ck_err *err, int failed)
{
	struct caconfig_report *c = arg;

	if (!failed) {
		ck_warnx("'%s': %s", c->set->src[entry], err->msg);
		return;
	}
	ck_report(c->r->format == CK_FMT_JSON ? stdout : NULL, c->set->src[entry], err);
	c->r->status = ck_status_worse(c->r->status, CK_UNKNOWN);
}

void
ck_lint_run_caconfig(struct ck_lint_run *r, const struct ck_caconfig_set *set, const char *ca)
{
	struct caconfig_report c = { r, set };
	json_t **cas, *rec;
	size_t k, ncas = 0;

	if (set->n == 0)
		return;
	if ((cas = calloc(json_array_size(r->held) + 1, sizeof(*cas))) == NULL) {
		ck_warnx("out of memory");
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	json_array_foreach(r->held, k, rec)
		if (ck_record_is(rec, "ca"))
			cas[ncas++] = rec;
	ck_caconfig_apply_all(set->conf, set->n, cas, ncas, ca, caconfig_report, &c);
	free(cas);
}

void
ck_lint_run_end(struct ck_lint_run *r)
{
	size_t i;

	for (i = 0; i < json_array_size(r->held); i++)
		emit(r, json_array_get(r->held, i));
	json_decref(r->held);
	r->held = NULL;
}

int
ck_lint_run_status(const struct ck_lint_run *r, int fail_on_warning)
{
	if (r->worst == 2 || (r->worst == 1 && fail_on_warning))
		return ck_status_worse(r->status, CK_CRITICAL);
	if (r->worst == 1)
		return ck_status_worse(r->status, CK_WARNING);
	return r->status;
}

int
ck_lint_list_rules(FILE *fp, const struct ck_lint *l, int all, int text)
{
	const struct ck_rule *t = NULL;
	struct ck_err err;
	size_t n, i;

	n = all ? 0 : ck_lint_count(l);
	if (all)
		t = ck_rules_all(&n);
	for (i = 0; i < n; i++) {
		const char *sev = NULL;
		const struct ck_rule *r = all ? &t[i] : ck_lint_rule(l, i, &sev);
		json_t *j;

		if (text) {
			json_t *a = ck_apply_json(r->applies_to);
			char *apps = ck_record_dumps(a);

			fprintf(fp, "%-36s %-8s %-34s %s\n", r->id, sev ? sev : r->severity,
			    apps ? apps : "", r->description);
			free(apps);
			json_decref(a);
			continue;
		}
		j = ck_rule_json(r, sev);
		if (j == NULL || ck_record_write(fp, j, &err) < 0) {
			json_decref(j);
			return -1;
		}
		json_decref(j);
	}
	/* Text for people: also say which escalations nothing checks, and why. */
	if (text) {
		const struct ck_unchecked *u = ck_rules_unchecked(&n);

		for (i = 0; i < n; i++)
			fprintf(fp, "%-36s %-8s %s\n", u[i].id, "unchecked", u[i].why);
	}
	return 0;
}
