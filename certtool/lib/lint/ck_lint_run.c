/* ck_lint_run: cert-lint's pass over its inputs (judge, hold, print in order). */
#include "ck_lint_run.h"

#include <stdlib.h>
#include <string.h>

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

void
ck_lint_run_stream(struct ck_lint_run *r, FILE *fp, const char *name)
{
	struct ck_reader *rd = ck_reader_new(fp, name);
	json_t *held = r->held;
	struct ck_err err;
	json_t *rec;
	int rc;

	if (rd == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, name, &err);
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(rd, &rec, &err)) != CK_READ_EOF) {
		if (r->progress != NULL)
			ck_progress_tick(r->progress);
		if (rc == CK_READ_FAIL) {
			ck_report(r->format == CK_FMT_JSON ? stdout : NULL, name, &err);
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
			break;
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
	ck_reader_free(rd);
}

void
ck_lint_run_fail(struct ck_lint_run *r, const char *name, const struct ck_err *err)
{
	ck_report(NULL, name, err);
	json_array_append_new(r->held, ck_error_record_err(name, err));
	r->status = ck_status_worse(r->status, CK_UNKNOWN);
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
