/*
 * ck_report: the records a report is made of, and what they say (states,
 * the pipeline's exit status, the timeline marks).  The HTML is written by
 * ck_report_html.c.
 */
#include "ck_report.h"

#include <stdlib.h>
#include <string.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_record.h"
#include "ck_report_int.h"

#define DAY 86400LL

struct ck_report *
ck_report_new(const struct ck_report_opts *o)
{
	struct ck_report *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->o = *o;
	if (r->o.title == NULL || *r->o.title == '\0')
		r->o.title = "certkit report";
	ck_expiry_policy_init(&r->pol, o->now);
	if (o->warn > 0)
		r->pol.warn = o->warn;
	if (o->crit > 0)
		r->pol.crit = o->crit;
	if (r->o.from == 0)
		r->o.from = o->now - 30 * DAY;
	if (r->o.to == 0)
		r->o.to = o->now + 730 * DAY;
	r->recs = json_array();
	r->kinds = json_object();
	r->seen = json_object();
	if (r->recs == NULL || r->kinds == NULL || r->seen == NULL) {
		ck_report_free(r);
		return NULL;
	}
	return r;
}

void
ck_report_free(struct ck_report *r)
{
	if (r == NULL)
		return;
	json_decref(r->recs);
	json_decref(r->kinds);
	json_decref(r->seen);
	free(r->marks);
	free(r);
}

const char *
ck_report_str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A timeline mark for a certificate (once per id) or a CRL. */
static int
add_mark(struct ck_report *r, const json_t *rec, int crl)
{
	const char *na = ck_report_str(rec, crl ? "next_update" : "not_after");
	const char *nb = ck_report_str(rec, crl ? "this_update" : "not_before");
	const char *id = ck_report_str(rec, "id");
	struct ck_report_mark *m;
	struct ck_err e;
	time_t tna, tnb = 0;

	if (na == NULL || ck_time_parse(na, &tna, &e) != 0)
		return 0;	/* nothing to place on a timeline */
	if (nb != NULL && ck_time_parse(nb, &tnb, &e) != 0)
		tnb = 0;
	if (!crl && id != NULL) {
		if (json_object_get(r->seen, id) != NULL)
			return 0;
		if (json_object_set_new(r->seen, id, json_true()) != 0)
			return -1;
	}
	if (r->nmarks == r->capmarks) {
		size_t nc = r->capmarks ? r->capmarks * 2 : 32;
		struct ck_report_mark *nm = realloc(r->marks, nc * sizeof(*nm));

		if (nm == NULL)
			return -1;
		r->marks = nm;
		r->capmarks = nc;
	}
	m = &r->marks[r->nmarks];
	memset(m, 0, sizeof(*m));
	m->rec = rec;
	m->crl = crl;
	m->seq = r->nmarks;
	m->not_after = tna;
	m->state = ck_expiry_classify(&r->pol, tnb, tna, &m->not_yet_valid);
	m->left = (long long)tna - (long long)r->pol.now;
	ck_name_label(json_object_get(rec, crl ? "issuer" : "subject"), m->name,
	    sizeof(m->name));
	ck_name_label(json_object_get(rec, "issuer"), m->issuer, sizeof(m->issuer));
	if (m->name[0] == '\0')
		snprintf(m->name, sizeof(m->name), "%s",
		    ck_report_str(rec, "serial") ? ck_report_str(rec, "serial") : "(no name)");
	r->nmarks++;
	return 0;
}

int
ck_report_add(struct ck_report *r, json_t *rec, struct ck_err *err)
{
	const char *kind = ck_record_kind(rec);
	json_t *cnt, *v;
	size_t i;
	int rc = 0;

	if (kind == NULL)
		kind = "(no kind)";
	if (json_array_append(r->recs, rec) != 0)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	cnt = json_object_get(r->kinds, kind);
	if (json_object_set_new(r->kinds, kind,
	    json_integer(cnt ? json_integer_value(cnt) + 1 : 1)) != 0)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	if (strcmp(kind, "cert") == 0)
		rc = add_mark(r, rec, 0);
	else if (strcmp(kind, "crl") == 0)
		rc = add_mark(r, rec, 1);
	else if (strcmp(kind, "chain") == 0) {
		json_array_foreach(json_object_get(rec, "certs"), i, v)
			if (rc == 0 && json_is_object(v))
				rc = add_mark(r, v, 0);
	} else if (strcmp(kind, "ca") == 0 && json_is_object(json_object_get(rec, "cert")))
		rc = add_mark(r, json_object_get(rec, "cert"), 0);
	if (rc != 0)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	return 0;
}

size_t
ck_report_marks(const struct ck_report *r)
{
	return r->nmarks;
}

int
ck_report_mark_status(const struct ck_report_mark *m)
{
	return ck_expiry_status(m->state, m->not_yet_valid);
}

int
ck_report_word_status(const char *w)
{
	if (w == NULL)
		return CK_UNKNOWN;
	if (strcmp(w, "ok") == 0 || strcmp(w, "valid") == 0 || strcmp(w, "issue") == 0 ||
	    strcmp(w, "notice") == 0 || strcmp(w, "not_checkable") == 0)
		return CK_OK;
	if (strcmp(w, "warning") == 0)
		return CK_WARNING;
	if (strcmp(w, "critical") == 0 || strcmp(w, "expired") == 0 ||
	    strcmp(w, "invalid") == 0 || strcmp(w, "pending") == 0 ||
	    strcmp(w, "deny") == 0 || strcmp(w, "not_enrollable") == 0)
		return CK_CRITICAL;
	return CK_UNKNOWN;
}

/* The worst severity of a findings array (CK_OK when empty). */
static int
findings_status(const json_t *arr)
{
	const json_t *f;
	size_t i;
	int st = CK_OK;

	json_array_foreach(arr, i, f) {
		const char *sev = ck_report_str(f, "severity");

		if (sev != NULL && strcmp(sev, "critical") == 0)
			st = ck_status_worse(st, CK_CRITICAL);
		else if (sev != NULL && strcmp(sev, "warning") == 0)
			st = ck_status_worse(st, CK_WARNING);
	}
	return st;
}

int
ck_report_record_status(const json_t *rec)
{
	const char *kind = ck_record_kind(rec);
	int st = findings_status(json_object_get(rec, "findings"));

	if (kind == NULL)
		return CK_OK;
	if (strcmp(kind, "error") == 0)
		return CK_UNKNOWN;
	if (strcmp(kind, "chain") == 0 || strcmp(kind, "prereq") == 0)
		return ck_status_worse(st, ck_report_word_status(ck_report_str(rec, "status")));
	if (strcmp(kind, "approval") == 0)
		return ck_status_worse(findings_status(json_object_get(rec, "reasons")),
		    ck_report_word_status(ck_report_str(rec, "verdict")));
	return st;
}

int
ck_report_status(const struct ck_report *r)
{
	const json_t *rec;
	size_t i;
	int st = CK_OK;

	for (i = 0; i < r->nmarks; i++)
		st = ck_status_worse(st, ck_report_mark_status(&r->marks[i]));
	json_array_foreach(r->recs, i, rec)
		st = ck_status_worse(st, ck_report_record_status(rec));
	return st;
}
