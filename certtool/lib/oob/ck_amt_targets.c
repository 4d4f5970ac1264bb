/*
 * ck_amt_targets: discovery operands -> hosts (see the header).
 */
#include "ck_amt_targets.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck_grow.h"
#include "ck_load.h"
#include "ck_record.h"
#include "ck_url.h"

#define FILE_MAX (64u * 1024 * 1024)

/* One checked operand: a single host, or an IPv4 range [lo, hi]. */
struct seg {
	char *host;		/* NULL for a range */
	uint32_t lo, hi;
	char *source;
};

struct ck_amt_targets {
	struct seg *segs;
	size_t n, cap, cur;
	uint64_t next;		/* the next address of the current range */
	int started;
	uint64_t count;
};

static int
v4(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*out = ntohl(a.s_addr);
	return 0;
}

/* A DNS name (letters, digits, '-', '_', '.') or an IPv6 literal, optionally [bracketed]. */
static int
host_ok(const char *s, char *out, size_t outsz)
{
	size_t len = strlen(s);
	struct in6_addr a6;

	if (s[0] == '[') {	/* "[v6]", no port: ck_url's brackets */
		struct ck_hostport hp;
		struct ck_err err;

		if (ck_hostport_parse(s, 0, CK_URL_NO_PORT, &hp, &err) != 0 ||
		    strlen(hp.host) >= outsz)
			return -1;
		snprintf(out, outsz, "%s", hp.host);
		return inet_pton(AF_INET6, out, &a6) == 1 ? 0 : -1;
	}
	if (len == 0 || len >= outsz || len > 253)
		return -1;
	snprintf(out, outsz, "%s", s);
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.' && *p != '_')
			return -1;
	return s[0] == '-' || s[0] == '.' ? -1 : 0;
}

static int
add(struct ck_amt_targets *t, const char *host, uint32_t lo, uint32_t hi, const char *source)
{
	struct seg *s;

	if ((s = ck_grow(t->segs, &t->cap, t->n + 1, sizeof(*s), 16)) == NULL)
		return -1;
	t->segs = s;
	s = &t->segs[t->n];
	s->host = host ? strdup(host) : NULL;
	s->source = strdup(source);
	if ((host && s->host == NULL) || s->source == NULL) {
		free(s->host);
		free(s->source);
		return -1;
	}
	s->lo = lo;
	s->hi = hi;
	t->n++;
	t->count += host ? 1 : (uint64_t)hi - lo + 1;
	return 0;
}

/* Parses one operand (not @FILE).  Returns 0, -1 with err set, -2 out of memory. */
static int
operand(struct ck_amt_targets *t, const char *op, const char *source, struct ck_err *err)
{
	char buf[CK_AMT_HOST_MAX], host[CK_AMT_HOST_MAX];
	const char *slash = strchr(op, '/'), *dash = strchr(op, '-');
	uint32_t lo, hi;

	if (strlen(op) >= sizeof(buf))
		return ck_err_set(err, CK_E_USAGE, "too long for a host, range or block");
	snprintf(buf, sizeof(buf), "%s", op);
	if (slash != NULL) {
		long prefix;
		char *end;

		buf[slash - op] = '\0';
		prefix = strtol(slash + 1, &end, 10);
		if (v4(buf, &lo) != 0 || *end != '\0' || end == slash + 1 || prefix < 0 ||
		    prefix > 32)
			return ck_err_set(err, CK_E_USAGE, "not an IPv4 CIDR block (A.B.C.D/N)");
		if (prefix < CK_AMT_CIDR_MIN_PREFIX)
			return ck_err_set(err, CK_E_USAGE, "a /%ld block is %llu addresses; "
			    "blocks larger than /%d are refused (list them in pieces)", prefix,
			    1ull << (32 - prefix), CK_AMT_CIDR_MIN_PREFIX);
		if (prefix > 0 && prefix < 32)
			lo &= ~(uint32_t)0 << (32 - prefix);
		hi = prefix == 32 ? lo : lo | (~(uint32_t)0 >> prefix);
		if (prefix <= 30) {	/* not the network and broadcast addresses */
			lo++;
			hi--;
		}
		return add(t, NULL, lo, hi, source) == 0 ? 0 : -2;
	}
	if (dash != NULL && v4((buf[dash - op] = '\0', buf), &lo) == 0) {
		const char *tail = dash + 1;
		char *end;

		if (v4(tail, &hi) != 0) {
			long last = strtol(tail, &end, 10);

			if (*tail == '\0' || *end != '\0' || last < 0 || last > 255)
				return ck_err_set(err, CK_E_USAGE, "not an IPv4 range "
				    "(A.B.C.D-E.F.G.H or A.B.C.D-N)");
			hi = (lo & 0xffffff00u) | (uint32_t)last;
		}
		if (hi < lo)
			return ck_err_set(err, CK_E_USAGE, "the range ends before it starts");
		if ((uint64_t)hi - lo + 1 > (1ull << (32 - CK_AMT_CIDR_MIN_PREFIX)))
			return ck_err_set(err, CK_E_USAGE, "a range of more than %llu addresses is "
			    "refused (list it in pieces)", 1ull << (32 - CK_AMT_CIDR_MIN_PREFIX));
		return add(t, NULL, lo, hi, source) == 0 ? 0 : -2;
	}
	if (host_ok(op, host, sizeof(host)) != 0)
		return ck_err_set(err, CK_E_USAGE, "not a host name, address, range or block");
	if (v4(host, &lo) == 0)
		return add(t, NULL, lo, lo, source) == 0 ? 0 : -2;
	return add(t, host, 0, 0, source) == 0 ? 0 : -2;
}

static int
report(json_t *errors, const char *source, const struct ck_err *err)
{
	return json_array_append_new(errors, ck_error_record_err(source, err));
}

static int
from_file(struct ck_amt_targets *t, const char *path, json_t *errors)
{
	unsigned char *buf;
	size_t len, lineno = 0;
	struct ck_err err;
	char *line, *next, src[CK_AMT_HOST_MAX + 32];

	if (ck_read_file(path, FILE_MAX, &buf, &len, &err) != 0)
		return report(errors, path, &err);
	/* Keep the text NUL-terminated for the line walk. */
	if ((line = realloc(buf, len + 1)) == NULL) {
		free(buf);
		return -2;
	}
	line[len] = '\0';
	buf = (unsigned char *)line;
	for (; line != NULL; line = next) {
		char *p, *e;
		int r;

		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (e = p + strlen(p); e > p && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (*p == '\0' || *p == '#')
			continue;
		snprintf(src, sizeof(src), "%.200s:%zu", path, lineno);
		if ((r = operand(t, p, src, &err)) == -2) {
			free(buf);
			return -2;
		}
		if (r != 0)
			report(errors, src, &err);
	}
	free(buf);
	return 0;
}

struct ck_amt_targets *
ck_amt_targets_new(char *const *operands, size_t n, json_t *errors)
{
	struct ck_amt_targets *t = calloc(1, sizeof(*t));
	struct ck_err err;

	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int r = operands[i][0] == '@' ? from_file(t, operands[i] + 1, errors) :
		    operand(t, operands[i], operands[i], &err);

		if (r == -2) {
			ck_amt_targets_free(t);
			return NULL;
		}
		if (r != 0 && operands[i][0] != '@')
			report(errors, operands[i], &err);
	}
	return t;
}

void
ck_amt_targets_free(struct ck_amt_targets *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->segs[i].host);
		free(t->segs[i].source);
	}
	free(t->segs);
	free(t);
}

uint64_t
ck_amt_targets_count(const struct ck_amt_targets *t)
{
	return t->count;
}

int
ck_amt_targets_next(struct ck_amt_targets *t, char host[CK_AMT_HOST_MAX], const char **source)
{
	while (t->cur < t->n) {
		struct seg *s = &t->segs[t->cur];

		if (!t->started) {
			t->next = s->lo;
			t->started = 1;
		}
		if (s->host != NULL || t->next > s->hi) {
			int single = s->host != NULL;

			t->cur++;
			t->started = 0;
			if (!single)
				continue;
			snprintf(host, CK_AMT_HOST_MAX, "%s", s->host);
			*source = s->source;
			return 1;
		}
		{
			struct in_addr a = { htonl((uint32_t)t->next) };

			inet_ntop(AF_INET, &a, host, CK_AMT_HOST_MAX);
		}
		t->next++;
		*source = s->source;
		return 1;
	}
	return 0;
}
