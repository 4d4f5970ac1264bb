/*
 * ck_amt: discovery of Intel AMT devices (see the header).
 */
#include "ck_amt.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ck_amt_rmcp.h"
#include "ck_cert.h"
#include "ck_net.h"
#include "ck_num.h"
#include "ck_policy.h"
#include "ck_record.h"
#include "ck_url.h"

#define SERVER_PREFIX "Intel(R) Active Management Technology "

/* ---- the HTTP Server header ---- */

/* The end of the header block (just past CRLFCRLF), or NULL. */
static const unsigned char *
head_end(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0)
			return buf + i + 4;
	return NULL;
}

/* An HTTP response that is not AMT's: err says why; returns 0. */
static int
not_amt(struct ck_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
not_amt(struct ck_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = CK_E_PARSE;
	return 0;
}

int
ck_amt_http_version(const unsigned char *buf, size_t len, struct ck_amt_version *v,
    struct ck_err *err)
{
	const unsigned char *end = head_end(buf, len > CK_AMT_HEADER_MAX ? CK_AMT_HEADER_MAX : len);
	const unsigned char *p, *eol;
	char server[128];
	size_t slen = 0;
	int found = 0;

	memset(v, 0, sizeof(*v));
	if (len < 9 || memcmp(buf, "HTTP/1.", 7) != 0)
		return ck_err_set(err, CK_E_PARSE, "not an HTTP response");
	if (end == NULL && len >= CK_AMT_HEADER_MAX)
		return ck_err_set(err, CK_E_PARSE, "no end of the HTTP headers within %d bytes",
		    CK_AMT_HEADER_MAX);
	if (end == NULL)
		return ck_err_set(err, CK_E_PARSE, "the HTTP headers end early (%zu bytes, no "
		    "blank line)", len);
	for (p = buf; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			break;
		if ((size_t)(eol - p) > 7 && strncasecmp((const char *)p, "server:", 7) == 0) {
			const unsigned char *s = p + 7, *e = eol;

			while (s < e && (*s == ' ' || *s == '\t'))
				s++;
			while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
				e--;
			slen = (size_t)(e - s) < sizeof(server) ? (size_t)(e - s) : sizeof(server) - 1;
			memcpy(server, s, slen);
			found = 1;
			break;
		}
	}
	server[slen] = '\0';
	for (size_t i = 0; i < slen; i++)	/* quoted in messages: printable only */
		if ((unsigned char)server[i] < 0x20 || (unsigned char)server[i] > 0x7e)
			server[i] = '?';
	if (!found)
		return not_amt(err, "no Server header (not AMT)");
	if (strncmp(server, SERVER_PREFIX, strlen(SERVER_PREFIX)) != 0)
		return not_amt(err, "Server is '%s' (not AMT)", server);
	{
		const char *s = server + strlen(SERVER_PREFIX);
		long part[3];

		for (int i = 0; i < 3; i++) {
			char *e;

			if (*s < '0' || *s > '9' || (part[i] = strtol(s, &e, 10)) > 9999 ||
			    (i < 2 && *e != '.'))
				return not_amt(err, "AMT Server header without an A.B.C version: '%s'",
				    server);
			s = e + (i < 2);
		}
		v->major = (int)part[0];
		v->minor = (int)part[1];
		v->build = (int)part[2];
		snprintf(v->text, sizeof(v->text), "%d.%d.%d", v->major, v->minor, v->build);
	}
	return 1;
}

/* ---- ports ---- */

int
ck_amt_ports_parse(const char *s, struct ck_amt_port *ports, struct ck_err *err)
{
	int n = 0;

	while (*s != '\0') {
		char item[32], *slash;
		size_t len = strcspn(s, ",");
		long p;

		if (n == CK_AMT_PORTS_MAX)
			return ck_err_set(err, CK_E_USAGE, "at most %d ports", CK_AMT_PORTS_MAX);
		if (len == 0 || len >= sizeof(item))
			return ck_err_set(err, CK_E_USAGE, "expected PORT[/http|/tls],...");
		memcpy(item, s, len);
		item[len] = '\0';
		s += len + (s[len] == ',');
		ports[n].tls = -1;
		if ((slash = strchr(item, '/')) != NULL) {
			*slash++ = '\0';
			if (strcmp(slash, "tls") == 0)
				ports[n].tls = 1;
			else if (strcmp(slash, "http") == 0)
				ports[n].tls = 0;
			else
				return ck_err_set(err, CK_E_USAGE, "'%s': /http or /tls", slash);
		}
		/* The one port rule (ck_url.h): decimal 1-65535, nothing else. */
		if (ck_port_parse(item, strlen(item), &ports[n].port, err) != 0)
			return -1;
		p = (long)ports[n].port;
		if (ports[n].tls < 0)
			ports[n].tls = p == 16993 || p == 16995;
		n++;
	}
	if (n == 0)
		return ck_err_set(err, CK_E_USAGE, "no port");
	return n;
}

static const struct ck_ruledef rules[] = {
	{ CK_AMT_RULE_VERSION_UNSUPPORTED, "critical", CK_AMT_REF_VERSION,
	    "the AMT firmware version (from its web server's Server header) is below 3.2.1, "
	    "the lowest Configuration Manager 2007 supports" },
};

const struct ck_ruleset *
ck_amt_ruleset(void)
{
	static const struct ck_ruleset set = { "amt", rules, sizeof(rules) / sizeof(rules[0]) };

	return &set;
}

void
ck_amt_discover_opts_init(struct ck_amt_discover_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ports[0].port = CK_AMT_HTTP_PORT;
	o->ports[1].port = CK_AMT_TLS_PORT;
	o->ports[1].tls = 1;
	o->nports = 2;
	o->rmcp_port = 623;
	o->tries = 3;
	o->jobs = CK_NET_CONCURRENCY_DEFAULT;
	o->timeout_ms = 5000;
}

int
ck_amt_ports_opt(const char *arg, void *target, struct ck_err *err)
{
	struct ck_amt_discover_opts *d = target;
	int n = ck_amt_ports_parse(arg, d->ports, err);

	if (n < 0)
		return -1;
	d->nports = n;
	return 0;
}

/* ---- discovery ---- */

/* What one host's exchanges found. */
struct host {
	char name[CK_AMT_HOST_MAX];
	const char *source;
	char address[INET6_ADDRSTRLEN];
	int njobs, done;
	int amt;			/* seen as AMT by some method */
	json_t *ports, *methods, *certs, *notes;
	struct ck_amt_version ver;	/* from a Server header (text "" if none) */
	struct ck_amt_rmcp rmcp;
	int have_rmcp;
	json_t *tls;
	unsigned char tag;
};

struct run {
	const struct ck_amt_discover_opts *o;
	struct ck_policy policy;	/* the AMT policy at policy_version (cache) */
	char policy_version[40];
	int policy_ok, policy_reported;
	struct ck_amt_targets *t;
	ck_amt_emit_fn emit;
	void *ctx;
	int status;
	struct host *cur;		/* the host whose jobs are being produced */
	int next_job;			/* its next job (0 rmcp, 1.. ports) */
	unsigned char ping[CK_AMT_RMCP_PING_LEN];
	char request[CK_AMT_HOST_MAX + 96];
	size_t request_len;
	unsigned long hosts;
};

static void
host_free(struct host *h)
{
	if (h == NULL)
		return;
	json_decref(h->ports);
	json_decref(h->methods);
	json_decref(h->certs);
	json_decref(h->notes);
	json_decref(h->tls);
	free(h);
}

static struct host *
host_new(struct run *r)
{
	struct host *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	if (ck_amt_targets_next(r->t, h->name, &h->source) != 1) {
		free(h);
		return NULL;
	}
	h->ports = json_object();
	h->methods = json_array();
	h->certs = json_array();
	h->notes = json_array();
	h->njobs = r->o->nports + (r->o->rmcp ? 1 : 0);
	h->tag = (unsigned char)(r->hosts++ & 0xff);
	if (!h->ports || !h->methods || !h->certs || !h->notes) {
		host_free(h);
		return NULL;
	}
	return h;
}

static int
next_job(void *arg, size_t index, struct ck_net_job *job)
{
	struct run *r = arg;
	struct host *h;
	int k;

	(void)index;
	if (r->cur == NULL || r->next_job >= r->cur->njobs) {
		if ((r->cur = host_new(r)) == NULL)
			return 0;
		r->next_job = 0;
	}
	h = r->cur;
	k = r->next_job++;
	memset(job, 0, sizeof(*job));
	job->host = h->name;
	job->user = h;
	job->timeout_ms = r->o->timeout_ms;
	if (r->o->rmcp && k == 0) {
		ck_amt_rmcp_ping(r->ping, h->tag);
		job->kind = CK_NET_UDP;
		job->port = r->o->rmcp_port;
		job->request = r->ping;
		job->request_len = sizeof(r->ping);
		job->tries = r->o->tries;
		return 1;
	}
	k -= r->o->rmcp ? 1 : 0;
	job->kind = CK_NET_TCP;
	job->port = r->o->ports[k].port;
	/* GET / as MeshCentral's scanner sends it; the head is all that is read. */
	r->request_len = (size_t)snprintf(r->request, sizeof(r->request),
	    "GET / HTTP/1.1\r\nHost: %s%s%s:%u\r\nConnection: close\r\n\r\n",
	    strchr(h->name, ':') ? "[" : "", h->name, strchr(h->name, ':') ? "]" : "", job->port);
	job->request = (const unsigned char *)r->request;
	job->request_len = r->request_len;
	job->max_reply = CK_AMT_HEADER_MAX;
	job->reply_done = ck_net_http_head_done;
	if (r->o->ports[k].tls)
		job->flags = CK_NET_F_TLS | CK_NET_F_TLS_LEGACY_RETRY;
	return 1;
}

static void
note(struct host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct host *h, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(h->notes, json_string(buf));
}

static void
set_address(struct host *h, const struct ck_net_result *res)
{
	if (h->address[0] != '\0' || res->addrlen == 0)
		return;
	if (getnameinfo((const struct sockaddr *)&res->addr, res->addrlen, h->address,
	    sizeof(h->address), NULL, 0, NI_NUMERICHOST) != 0)
		h->address[0] = '\0';
}

static void
method(struct host *h, const char *m)
{
	size_t i;
	json_t *v;

	json_array_foreach(h->methods, i, v)
		if (strcmp(json_string_value(v), m) == 0)
			return;
	json_array_append_new(h->methods, json_string(m));
}

/* The state of a TCP port from a result. */
static const char *
port_state(const struct ck_net_result *res)
{
	if (res->connected || res->status == CK_NET_OK)
		return "open";
	if (res->status == CK_NET_REFUSED)
		return "closed";
	return "filtered";
}

static void
on_rmcp(struct run *r, struct host *h, const struct ck_net_result *res)
{
	struct ck_err e;

	if (res->status != CK_NET_OK) {
		note(h, "rmcp udp/%u: %s%s%s", r->o->rmcp_port, ck_net_status_name(res->status),
		    res->msg[0] ? ": " : "", res->msg);
		return;
	}
	set_address(h, res);
	if (ck_amt_rmcp_parse(res->reply, res->reply_len, h->tag, &h->rmcp, &e) != 0) {
		note(h, "rmcp udp/%u: %s", r->o->rmcp_port, e.msg);
		return;
	}
	h->have_rmcp = 1;
	h->amt = 1;
	method(h, "rmcp");
}

static void
on_tcp(struct run *r, struct host *h, const struct ck_amt_port *p, struct ck_net_result *res)
{
	struct ck_amt_version v;
	struct ck_err e;
	char key[8];
	int rv;

	snprintf(key, sizeof(key), "%u", p->port);
	json_object_set_new(h->ports, key, json_string(port_state(res)));
	set_address(h, res);
	if (p->tls && res->chain.n > 0) {
		char uri[CK_AMT_HOST_MAX + 32];

		snprintf(uri, sizeof(uri), "tls://%s%s%s:%u", strchr(h->name, ':') ? "[" : "",
		    h->name, strchr(h->name, ':') ? "]" : "", p->port);
		for (size_t i = 0; i < res->chain.n; i++) {
			struct ck_source src = { "tls", uri, (long)i };
			json_t *c = ck_cert_record(res->chain.v[i].data, res->chain.v[i].len, &src,
			    r->o->cert_flags, &e);

			json_array_append_new(h->certs, c ? c : ck_error_record_err(uri, &e));
		}
		if (h->tls == NULL)
			h->tls = json_pack("{s:i, s:s, s:s, s:b}", "port", (int)p->port,
			    "version", res->tls_version, "cipher", res->tls_cipher,
			    "legacy", res->tls_legacy);
	}
	if (res->status != CK_NET_OK && res->status != CK_NET_LIMIT) {
		note(h, "%s/%u: %s%s%s", p->tls ? "tls" : "http", p->port,
		    ck_net_status_name(res->status), res->msg[0] ? ": " : "", res->msg);
		return;
	}
	rv = ck_amt_http_version(res->reply, res->reply_len, &v, &e);
	if (rv != 1) {
		note(h, "%s/%u: %s", p->tls ? "tls" : "http", p->port, e.msg);
		return;
	}
	h->amt = 1;
	method(h, p->tls ? "tls" : "http");
	if (h->ver.text[0] == '\0')
		h->ver = v;
}

/*
 * The AMT policy's verdict on the chain presented on the TLS port, at the
 * device's version (ck_policy: the one versioned AMT policy).  A version
 * below every block has no policy: amt.version_unsupported says why.
 */
static void
policy_findings(struct run *r, struct host *h, json_t *findings)
{
	const json_t *certs[16];
	size_t n = 0, i;
	json_t *c;
	struct ck_err e;

	json_array_foreach(h->certs, i, c)
		if (ck_record_is(c, "cert") && n < sizeof(certs) / sizeof(certs[0]))
			certs[n++] = c;
	if (n == 0 || h->ver.text[0] == '\0')
		return;
	if (strcmp(r->policy_version, h->ver.text) != 0) {
		snprintf(r->policy_version, sizeof(r->policy_version), "%s", h->ver.text);
		ck_policy_init(&r->policy);
		r->policy_ok = ck_policy_load(&r->policy, "amt", h->ver.text, &e) == 0;
		if (!r->policy_ok && e.code != CK_E_USAGE && !r->policy_reported) {
			r->policy_reported = 1;
			r->emit(r->ctx, ck_error_record_err("policy amt", &e));
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
		}
	}
	if (!r->policy_ok)
		return;
	r->status = ck_status_worse(r->status, ck_policy_check_path(&r->policy, certs, n,
	    json_is_true(json_object_get(certs[n - 1], "self_signed")), findings));
}

/* The amt record of a finished host. */
static json_t *
host_record(struct run *r, struct host *h)
{
	json_t *rec = ck_record_new("amt"), *findings = json_array();
	int bad = 0;

	json_object_set_new(rec, "host", json_string(h->name));
	json_object_set_new(rec, "address", h->address[0] ? json_string(h->address) : json_null());
	json_object_set_new(rec, "source", json_string(h->source));
	json_object_set_new(rec, "found", json_boolean(h->amt));
	if (h->ver.text[0] != '\0') {
		json_object_set_new(rec, "version", json_string(h->ver.text));
		json_object_set_new(rec, "major", json_integer(h->ver.major));
		json_object_set_new(rec, "minor", json_integer(h->ver.minor));
	} else if (h->have_rmcp) {
		json_object_set_new(rec, "version", json_null());
		json_object_set_new(rec, "major", json_integer(h->rmcp.major));
		json_object_set_new(rec, "minor", json_integer(h->rmcp.minor));
	}
	if (h->have_rmcp) {
		const char *st = ck_amt_state_name(h->rmcp.state);

		json_object_set_new(rec, "provisioning_state", st ? json_string(st) : json_null());
		/* The pong names the open web ports too (when TCP was not probed). */
		for (unsigned port = CK_AMT_HTTP_PORT; port <= CK_AMT_TLS_PORT; port++) {
			char key[8];

			snprintf(key, sizeof(key), "%u", port);
			if ((h->rmcp.both_ports || h->rmcp.port == port) &&
			    json_object_get(h->ports, key) == NULL)
				json_object_set_new(h->ports, key, json_string("open"));
		}
	}
	json_object_set(rec, "ports", h->ports);
	json_object_set_new(rec, "tls", h->tls ? json_incref(h->tls) : json_null());
	json_object_set(rec, "method", h->methods);
	if (!h->amt)
		json_object_set(rec, "reasons", h->notes);
	if (h->ver.text[0] != '\0' && ck_version_cmp(h->ver.text, CK_AMT_MIN_VERSION, 0, &bad) < 0) {
		char msg[256];

		snprintf(msg, sizeof(msg), "AMT %s is below %s, the lowest firmware Configuration "
		    "Manager 2007 supports: update the firmware (MEBx/BIOS) before provisioning",
		    h->ver.text, CK_AMT_MIN_VERSION);
		json_array_append_new(findings, ck_finding_new(CK_AMT_RULE_VERSION_UNSUPPORTED,
		    "critical", msg, CK_AMT_REF_VERSION, h->name));
		r->status = ck_status_worse(r->status, CK_CRITICAL);
	}
	policy_findings(r, h, findings);
	json_object_set_new(rec, "findings", findings);
	return rec;
}

static int
on_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct run *r = arg;
	struct host *h = job->user;
	int k = h->done++;
	int rv = 0;

	if (r->o->rmcp && k == 0)
		on_rmcp(r, h, res);
	else
		on_tcp(r, h, &r->o->ports[k - (r->o->rmcp ? 1 : 0)], res);
	if (h->done < h->njobs)
		return 0;
	if (r->o->tick != NULL)
		r->o->tick(r->ctx);
	/* The host's last exchange: its records, in order. */
	if (h->amt || r->o->all) {
		size_t i;
		json_t *c;

		rv = r->emit(r->ctx, host_record(r, h));
		json_array_foreach(h->certs, i, c)
			if (rv == 0 && h->amt)
				rv = r->emit(r->ctx, json_incref(c));
	}
	if (h == r->cur)
		r->cur = NULL;
	host_free(h);
	return rv == 0 ? 0 : -1;
}

int
ck_amt_discover(const struct ck_amt_discover_opts *o, struct ck_amt_targets *t,
    ck_amt_emit_fn emit, void *ctx, int *status, struct ck_err *err)
{
	struct ck_net_opts no;
	struct ck_net *net;
	struct run r;
	int rv;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.t = t;
	r.emit = emit;
	r.ctx = ctx;
	ck_net_opts_init(&no);
	no.concurrency = o->jobs;
	no.timeout_ms = o->timeout_ms;
	if ((net = ck_net_new(&no, err)) == NULL)
		return -1;
	rv = ck_net_run(net, next_job, on_done, &r, err);
	ck_net_free(net);
	if (r.cur != NULL && r.cur->done == 0)
		host_free(r.cur);	/* produced but never started */
	*status = r.status;
	return rv;
}
