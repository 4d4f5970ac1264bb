/*
 * ck_expiry: expiry judgement and its three renderings (table, Nagios,
 * Prometheus).  See ck_expiry.h for the rules.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_expiry.h"
#include "ck_grow.h"
#include "ck_record.h"
#include "ck_text.h"

#define DAY 86400.0

void
ck_expiry_policy_init(struct ck_expiry_policy *p, time_t now)
{
	p->warn = 30LL * 86400;
	p->crit = 7LL * 86400;
	p->now = now;
}

int
ck_expiry_classify(const struct ck_expiry_policy *p, time_t not_before,
    time_t not_after, int *not_yet_valid)
{
	long long left = (long long)not_after - (long long)p->now;

	int nyv = p->now < not_before;

	if (not_yet_valid != NULL)
		*not_yet_valid = nyv;
	if (left < 0)
		return CK_EXPIRY_EXPIRED;
	if (left <= p->crit)
		return CK_EXPIRY_CRITICAL;
	if (left <= p->warn || nyv)
		return CK_EXPIRY_WARNING;
	return CK_EXPIRY_OK;
}

const char *
ck_expiry_state_name(int state)
{
	switch (state) {
	case CK_EXPIRY_OK: return "ok";
	case CK_EXPIRY_WARNING: return "warning";
	case CK_EXPIRY_CRITICAL: return "critical";
	case CK_EXPIRY_EXPIRED: return "expired";
	}
	return "unknown";
}

int
ck_expiry_status(int state, int not_yet_valid)
{
	int st;

	switch (state) {
	case CK_EXPIRY_OK: st = CK_OK; break;
	case CK_EXPIRY_WARNING: st = CK_WARNING; break;
	default: st = CK_CRITICAL; break;
	}
	if (not_yet_valid)
		st = ck_status_worse(st, CK_WARNING);
	return st;
}

int
ck_expiry_set_init(struct ck_expiry_set *s, const struct ck_expiry_policy *p,
    struct ck_err *err)
{
	memset(s, 0, sizeof(*s));
	s->policy = *p;
	s->status = CK_OK;
	s->seen = json_object();
	s->by_id = json_object();
	if (s->seen == NULL || s->by_id == NULL) {
		ck_expiry_set_release(s);
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	return 0;
}

static void
item_release(struct ck_expiry_item *it)
{
	free(it->what);
	free(it->id);
	free(it->subject_cn);
	free(it->issuer_cn);
	free(it->serial);
	free(it->source);
}

void
ck_expiry_set_release(struct ck_expiry_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		item_release(&s->items[i]);
	free(s->items);
	json_decref(s->seen);
	json_decref(s->by_id);
	memset(s, 0, sizeof(*s));
}

/* A string member of obj (obj may be NULL), or "" . */
static const char *
str_of(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v != NULL ? v : "";
}

static char *
dup_or_null(const char *s, int *oom)
{
	char *d = strdup(s != NULL ? s : "");

	if (d == NULL)
		*oom = 1;
	return d;
}

/*
 * Remembers a judged item unless the same certificate from the same source
 * was seen before.  Returns the index of the item (old or new), or -1 on
 * ENOMEM.
 */
static long
remember(struct ck_expiry_set *s, const struct ck_expiry_item *tmpl, const char *id,
    const char *subject_cn, const char *issuer_cn, const char *serial,
    const char *source, const char *what)
{
	struct ck_expiry_item *it;
	char *key = NULL;
	json_t *old;
	int oom = 0;
	long idx;

	if (id != NULL && *id != '\0') {
		size_t kl = strlen(id) + strlen(source) + 2;

		key = malloc(kl);
		if (key == NULL)
			return -1;
		snprintf(key, kl, "%s\n%s", id, source);
		old = json_object_get(s->seen, key);
		if (old != NULL) {
			free(key);
			return (long)json_integer_value(old);
		}
	}
	if ((it = ck_grow(s->items, &s->cap, s->n + 1, sizeof(*it), 64)) == NULL) {
		free(key);
		return -1;
	}
	s->items = it;
	it = &s->items[s->n];
	*it = *tmpl;
	it->what = dup_or_null(what, &oom);
	it->id = (id != NULL && *id != '\0') ? dup_or_null(id, &oom) : NULL;
	it->subject_cn = dup_or_null(subject_cn, &oom);
	it->issuer_cn = dup_or_null(issuer_cn, &oom);
	it->serial = dup_or_null(serial, &oom);
	it->source = dup_or_null(source, &oom);
	if (oom) {
		item_release(it);
		free(key);
		return -1;
	}
	idx = (long)s->n++;
	if (key != NULL) {
		json_object_set_new(s->seen, key, json_integer(idx));
		free(key);
	}
	if (it->id != NULL && json_object_get(s->by_id, it->id) == NULL)
		json_object_set_new(s->by_id, it->id, json_integer(idx));
	return idx;
}

static json_t *
expiry_object(const struct ck_expiry_item *it)
{
	char na[CK_TIME_LEN];

	ck_time_format(it->not_after, na);
	return json_pack("{s:s, s:f, s:s, s:b}",
	    "status", ck_expiry_state_name(it->state),
	    "days_left", (double)it->left / DAY,
	    "not_after", na,
	    "not_yet_valid", it->not_yet_valid);
}

/* Judges a cert record (or a cert object embedded in another record). */
static int
judge_cert(struct ck_expiry_set *s, json_t *cert, struct ck_err *err, long *idx)
{
	struct ck_expiry_item it;
	const json_t *src = json_object_get(cert, "source");
	const char *na = json_string_value(json_object_get(cert, "not_after"));
	const char *nb = json_string_value(json_object_get(cert, "not_before"));
	const char *serial = str_of(cert, "serial");
	char subj[512], iss[512];
	json_t *ex, *jidx;

	memset(&it, 0, sizeof(it));
	if (na == NULL)
		return ck_err_set(err, CK_E_PARSE, "certificate '%s' has no not_after",
		    serial);
	if (ck_time_parse(na, &it.not_after, err) == -1)
		return ck_err_prefix(err, "certificate '%s': not_after", serial);
	if (nb != NULL) {
		if (ck_time_parse(nb, &it.not_before, err) == -1)
			return ck_err_prefix(err, "certificate '%s': not_before", serial);
		it.has_not_before = 1;
	}
	it.state = ck_expiry_classify(&s->policy,
	    it.has_not_before ? it.not_before : (time_t)0, it.not_after, &it.not_yet_valid);
	it.left = (long long)it.not_after - (long long)s->policy.now;
	jidx = json_object_get(src, "index");
	it.index = json_is_integer(jidx) ? (long)json_integer_value(jidx) : -1;

	ex = expiry_object(&it);
	if (ex == NULL || json_object_set_new(cert, "expiry", ex) == -1)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	ck_name_label(json_object_get(cert, "subject"), subj, sizeof(subj));
	ck_name_label(json_object_get(cert, "issuer"), iss, sizeof(iss));
	*idx = remember(s, &it, json_string_value(json_object_get(cert, "id")),
	    subj, iss, serial,
	    str_of(src, "uri"), "cert");
	if (*idx < 0)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	return ck_expiry_status(it.state, it.not_yet_valid);
}

static int
judge_crl(struct ck_expiry_set *s, json_t *crl, struct ck_err *err)
{
	struct ck_expiry_item it;
	const char *nu = json_string_value(json_object_get(crl, "next_update"));
	const char *tu = json_string_value(json_object_get(crl, "this_update"));
	char cn[512];
	json_t *ex;
	long idx;

	ck_name_label(json_object_get(crl, "issuer"), cn, sizeof(cn));
	memset(&it, 0, sizeof(it));
	if (nu == NULL)
		return ck_err_set(err, CK_E_PARSE, "crl of '%s' has no next_update", cn);
	if (ck_time_parse(nu, &it.not_after, err) == -1)
		return ck_err_prefix(err, "crl of '%s': next_update", cn);
	if (tu != NULL && ck_time_parse(tu, &it.not_before, err) == 0)
		it.has_not_before = 1;
	it.state = ck_expiry_classify(&s->policy,
	    it.has_not_before ? it.not_before : (time_t)0, it.not_after, &it.not_yet_valid);
	it.left = (long long)it.not_after - (long long)s->policy.now;
	it.index = -1;
	ex = expiry_object(&it);
	if (ex == NULL || json_object_set_new(crl, "expiry", ex) == -1)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	idx = remember(s, &it, NULL, cn, cn, str_of(crl, "crl_number"),
	    str_of(json_object_get(crl, "source"), "uri"), "crl");
	if (idx < 0)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	return ck_expiry_status(it.state, it.not_yet_valid);
}

static int
judge_chain(struct ck_expiry_set *s, json_t *chain, struct ck_err *err)
{
	static const char *const embed_keys[] = { "certs", "certificates" };
	const json_t *path = json_object_get(chain, "path");
	const struct ck_expiry_item *best = NULL;
	int st = CK_OK, rc, worst_state = CK_EXPIRY_OK, nyv = 0;
	size_t i, k, missing = 0, found = 0;
	long idx;
	json_t *v, *ex;
	char na[CK_TIME_LEN];

	for (k = 0; k < sizeof(embed_keys) / sizeof(embed_keys[0]); k++) {
		json_t *arr = json_object_get(chain, embed_keys[k]);

		json_array_foreach(arr, i, v) {
			if (!json_is_object(v))
				continue;
			rc = judge_cert(s, v, err, &idx);
			if (rc == -1)
				return ck_err_prefix(err, "chain '%s'", str_of(chain, "id"));
		}
	}
	json_array_foreach(path, i, v) {
		const char *id = json_string_value(v);
		const struct ck_expiry_item *it;
		json_t *ji;

		if (id == NULL || (ji = json_object_get(s->by_id, id)) == NULL) {
			missing++;
			continue;
		}
		found++;
		it = &s->items[json_integer_value(ji)];
		st = ck_status_worse(st, ck_expiry_status(it->state, it->not_yet_valid));
		if (it->state > worst_state)
			worst_state = it->state;
		nyv |= it->not_yet_valid;
		if (best == NULL || it->left < best->left)
			best = it;
	}
	if (best != NULL) {
		ck_time_format(best->not_after, na);
		ex = json_pack("{s:s, s:f, s:s, s:b, s:s?}",
		    "status", ck_expiry_state_name(worst_state),
		    "days_left", (double)best->left / DAY,
		    "not_after", na, "not_yet_valid", nyv, "cert", best->id);
		if (ex == NULL || json_object_set_new(chain, "expiry", ex) == -1)
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
	}
	if (missing > 0 || found == 0)
		return ck_err_set(err, CK_E_NOTFOUND,
		    "chain '%s': %zu of its %zu certificates not in the input "
		    "(pass the cert records through before the chain, or embed them)",
		    str_of(chain, "id"), missing, json_array_size(path));
	return st;
}

int
ck_expiry_record(struct ck_expiry_set *s, json_t *rec, struct ck_err *err)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	long idx;
	int st;

	if (kind == NULL)
		return CK_OK;
	if (strcmp(kind, "cert") == 0)
		st = judge_cert(s, rec, err, &idx);
	else if (strcmp(kind, "ca") == 0) {
		json_t *c = json_object_get(rec, "cert");

		if (!json_is_object(c))
			return CK_OK;	/* a CA without its certificate: nothing to judge */
		st = judge_cert(s, c, err, &idx);
		if (st == -1)
			ck_err_prefix(err, "ca '%s'", str_of(rec, "name"));
	} else if (strcmp(kind, "crl") == 0)
		st = judge_crl(s, rec, err);
	else if (strcmp(kind, "chain") == 0)
		st = judge_chain(s, rec, err);
	else if (strcmp(kind, "error") == 0) {
		s->errors++;
		s->status = ck_status_worse(s->status, CK_UNKNOWN);
		return CK_UNKNOWN;
	} else
		return CK_OK;
	if (st == -1) {
		s->errors++;
		s->status = ck_status_worse(s->status, CK_UNKNOWN);
		return -1;
	}
	s->status = ck_status_worse(s->status, st);
	return st;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct ck_expiry_item *x = a, *y = b;
	int c;

	if (x->left != y->left)
		return x->left < y->left ? -1 : 1;
	c = strcmp(x->subject_cn, y->subject_cn);
	if (c != 0)
		return c;
	c = strcmp(x->source, y->source);
	if (c != 0)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

void
ck_expiry_sort(struct ck_expiry_set *s)
{
	size_t i;

	if (s->n > 1)
		qsort(s->items, s->n, sizeof(s->items[0]), item_cmp);
	/* Indexes moved: rebuild the maps. */
	json_object_clear(s->by_id);
	json_object_clear(s->seen);
	for (i = 0; i < s->n; i++) {
		const struct ck_expiry_item *it = &s->items[i];
		char key[1024];

		if (it->id == NULL)
			continue;
		if (json_object_get(s->by_id, it->id) == NULL)
			json_object_set_new(s->by_id, it->id, json_integer((json_int_t)i));
		if ((size_t)snprintf(key, sizeof(key), "%s\n%s", it->id, it->source) < sizeof(key))
			json_object_set_new(s->seen, key, json_integer((json_int_t)i));
	}
}

void
ck_expiry_count(const struct ck_expiry_set *s, struct ck_expiry_counts *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < s->n; i++) {
		switch (s->items[i].state) {
		case CK_EXPIRY_EXPIRED: c->expired++; break;
		case CK_EXPIRY_CRITICAL: c->critical++; break;
		case CK_EXPIRY_WARNING: c->warning++; break;
		default: c->ok++; break;
		}
		if (s->items[i].not_yet_valid)
			c->not_yet_valid++;
	}
}

static int
is_problem(const struct ck_expiry_item *it)
{
	return it->state != CK_EXPIRY_OK || it->not_yet_valid;
}

static const char *
row_label(const struct ck_expiry_item *it)
{
	if (it->not_yet_valid && it->state <= CK_EXPIRY_WARNING)
		return "NOT-YET-VALID";
	switch (it->state) {
	case CK_EXPIRY_EXPIRED: return "EXPIRED";
	case CK_EXPIRY_CRITICAL: return "CRITICAL";
	case CK_EXPIRY_WARNING: return "WARNING";
	}
	return "OK";
}

static const char *
row_colour(const struct ck_expiry_item *it)
{
	if (it->state >= CK_EXPIRY_CRITICAL)
		return "\033[1;31m";
	if (it->state == CK_EXPIRY_WARNING || it->not_yet_valid)
		return "\033[33m";
	return "\033[32m";
}

static void
source_text(const struct ck_expiry_item *it, char *buf, size_t cap)
{
	char tmp[1024];

	ck_text(it->source, tmp, sizeof(tmp));
	if (strcmp(it->what, "crl") == 0)
		snprintf(buf, cap, "%s (crl)", tmp);
	else if (it->index > 0)
		snprintf(buf, cap, "%s#%ld", tmp, it->index);
	else
		snprintf(buf, cap, "%s", tmp);
}

static void
summary(const struct ck_expiry_set *s, char *buf, size_t cap)
{
	struct ck_expiry_counts c;
	size_t o;

	ck_expiry_count(s, &c);
	o = (size_t)snprintf(buf, cap, "%zu expired, %zu critical, %zu warning, %zu ok",
	    c.expired, c.critical, c.warning, c.ok);
	if (c.not_yet_valid > 0 && o < cap)
		o += (size_t)snprintf(buf + o, cap - o, ", %zu not yet valid", c.not_yet_valid);
	if (s->errors > 0 && o < cap)
		snprintf(buf + o, cap - o, ", %zu unreadable", s->errors);
}

int
ck_expiry_write_text(FILE *fp, const struct ck_expiry_set *s, int all,
    int colour, struct ck_err *err)
{
	size_t i, wcn = 10, wiss = 9, shown = 0;
	char a[512], b[512], src[1100], na[CK_TIME_LEN], sum[256];

	for (i = 0; i < s->n; i++) {
		const struct ck_expiry_item *it = &s->items[i];

		if (!all && !is_problem(it))
			continue;
		shown++;
		ck_text(it->subject_cn, a, sizeof(a));
		ck_text(it->issuer_cn, b, sizeof(b));
		if (strlen(a) > wcn)
			wcn = strlen(a);
		if (strlen(b) > wiss)
			wiss = strlen(b);
	}
	if (shown == 0 && (!all || s->n == 0))
		return 0;
	fprintf(fp, "%-13s  %-*s  %-*s  %-20s  %9s  %s\n", "STATUS", (int)wcn, "SUBJECT",
	    (int)wiss, "ISSUER", "NOT AFTER", "DAYS LEFT", "SOURCE");
	for (i = 0; i < s->n; i++) {
		const struct ck_expiry_item *it = &s->items[i];

		if (!all && !is_problem(it))
			continue;
		ck_text(*it->subject_cn ? it->subject_cn : "-", a, sizeof(a));
		ck_text(*it->issuer_cn ? it->issuer_cn : "-", b, sizeof(b));
		source_text(it, src, sizeof(src));
		ck_time_format(it->not_after, na);
		if (colour)
			fprintf(fp, "%s%-13s\033[0m", row_colour(it), row_label(it));
		else
			fprintf(fp, "%-13s", row_label(it));
		fprintf(fp, "  %-*s  %-*s  %-20s  %9.1f  %s\n", (int)wcn, a, (int)wiss, b, na,
		    (double)it->left / DAY, src);
	}
	summary(s, sum, sizeof(sum));
	fprintf(fp, "%zu checked: %s\n", s->n, sum);
	if (ferror(fp))
		return ck_err_set(err, CK_E_IO, "write failed: %s", strerror(errno));
	return 0;
}

void
ck_expiry_perf_label(const char *s, char *buf, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 2 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '\'') {
			buf[o++] = '\'';
			buf[o++] = '\'';
		} else if (ch == '=' || ch == '|' || ch < 0x20 || ch == 0x7f)
			buf[o++] = '_';
		else
			buf[o++] = (char)ch;
	}
	buf[o] = '\0';
}

/* A subject name for the status line: no '|' (it starts the perfdata), no newline. */
static void
plugin_name(const struct ck_expiry_item *it, char *buf, size_t cap)
{
	size_t i;
	const char *n = it->subject_cn;
	char tmp[560];

	if (*n == '\0')
		n = *it->serial ? it->serial : "(no name)";
	/* Escaped like every text output (ck_text.h); '|' would start the perfdata. */
	ck_text(n, tmp, sizeof(tmp));
	snprintf(buf, cap, "%s%s", strcmp(it->what, "crl") == 0 ? "crl " : "", tmp);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '|')
			buf[i] = '_';
}

static void
plugin_when(const struct ck_expiry_item *it, char *buf, size_t cap)
{
	double d = (double)it->left / DAY;

	if (it->state == CK_EXPIRY_EXPIRED)
		snprintf(buf, cap, "expired %.1fd ago", -d);
	else if (it->not_yet_valid)
		snprintf(buf, cap, "not yet valid, %.1fd left", d);
	else
		snprintf(buf, cap, "%.1fd left", d);
}

int
ck_expiry_write_nagios(FILE *fp, const struct ck_expiry_set *s, int all,
    int *status, struct ck_err *err)
{
	static const char *const words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
	char sum[256], name[600], when[64], label[1300], uniq[1320];
	size_t i, named = 0, perf;
	int st = s->status;
	json_t *used;

	if (s->n == 0) {
		st = CK_UNKNOWN;
		*status = st;
		if (s->errors == 0)
			fprintf(fp, "CERT UNKNOWN - no certificates found\n");
		else
			fprintf(fp, "CERT UNKNOWN - %zu unreadable, no certificates checked\n",
			    s->errors);
		goto out;
	}
	*status = st;
	summary(s, sum, sizeof(sum));
	fprintf(fp, "CERT %s - %s", words[st], sum);
	/* Name the soonest problems; when there are none, the soonest certificate. */
	for (i = 0; i < s->n && named < CK_EXPIRY_NAMED_MAX; i++) {
		if (!is_problem(&s->items[i]))
			continue;
		plugin_name(&s->items[i], name, sizeof(name));
		plugin_when(&s->items[i], when, sizeof(when));
		fprintf(fp, "%s%s (%s)", named == 0 ? "; soonest: " : ", ", name, when);
		named++;
	}
	if (named == 0) {
		plugin_name(&s->items[0], name, sizeof(name));
		plugin_when(&s->items[0], when, sizeof(when));
		fprintf(fp, "; soonest: %s (%s)", name, when);
	}
	perf = all ? s->n : (s->n < CK_EXPIRY_PERF_MAX ? s->n : CK_EXPIRY_PERF_MAX);
	used = json_object();
	if (used == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	for (i = 0; i < perf; i++) {
		const struct ck_expiry_item *it = &s->items[i];
		const char *n = *it->subject_cn ? it->subject_cn : it->serial;
		json_t *cnt;
		json_int_t k = 1;

		ck_expiry_perf_label(n, label, sizeof(label));
		snprintf(uniq, sizeof(uniq), "%s%s", strcmp(it->what, "crl") == 0 ? "crl_" : "", label);
		cnt = json_object_get(used, uniq);
		if (cnt != NULL)
			k = json_integer_value(cnt) + 1;
		json_object_set_new(used, uniq, json_integer(k));
		fprintf(fp, "%s'days_%s", i == 0 ? " | " : " ", uniq);
		if (k > 1)
			fprintf(fp, "_%lld", (long long)k);
		fprintf(fp, "'=%.2f;%g;%g;;", (double)it->left / DAY,
		    (double)s->policy.warn / DAY, (double)s->policy.crit / DAY);
	}
	json_decref(used);
	fputc('\n', fp);
out:
	if (ferror(fp))
		return ck_err_set(err, CK_E_IO, "write failed: %s", strerror(errno));
	return 0;
}

void
ck_expiry_prom_escape(const char *s, char *buf, size_t cap)
{
	size_t o = 0;

	for (; *s != '\0' && o + 3 < cap; s++) {
		if (*s == '\\' || *s == '"') {
			buf[o++] = '\\';
			buf[o++] = *s;
		} else if (*s == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else
			buf[o++] = *s;
	}
	buf[o] = '\0';
}

char *
ck_expiry_serial_dec(const char *hex)
{
	BIGNUM *bn = NULL;
	char *dec, *out;

	if (hex == NULL || *hex == '\0')
		return strdup("");
	if (strspn(hex, "0123456789abcdefABCDEF") != strlen(hex) || strlen(hex) > 200)
		return strdup(hex);	/* not hex: label it as it is */
	if (BN_hex2bn(&bn, hex) == 0)
		return NULL;
	dec = BN_bn2dec(bn);
	BN_free(bn);
	if (dec == NULL)
		return NULL;
	out = strdup(dec);
	OPENSSL_free(dec);
	return out;
}

int
ck_expiry_write_prometheus(FILE *fp, const struct ck_expiry_set *s,
    struct ck_err *err)
{
	static const struct {
		const char *name, *help;
	} fam[] = {
		{ "x509_cert_not_after", "Time after which the certificate is no longer valid, in seconds since the epoch." },
		{ "x509_cert_not_before", "Time from which the certificate is valid, in seconds since the epoch." },
		{ "x509_cert_expired", "1 when the certificate's not after time has passed, else 0." },
		{ "x509_cert_expires_in_seconds", "Seconds left until the certificate's not after time (negative once expired)." },
	};
	char **labels;
	char e1[1100], e2[1100], e3[1100], e4[2100];
	size_t i, f;
	int rv = -1;

	labels = calloc(s->n ? s->n : 1, sizeof(*labels));
	if (labels == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	for (i = 0; i < s->n; i++) {
		const struct ck_expiry_item *it = &s->items[i];
		char *dec;
		size_t len;

		if (strcmp(it->what, "cert") != 0)
			continue;
		dec = ck_expiry_serial_dec(it->serial);
		if (dec == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		ck_expiry_prom_escape(it->subject_cn, e1, sizeof(e1));
		ck_expiry_prom_escape(it->issuer_cn, e2, sizeof(e2));
		ck_expiry_prom_escape(dec, e3, sizeof(e3));
		ck_expiry_prom_escape(it->source, e4, sizeof(e4));
		free(dec);
		len = strlen(e1) + strlen(e2) + strlen(e3) + strlen(e4) + 80;
		labels[i] = malloc(len);
		if (labels[i] == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		snprintf(labels[i], len,
		    "{subject_CN=\"%s\",issuer_CN=\"%s\",serial_number=\"%s\",source=\"%s\"}",
		    e1, e2, e3, e4);
	}
	for (f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", fam[f].name, fam[f].help,
		    fam[f].name);
		for (i = 0; i < s->n; i++) {
			const struct ck_expiry_item *it = &s->items[i];
			long long v;

			if (labels[i] == NULL)
				continue;
			switch (f) {
			case 0: v = (long long)it->not_after; break;
			case 1: v = (long long)it->not_before; break;
			case 2: v = it->state == CK_EXPIRY_EXPIRED; break;
			default: v = it->left; break;
			}
			fprintf(fp, "%s%s %lld\n", fam[f].name, labels[i], v);
		}
	}
	fprintf(fp, "# HELP x509_read_errors Number of inputs that could not be read or judged.\n"
	    "# TYPE x509_read_errors gauge\nx509_read_errors %zu\n", s->errors);
	if (ferror(fp)) {
		ck_err_set(err, CK_E_IO, "write failed: %s", strerror(errno));
		goto out;
	}
	rv = 0;
out:
	for (i = 0; i < s->n; i++)
		free(labels[i]);
	free(labels);
	return rv;
}

FILE *
ck_expiry_out_open(const char *path, char **tmp, struct ck_err *err)
{
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (size_t)(slash - path + 1) : 0, len;
	char *t;
	int fd;
	FILE *fp;

	*tmp = NULL;
	len = strlen(path) + 16;
	t = malloc(len);
	if (t == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	snprintf(t, len, "%.*s.%s.XXXXXX", (int)dlen, path, path + dlen);
	fd = mkstemp(t);
	if (fd == -1) {
		ck_err_set(err, CK_E_IO, "cannot create a temporary file next to it: %s",
		    strerror(errno));
		free(t);
		return NULL;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		ck_err_set(err, CK_E_IO, "%s", strerror(errno));
		close(fd);
		unlink(t);
		free(t);
		return NULL;
	}
	*tmp = t;
	return fp;
}

int
ck_expiry_out_commit(FILE *fp, char *tmp, const char *path, struct ck_err *err)
{
	int bad = 0, e = 0;

	if (fflush(fp) != 0 || ferror(fp)) {
		bad = 1;
		e = errno;
	}
	if (!bad && (fsync(fileno(fp)) != 0 || fchmod(fileno(fp), 0644) != 0)) {
		bad = 1;
		e = errno;
	}
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && rename(tmp, path) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		unlink(tmp);
		free(tmp);
		return ck_err_set(err, CK_E_IO, "cannot write: %s", strerror(e));
	}
	free(tmp);
	return 0;
}

void
ck_expiry_out_abort(FILE *fp, char *tmp)
{
	if (fp != NULL)
		fclose(fp);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
}

/* ---- cert-expiry's inputs ---- */

/* Writes one record when the output is JSON Lines. */
static void
run_pass(struct ck_expiry_run *r, json_t *rec)
{
	struct ck_err err;

	if (r->out == NULL || r->write_failed)
		return;
	if (ck_record_write(r->out, rec, &err) == -1) {
		ck_warnx("%s", err.msg);
		r->write_failed = 1;
	}
}

/*
 * Judges and passes one record.  An `error` record (a source that could not
 * be read, a broken line, or one an earlier stage made) is said on stderr:
 * every stage that exits 3 says why.
 */
static void
run_handle(struct ck_expiry_run *r, json_t *rec)
{
	struct ck_err err;

	if (r->progress != NULL)
		ck_progress_tick(r->progress);
	ck_err_clear(&err);
	if (ck_record_is(rec, "error"))
		ck_warn_record(rec);
	if (ck_expiry_record(r->set, rec, &err) == -1) {
		run_pass(r, rec);
		ck_report(r->out != NULL && !r->write_failed ? r->out : NULL, NULL, &err);
		return;
	}
	run_pass(r, rec);
}

static int
run_emit(void *ctx, json_t *rec)
{
	struct ck_expiry_run *r = ctx;

	run_handle(r, rec);
	json_decref(rec);
	return r->write_failed ? -1 : 0;
}

/* Records (JSON Lines) from stdin, one at a time. */
static void
run_records(struct ck_expiry_run *r, FILE *fp)
{
	struct ck_reader *rd = ck_reader_new(fp, "stdin");
	struct ck_err err;
	json_t *rec;
	int rc;

	if (rd == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(NULL, "stdin", &err);
		r->set->errors++;
		r->set->status = ck_status_worse(r->set->status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(rd, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_report(r->out, "stdin", &err);
			r->set->errors++;
			r->set->status = ck_status_worse(r->set->status, CK_UNKNOWN);
			break;
		}
		run_handle(r, rec);	/* a broken line is an error record */
		json_decref(rec);
		if (r->write_failed)
			break;
	}
	ck_reader_free(rd);
}

void
ck_expiry_run_source(struct ck_expiry_run *r, const char *source)
{
	int records;

	if (strcmp(source, "-") != 0) {
		ck_load_source(source, r->lo, run_emit, r);
		return;
	}
	ck_load_stdin(stdin, r->lo, run_emit, r, &records);
	if (records)
		run_records(r, stdin);
}
