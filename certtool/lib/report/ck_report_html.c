/*
 * ck_report_html: the page.  One HTML document with its CSS and SVG inline;
 * a Content-Security-Policy of default-src 'none' tells the browser it
 * loads nothing (and runs nothing) from anywhere.  Every string taken from a
 * record goes through esc().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "ck_cert.h"
#include "ck_clock.h"
#include "ck_grow.h"
#include "ck_record.h"
#include "ck_report_int.h"
#include "ck_tool.h"

#define DAY 86400.0

/* The timeline's geometry, in SVG user units. */
#define SVG_W 960
#define SVG_X0 24
#define SVG_X1 936
#define SVG_TOP 28
#define LANE_H 16
#define LANES 10
#define MARK_GAP 11

static const char *const status_word[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

static const char css[] =
	"body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"margin:0 auto;max-width:1000px;padding:0 16px 40px;color:#1b1b1b;background:#fff}"
	"h1{font-size:24px;margin:20px 0 4px}h2{font-size:19px;margin:28px 0 8px;"
	"border-bottom:2px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}"
	".meta{color:#555;margin:0 0 8px}nav a{margin-right:12px}"
	"table{border-collapse:collapse;width:100%;margin:6px 0 12px}"
	"th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #e4e4e4;vertical-align:top}"
	"th{background:#f4f4f4;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}"
	"code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
	".b{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:12px;"
	"font-weight:600;white-space:nowrap}"
	".s-ok{background:#2e7d32}.s-warning{background:#b36b00}.s-critical{background:#c62828}"
	".s-expired{background:#7f0000}.s-unknown{background:#6a1b9a}.s-notice{background:#1565c0}"
	".banner{padding:10px 14px;border-radius:4px;color:#fff;font-size:17px;font-weight:600}"
	".banner.s0{background:#2e7d32}.banner.s1{background:#b36b00}.banner.s2{background:#c62828}"
	".banner.s3{background:#6a1b9a}"
	"ol.tree{list-style:none;padding-left:0;margin:4px 0}ol.tree li{padding:3px 8px;"
	"border-left:3px solid #9e9e9e;margin:2px 0}ol.tree li.fail{border-left-color:#c62828;"
	"background:#ffebee}ol.tree li.anchor{border-left-color:#2e7d32}"
	".chain{border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin:10px 0}"
	"svg{display:block;width:100%;height:auto;border:1px solid #ddd;border-radius:4px}"
	"svg text{font:11px sans-serif;fill:#444}"
	"ul.ev{margin:2px 0;padding-left:18px;color:#444}"
	"footer{margin-top:32px;color:#777;font-size:12px}";

/* Writes s HTML-escaped (text and attribute values alike). */
static void
esc(FILE *fp, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:
			/* C0 controls other than tab/newline are not allowed in HTML text. */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputc(' ', fp);
			else
				fputc(*s, fp);
		}
	}
}

/* s escaped, or dflt (literal) when s is NULL or empty. */
static void
esc_or(FILE *fp, const char *s, const char *dflt)
{
	if (s == NULL || *s == '\0')
		fputs(dflt, fp);
	else
		esc(fp, s);
}

/* A status word as a coloured badge; the colour follows its exit status. */
static void
badge(FILE *fp, const char *word)
{
	static const char *const cls[] = { "ok", "warning", "critical", "unknown" };
	int st = ck_report_word_status(word);
	const char *c = cls[st];

	if (word != NULL && strcmp(word, "expired") == 0)
		c = "expired";
	else if (word != NULL && strcmp(word, "notice") == 0)
		c = "notice";
	fprintf(fp, "<span class=\"b s-%s\">", c);
	esc_or(fp, word, "unknown");
	fputs("</span>", fp);
}

static const char *
mark_word(const struct ck_report_mark *m)
{
	if (m->state == CK_EXPIRY_OK && m->not_yet_valid)
		return "warning";
	return ck_expiry_state_name(m->state);
}

static const char *
mark_colour(const struct ck_report_mark *m)
{
	static const char *const c[] = { "#2e7d32", "#e69500", "#d84315", "#7f0000" };

	if (m->state == CK_EXPIRY_OK && m->not_yet_valid)
		return c[1];
	return c[m->state];
}

/* Every record of one kind, in input order, as a new array of borrowed pointers. */
static const json_t **
of_kind(const struct ck_report *r, const char *kind, size_t *n)
{
	const json_t **v = calloc(json_array_size(r->recs) + 1, sizeof(*v));
	const json_t *rec;
	size_t i;

	*n = 0;
	if (v == NULL)
		return NULL;
	json_array_foreach(r->recs, i, rec)
		if (ck_record_is(rec, kind))
			v[(*n)++] = rec;
	return v;
}

static size_t
kind_count(const struct ck_report *r, const char *kind)
{
	return (size_t)json_integer_value(json_object_get(r->kinds, kind));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (borrowed strings; free the array). */
static const char **
sorted_keys(const json_t *o, size_t *n)
{
	const char **v = calloc(json_object_size(o) + 1, sizeof(*v));
	const char *k;
	json_t *val;

	*n = 0;
	if (v == NULL)
		return NULL;
	json_object_foreach((json_t *)o, k, val)
		v[(*n)++] = k;
	qsort(v, *n, sizeof(*v), cmp_str);
	return v;
}

/* counts[word]++ */
static void
count_word(json_t *counts, const char *word)
{
	json_t *c;

	if (word == NULL)
		word = "unknown";
	c = json_object_get(counts, word);
	json_object_set_new(counts, word, json_integer(c ? json_integer_value(c) + 1 : 1));
}

/* One row of the states table: LABEL, then "word n" badges worst first. */
static void
counts_row(FILE *fp, const char *label, const json_t *counts)
{
	static const char *const order[] = { "expired", "critical", "invalid", "deny",
		"not_enrollable", "pending", "unknown", "warning", "not_checkable", "notice",
		"ok", "valid", "issue" };
	const char **keys;
	size_t i, j, n;

	if (json_object_size(counts) == 0)
		return;
	fprintf(fp, "<tr><th scope=\"row\">%s</th><td>", label);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const json_t *c = json_object_get(counts, order[i]);

		if (c == NULL)
			continue;
		badge(fp, order[i]);
		fprintf(fp, " %lld &nbsp; ", (long long)json_integer_value(c));
	}
	keys = sorted_keys(counts, &n);
	for (j = 0; keys != NULL && j < n; j++) {
		for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (strcmp(keys[j], order[i]) == 0)
				break;
		if (i < sizeof(order) / sizeof(order[0]))
			continue;
		badge(fp, keys[j]);
		fprintf(fp, " %lld &nbsp; ",
		    (long long)json_integer_value(json_object_get(counts, keys[j])));
	}
	free(keys);
	fputs("</td></tr>\n", fp);
}

/* Records whose findings the findings section lists (approvals and the checklist show theirs). */
static int
has_own_findings(const json_t *rec)
{
	return !ck_record_is(rec, "approval") && !ck_record_is(rec, "prereq");
}

static size_t
count_findings(const struct ck_report *r)
{
	const json_t *rec;
	size_t i, n = 0;

	json_array_foreach(r->recs, i, rec)
		if (has_own_findings(rec))
			n += json_array_size(json_object_get(rec, "findings"));
	return n;
}

static void
section_summary(FILE *fp, const struct ck_report *r)
{
	json_t *certs = json_object(), *chains = json_object(), *finds = json_object();
	json_t *appr = json_object(), *pre = json_object(), *errs = json_object();
	const json_t *rec, *f;
	const char **keys;
	size_t i, j, n;
	int st = ck_report_status(r);

	for (i = 0; i < r->nmarks; i++) {
		count_word(certs, ck_expiry_state_name(r->marks[i].state));
		if (r->marks[i].not_yet_valid)
			count_word(certs, "not yet valid");
	}
	json_array_foreach(r->recs, i, rec) {
		const char *k = ck_record_kind(rec);

		if (k == NULL)
			continue;
		if (strcmp(k, "chain") == 0)
			count_word(chains, ck_report_str(rec, "status"));
		else if (strcmp(k, "approval") == 0)
			count_word(appr, ck_report_str(rec, "verdict"));
		else if (strcmp(k, "prereq") == 0)
			count_word(pre, ck_report_str(rec, "status"));
		else if (strcmp(k, "error") == 0)
			count_word(errs, "unknown");
		if (has_own_findings(rec))
			json_array_foreach(json_object_get(rec, "findings"), j, f)
				count_word(finds, ck_report_str(f, "severity"));
	}
	fputs("<section id=\"summary\"><h2>Summary</h2>\n", fp);
	fprintf(fp, "<p class=\"banner s%d\">Exit status the pipeline would give: %d %s</p>\n",
	    st, st, status_word[st]);
	fputs("<table class=\"states\"><tbody>\n", fp);
	counts_row(fp, "Certificates and CRLs", certs);
	counts_row(fp, "Chains", chains);
	counts_row(fp, "Findings", finds);
	counts_row(fp, "Approvals", appr);
	counts_row(fp, "Prerequisites", pre);
	counts_row(fp, "Input errors", errs);
	fputs("</tbody></table>\n<table class=\"kinds\"><thead><tr><th>record kind</th>"
	    "<th>records</th></tr></thead><tbody>\n", fp);
	keys = sorted_keys(r->kinds, &n);
	for (i = 0; keys != NULL && i < n; i++) {
		fputs("<tr><td><code>", fp);
		esc(fp, keys[i]);
		fprintf(fp, "</code></td><td class=\"num\">%lld</td></tr>\n",
		    (long long)json_integer_value(json_object_get(r->kinds, keys[i])));
	}
	free(keys);
	fputs("</tbody></table></section>\n", fp);
	json_decref(certs);
	json_decref(chains);
	json_decref(finds);
	json_decref(appr);
	json_decref(pre);
	json_decref(errs);
}

static int
cmp_mark(const void *a, const void *b)
{
	const struct ck_report_mark *x = *(const struct ck_report_mark *const *)a;
	const struct ck_report_mark *y = *(const struct ck_report_mark *const *)b;
	int c;

	if (x->left != y->left)
		return x->left < y->left ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static double
xpos(const struct ck_report *r, time_t t)
{
	double span = (double)r->o.to - (double)r->o.from;
	double x = SVG_X0 + ((double)t - (double)r->o.from) / span * (SVG_X1 - SVG_X0);

	if (x < SVG_X0)
		x = SVG_X0;
	if (x > SVG_X1)
		x = SVG_X1;
	return x;
}

/* A shaded window from t0 to t1 (clipped to the chart), with its label. */
static void
window(FILE *fp, const struct ck_report *r, time_t t0, time_t t1, const char *fill,
    const char *cls, const char *label, int h)
{
	double a = xpos(r, t0), b = xpos(r, t1);

	if (b <= a)
		return;
	fprintf(fp, "<rect class=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
	    "fill=\"%s\"><title>%s</title></rect>\n", cls, a, SVG_TOP - 14, b - a, h + 14,
	    fill, label);
}

/* Month ticks along the bottom: every month, labelled every 1, 3 or 6. */
static void
axis(FILE *fp, const struct ck_report *r, int y)
{
	struct tm tm;
	time_t t = r->o.from;
	int months, step, i;

	gmtime_r(&t, &tm);
	months = (int)(((double)r->o.to - (double)r->o.from) / (30.44 * DAY));
	step = months > 30 ? 6 : months > 12 ? 3 : 1;
	if (months > 240)
		step = 24;
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n",
	    SVG_X0, y, SVG_X1, y);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	for (i = 0; i < 600; i++) {
		double x;

		tm.tm_mon++;
		t = timegm(&tm);
		gmtime_r(&t, &tm);
		if (t > r->o.to)
			break;
		x = xpos(r, t);
		if (tm.tm_mon % step == 0) {
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\"/>"
			    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%04d-%02d</text>\n",
			    x, y, x, y + 6, x, y + 18, tm.tm_year + 1900, tm.tm_mon + 1);
		} else if (months <= 120) {
			fprintf(fp, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#bbb\"/>\n",
			    x, y, x, y + 3);
		}
	}
}

static void
section_expiry(FILE *fp, const struct ck_report *r)
{
	const struct ck_report_mark **v;
	double lane_x[LANES];
	int lane_of_first = 0, used = 1, h, y;
	size_t i, *lane;
	char na[CK_TIME_LEN], from[CK_TIME_LEN], to[CK_TIME_LEN], now[CK_TIME_LEN];

	if (r->nmarks == 0)
		return;
	v = calloc(r->nmarks, sizeof(*v));
	lane = calloc(r->nmarks, sizeof(*lane));
	if (v == NULL || lane == NULL) {
		free(v);
		free(lane);
		return;
	}
	for (i = 0; i < r->nmarks; i++)
		v[i] = &r->marks[i];
	qsort(v, r->nmarks, sizeof(*v), cmp_mark);
	/* Lanes: a mark goes to the first lane where it does not touch the last one. */
	for (i = 0; i < LANES; i++)
		lane_x[i] = -1e9;
	for (i = 0; i < r->nmarks; i++) {
		double x = xpos(r, v[i]->not_after);
		int l;

		for (l = 0; l < LANES; l++)
			if (x - lane_x[l] >= MARK_GAP)
				break;
		if (l == LANES)
			l = lane_of_first++ % LANES;
		lane[i] = (size_t)l;
		lane_x[l] = x;
		if (l + 1 > used)
			used = l + 1;
	}
	h = used * LANE_H + 8;
	ck_time_format(r->o.from, from);
	ck_time_format(r->o.to, to);
	ck_time_format(r->pol.now, now);
	fputs("<section id=\"expiry\"><h2>Expiry</h2>\n", fp);
	fprintf(fp, "<p class=\"meta\">From %s to %s; warning within %g days, critical within "
	    "%g days of %s.  Hover over a mark for its certificate.</p>\n", from, to,
	    (double)r->pol.warn / DAY, (double)r->pol.crit / DAY, now);
	fprintf(fp, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"expiry timeline\">\n", SVG_W, SVG_TOP + h + 30);
	window(fp, r, r->o.from, r->pol.now, "#eeeeee", "win-past", "expired", h);
	window(fp, r, r->pol.now, r->pol.now + (time_t)r->pol.crit, "#ffcdd2", "win-crit",
	    "critical window", h);
	window(fp, r, r->pol.now + (time_t)r->pol.crit, r->pol.now + (time_t)r->pol.warn,
	    "#ffe0b2", "win-warn", "warning window", h);
	fprintf(fp, "<line class=\"now\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\" "
	    "stroke-dasharray=\"3 2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">now</text>\n",
	    xpos(r, r->pol.now), SVG_TOP - 6, xpos(r, r->pol.now), SVG_TOP + h,
	    xpos(r, r->pol.now), SVG_TOP - 16 < 10 ? 10 : SVG_TOP - 16);
	for (i = 0; i < r->nmarks; i++) {
		const struct ck_report_mark *m = v[i];
		int off = m->not_after < r->o.from || m->not_after > r->o.to;

		y = SVG_TOP + 8 + (int)lane[i] * LANE_H;
		ck_time_format(m->not_after, na);
		fprintf(fp, "<circle class=\"mark %s\" cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"%s\"%s>"
		    "<title>", mark_word(m), xpos(r, m->not_after), y, mark_colour(m),
		    off ? " stroke=\"#000\" stroke-dasharray=\"2 1\"" : "");
		esc(fp, m->name);
		fprintf(fp, "%s: %s, %s %s (%.1f days)%s</title></circle>\n",
		    m->crl ? " (CRL)" : "", mark_word(m), m->crl ? "next update" : "not after",
		    na, (double)m->left / DAY, off ? ", outside the chart" : "");
	}
	axis(fp, r, SVG_TOP + h);
	fputs("</svg>\n", fp);
	fputs("<table class=\"expiry\"><thead><tr><th>state</th><th>subject</th><th>issuer</th>"
	    "<th>not after</th><th>days left</th><th>source</th></tr></thead><tbody>\n", fp);
	for (i = 0; i < r->nmarks; i++) {
		const struct ck_report_mark *m = v[i];
		const json_t *src = json_object_get(m->rec, "source");

		ck_time_format(m->not_after, na);
		fputs("<tr><td>", fp);
		badge(fp, mark_word(m));
		if (m->not_yet_valid)
			fputs(" not yet valid", fp);
		fputs("</td><td>", fp);
		esc(fp, m->name);
		if (m->crl)
			fputs(" (CRL)", fp);
		fputs("</td><td>", fp);
		esc_or(fp, m->issuer, "-");
		fprintf(fp, "</td><td class=\"mono\">%s</td><td class=\"num\">%.1f</td>"
		    "<td class=\"mono\">", na, (double)m->left / DAY);
		esc_or(fp, ck_report_str(src, "uri"), "-");
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table></section>\n", fp);
	free(v);
	free(lane);
}

/* Does a finding's subject name this certificate (DN, CN or label)? */
static int
names_cert(const json_t *finding, const json_t *cert)
{
	const char *s = ck_report_str(finding, "subject");
	const json_t *subj = json_object_get(cert, "subject");
	char label[256];

	if (s == NULL || *s == '\0')
		return 0;
	if ((ck_report_str(subj, "dn") && strcmp(s, ck_report_str(subj, "dn")) == 0) ||
	    (ck_report_str(subj, "cn") && strcmp(s, ck_report_str(subj, "cn")) == 0) ||
	    (ck_report_str(cert, "id") && strcmp(s, ck_report_str(cert, "id")) == 0))
		return 1;
	return ck_name_label(subj, label, sizeof(label)) != NULL && strcmp(s, label) == 0;
}

static void
findings_list(FILE *fp, const json_t *arr)
{
	const json_t *f;
	size_t i;

	if (json_array_size(arr) == 0)
		return;
	fputs("<ul class=\"ev\">", fp);
	json_array_foreach(arr, i, f) {
		fputs("<li>", fp);
		badge(fp, ck_report_str(f, "severity"));
		fputs(" <code>", fp);
		esc(fp, ck_report_str(f, "rule"));
		fputs("</code> ", fp);
		esc(fp, ck_report_str(f, "message"));
		if (ck_report_str(f, "ref") != NULL) {
			fputs(" <em>(", fp);
			esc(fp, ck_report_str(f, "ref"));
			fputs(")</em>", fp);
		}
		fputs("</li>", fp);
	}
	fputs("</ul>\n", fp);
}

static void
chain_tree(FILE *fp, const json_t *chain, const json_t *by_id)
{
	const json_t *certs = json_object_get(chain, "certs");
	const json_t *path = json_object_get(chain, "path");
	const json_t *findings = json_object_get(chain, "findings");
	const char *anchor = ck_report_str(chain, "anchor");
	size_t i, n = json_array_size(path) > json_array_size(certs) ?
	    json_array_size(path) : json_array_size(certs);

	fputs("<ol class=\"tree\">\n", fp);
	for (i = 0; i < n; i++) {
		const json_t *c = json_array_get(certs, i), *f, *key;
		const char *id = json_string_value(json_array_get(path, i));
		char name[256], na[CK_TIME_LEN];
		size_t j;
		int fail = 0;

		if (c == NULL && id != NULL)
			c = json_object_get(by_id, id);
		if (id == NULL)
			id = ck_report_str(c, "id");
		json_array_foreach(findings, j, f)
			if (c != NULL && names_cert(f, c) &&
			    ck_report_word_status(ck_report_str(f, "severity")) != CK_OK)
				fail = 1;
		fprintf(fp, "<li class=\"%s\" style=\"margin-left:%zupx\">", fail ? "fail" :
		    (anchor != NULL && id != NULL && strcmp(anchor, id) == 0) ? "anchor" : "link",
		    i * 18);
		if (i > 0)
			fputs("&#8627; ", fp);
		if (c == NULL) {
			fputs("<span class=\"mono\">", fp);
			esc_or(fp, id, "?");
			fputs("</span> (not in the input)</li>\n", fp);
			continue;
		}
		key = json_object_get(c, "key");
		ck_name_label(json_object_get(c, "subject"), name, sizeof(name));
		fputs("<strong>", fp);
		esc_or(fp, name, "(no name)");
		fputs("</strong> &middot; ", fp);
		esc_or(fp, ck_report_str(key, "alg"), "?");
		if (json_integer_value(json_object_get(key, "bits")) > 0)
			fprintf(fp, " %lld", (long long)json_integer_value(json_object_get(key, "bits")));
		if (ck_report_str(key, "curve") != NULL) {
			fputc(' ', fp);
			esc(fp, ck_report_str(key, "curve"));
		}
		fputs(" &middot; ", fp);
		esc_or(fp, ck_report_str(c, "sig_alg"), "?");
		if (ck_report_str(c, "not_after") != NULL) {
			snprintf(na, sizeof(na), "%s", ck_report_str(c, "not_after"));
			fputs(" &middot; until ", fp);
			esc(fp, na);
		}
		if (anchor != NULL && id != NULL && strcmp(anchor, id) == 0)
			fputs(" &middot; trust anchor", fp);
		if (fail)
			fputs(" &middot; <strong>fails here</strong>", fp);
		fputs("</li>\n", fp);
	}
	fputs("</ol>\n", fp);
}

static void
section_chains(FILE *fp, const struct ck_report *r)
{
	const json_t **v;
	json_t *by_id = json_object();
	const json_t *rec;
	size_t i, n;

	if (kind_count(r, "chain") == 0 || by_id == NULL || (v = of_kind(r, "chain", &n)) == NULL) {
		json_decref(by_id);
		return;
	}
	json_array_foreach(r->recs, i, rec)
		if (ck_record_is(rec, "cert") && ck_report_str(rec, "id") != NULL)
			json_object_set(by_id, ck_report_str(rec, "id"), (json_t *)rec);
	fputs("<section id=\"chains\"><h2>Chains</h2>\n", fp);
	for (i = 0; i < n; i++) {
		const json_t *pol = json_object_get(v[i], "policy");

		fputs("<div class=\"chain\"><h3>", fp);
		badge(fp, ck_report_str(v[i], "status"));
		fputs(" chain <span class=\"mono\">", fp);
		esc(fp, ck_report_str(v[i], "id") ? ck_report_str(v[i], "id") : "");
		fputs("</span>", fp);
		if (ck_report_str(pol, "name") != NULL) {
			fputs(" &middot; policy ", fp);
			esc(fp, ck_report_str(pol, "name"));
			if (ck_report_str(pol, "version") != NULL) {
				fputc(' ', fp);
				esc(fp, ck_report_str(pol, "version"));
			}
		}
		fputs("</h3>\n", fp);
		chain_tree(fp, v[i], by_id);
		findings_list(fp, json_object_get(v[i], "findings"));
		fputs("</div>\n", fp);
	}
	fputs("</section>\n", fp);
	free(v);
	json_decref(by_id);
}

struct fref {
	const json_t *f, *rec;
	size_t seq;
};

static int
sev_rank(const char *s)
{
	if (s == NULL)
		return 3;
	return strcmp(s, "critical") == 0 ? 0 : strcmp(s, "warning") == 0 ? 1 :
	    strcmp(s, "notice") == 0 ? 2 : 3;
}

static int
strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_fref(const void *a, const void *b)
{
	const struct fref *x = a, *y = b;
	int c;

	if ((c = strcmp0(ck_report_str(x->f, "rule"), ck_report_str(y->f, "rule"))) != 0)
		return c;
	if ((c = sev_rank(ck_report_str(x->f, "severity")) -
	    sev_rank(ck_report_str(y->f, "severity"))) != 0)
		return c;
	if ((c = strcmp0(ck_report_str(x->f, "subject"), ck_report_str(y->f, "subject"))) != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Groups (rules) in order: the worst severity of the group first, then the rule id. */
struct fgroup {
	size_t first, n;
	int rank;
};

static int
cmp_fgroup(const void *a, const void *b)
{
	const struct fgroup *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank - y->rank;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void
section_findings(FILE *fp, const struct ck_report *r)
{
	struct fref *v = NULL;
	struct fgroup *g = NULL;
	const json_t *rec, *f;
	size_t i, j, n = 0, cap = 0, ng = 0;

	json_array_foreach(r->recs, i, rec) {
		if (!has_own_findings(rec))
			continue;
		json_array_foreach(json_object_get(rec, "findings"), j, f) {
			struct fref *nv = ck_grow(v, &cap, n + 1, sizeof(*nv), 64);

			if (nv == NULL)
				goto out;
			v = nv;
			v[n].f = f;
			v[n].rec = rec;
			v[n].seq = n;
			n++;
		}
	}
	if (n == 0)
		goto out;
	qsort(v, n, sizeof(*v), cmp_fref);
	if ((g = calloc(n, sizeof(*g))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		int rk = sev_rank(ck_report_str(v[i].f, "severity"));

		if (i == 0 || strcmp0(ck_report_str(v[i].f, "rule"),
		    ck_report_str(v[i - 1].f, "rule")) != 0) {
			g[ng].first = i;
			g[ng].rank = rk;
			ng++;
		}
		g[ng - 1].n++;
		if (rk < g[ng - 1].rank)
			g[ng - 1].rank = rk;
	}
	qsort(g, ng, sizeof(*g), cmp_fgroup);
	fprintf(fp, "<section id=\"findings\"><h2>Findings</h2>\n<p class=\"meta\">%zu findings "
	    "under %zu rules, the most severe rules first.</p>\n", n, ng);
	for (i = 0; i < ng; i++) {
		const json_t *f0 = v[g[i].first].f;

		fputs("<h3 class=\"rule\">", fp);
		badge(fp, ck_report_str(f0, "severity"));
		fputs(" <code>", fp);
		esc_or(fp, ck_report_str(f0, "rule"), "(no rule)");
		fprintf(fp, "</code> &middot; %zu</h3>\n", g[i].n);
		if (ck_report_str(f0, "ref") != NULL) {
			fputs("<p class=\"meta\">Reference: ", fp);
			esc(fp, ck_report_str(f0, "ref"));
			fputs("</p>\n", fp);
		}
		fputs("<table><thead><tr><th>severity</th><th>subject</th><th>record</th>"
		    "<th>message</th></tr></thead><tbody>\n", fp);
		for (j = g[i].first; j < g[i].first + g[i].n; j++) {
			fputs("<tr><td>", fp);
			badge(fp, ck_report_str(v[j].f, "severity"));
			fputs("</td><td>", fp);
			esc_or(fp, ck_report_str(v[j].f, "subject"), "-");
			fputs("</td><td>", fp);
			esc_or(fp, ck_record_kind(v[j].rec), "-");
			fputs("</td><td>", fp);
			esc(fp, ck_report_str(v[j].f, "message"));
			fputs("</td></tr>\n", fp);
		}
		fputs("</tbody></table>\n", fp);
	}
	fputs("</section>\n", fp);
out:
	free(v);
	free(g);
}

static void
section_approvals(FILE *fp, const struct ck_report *r)
{
	const json_t **v;
	size_t i, n;

	if (kind_count(r, "approval") == 0 || (v = of_kind(r, "approval", &n)) == NULL)
		return;
	fputs("<section id=\"approvals\"><h2>Approval verdicts</h2>\n<p class=\"meta\">Would "
	    "the CA issue these requests automatically?</p>\n<table><thead><tr><th>verdict</th>"
	    "<th>template</th><th>CA</th><th>requester</th><th>why</th></tr></thead><tbody>\n",
	    fp);
	for (i = 0; i < n; i++) {
		fputs("<tr><td>", fp);
		badge(fp, ck_report_str(v[i], "verdict"));
		fputs("</td><td>", fp);
		esc_or(fp, ck_report_str(v[i], "template"), "-");
		fputs("</td><td>", fp);
		esc_or(fp, ck_report_str(v[i], "ca"), "-");
		fputs("</td><td>", fp);
		esc_or(fp, ck_report_str(v[i], "requester"), "-");
		fputs("</td><td>", fp);
		findings_list(fp, json_object_get(v[i], "reasons"));
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table></section>\n", fp);
	free(v);
}

static void
section_prereq(FILE *fp, const struct ck_report *r)
{
	const json_t **v;
	size_t i, n;

	if (kind_count(r, "prereq") == 0 || (v = of_kind(r, "prereq", &n)) == NULL)
		return;
	fputs("<section id=\"prereq\"><h2>Prerequisite checklist</h2>\n<table><thead><tr>"
	    "<th>status</th><th>check</th><th>subject</th><th>result</th><th>source</th>"
	    "</tr></thead><tbody>\n", fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<tr class=\"check st-%s\"><td>",
		    status_word[ck_report_word_status(ck_report_str(v[i], "status"))]);
		badge(fp, ck_report_str(v[i], "status"));
		fputs("</td><td><code>", fp);
		esc_or(fp, ck_report_str(v[i], "check"), "-");
		fputs("</code></td><td>", fp);
		esc_or(fp, ck_report_str(v[i], "subject"), "-");
		fputs("</td><td>", fp);
		esc(fp, ck_report_str(v[i], "message"));
		findings_list(fp, json_object_get(v[i], "findings"));
		fputs("</td><td>", fp);
		esc_or(fp, ck_report_str(v[i], "ref"), "-");
		fputs("</td></tr>\n", fp);
	}
	fputs("</tbody></table></section>\n", fp);
	free(v);
}

/* A JSON value as short text: strings as they are, arrays joined, objects "k: v". */
static void
value_text(FILE *fp, const json_t *val)
{
	const char **keys;
	const json_t *e;
	size_t i, n;

	if (json_is_string(val)) {
		esc(fp, json_string_value(val));
	} else if (json_is_integer(val)) {
		fprintf(fp, "%lld", (long long)json_integer_value(val));
	} else if (json_is_boolean(val)) {
		fputs(json_is_true(val) ? "yes" : "no", fp);
	} else if (json_is_array(val)) {
		json_array_foreach(val, i, e) {
			if (i > 0)
				fputs(", ", fp);
			value_text(fp, e);
		}
	} else if (json_is_object(val)) {
		keys = sorted_keys(val, &n);
		for (i = 0; keys != NULL && i < n; i++) {
			if (i > 0)
				fputs(", ", fp);
			esc(fp, keys[i]);
			fputs(": ", fp);
			value_text(fp, json_object_get(val, keys[i]));
		}
		free(keys);
	} else {
		fputs("-", fp);
	}
}

/* A table of one kind with the given fields (records that lack one show "-"). */
static void
kind_table(FILE *fp, const struct ck_report *r, const char *kind, const char *caption,
    const char *const *fields)
{
	const json_t **v;
	size_t i, k, n;

	if (kind_count(r, kind) == 0 || (v = of_kind(r, kind, &n)) == NULL)
		return;
	fputs("<h3>", fp);
	fputs(caption, fp);
	fputs("</h3>\n<table class=\"", fp);
	fputs(kind, fp);
	fputs("\"><thead><tr>", fp);
	for (k = 0; fields[k] != NULL; k++)
		fprintf(fp, "<th>%s</th>", fields[k]);
	fputs("</tr></thead><tbody>\n", fp);
	for (i = 0; i < n; i++) {
		fputs("<tr>", fp);
		for (k = 0; fields[k] != NULL; k++) {
			const json_t *val = json_object_get(v[i], fields[k]);

			fputs("<td>", fp);
			if (strcmp(fields[k], "cert") == 0) {
				char name[256];

				esc_or(fp, ck_name_label(json_object_get(val, "subject"), name,
				    sizeof(name)), "-");
			} else if (json_is_object(val) && json_object_get(val, "names") != NULL) {
				value_text(fp, json_object_get(val, "names"));	/* flags */
			} else if (json_is_object(val) && json_object_get(val, "subject") != NULL) {
				value_text(fp, json_object_get(val, "subject"));	/* trusted_root */
			} else if (json_is_object(val) && json_object_get(val, "action") != NULL) {
				value_text(fp, json_object_get(val, "action"));	/* disposition */
			} else if (strcmp(fields[k], "hashes") == 0) {
				fprintf(fp, "%zu", json_array_size(val));
			} else if (val == NULL || json_is_null(val)) {
				fputs("-", fp);
			} else {
				value_text(fp, val);
			}
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table>\n", fp);
	free(v);
}

static void
section_devices(FILE *fp, const struct ck_report *r)
{
	static const char *const amt[] = { "host", "address", "version", "provisioning_state",
		"ports", "tls", "method", NULL };
	static const char *const hello[] = { "address", "uuid", "hello_version",
		"admin_credentials_set", "hashes", "trusted_root", NULL };

	if (kind_count(r, "amt") + kind_count(r, "amt_hello") == 0)
		return;
	fputs("<section id=\"devices\"><h2>AMT devices</h2>\n", fp);
	kind_table(fp, r, "amt", "Intel AMT firmware found", amt);
	kind_table(fp, r, "amt_hello", "Provisioning requests (AMT Hello)", hello);
	fputs("</section>\n", fp);
}

static void
section_adcs(FILE *fp, const struct ck_report *r)
{
	static const char *const tmpl[] = { "name", "display_name", "schema_version",
		"min_key_bits", "validity_days", "eku", "enrollment_flag", "name_flag", NULL };
	static const char *const ca[] = { "name", "dns_host", "templates",
		"request_disposition", "cert", NULL };

	if (kind_count(r, "template") + kind_count(r, "ca") == 0)
		return;
	fputs("<section id=\"adcs\"><h2>Certificate templates and CAs</h2>\n", fp);
	kind_table(fp, r, "template", "Templates", tmpl);
	kind_table(fp, r, "ca", "Enterprise CAs", ca);
	fputs("</section>\n", fp);
}

static void
section_errors(FILE *fp, const struct ck_report *r)
{
	static const char *const err[] = { "source", "message", "code", NULL };

	if (kind_count(r, "error") == 0)
		return;
	fputs("<section id=\"errors\"><h2>Input errors</h2>\n<p class=\"meta\">Inputs that "
	    "could not be checked (exit status UNKNOWN).</p>\n", fp);
	kind_table(fp, r, "error", "Errors", err);
	fputs("</section>\n", fp);
}

int
ck_report_write(const struct ck_report *r, FILE *fp, struct ck_err *err)
{
	static const struct {
		const char *id, *kinds[3], *label;
	} nav[] = {
		{ "summary", { NULL }, "Summary" },
		{ "expiry", { "cert", "crl", "chain" }, "Expiry" },
		{ "chains", { "chain" }, "Chains" },
		{ "findings", { NULL }, "Findings" },
		{ "approvals", { "approval" }, "Approvals" },
		{ "prereq", { "prereq" }, "Checklist" },
		{ "devices", { "amt", "amt_hello" }, "Devices" },
		{ "adcs", { "template", "ca" }, "Templates and CAs" },
		{ "errors", { "error" }, "Errors" },
	};
	char now[CK_TIME_LEN];
	size_t i, k;

	ck_time_format(r->pol.now, now);
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"cert-report " CK_VERSION "\">\n<title>", fp);
	esc(fp, r->o.title);
	fprintf(fp, "</title>\n<style>%s</style>\n</head>\n<body>\n<header><h1>", css);
	esc(fp, r->o.title);
	fprintf(fp, "</h1>\n<p class=\"meta\">Judged at %s &middot; %zu records &middot; "
	    "certkit " CK_VERSION "</p>\n<nav>", now, json_array_size(r->recs));
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		int show = nav[i].kinds[0] == NULL;

		for (k = 0; k < 3 && nav[i].kinds[k] != NULL; k++)
			if (kind_count(r, nav[i].kinds[k]) > 0)
				show = 1;
		if (strcmp(nav[i].id, "expiry") == 0)
			show = r->nmarks > 0;
		if (strcmp(nav[i].id, "findings") == 0)
			show = count_findings(r) > 0;
		if (show)
			fprintf(fp, "<a href=\"#%s\">%s</a>", nav[i].id, nav[i].label);
	}
	fputs("</nav>\n</header>\n<main>\n", fp);
	section_summary(fp, r);
	section_expiry(fp, r);
	section_chains(fp, r);
	section_findings(fp, r);
	section_approvals(fp, r);
	section_prereq(fp, r);
	section_devices(fp, r);
	section_adcs(fp, r);
	section_errors(fp, r);
	fputs("</main>\n<footer>Made by cert-report from certkit records; "
	    "self-contained: no scripts, nothing fetched.</footer>\n</body>\n</html>\n", fp);
	if (ferror(fp))
		return ck_err_set(err, CK_E_IO, "write failed: %s", strerror(errno));
	return 0;
}
