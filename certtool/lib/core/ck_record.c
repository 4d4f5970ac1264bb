#include "ck_record.h"
#include "ck_json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ck_reader {
	FILE *fp;
	int own;		/* fp opened by ck_reader_open */
	char *name;
	char *line;
	size_t cap;
	unsigned long lineno;
};

json_t *
ck_record_new(const char *kind)
{
	json_t *r = json_object();

	if (r == NULL)
		return NULL;
	json_object_set_new(r, "kind", json_string(kind));
	json_object_set_new(r, "v", json_integer(CK_RECORD_VERSION));
	return r;
}

const char *
ck_record_kind(const json_t *rec)
{
	if (!json_is_object(rec))
		return NULL;
	return json_string_value(json_object_get(rec, "kind"));
}

int
ck_record_is(const json_t *rec, const char *kind)
{
	const char *k = ck_record_kind(rec);

	return k != NULL && strcmp(k, kind) == 0;
}

json_t *
ck_error_record(const char *source, const char *message, const char *code)
{
	json_t *r = ck_record_new("error");

	if (r == NULL)
		return NULL;
	json_object_set_new(r, "source", json_string(source ? source : "-"));
	/* json_string refuses invalid UTF-8; fall back so the record is never lost. */
	/* The source is said by its own field: never again at the message's start. */
	message = ck_err_unprefixed(message, source);
	if (json_object_set_new(r, "message", json_string(message ? message : "")) != 0)
		json_object_set_new(r, "message", json_string("(message not valid UTF-8)"));
	json_object_set_new(r, "code", json_string(code ? code : "unknown"));
	if (json_object_get(r, "source") == NULL)
		json_object_set_new(r, "source", json_string("(source not valid UTF-8)"));
	return r;
}

json_t *
ck_error_record_err(const char *source, const struct ck_err *e)
{
	return ck_error_record(source, e ? e->msg : "", ck_err_code_name(e ? e->code : 0));
}

json_t *
ck_finding_new(const char *rule, const char *severity, const char *message,
    const char *ref, const char *subject)
{
	json_t *f = json_object();

	if (f == NULL)
		return NULL;
	json_object_set_new(f, "rule", json_string(rule));
	json_object_set_new(f, "severity", json_string(severity));
	json_object_set_new(f, "message", json_string(message ? message : ""));
	if (ref != NULL)
		json_object_set_new(f, "ref", json_string(ref));
	if (subject != NULL)
		json_object_set_new(f, "subject", json_string(subject));
	return f;
}

int
ck_finding_addf(json_t *findings, const char *rule, const char *severity,
    const char *ref, const char *subject, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_array_append_new(findings,
	    ck_finding_new(rule, severity, msg, ref, subject)) == 0 ? 0 : -1;
}

struct ck_reader *
ck_reader_new(FILE *fp, const char *name)
{
	struct ck_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->fp = fp;
	r->name = strdup(name ? name : "stdin");
	if (r->name == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

struct ck_reader *
ck_reader_open(const char *path, struct ck_err *err)
{
	int std = strcmp(path, "-") == 0;
	FILE *fp = std ? stdin : fopen(path, "r");
	struct ck_reader *r;

	if (fp == NULL) {
		ck_err_set(err, CK_E_IO, "%s", strerror(errno));
		return NULL;
	}
	if ((r = ck_reader_new(fp, std ? "stdin" : path)) == NULL) {
		if (!std)
			fclose(fp);
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	r->own = !std;
	return r;
}

void
ck_reader_free(struct ck_reader *r)
{
	if (r == NULL)
		return;
	if (r->own)
		fclose(r->fp);
	free(r->line);
	free(r->name);
	free(r);
}

unsigned long
ck_reader_lineno(const struct ck_reader *r)
{
	return r->lineno;
}

/*
 * Reads one line into r->line (without '\n').  Returns its length, -1 at
 * EOF, -2 on a read error, -3 when the line exceeded the cap (the rest of
 * the line has been consumed).
 */
static long
read_line(struct ck_reader *r)
{
	size_t n = 0;
	int c, toolong = 0;

	for (;;) {
		/* Unlocked: a reader belongs to one thread. */
		c = getc_unlocked(r->fp);
		if (c == EOF) {
			if (ferror(r->fp))
				return -2;
			if (n == 0 && !toolong)
				return -1;
			break;
		}
		if (c == '\n')
			break;
		if (toolong)
			continue;
		if (n + 1 >= r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 4096;
			char *p;

			if (cap > CK_RECORD_LINE_MAX + 1)
				cap = CK_RECORD_LINE_MAX + 1;
			if (n + 1 >= cap) {
				toolong = 1;
				continue;
			}
			p = realloc(r->line, cap);
			if (p == NULL) {
				toolong = 1;
				continue;
			}
			r->line = p;
			r->cap = cap;
		}
		r->line[n++] = (char)c;
	}
	r->lineno++;
	if (toolong)
		return -3;
	if (r->line == NULL) {
		/* An empty first line: nothing was stored yet. */
		r->line = malloc(4096);
		if (r->line == NULL)
			return -3;
		r->cap = 4096;
	}
	r->line[n] = '\0';
	return (long)n;
}

static int
broken(struct ck_reader *r, json_t **out, struct ck_err *err, const char *why)
{
	/* The stream is the source, the line is in the message: each said once. */
	ck_err_set(err, CK_E_PARSE, "line %lu: %s", r->lineno, why);
	*out = ck_error_record(r->name, err->msg, ck_err_code_name(CK_E_PARSE));
	return *out ? CK_READ_BROKEN : CK_READ_FAIL;
}

int
ck_reader_next(struct ck_reader *r, json_t **out, struct ck_err *err)
{
	json_t *j;
	long n;
	char why[300], detail[200];

	*out = NULL;
	for (;;) {
		n = read_line(r);
		if (n == -1)
			return CK_READ_EOF;
		if (n == -2) {
			ck_err_set(err, CK_E_IO, "%s: read error: %s", r->name, strerror(errno));
			return CK_READ_FAIL;
		}
		if (n == -3)
			return broken(r, out, err, "line longer than the record size cap");
		/* Skip blank lines (and a trailing CR) quietly. */
		while (n > 0 && (r->line[n - 1] == '\r' || r->line[n - 1] == ' ' ||
		    r->line[n - 1] == '\t'))
			r->line[--n] = '\0';
		if (n > 0)
			break;
	}
	j = ck_json_parse(r->line, (size_t)n, detail, sizeof(detail));
	if (j == NULL) {
		/* Too deep is valid JSON, just not a record (CK_JSON_MAX_DEPTH). */
		snprintf(why, sizeof(why), "%s%s", strncmp(detail, "nested deeper", 13) == 0 ?
		    "record " : "not valid JSON: ", detail);
		return broken(r, out, err, why);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return broken(r, out, err, "not a JSON object");
	}
	if (!json_is_string(json_object_get(j, "kind"))) {
		json_decref(j);
		return broken(r, out, err, "record has no \"kind\"");
	}
	*out = j;
	return CK_READ_RECORD;
}

/*
 * The serialiser.  jansson's json_dumpb escapes strings one character at a
 * time through a callback; records carry kilobytes of PEM, so this writer
 * copies runs of plain characters at once.  Output is the same compact JSON
 * (key order as inserted, UTF-8 unescaped, "/" unescaped).
 */
struct sbuf {
	char *p;
	size_t n, cap;
	int oom;
	char *stack;	/* initial buffer owned by the caller, not freed */
};

static int
sb_grow(struct sbuf *b, size_t more)
{
	size_t cap;
	char *np;

	if (b->oom)
		return -1;
	if (b->n + more <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->n + more)
		cap *= 2;
	if (b->p == b->stack) {
		np = malloc(cap);
		if (np != NULL && b->n > 0)
			memcpy(np, b->p, b->n);
	} else {
		np = realloc(b->p, cap);
	}
	if (np == NULL) {
		b->oom = 1;
		return -1;
	}
	b->p = np;
	b->cap = cap;
	return 0;
}

static inline void
sb_put(struct sbuf *b, const char *s, size_t n)
{
	if (b->n + n > b->cap && sb_grow(b, n) != 0)
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static inline void
sb_ch(struct sbuf *b, char c)
{
	if (b->n + 1 > b->cap && sb_grow(b, 1) != 0)
		return;
	b->p[b->n++] = c;
}

/* Byte-parallel tests on 64-bit words: a byte below 0x20, or equal to one. */
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* 1 for the bytes JSON strings must escape: controls, '"' and '\\'. */
static const unsigned char needs_escape[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = 1, ['\\'] = 1
};

static void
sb_str(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;

	sb_ch(b, '"');
	while (i < n) {
		run = i;
		/* Eight bytes at a time while none needs escaping (most of a PEM line). */
		while (run + 8 <= n) {
			uint64_t w, ctl, quote, bslash;

			memcpy(&w, s + run, 8);
			ctl = (w - ONES * 0x20) & ~w & HIGHS;
			quote = ((w ^ (ONES * '"')) - ONES) & ~(w ^ (ONES * '"')) & HIGHS;
			bslash = ((w ^ (ONES * '\\')) - ONES) & ~(w ^ (ONES * '\\')) & HIGHS;
			if (ctl | quote | bslash)
				break;
			run += 8;
		}
		while (run < n && !needs_escape[(unsigned char)s[run]])
			run++;
		if (run > i)
			sb_put(b, s + i, run - i);
		if (run >= n)
			break;
		{
			unsigned char c = (unsigned char)s[run];
			char esc[6] = { '\\', 0, 0, 0, 0, 0 };
			size_t el = 2;

			switch (c) {
			case '"': esc[1] = '"'; break;
			case '\\': esc[1] = '\\'; break;
			case '\n': esc[1] = 'n'; break;
			case '\r': esc[1] = 'r'; break;
			case '\t': esc[1] = 't'; break;
			case '\b': esc[1] = 'b'; break;
			case '\f': esc[1] = 'f'; break;
			default:
				esc[1] = 'u';
				esc[2] = '0';
				esc[3] = '0';
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				el = 6;
			}
			sb_put(b, esc, el);
		}
		i = run + 1;
	}
	sb_ch(b, '"');
}

static void
sb_value(struct sbuf *b, const json_t *v, int depth)
{
	char num[64];
	int n;

	/* The reader's limit plus what a stage may wrap around a record (ck_record.h). */
	if (depth > CK_JSON_MAX_DEPTH + CK_RECORD_WRAP_DEPTH) {
		b->oom = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *k;
		json_t *x;
		int first = 1;

		sb_ch(b, '{');
		void *it;

		for (it = json_object_iter((json_t *)v); it != NULL;
		    it = json_object_iter_next((json_t *)v, it)) {
			k = json_object_iter_key(it);
			x = json_object_iter_value(it);
			if (!first)
				sb_ch(b, ',');
			first = 0;
			sb_str(b, k, json_object_iter_key_len(it));
			sb_ch(b, ':');
			sb_value(b, x, depth + 1);
		}
		sb_ch(b, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t i;
		json_t *x;

		sb_ch(b, '[');
		json_array_foreach(v, i, x) {
			if (i > 0)
				sb_ch(b, ',');
			sb_value(b, x, depth + 1);
		}
		sb_ch(b, ']');
		break;
	}
	case JSON_STRING:
		sb_str(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		sb_put(b, num, (size_t)n);
		break;
	case JSON_REAL: {
		double d = json_real_value(v);

		n = snprintf(num, sizeof(num), "%.17g", d);
		/* Shortest form that reads back the same, and always looks like a real. */
		for (int prec = 1; prec < 17; prec++) {
			char t[64];

			snprintf(t, sizeof(t), "%.*g", prec, d);
			if (strtod(t, NULL) == d) {
				n = snprintf(num, sizeof(num), "%s", t);
				break;
			}
		}
		if (strspn(num, "-0123456789") == (size_t)n && (size_t)n + 2 < sizeof(num)) {
			memcpy(num + n, ".0", 3);
			n += 2;
		}
		sb_put(b, num, (size_t)n);
		break;
	}
	case JSON_TRUE:
		sb_put(b, "true", 4);
		break;
	case JSON_FALSE:
		sb_put(b, "false", 5);
		break;
	case JSON_NULL:
		sb_put(b, "null", 4);
		break;
	}
}

char *
ck_record_dumps(const json_t *rec)
{
	struct sbuf b = { 0 };

	sb_value(&b, rec, 0);
	sb_put(&b, "", 1);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

int
ck_record_write(FILE *fp, const json_t *rec, struct ck_err *err)
{
	char stack[16384];
	struct sbuf b = { stack, 0, sizeof(stack), 0, stack };
	int rv = -1;

	sb_value(&b, rec, 0);
	sb_put(&b, "\n", 1);
	if (b.oom) {
		ck_err_set(err, CK_E_NOMEM, "record could not be serialised");
		goto out;
	}
	if (fwrite(b.p, 1, b.n, fp) != b.n) {
		ck_err_set(err, CK_E_IO, "write failed: %s", strerror(errno));
		goto out;
	}
	rv = 0;
out:
	if (b.p != b.stack)
		free(b.p);
	return rv;
}

char *
ck_record_lines(const json_t *recs, size_t *failed)
{
	size_t i, len = 0, cap = 0;
	char *buf = NULL;
	json_t *r;

	*failed = 0;
	json_array_foreach(recs, i, r) {
		char *line = ck_record_dumps(r);
		size_t l = line != NULL ? strlen(line) : 0;

		if (line == NULL) {
			(*failed)++;
			continue;
		}
		if (len + l + 2 > cap) {
			size_t nc = (len + l + 2) * 2;
			char *nb = realloc(buf, nc);

			if (nb == NULL) {
				free(line);
				(*failed)++;
				continue;
			}
			buf = nb;
			cap = nc;
		}
		memcpy(buf + len, line, l);
		buf[len + l] = '\n';
		len += l + 1;
		buf[len] = '\0';
		free(line);
	}
	return buf;
}
