/*
 * ck_net: the event-driven network engine (contract in ck_net.h).
 *
 * One epoll set holds every job socket and every c-ares socket.  A job
 * lives in a slot (its connection state) while it runs and in an entry
 * (its copied input and its result) until it is delivered; slots are
 * bounded by the concurrency, entries by the reorder window.  Deadlines
 * are checked by a scan of the slots at the earliest wake-up time.
 */
#include "ck_net.h"
#include "ck_fetch_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ares.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* epoll data: type in bits 56-63, connection generation in 32-55, id in 0-31. */
#define EV_SLOT 1ull
#define EV_ARES 2ull
#define EV_DATA(type, gen, id) ((type) << 56 | ((uint64_t)(gen) & 0xffffffu) << 32 | (uint64_t)(id))
#define SCAN_MS 10
#define CK_NET_LATER_MS 5	/* a producer that said "later" is asked again after this */

struct entry {
	struct ck_net_job job;		/* pointers into strs */
	char *strs;			/* one block: host, sni, cacert, dns_server, request */
	struct ck_net_result res;
	int ready;
	struct entry *next_ready;	/* unordered delivery queue */
};

/* A c-ares channel for one (server, timeout, tries); index 0 = the system's. */
struct chan {
	ares_channel ch;
	char *server;
	long timeout_ms;
	int tries;
	struct ck_net *net;
};

struct slot {
	struct entry *e;
	unsigned gen;
	unsigned conn;			/* bumped per socket: stale events are ignored */
	int busy;
	int fd;
	int legacy;			/* TLS 1.0/RSA attempt in progress */
	SSL *ssl;
	struct ares_addrinfo *ai;
	struct ares_addrinfo_node *cur;
	long long start, deadline, wake;
	long timeout_ms;		/* the job's deadline, for messages */
	size_t sent, cap;
	long interval_ms;		/* UDP resend spacing */
	char host[CK_DNS_NAME_MAX];	/* host without brackets */
	/* The per-server cap (peer_acquire): */
	struct peer *peer;		/* the address:port held or waited for */
	int waiting;			/* 1: in peer's queue, 0: holding one of its places */
	long long remaining;		/* waiting: what was left of the deadline */
	struct slot *wnext, *wprev;	/* peer's queue, or the engine's handoff list */
	int handoff;			/* 1: given a place, to connect at the next turn */
};

/*
 * One address:port with connections open (or waited for): at most per_peer
 * are open at once; the slots beyond wait in order.  A pool of concurrency
 * entries suffices (a slot holds or waits for one peer at a time).
 */
struct peer {
	unsigned char key[19];		/* family, port (2), address (16) */
	long active;			/* places held (connecting, connected, handed off) */
	struct slot *first, *last;	/* waiting, oldest first */
	struct peer *next;		/* hash chain, or the free list */
};

/* What a c-ares callback needs to find its slot again (or know it is gone). */
struct areq {
	struct ck_net *net;
	size_t slot;
	unsigned gen;
};

struct ck_net {
	struct ck_net_opts o;
	int ep;
	struct slot *slots;
	size_t *free_slots, nfree;
	struct chan *chans;
	size_t nchans;
	struct chan **fd_chan;		/* c-ares socket -> channel */
	size_t fd_chan_cap;
	SSL_CTX *ctx_any, *ctx_legacy;
	struct {
		char *cacert;
		SSL_CTX *ctx;
	} *vctx;
	size_t nvctx;
	struct peer *peers, **buckets, *free_peers;
	size_t nbuckets;
	struct slot *handoff_first, *handoff_last;
	/* per run */
	struct entry **ring;
	size_t window, head, next_index, inflight;
	struct entry *ready_first, *ready_last;
	long long next_scan;
};

static void slot_finish(struct ck_net *n, size_t i, enum ck_net_status st,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

const char *
ck_net_status_name(enum ck_net_status s)
{
	static const char *const names[] = {
		"ok", "refused", "timeout", "unresolved", "unreachable", "reset",
		"tls", "limit", "cancelled", "error"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

const char *
ck_net_stage_name(enum ck_net_stage s)
{
	static const char *const names[] = {
		"queued", "resolve", "connect", "tls", "send", "recv", "done"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "done";
}

const char *
ck_dns_status_name(enum ck_dns_status s)
{
	static const char *const names[] = {
		"ok", "nxdomain", "nodata", "wrong_type", "timeout", "truncated",
		"malformed", "servfail", "refused", "error"
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "error";
}

void
ck_net_opts_init(struct ck_net_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->concurrency = CK_NET_CONCURRENCY_DEFAULT;
	o->timeout_ms = CK_NET_TIMEOUT_MS_DEFAULT;
}

long
ck_net_raise_nofile(long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur < want) {
		rlim_t to = (rlim_t)want;

		if (rl.rlim_max != RLIM_INFINITY && to > rl.rlim_max)
			to = rl.rlim_max;
		rl.rlim_cur = to;
		setrlimit(RLIMIT_NOFILE, &rl);
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur == RLIM_INFINITY ? want : (long)rl.rlim_cur;
}

long
ck_net_jobs_fit(long want, struct ck_err *why)
{
	long reserve = CK_NET_FD_RESERVE * CK_NET_ENGINES_MAX;
	long lim = ck_net_raise_nofile(want + reserve), got;

	if (lim - reserve >= want)
		return want;
	got = lim - reserve > 16 ? lim - reserve : 16;
	ck_err_set(why, CK_E_LIMIT, "at most %ld connections at once, not %ld: the open file "
	    "limit is %ld (ulimit -Hn)", got, want, lim);
	return got;
}

/* HTTP/1.x completeness (RFC 9112 section 6: message body length). */
static const unsigned char *
find_crlfcrlf(const unsigned char *buf, size_t len)
{
	for (size_t i = 0; i + 3 < len; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' &&
		    buf[i + 3] == '\n')
			return buf + i + 4;
	return NULL;
}

int
ck_net_http_head_done(const unsigned char *buf, size_t len)
{
	return find_crlfcrlf(buf, len) != NULL;
}

/* The value of header name in the head [buf, end), or NULL. */
static const unsigned char *
header_value(const unsigned char *buf, const unsigned char *end, const char *name,
    size_t *vlen)
{
	size_t nl = strlen(name);
	const unsigned char *p = buf, *eol;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			eol = end;
		if ((size_t)(eol - p) > nl && p[nl] == ':' &&
		    strncasecmp((const char *)p, name, nl) == 0) {
			const unsigned char *v = p + nl + 1, *ve = eol;

			while (v < ve && (*v == ' ' || *v == '\t'))
				v++;
			while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			*vlen = (size_t)(ve - v);
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

/* 1 when a chunked body starting at p is complete within end. */
static int
chunked_done(const unsigned char *p, const unsigned char *end)
{
	for (;;) {
		unsigned long long size = 0;
		const unsigned char *eol;
		int digits = 0;

		while (p < end && isxdigit(*p)) {
			int d = isdigit(*p) ? *p - '0' : (tolower(*p) - 'a' + 10);

			if (size > (1ull << 40))
				return 1;	/* absurd: stop reading, the cap will tell */
			size = size * 16 + (unsigned)d;
			p++;
			digits++;
		}
		if (digits == 0)
			return p < end;	/* malformed: stop if anything is there */
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL)
			return 0;
		p = eol + 1;
		if (size == 0)
			return find_crlfcrlf(p - 2, (size_t)(end - (p - 2))) != NULL;
		if ((unsigned long long)(end - p) < size + 2)
			return 0;
		p += size + 2;
	}
}

int
ck_net_http_done(const unsigned char *buf, size_t len)
{
	const unsigned char *body = find_crlfcrlf(buf, len), *v;
	size_t vlen;

	if (body == NULL)
		return 0;
	if ((v = header_value(buf, body, "Transfer-Encoding", &vlen)) != NULL &&
	    vlen >= 7 && strncasecmp((const char *)v + vlen - 7, "chunked", 7) == 0)
		return chunked_done(body, buf + len);
	if ((v = header_value(buf, body, "Content-Length", &vlen)) != NULL) {
		unsigned long long cl = 0;

		for (size_t i = 0; i < vlen && isdigit(v[i]); i++)
			cl = cl * 10 + (unsigned)(v[i] - '0');
		return (unsigned long long)(buf + len - body) >= cl;
	}
	/* 1xx, 204 and 304 have no body (RFC 9112 section 6.3). */
	if (len > 12 && (buf[9] == '1' || memcmp(buf + 9, "204", 3) == 0 ||
	    memcmp(buf + 9, "304", 3) == 0))
		return 1;
	return 0;
}

int
ck_net_http_parse(unsigned char *buf, size_t len, int *status, unsigned char **body,
    size_t *body_len)
{
	const unsigned char *head_end = find_crlfcrlf(buf, len), *v;
	unsigned char *p, *end = buf + len, *out;
	size_t vlen;

	*status = 0;
	*body = NULL;
	*body_len = 0;
	if (len < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ' ||
	    !isdigit(buf[9]) || !isdigit(buf[10]) || !isdigit(buf[11]))
		return -1;
	*status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	if (head_end == NULL)
		return -1;
	p = buf + (head_end - buf);
	if ((v = header_value(buf, head_end, "Transfer-Encoding", &vlen)) != NULL &&
	    vlen >= 7 && strncasecmp((const char *)v + vlen - 7, "chunked", 7) == 0) {
		/* RFC 9112 section 7.1: size CRLF data CRLF ... 0 CRLF trailers CRLF. */
		out = p;
		for (;;) {
			unsigned long long size = 0;
			unsigned char *eol;
			int digits = 0;

			while (p < end && isxdigit(*p)) {
				if (size > (1ull << 40))
					return -1;
				size = size * 16 + (unsigned)(isdigit(*p) ? *p - '0' :
				    tolower(*p) - 'a' + 10);
				p++;
				digits++;
			}
			if (digits == 0 || (eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
				return -1;
			p = eol + 1;
			if (size == 0)
				break;
			if ((unsigned long long)(end - p) < size)
				return -1;
			memmove(out, p, (size_t)size);
			out += size;
			p += size;
			if (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
				p += 2;
		}
		*body = buf + (head_end - buf);
		*body_len = (size_t)(out - *body);
		return 0;
	}
	*body = p;
	*body_len = (size_t)(end - p);
	if ((v = header_value(buf, head_end, "Content-Length", &vlen)) != NULL) {
		unsigned long long cl = 0;

		for (size_t i = 0; i < vlen && isdigit(v[i]); i++)
			cl = cl * 10 + (unsigned)(v[i] - '0');
		if (cl > *body_len)
			return -1;	/* the peer closed before the whole body */
		*body_len = (size_t)cl;
	}
	return 0;
}

char *
ck_net_http_location(const struct ck_net_result *res)
{
	const unsigned char *b = res->reply, *head_end, *v;
	size_t vlen;
	char *loc;

	if (res->status != CK_NET_OK || b == NULL || res->reply_len < 12 ||
	    memcmp(b, "HTTP/1.", 7) != 0 || b[8] != ' ' || b[9] != '3' || !isdigit(b[10]) ||
	    !isdigit(b[11]))
		return NULL;
	if ((head_end = find_crlfcrlf(b, res->reply_len)) == NULL ||
	    (v = header_value(b, head_end, "Location", &vlen)) == NULL || vlen == 0)
		return NULL;
	if ((loc = malloc(vlen + 1)) == NULL)
		return NULL;
	memcpy(loc, v, vlen);
	loc[vlen] = '\0';
	return loc;
}

/* ---- TLS contexts ---- */

static SSL_CTX *
tls_ctx(int legacy, const char *cacert, int verify, struct ck_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ck_err_ssl(err, CK_E_TLS, "cannot create a tls context");
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	/*
	 * Only a context that collects what a peer presents (tls://, AMT
	 * firmware) is lowered to old protocols and suites: it trusts nothing
	 * it reads.  A verifying context (https:// content that is believed)
	 * keeps the system's TLS policy, as libcurl did.
	 */
	if (!verify) {
		SSL_CTX_set_security_level(ctx, 0);
		SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(ctx, legacy ? TLS1_VERSION : 0);
		/* Old AMT firmware: legacy renegotiation, CBC/SHA-1 suites, RSA key exchange. */
		SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
		if (SSL_CTX_set_cipher_list(ctx, legacy ? "kRSA:@SECLEVEL=0" :
		    "ALL:@SECLEVEL=0") != 1) {
			ck_err_ssl(err, CK_E_TLS, "cannot set the cipher list");
			SSL_CTX_free(ctx);
			return NULL;
		}
	} else {
		int ok = cacert != NULL ? SSL_CTX_load_verify_locations(ctx, cacert, NULL) :
		    SSL_CTX_set_default_verify_paths(ctx);

		if (ok != 1) {
			ck_err_ssl(err, CK_E_TLS, "cannot load the trust anchors '%s'",
			    cacert != NULL ? cacert : "system");
			SSL_CTX_free(ctx);
			return NULL;
		}
	}
	return ctx;
}

static SSL_CTX *
verify_ctx(struct ck_net *n, const char *cacert, struct ck_err *err)
{
	const char *key = cacert != NULL ? cacert : "";
	void *p;

	for (size_t i = 0; i < n->nvctx; i++)
		if (strcmp(n->vctx[i].cacert, key) == 0)
			return n->vctx[i].ctx;
	if ((p = realloc(n->vctx, (n->nvctx + 1) * sizeof(*n->vctx))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	n->vctx = p;
	if ((n->vctx[n->nvctx].cacert = strdup(key)) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if ((n->vctx[n->nvctx].ctx = tls_ctx(0, cacert, 1, err)) == NULL) {
		free(n->vctx[n->nvctx].cacert);
		return NULL;
	}
	return n->vctx[n->nvctx++].ctx;
}

/* ---- c-ares integration ---- */

static int
fd_chan_set(struct ck_net *n, int fd, struct chan *c)
{
	if ((size_t)fd >= n->fd_chan_cap) {
		size_t cap = (size_t)fd * 2 + 64;
		struct chan **p = realloc(n->fd_chan, cap * sizeof(*p));

		if (p == NULL)
			return -1;
		memset(p + n->fd_chan_cap, 0, (cap - n->fd_chan_cap) * sizeof(*p));
		n->fd_chan = p;
		n->fd_chan_cap = cap;
	}
	n->fd_chan[fd] = c;
	return 0;
}

static void
sock_state(void *data, ares_socket_t s, int readable, int writable)
{
	struct chan *c = data;
	struct ck_net *n = c->net;
	struct epoll_event ev;
	int known = (size_t)s < n->fd_chan_cap && n->fd_chan[s] != NULL;

	memset(&ev, 0, sizeof(ev));
	ev.data.u64 = EV_DATA(EV_ARES, 0, (unsigned)s);
	ev.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
	if (!readable && !writable) {
		if (known) {
			epoll_ctl(n->ep, EPOLL_CTL_DEL, s, NULL);
			n->fd_chan[s] = NULL;
		}
		return;
	}
	if (known) {
		epoll_ctl(n->ep, EPOLL_CTL_MOD, s, &ev);
	} else if (fd_chan_set(n, s, c) == 0) {
		epoll_ctl(n->ep, EPOLL_CTL_ADD, s, &ev);
	}
}

/* "addr", "addr:port", "[v6]:port", "[v6]" -> one c-ares server node. */
static int
parse_server(const char *s, struct ares_addr_port_node *node, struct ck_err *err)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *port = NULL;
	char *p;
	size_t len = strlen(s);

	memset(node, 0, sizeof(*node));
	if (len == 0 || len >= sizeof(buf))
		return ck_err_set(err, CK_E_USAGE, "bad dns server '%s'", s);
	memcpy(buf, s, len + 1);
	if (buf[0] == '[') {
		if ((p = strchr(buf, ']')) == NULL)
			return ck_err_set(err, CK_E_USAGE, "bad dns server '%s'", s);
		*p = '\0';
		if (p[1] == ':')
			port = p + 2;
		else if (p[1] != '\0')
			return ck_err_set(err, CK_E_USAGE, "bad dns server '%s'", s);
		memmove(buf, buf + 1, strlen(buf + 1) + 1);
	} else if ((p = strchr(buf, ':')) != NULL && strchr(p + 1, ':') == NULL) {
		*p = '\0';
		port = p + 1;
	}
	if (inet_pton(AF_INET, buf, &node->addr.addr4) == 1)
		node->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &node->addr.addr6) == 1)
		node->family = AF_INET6;
	else
		return ck_err_set(err, CK_E_USAGE, "dns server '%s' is not an address", s);
	node->udp_port = node->tcp_port = 53;
	if (port != NULL) {
		char *end;
		long v;

		errno = 0;
		v = strtol(port, &end, 10);
		if (port[0] == '\0' || *end != '\0' || errno != 0 || v < 1 || v > 65535)
			return ck_err_set(err, CK_E_USAGE, "dns server '%s': bad port", s);
		node->udp_port = node->tcp_port = (int)v;
	}
	return 0;
}

/* The channel for server (NULL = system) with this timeout and tries. */
static struct chan *
get_chan(struct ck_net *n, const char *server, long timeout_ms, int tries,
    struct ck_err *err)
{
	struct ares_options ao;
	struct ares_addr_port_node node;
	struct chan *c;
	void *p;
	int mask, rc;

	for (size_t i = 0; i < n->nchans; i++) {
		c = &n->chans[i];
		if (((server == NULL && c->server == NULL) ||
		    (server != NULL && c->server != NULL && strcmp(server, c->server) == 0)) &&
		    c->timeout_ms == timeout_ms && c->tries == tries)
			return c;
	}
	if (server != NULL && parse_server(server, &node, err) != 0)
		return NULL;
	/* Channels are referenced by pointer from c-ares: allocate once, never move. */
	if (n->nchans == 64)
		return n->chans[0].server == NULL ? &n->chans[0] : NULL;
	if (n->chans == NULL) {
		if ((p = calloc(64, sizeof(*n->chans))) == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			return NULL;
		}
		n->chans = p;
	}
	c = &n->chans[n->nchans];
	memset(c, 0, sizeof(*c));
	c->net = n;
	c->timeout_ms = timeout_ms;
	c->tries = tries;
	memset(&ao, 0, sizeof(ao));
	ao.sock_state_cb = sock_state;
	ao.sock_state_cb_data = c;
	ao.timeout = (int)timeout_ms;
	ao.tries = tries;
	/* Truncated answers are reported, not retried over TCP; answers are
	 * returned whatever their RCODE, so the caller can tell them apart. */
	ao.flags = server != NULL ? ARES_FLAG_IGNTC | ARES_FLAG_NOCHECKRESP : 0;
	mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS;
	if ((rc = ares_init_options(&c->ch, &ao, mask)) != ARES_SUCCESS) {
		ck_err_set(err, CK_E_NET, "cannot start the resolver: %s", ares_strerror(rc));
		return NULL;
	}
	if (server != NULL) {
		node.next = NULL;
		if ((rc = ares_set_servers_ports(c->ch, &node)) != ARES_SUCCESS ||
		    (c->server = strdup(server)) == NULL) {
			ares_destroy(c->ch);
			ck_err_set(err, CK_E_NET, "cannot use dns server '%s'", server);
			return NULL;
		}
	}
	n->nchans++;
	return c;
}

/* ---- engine ---- */

struct ck_net *
ck_net_new(const struct ck_net_opts *o, struct ck_err *err)
{
	struct ck_net *n;
	long conc, lim;
	int rc;

	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		ck_err_set(err, CK_E_NET, "cannot start the resolver: %s", ares_strerror(rc));
		return NULL;
	}
	if ((n = calloc(1, sizeof(*n))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		ares_library_cleanup();
		return NULL;
	}
	n->ep = -1;
	if (o != NULL)
		n->o = *o;
	else
		ck_net_opts_init(&n->o);
	conc = n->o.concurrency;
	if (conc <= 0)
		conc = CK_NET_CONCURRENCY_DEFAULT;
	if (conc > CK_NET_CONCURRENCY_MAX)
		conc = CK_NET_CONCURRENCY_MAX;
	/* One fd per job, plus stdio, the epoll fd, resolver sockets, files. */
	lim = ck_net_raise_nofile(conc + CK_NET_FD_RESERVE);
	if (lim - CK_NET_FD_RESERVE < conc)
		conc = lim > CK_NET_FD_RESERVE + 16 ? lim - CK_NET_FD_RESERVE : 16;
	n->o.concurrency = conc;
	if (n->o.per_peer == 0)
		n->o.per_peer = CK_NET_PER_PEER_DEFAULT;
	if (n->o.timeout_ms <= 0)
		n->o.timeout_ms = CK_NET_TIMEOUT_MS_DEFAULT;
	if ((n->ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		ck_err_set(err, CK_E_NET, "epoll: %s", strerror(errno));
		goto fail;
	}
	n->slots = calloc((size_t)conc, sizeof(*n->slots));
	n->free_slots = calloc((size_t)conc, sizeof(*n->free_slots));
	if (n->slots == NULL || n->free_slots == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	for (long i = 0; i < conc; i++) {
		n->slots[i].fd = -1;
		n->free_slots[n->nfree++] = (size_t)(conc - 1 - i);
	}
	for (n->nbuckets = 64; n->nbuckets < (size_t)conc * 2; n->nbuckets *= 2)
		;
	n->peers = calloc((size_t)conc, sizeof(*n->peers));
	n->buckets = calloc(n->nbuckets, sizeof(*n->buckets));
	if (n->peers == NULL || n->buckets == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto fail;
	}
	for (long i = 0; i < conc; i++) {
		n->peers[i].next = n->free_peers;
		n->free_peers = &n->peers[i];
	}
	if ((n->ctx_any = tls_ctx(0, NULL, 0, err)) == NULL ||
	    (n->ctx_legacy = tls_ctx(1, NULL, 0, err)) == NULL)
		goto fail;
	return n;
fail:
	ck_net_free(n);
	return NULL;
}

long
ck_net_concurrency(const struct ck_net *n)
{
	return n->o.concurrency;
}

void
ck_net_result_release(struct ck_net_result *r)
{
	if (r == NULL)
		return;
	ck_blobs_release(&r->chain);
	free(r->reply);
	r->reply = NULL;
	r->reply_len = 0;
}

static void
entry_free(struct entry *e)
{
	if (e == NULL)
		return;
	ck_net_result_release(&e->res);
	free(e->strs);
	free(e);
}

void
ck_net_free(struct ck_net *n)
{
	if (n == NULL)
		return;
	/* ares_destroy runs pending callbacks with ARES_EDESTRUCTION; they free their areq. */
	for (size_t i = 0; i < n->nchans; i++) {
		ares_destroy(n->chans[i].ch);
		free(n->chans[i].server);
	}
	free(n->chans);
	for (long i = 0; n->slots != NULL && i < n->o.concurrency; i++) {
		SSL_free(n->slots[i].ssl);
		if (n->slots[i].fd >= 0)
			close(n->slots[i].fd);
		if (n->slots[i].ai != NULL)
			ares_freeaddrinfo(n->slots[i].ai);
	}
	for (size_t i = 0; i < n->nvctx; i++) {
		SSL_CTX_free(n->vctx[i].ctx);
		free(n->vctx[i].cacert);
	}
	free(n->vctx);
	SSL_CTX_free(n->ctx_any);
	SSL_CTX_free(n->ctx_legacy);
	free(n->slots);
	free(n->free_slots);
	free(n->peers);
	free(n->buckets);
	free(n->fd_chan);
	if (n->ep >= 0)
		close(n->ep);
	free(n);
	ares_library_cleanup();
}

/* Copies the job's strings into one block owned by the entry. */
static struct entry *
entry_new(const struct ck_net_job *job, size_t index)
{
	const char *s[4] = { job->host, job->sni, job->cacert, job->dns_server };
	size_t len[4], total = job->request_len + 1;
	struct entry *e;
	char *p;

	for (int i = 0; i < 4; i++) {
		len[i] = s[i] != NULL ? strlen(s[i]) + 1 : 0;
		total += len[i];
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	if ((e->strs = malloc(total)) == NULL) {
		free(e);
		return NULL;
	}
	e->job = *job;
	p = e->strs;
	for (int i = 0; i < 4; i++) {
		const char *copy = NULL;

		if (s[i] != NULL) {
			memcpy(p, s[i], len[i]);
			copy = p;
			p += len[i];
		}
		switch (i) {
		case 0: e->job.host = copy; break;
		case 1: e->job.sni = copy; break;
		case 2: e->job.cacert = copy; break;
		default: e->job.dns_server = copy; break;
		}
	}
	if (job->request != NULL && job->request_len > 0) {
		memcpy(p, job->request, job->request_len);
		e->job.request = (const unsigned char *)p;
	} else {
		e->job.request = NULL;
		e->job.request_len = 0;
	}
	e->res.index = index;
	e->res.verify_result = X509_V_OK;
	e->res.dns.rcode = -1;
	return e;
}

static void
set_wake(struct ck_net *n, struct slot *s, long long t)
{
	s->wake = t < s->deadline ? t : s->deadline;
	if (s->wake < n->next_scan)
		n->next_scan = s->wake;
}

/* ---- the per-server cap ---- */

static void
peer_key(const struct sockaddr *sa, unsigned char key[19])
{
	memset(key, 0, 19);
	key[0] = (unsigned char)sa->sa_family;
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(key + 1, &s6->sin6_port, 2);
		memcpy(key + 3, &s6->sin6_addr, 16);
	} else if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		memcpy(key + 1, &s4->sin_port, 2);
		memcpy(key + 3, &s4->sin_addr, 4);
	}
}

static size_t
peer_hash(const struct ck_net *n, const unsigned char key[19])
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (int k = 0; k < 19; k++)
		h = (h ^ key[k]) * 16777619u;
	return h & (n->nbuckets - 1);
}

static void
list_append(struct slot **first, struct slot **last, struct slot *s)
{
	s->wnext = NULL;
	s->wprev = *last;
	if (*last != NULL)
		(*last)->wnext = s;
	else
		*first = s;
	*last = s;
}

static void
list_remove(struct slot **first, struct slot **last, struct slot *s)
{
	if (s->wprev != NULL)
		s->wprev->wnext = s->wnext;
	else
		*first = s->wnext;
	if (s->wnext != NULL)
		s->wnext->wprev = s->wprev;
	else
		*last = s->wprev;
	s->wnext = s->wprev = NULL;
}

/*
 * Takes a place at the address s is about to connect to: 0 when it may
 * connect now (or already holds the place: a handoff), 1 when it waits in
 * the address's queue.  Time spent waiting does not count against the
 * job's deadline.
 */
static int
peer_acquire(struct ck_net *n, struct slot *s, const struct sockaddr *sa)
{
	unsigned char key[19];
	struct peer *p;
	size_t b;

	if (s->peer != NULL)
		return 0;	/* handed off: the place is held */
	if (n->o.per_peer < 0)
		return 0;
	peer_key(sa, key);
	b = peer_hash(n, key);
	for (p = n->buckets[b]; p != NULL && memcmp(p->key, key, sizeof(key)) != 0;
	    p = p->next)
		;
	if (p == NULL) {
		/* Cannot run out: a slot holds or waits for one peer at most. */
		p = n->free_peers;
		n->free_peers = p->next;
		memcpy(p->key, key, sizeof(key));
		p->active = 0;
		p->first = p->last = NULL;
		p->next = n->buckets[b];
		n->buckets[b] = p;
	}
	s->peer = p;
	if (p->active < n->o.per_peer) {
		p->active++;
		return 0;
	}
	s->waiting = 1;
	s->remaining = s->deadline - ck_mono_ms();
	s->deadline = s->wake = LLONG_MAX;
	list_append(&p->first, &p->last, s);
	return 1;
}

/* Gives up the place (or the wait) of s; the next in line gets the place. */
static void
peer_release(struct ck_net *n, struct slot *s)
{
	struct peer *p = s->peer, **pp;

	if (p == NULL)
		return;
	s->peer = NULL;
	if (s->waiting) {
		s->waiting = 0;
		list_remove(&p->first, &p->last, s);
	} else {
		p->active--;
		if (s->handoff) {
			s->handoff = 0;
			list_remove(&n->handoff_first, &n->handoff_last, s);
		}
	}
	if (p->first != NULL && p->active < n->o.per_peer) {
		struct slot *w = p->first;

		list_remove(&p->first, &p->last, w);
		w->waiting = 0;
		w->handoff = 1;
		p->active++;
		list_append(&n->handoff_first, &n->handoff_last, w);
	}
	if (p->active == 0 && p->first == NULL) {
		for (pp = &n->buckets[peer_hash(n, p->key)]; *pp != p; pp = &(*pp)->next)
			;
		*pp = p->next;
		p->next = n->free_peers;
		n->free_peers = p;
	}
}

static void slot_connect(struct ck_net *n, size_t i);

/* Connects the slots that were given a place (outside any callback chain). */
static void
handoff_run(struct ck_net *n)
{
	struct slot *s;

	while ((s = n->handoff_first) != NULL) {
		list_remove(&n->handoff_first, &n->handoff_last, s);
		s->handoff = 0;
		s->deadline = ck_mono_ms() + s->remaining;
		set_wake(n, s, s->deadline);
		slot_connect(n, (size_t)(s - n->slots));
	}
}

/* Closes the slot's connection (keeps its entry) and gives up its place. */
static void
slot_close(struct ck_net *n, struct slot *s)
{
	peer_release(n, s);
	if (s->ssl != NULL) {
		SSL_free(s->ssl);
		s->ssl = NULL;
	}
	if (s->fd >= 0) {
		epoll_ctl(n->ep, EPOLL_CTL_DEL, s->fd, NULL);
		close(s->fd);
		s->fd = -1;
	}
}

static void
entry_ready(struct ck_net *n, struct entry *e)
{
	e->ready = 1;
	if (n->o.unordered) {
		e->next_ready = NULL;
		if (n->ready_last != NULL)
			n->ready_last->next_ready = e;
		else
			n->ready_first = e;
		n->ready_last = e;
	}
}

static void
slot_finish(struct ck_net *n, size_t i, enum ck_net_status st, const char *fmt, ...)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	va_list ap;

	if (!s->busy)
		return;
	slot_close(n, s);
	if (s->ai != NULL) {
		ares_freeaddrinfo(s->ai);
		s->ai = NULL;
	}
	e->res.status = st;
	if (st == CK_NET_OK)
		e->res.stage = CK_NET_STAGE_DONE;
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(e->res.msg, sizeof(e->res.msg), fmt, ap);
		va_end(ap);
	}
	e->res.elapsed_ms = ck_mono_ms() - s->start;
	if (e->res.reply != NULL)
		e->res.reply[e->res.reply_len] = '\0';
	s->busy = 0;
	s->e = NULL;
	s->gen++;
	n->free_slots[n->nfree++] = i;
	n->inflight--;
	entry_ready(n, e);
}

static int
watch(struct ck_net *n, size_t i, uint32_t events)
{
	struct epoll_event ev;
	struct slot *s = &n->slots[i];

	memset(&ev, 0, sizeof(ev));
	ev.events = events;
	ev.data.u64 = EV_DATA(EV_SLOT, s->conn, i);
	if (epoll_ctl(n->ep, EPOLL_CTL_MOD, s->fd, &ev) == 0)
		return 0;
	return epoll_ctl(n->ep, EPOLL_CTL_ADD, s->fd, &ev);
}

/* Opens a socket to the current address and starts the connect. */
static void
slot_connect(struct ck_net *n, size_t i)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	int udp = e->job.kind == CK_NET_UDP, err;

	for (; s->cur != NULL; s->cur = s->cur->ai_next) {
		struct ares_addrinfo_node *a = s->cur;

		e->res.stage = CK_NET_STAGE_CONNECT;
		memcpy(&e->res.addr, a->ai_addr, a->ai_addrlen);
		e->res.addrlen = a->ai_addrlen;
		if (peer_acquire(n, s, a->ai_addr) != 0)
			return;	/* handoff_run comes back here */
		s->conn++;
		s->fd = socket(a->ai_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (s->fd < 0) {
			slot_finish(n, i, CK_NET_ERROR, "socket: %s", strerror(errno));
			return;
		}
		if (connect(s->fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			if (watch(n, i, EPOLLOUT) != 0) {
				slot_finish(n, i, CK_NET_ERROR, "epoll: %s", strerror(errno));
				return;
			}
			return;
		}
		err = errno;
		slot_close(n, s);
		if (s->cur->ai_next == NULL) {
			slot_finish(n, i, err == ECONNREFUSED ? CK_NET_REFUSED :
			    err == ENETUNREACH || err == EHOSTUNREACH ? CK_NET_UNREACHABLE :
			    CK_NET_ERROR, "cannot connect: %s", strerror(err));
			return;
		}
	}
	slot_finish(n, i, CK_NET_UNRESOLVED, "no address to connect to");
}

static void
resolved(void *arg, int status, int timeouts, struct ares_addrinfo *ai)
{
	struct areq *q = arg;
	struct ck_net *n = q->net;
	struct slot *s;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || n == NULL) {
		if (ai != NULL)
			ares_freeaddrinfo(ai);
		free(q);
		return;
	}
	s = &n->slots[q->slot];
	if (!s->busy || s->gen != q->gen || s->e->res.stage != CK_NET_STAGE_RESOLVE) {
		if (ai != NULL)
			ares_freeaddrinfo(ai);
		free(q);
		return;
	}
	free(q);
	if (status != ARES_SUCCESS || ai == NULL || ai->nodes == NULL) {
		if (ai != NULL)
			ares_freeaddrinfo(ai);
		/* msg is the reason only; the words getaddrinfo would use for "no such name". */
		if (status == ARES_ETIMEOUT)
			slot_finish(n, (size_t)(s - n->slots), CK_NET_UNRESOLVED,
			    "timed out resolving the name");
		else
			slot_finish(n, (size_t)(s - n->slots), CK_NET_UNRESOLVED, "%s",
			    status == ARES_SUCCESS || status == ARES_ENOTFOUND ||
			    status == ARES_ENODATA ? "Name or service not known" :
			    ares_strerror(status));
		return;
	}
	s->ai = ai;
	s->cur = ai->nodes;
	slot_connect(n, (size_t)(s - n->slots));
}

/* Appends bytes to the reply buffer; -1 when the cap is passed. */
static int
reply_add(struct slot *s, struct ck_net_result *r, const unsigned char *buf, size_t len,
    size_t max)
{
	if (r->reply_len + len > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		unsigned char *p;

		while (cap < r->reply_len + len)
			cap *= 2;
		if (cap > max + 1)
			cap = max + 1;
		if (r->reply_len + len > cap)
			len = cap - r->reply_len;
		if ((p = realloc(r->reply, cap + 1)) == NULL)
			return -2;
		r->reply = p;
		s->cap = cap;
	}
	memcpy(r->reply + r->reply_len, buf, len);
	r->reply_len += len;
	return r->reply_len > max ? -1 : 0;
}

static int
collect_chain(struct slot *s, struct ck_net_result *r)
{
	STACK_OF(X509) *peer = SSL_get_peer_cert_chain(s->ssl);
	const SSL_CIPHER *c = SSL_get_current_cipher(s->ssl);

	snprintf(r->tls_version, sizeof(r->tls_version), "%s", SSL_get_version(s->ssl));
	snprintf(r->tls_cipher, sizeof(r->tls_cipher), "%s", c ? SSL_CIPHER_get_name(c) : "");
	r->verify_result = SSL_get_verify_result(s->ssl);
	for (int k = 0; peer != NULL && k < sk_X509_num(peer); k++) {
		unsigned char *der = NULL;
		int len = i2d_X509(sk_X509_value(peer, k), &der);

		if (len <= 0 || ck_blobs_add(&r->chain, der, (size_t)len) != 0) {
			OPENSSL_free(der);
			return -1;
		}
		OPENSSL_free(der);
	}
	return 0;
}

static int
tls_start(struct ck_net *n, size_t i)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	SSL_CTX *ctx;
	struct ck_err err;
	const char *sni = e->job.sni;
	int literal = ck_is_ip_literal(s->host);

	if (s->legacy || (e->job.flags & CK_NET_F_TLS_LEGACY))
		ctx = n->ctx_legacy;
	else if (e->job.flags & CK_NET_F_VERIFY)
		ctx = verify_ctx(n, e->job.cacert, &err);
	else
		ctx = n->ctx_any;
	if (ctx == NULL) {
		slot_finish(n, i, CK_NET_TLS, "%s", err.msg);
		return -1;
	}
	if ((s->ssl = SSL_new(ctx)) == NULL || SSL_set_fd(s->ssl, s->fd) != 1) {
		slot_finish(n, i, CK_NET_ERROR, "cannot create a tls connection");
		return -1;
	}
	if (sni == NULL || sni[0] == '\0')
		sni = literal ? NULL : s->host;
	if (sni != NULL && SSL_set_tlsext_host_name(s->ssl, sni) != 1) {
		slot_finish(n, i, CK_NET_ERROR, "invalid server name '%s'", sni);
		return -1;
	}
	if (e->job.flags & CK_NET_F_VERIFY) {
		int ok = literal ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), s->host) :
		    SSL_set1_host(s->ssl, s->host);

		if (ok != 1) {
			slot_finish(n, i, CK_NET_ERROR, "cannot set the host to verify");
			return -1;
		}
	}
	e->res.stage = CK_NET_STAGE_TLS;
	return 0;
}

/* A failed handshake: retry legacy once when asked, else finish. */
static void
tls_failed(struct ck_net *n, size_t i, enum ck_net_status st, const char *why)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;

	if ((e->job.flags & CK_NET_F_TLS_LEGACY_RETRY) && !s->legacy &&
	    !(e->job.flags & CK_NET_F_TLS_LEGACY)) {
		slot_close(n, s);
		s->legacy = 1;
		e->res.tls_legacy = 1;
		e->res.connected = 0;
		slot_connect(n, i);	/* same address: s->cur is unchanged */
		return;
	}
	slot_finish(n, i, st, "tls handshake failed: %s", why);
}

/* Why an SSL call failed: status and reason. */
static enum ck_net_status
ssl_reason(SSL *ssl, int rc, char *buf, size_t len)
{
	int e = SSL_get_error(ssl, rc);
	unsigned long l = ERR_peek_last_error();

	if ((e == SSL_ERROR_SYSCALL && l == 0) || e == SSL_ERROR_ZERO_RETURN) {
		snprintf(buf, len, "%s", e == SSL_ERROR_SYSCALL && errno != 0 ?
		    strerror(errno) : "connection closed by the server");
		ERR_clear_error();
		return CK_NET_RESET;
	}
	snprintf(buf, len, "%s", l != 0 ? ERR_reason_error_string(l) : "protocol error");
	if (buf[0] == '\0' || strcmp(buf, "(null)") == 0)
		snprintf(buf, len, "error %lu", l);
	ERR_clear_error();
	return CK_NET_TLS;
}

static int
want(struct ck_net *n, size_t i, int e)
{
	if (e == SSL_ERROR_WANT_READ)
		return watch(n, i, EPOLLIN);
	return watch(n, i, EPOLLOUT);
}

/* Advances a connected TCP/TLS job as far as it can without blocking. */
static int
tcp_step(struct ck_net *n, size_t i)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	const struct ck_net_job *j = &e->job;
	struct ck_net_result *r = &e->res;
	unsigned char buf[16384];
	char why[200];
	int rc, se;

	if (r->stage == CK_NET_STAGE_TLS) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_connect(s->ssl);
		if (rc != 1) {
			se = SSL_get_error(s->ssl, rc);
			if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE)
				return want(n, i, se);
			tls_failed(n, i, ssl_reason(s->ssl, rc, why, sizeof(why)), why);
			return 0;
		}
		if (collect_chain(s, r) != 0) {
			slot_finish(n, i, CK_NET_ERROR, "cannot encode the peer chain");
			return 0;
		}
		if ((j->flags & CK_NET_F_VERIFY) && r->verify_result != X509_V_OK) {
			slot_finish(n, i, CK_NET_TLS, "certificate verify failed: %s",
			    X509_verify_cert_error_string(r->verify_result));
			return 0;
		}
		r->stage = CK_NET_STAGE_SEND;
	}
	if (r->stage == CK_NET_STAGE_SEND) {
		while (s->sent < j->request_len) {
			const unsigned char *p = j->request + s->sent;
			size_t left = j->request_len - s->sent;
			ssize_t w;

			if (s->ssl != NULL) {
				ERR_clear_error();
				errno = 0;
				rc = SSL_write(s->ssl, p, left > INT32_MAX ? INT32_MAX : (int)left);
				if (rc <= 0) {
					se = SSL_get_error(s->ssl, rc);
					if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE)
						return want(n, i, se);
					slot_finish(n, i, ssl_reason(s->ssl, rc, why, sizeof(why)),
					    "sending the request: %s", why);
					return 0;
				}
				s->sent += (size_t)rc;
				continue;
			}
			w = send(s->fd, p, left, MSG_NOSIGNAL);
			if (w < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					return watch(n, i, EPOLLOUT);
				slot_finish(n, i, CK_NET_RESET, "sending the request: %s",
				    strerror(errno));
				return 0;
			}
			s->sent += (size_t)w;
		}
		if (j->max_reply == 0) {
			if (s->ssl != NULL)
				SSL_shutdown(s->ssl);	/* polite; non-blocking, never waits */
			slot_finish(n, i, CK_NET_OK, NULL);
			return 0;
		}
		r->stage = CK_NET_STAGE_RECV;
	}
	/* CK_NET_STAGE_RECV */
	for (;;) {
		ssize_t got;

		if (s->ssl != NULL) {
			ERR_clear_error();
			errno = 0;
			rc = SSL_read(s->ssl, buf, sizeof(buf));
			if (rc <= 0) {
				se = SSL_get_error(s->ssl, rc);
				if (se == SSL_ERROR_WANT_READ || se == SSL_ERROR_WANT_WRITE)
					return want(n, i, se);
				/* An end without close_notify still ends the reply. */
				if (se == SSL_ERROR_ZERO_RETURN ||
				    (se == SSL_ERROR_SYSCALL && ERR_peek_last_error() == 0 &&
				    errno == 0)) {
					ERR_clear_error();
					got = 0;
				} else {
					enum ck_net_status st = ssl_reason(s->ssl, rc, why, sizeof(why));

					slot_finish(n, i, st, "reading the reply: %s", why);
					return 0;
				}
			} else {
				got = rc;
			}
		} else {
			got = recv(s->fd, buf, sizeof(buf), 0);
			if (got < 0) {
				if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
					return watch(n, i, EPOLLIN);
				slot_finish(n, i, CK_NET_RESET, "reading the reply: %s",
				    strerror(errno));
				return 0;
			}
		}
		if (got == 0) {
			slot_finish(n, i, CK_NET_OK, NULL);
			return 0;
		}
		rc = reply_add(s, r, buf, (size_t)got, j->max_reply);
		if (rc == -2) {
			slot_finish(n, i, CK_NET_ERROR, "out of memory");
			return 0;
		}
		if (rc == -1) {
			slot_finish(n, i, CK_NET_LIMIT, "reply larger than %zu bytes",
			    j->max_reply);
			return 0;
		}
		if (!(j->flags & CK_NET_F_READ_EOF) && j->reply_done != NULL &&
		    j->reply_done(r->reply, r->reply_len)) {
			slot_finish(n, i, CK_NET_OK, NULL);
			return 0;
		}
	}
}

static void
udp_send(struct ck_net *n, size_t i)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;

	if (send(s->fd, e->job.request, e->job.request_len, MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN && errno != EWOULDBLOCK) {
		slot_finish(n, i, errno == ECONNREFUSED ? CK_NET_REFUSED : CK_NET_ERROR,
		    "send: %s", strerror(errno));
		return;
	}
	e->res.tries++;
	e->res.stage = CK_NET_STAGE_RECV;
	set_wake(n, s, ck_mono_ms() + s->interval_ms);
}

static void
udp_step(struct ck_net *n, size_t i, uint32_t events)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	size_t max = e->job.max_reply ? e->job.max_reply : 65536;
	unsigned char *buf;
	ssize_t got;

	if (e->res.stage == CK_NET_STAGE_CONNECT) {
		if (watch(n, i, EPOLLIN) != 0) {
			slot_finish(n, i, CK_NET_ERROR, "epoll: %s", strerror(errno));
			return;
		}
		udp_send(n, i);
		return;
	}
	if (!(events & (EPOLLIN | EPOLLERR)))
		return;
	if ((buf = malloc(max + 1)) == NULL) {
		slot_finish(n, i, CK_NET_ERROR, "out of memory");
		return;
	}
	got = recv(s->fd, buf, max + 1, MSG_TRUNC);
	if (got < 0) {
		int err = errno;

		free(buf);
		if (err == EAGAIN || err == EWOULDBLOCK || err == EINTR)
			return;
		slot_finish(n, i, err == ECONNREFUSED ? CK_NET_REFUSED :
		    err == EHOSTUNREACH || err == ENETUNREACH ? CK_NET_UNREACHABLE :
		    CK_NET_ERROR, "%s", strerror(err));
		return;
	}
	e->res.reply = buf;
	if ((size_t)got > max) {
		e->res.reply_len = max;
		slot_finish(n, i, CK_NET_LIMIT, "datagram larger than %zu bytes", max);
		return;
	}
	e->res.reply_len = (size_t)got;
	slot_finish(n, i, CK_NET_OK, NULL);
}

/* A socket event for slot i. */
static int
slot_event(struct ck_net *n, size_t i, uint32_t events)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	int err = 0;
	socklen_t elen = sizeof(err);

	if (!s->busy || s->fd < 0)
		return 0;
	if (e->job.kind == CK_NET_UDP) {
		udp_step(n, i, events);
		return 0;
	}
	if (e->res.stage == CK_NET_STAGE_CONNECT) {
		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return 0;
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
			err = errno;
		if (err != 0) {
			slot_close(n, s);
			if (s->cur != NULL && s->cur->ai_next != NULL && !s->legacy) {
				s->cur = s->cur->ai_next;
				slot_connect(n, i);
				return 0;
			}
			slot_finish(n, i, err == ECONNREFUSED ? CK_NET_REFUSED :
			    err == ENETUNREACH || err == EHOSTUNREACH ? CK_NET_UNREACHABLE :
			    CK_NET_ERROR, "cannot connect: %s", strerror(err));
			return 0;
		}
		e->res.connected = 1;
		if (e->job.flags & (CK_NET_F_TLS | CK_NET_F_TLS_LEGACY)) {
			if (tls_start(n, i) != 0)
				return 0;
		} else {
			e->res.stage = CK_NET_STAGE_SEND;
		}
	}
	return tcp_step(n, i);
}

/* ---- DNS answers (RFC 1035 section 4.1) ---- */

static int
rd16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static int
skip_name(const unsigned char *abuf, int alen, const unsigned char **p)
{
	char *name = NULL;
	long len;

	if (ares_expand_name(*p, abuf, alen, &name, &len) != ARES_SUCCESS)
		return -1;
	ares_free_string(name);
	*p += len;
	return 0;
}

/* Parses an answer into a (status, cname chain, addresses). */
static void
dns_parse(const unsigned char *abuf, int alen, const char *qname, int qtype,
    struct ck_dns_answer *a)
{
	const unsigned char *p, *end = abuf + alen;
	char cur[CK_DNS_NAME_MAX];
	int qd, an, useful = 0, changed;
	unsigned minttl = UINT32_MAX;

	if (alen < 12) {
		a->status = CK_DNS_MALFORMED;
		return;
	}
	a->rcode = abuf[3] & 0x0f;
	qd = rd16(abuf + 4);
	an = rd16(abuf + 6);
	p = abuf + 12;
	for (int k = 0; k < qd; k++) {
		if (skip_name(abuf, alen, &p) != 0 || end - p < 4) {
			a->status = CK_DNS_MALFORMED;
			return;
		}
		p += 4;
	}
	snprintf(cur, sizeof(cur), "%s", qname);
	{
		size_t l = strlen(cur);

		if (l > 1 && cur[l - 1] == '.')
			cur[l - 1] = '\0';
	}
	/* Follow the CNAME chain through the answer, then take cur's records. */
	const unsigned char *ans = p;
	do {
		changed = 0;
		p = ans;
		for (int k = 0; k < an; k++) {
			char *owner = NULL, *target = NULL;
			long len;
			int type, rdlen;

			if (ares_expand_name(p, abuf, alen, &owner, &len) != ARES_SUCCESS) {
				a->status = CK_DNS_MALFORMED;
				return;
			}
			p += len;
			if (end - p < 10) {
				ares_free_string(owner);
				a->status = CK_DNS_MALFORMED;
				return;
			}
			type = rd16(p);
			rdlen = rd16(p + 8);
			if (end - p - 10 < rdlen) {
				ares_free_string(owner);
				a->status = CK_DNS_MALFORMED;
				return;
			}
			if (type == CK_DNS_CNAME && strcasecmp(owner, cur) == 0 && a->ncname < 8) {
				if (ares_expand_name(p + 10, abuf, alen, &target, &len) != ARES_SUCCESS) {
					ares_free_string(owner);
					a->status = CK_DNS_MALFORMED;
					return;
				}
				snprintf(a->cname[a->ncname++], CK_DNS_NAME_MAX, "%s", target);
				snprintf(cur, sizeof(cur), "%s", target);
				ares_free_string(target);
				changed = 1;
			}
			ares_free_string(owner);
			p += 10 + rdlen;
		}
	} while (changed && a->ncname < 8);
	p = ans;
	for (int k = 0; k < an; k++) {
		char *owner = NULL;
		long len;
		int type, rdlen;
		unsigned ttl;

		if (ares_expand_name(p, abuf, alen, &owner, &len) != ARES_SUCCESS)
			break;
		p += len;
		type = rd16(p);
		ttl = (unsigned)p[4] << 24 | (unsigned)p[5] << 16 | (unsigned)p[6] << 8 | p[7];
		rdlen = rd16(p + 8);
		if (type == CK_DNS_CNAME) {
			useful = 1;
			if (ttl < minttl)
				minttl = ttl;
		} else if (type == qtype && strcasecmp(owner, cur) == 0 &&
		    a->naddr < CK_DNS_MAX_RECORDS &&
		    ((type == CK_DNS_A && rdlen == 4) || (type == CK_DNS_AAAA && rdlen == 16))) {
			inet_ntop(type == CK_DNS_A ? AF_INET : AF_INET6, p + 10,
			    a->addr[a->naddr++], INET6_ADDRSTRLEN);
			useful = 1;
			if (ttl < minttl)
				minttl = ttl;
		}
		ares_free_string(owner);
		p += 10 + rdlen;
	}
	a->ttl = minttl == UINT32_MAX ? 0 : minttl;
	if (a->rcode == 3)
		a->status = CK_DNS_NXDOMAIN;
	else if (a->rcode != 0)
		a->status = CK_DNS_SERVFAIL;
	else if (abuf[2] & 0x02)
		a->status = CK_DNS_TRUNCATED;
	else if (qtype == CK_DNS_CNAME)
		a->status = a->ncname > 0 ? CK_DNS_OK : an == 0 ? CK_DNS_NODATA : CK_DNS_WRONG_TYPE;
	else if (a->naddr > 0)
		a->status = CK_DNS_OK;
	else if (an == 0 || (useful && a->ncname > 0))
		a->status = CK_DNS_NODATA;
	else
		a->status = CK_DNS_WRONG_TYPE;
}

static void
dns_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct areq *q = arg;
	struct ck_net *n = q->net;
	struct slot *s;
	struct entry *e;
	size_t i = q->slot;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION) {
		free(q);
		return;
	}
	s = &n->slots[i];
	if (!s->busy || s->gen != q->gen) {
		free(q);
		return;
	}
	free(q);
	e = s->e;
	if (abuf != NULL && alen > 0 && status != ARES_ETIMEOUT &&
	    status != ARES_ECONNREFUSED) {
		dns_parse(abuf, alen, e->job.host, (int)e->job.dns_type, &e->res.dns);
		slot_finish(n, i, CK_NET_OK, NULL);
		return;
	}
	switch (status) {
	case ARES_ETIMEOUT:
		e->res.dns.status = CK_DNS_TIMEOUT;
		slot_finish(n, i, CK_NET_TIMEOUT, "no answer from the dns server");
		break;
	case ARES_ECONNREFUSED:
		e->res.dns.status = CK_DNS_REFUSED_CONN;
		slot_finish(n, i, CK_NET_REFUSED, "the dns server refused the connection");
		break;
	case ARES_EBADRESP:
		e->res.dns.status = CK_DNS_MALFORMED;
		slot_finish(n, i, CK_NET_OK, NULL);
		break;
	case ARES_ENOTFOUND:
		e->res.dns.status = CK_DNS_NXDOMAIN;
		slot_finish(n, i, CK_NET_OK, NULL);
		break;
	case ARES_ENODATA:
		e->res.dns.status = CK_DNS_NODATA;
		slot_finish(n, i, CK_NET_OK, NULL);
		break;
	default:
		e->res.dns.status = CK_DNS_ERROR;
		slot_finish(n, i, CK_NET_ERROR, "%s", ares_strerror(status));
		break;
	}
}

/* ---- starting jobs ---- */

static int
strip_host(const char *host, char *out, size_t len)
{
	size_t l = strlen(host);

	if (l >= len)
		return -1;
	if (host[0] == '[' && l > 2 && host[l - 1] == ']') {
		memcpy(out, host + 1, l - 2);
		out[l - 2] = '\0';
	} else {
		memcpy(out, host, l + 1);
	}
	return 0;
}

/*
 * The address of an IP literal, as c-ares would return it (freed with
 * ares_freeaddrinfo, which releases malloc'd parts with the default
 * allocator).  c-ares 1.18 answers some literals only after asking the DNS
 * server, and a lost answer left the job "resolving" until its deadline
 * (about one job in 25 on a resolver that drops queries): an address needs
 * no resolver.  NULL when out of memory.
 */
static struct ares_addrinfo *
literal_addrinfo(const char *host, unsigned port, int udp)
{
	struct ares_addrinfo *ai = calloc(1, sizeof(*ai));
	struct ares_addrinfo_node *node = calloc(1, sizeof(*node));
	struct sockaddr_in6 *s6 = calloc(1, sizeof(*s6));

	if (ai == NULL || node == NULL || s6 == NULL) {
		free(ai);
		free(node);
		free(s6);
		return NULL;
	}
	ai->nodes = node;
	node->ai_socktype = udp ? SOCK_DGRAM : SOCK_STREAM;
	node->ai_protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
	node->ai_addr = (struct sockaddr *)s6;
	if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		node->ai_family = AF_INET6;
		node->ai_addrlen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)s6;	/* the larger buffer */

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, host, &s4->sin_addr);
		node->ai_family = AF_INET;
		node->ai_addrlen = sizeof(*s4);
	}
	return ai;
}

static void
slot_start(struct ck_net *n, size_t i, struct entry *e)
{
	struct slot *s = &n->slots[i];
	const struct ck_net_job *j = &e->job;
	long timeout = j->timeout_ms > 0 ? j->timeout_ms : n->o.timeout_ms;
	struct ck_err err;
	struct areq *q;
	struct chan *c;

	s->busy = 1;
	s->e = e;
	s->fd = -1;
	s->ssl = NULL;
	s->ai = NULL;
	s->cur = NULL;
	s->sent = s->cap = 0;
	s->legacy = 0;
	s->start = ck_mono_ms();
	s->timeout_ms = timeout;
	s->deadline = s->start + timeout;
	set_wake(n, s, s->deadline);
	n->inflight++;
	e->res.stage = CK_NET_STAGE_RESOLVE;
	if (j->host == NULL || strip_host(j->host, s->host, sizeof(s->host)) != 0 ||
	    s->host[0] == '\0') {
		slot_finish(n, i, CK_NET_ERROR, "missing or too long host name");
		return;
	}
	if (j->kind == CK_NET_DNS) {
		int tries = j->tries > 0 ? j->tries : 1;

		if ((c = get_chan(n, j->dns_server, timeout / tries, tries, &err)) == NULL) {
			e->res.dns.status = CK_DNS_ERROR;
			slot_finish(n, i, CK_NET_ERROR, "%s", err.msg);
			return;
		}
		if ((q = malloc(sizeof(*q))) == NULL) {
			slot_finish(n, i, CK_NET_ERROR, "out of memory");
			return;
		}
		*q = (struct areq){ n, i, s->gen };
		ares_query(c->ch, s->host, 1 /* C_IN */, (int)j->dns_type, dns_done, q);
		return;
	}
	if (j->port < 1 || j->port > 65535) {
		slot_finish(n, i, CK_NET_ERROR, "port %u out of range (1 to 65535)", j->port);
		return;
	}
	if (j->kind == CK_NET_UDP) {
		int tries = j->tries > 0 ? j->tries : 3;

		s->interval_ms = timeout / tries > 0 ? timeout / tries : 1;
	}
	if (ck_is_ip_literal(s->host) && !(j->flags & (CK_NET_F_IPV4 | CK_NET_F_IPV6))) {
		if ((s->ai = literal_addrinfo(s->host, j->port, j->kind == CK_NET_UDP)) == NULL) {
			slot_finish(n, i, CK_NET_ERROR, "out of memory");
			return;
		}
		s->cur = s->ai->nodes;
		slot_connect(n, i);
		return;
	}
	{
		struct ares_addrinfo_hints h;
		char port[8];

		memset(&h, 0, sizeof(h));
		h.ai_family = (j->flags & CK_NET_F_IPV4) && !(j->flags & CK_NET_F_IPV6) ? AF_INET :
		    (j->flags & CK_NET_F_IPV6) && !(j->flags & CK_NET_F_IPV4) ? AF_INET6 :
		    AF_UNSPEC;
		h.ai_socktype = j->kind == CK_NET_UDP ? SOCK_DGRAM : SOCK_STREAM;
		if (ck_is_ip_literal(s->host))
			h.ai_flags = ARES_AI_NUMERICHOST;
		h.ai_flags |= ARES_AI_NOSORT;
		snprintf(port, sizeof(port), "%u", j->port);
		if ((c = get_chan(n, j->dns_server, 2000, 2, &err)) == NULL) {
			slot_finish(n, i, CK_NET_ERROR, "%s", err.msg);
			return;
		}
		if ((q = malloc(sizeof(*q))) == NULL) {
			slot_finish(n, i, CK_NET_ERROR, "out of memory");
			return;
		}
		*q = (struct areq){ n, i, s->gen };
		/* May call resolved() before returning (literals, /etc/hosts). */
		ares_getaddrinfo(c->ch, s->host, port, &h, resolved, q);
	}
}

/* A slot whose wake time has come: UDP resend, or its deadline. */
static void
slot_wake(struct ck_net *n, size_t i, long long now)
{
	struct slot *s = &n->slots[i];
	struct entry *e = s->e;
	long t = s->timeout_ms;

	if (now < s->deadline) {
		if (e->job.kind == CK_NET_UDP && e->res.stage == CK_NET_STAGE_RECV) {
			int tries = e->job.tries > 0 ? e->job.tries : 3;

			if (e->res.tries < tries)
				udp_send(n, i);
			else
				set_wake(n, s, s->deadline);
		} else {
			set_wake(n, s, s->deadline);
		}
		return;
	}
	if (e->job.kind == CK_NET_DNS)
		e->res.dns.status = CK_DNS_TIMEOUT;
	switch (e->res.stage) {
	case CK_NET_STAGE_RESOLVE:
		slot_finish(n, i, e->job.kind == CK_NET_DNS ? CK_NET_TIMEOUT : CK_NET_UNRESOLVED,
		    "timed out after %ld ms resolving the name", t);
		break;
	case CK_NET_STAGE_CONNECT:
		slot_finish(n, i, CK_NET_TIMEOUT, "timed out after %ld ms connecting", t);
		break;
	case CK_NET_STAGE_TLS:
		slot_finish(n, i, CK_NET_TIMEOUT,
		    "timed out after %ld ms waiting for the tls handshake", t);
		break;
	case CK_NET_STAGE_SEND:
		slot_finish(n, i, CK_NET_TIMEOUT, "timed out after %ld ms sending", t);
		break;
	default:
		slot_finish(n, i, CK_NET_TIMEOUT, "timed out after %ld ms waiting for the reply",
		    t);
		break;
	}
}

static void
scan(struct ck_net *n, long long now)
{
	long long next = now + 60000;

	for (long k = 0; k < n->o.concurrency; k++) {
		struct slot *s = &n->slots[k];

		if (!s->busy)
			continue;
		if (s->wake <= now)
			slot_wake(n, (size_t)k, now);
		if (s->busy && s->wake < next)
			next = s->wake;
	}
	n->next_scan = next;
}

/* Delivers whatever is ready; -1 when the consumer asked to stop. */
static int
deliver(struct ck_net *n, ck_net_done_fn done, void *arg)
{
	struct entry *e;
	int rc;

	if (n->o.unordered) {
		while ((e = n->ready_first) != NULL) {
			n->ready_first = e->next_ready;
			if (n->ready_first == NULL)
				n->ready_last = NULL;
			rc = done(arg, &e->job, &e->res);
			entry_free(e);
			n->head++;
			if (rc != 0)
				return -1;
		}
		return 0;
	}
	while (n->head < n->next_index &&
	    (e = n->ring[n->head % n->window]) != NULL && e->ready) {
		n->ring[n->head % n->window] = NULL;
		n->head++;
		rc = done(arg, &e->job, &e->res);
		entry_free(e);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Ends every running job without delivering it (the consumer stopped). */
static void
abandon(struct ck_net *n)
{
	for (long k = 0; k < n->o.concurrency; k++) {
		struct slot *s = &n->slots[k];

		if (s->busy)
			slot_finish(n, (size_t)k, CK_NET_CANCELLED, "cancelled");
	}
	for (size_t k = 0; n->ring != NULL && k < n->window; k++) {
		entry_free(n->ring[k]);
		n->ring[k] = NULL;
	}
	while (n->ready_first != NULL) {
		struct entry *e = n->ready_first;

		n->ready_first = e->next_ready;
		entry_free(e);
	}
	n->ready_last = NULL;
}

static void
process_ares(struct ck_net *n)
{
	for (size_t k = 0; k < n->nchans; k++)
		ares_process_fd(n->chans[k].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
}

static long long
ares_next(struct ck_net *n, long long now, long long t)
{
	for (size_t k = 0; k < n->nchans; k++) {
		struct timeval max = { 60, 0 }, tv, *r;

		r = ares_timeout(n->chans[k].ch, &max, &tv);
		if (r != NULL) {
			long long at = now + r->tv_sec * 1000 + r->tv_usec / 1000 + 1;

			if (at < t)
				t = at;
		}
	}
	return t;
}

int
ck_net_run(struct ck_net *n, ck_net_next_fn next, ck_net_done_fn done, void *arg,
    struct ck_err *err)
{
	struct epoll_event evs[256];
	struct ck_sigpipe sp;
	long long now, overall;
	int eof = 0, rv = -1, late = 0;

	/*
	 * A job that times out holds back delivery of everything after it; the
	 * jobs behind it should keep the slots busy meanwhile, so the default
	 * window is wide: 16 x concurrency (10% silent endpoints at a 3 s
	 * timeout, --jobs 256: 4 x read 10 000 endpoints in 62 s, 16 x in 34 s),
	 * at most 32768 finished results held (a few KiB each).
	 */
	n->window = n->o.window > 0 ? n->o.window : (size_t)n->o.concurrency * 16;
	if (n->o.window == 0 && n->window > 32768)
		n->window = 32768;
	if (n->window < (size_t)n->o.concurrency)
		n->window = (size_t)n->o.concurrency;
	if (!n->o.unordered && (n->ring = calloc(n->window, sizeof(*n->ring))) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	n->head = n->next_index = n->inflight = 0;
	n->ready_first = n->ready_last = NULL;
	ck_sigpipe_block(&sp);
	now = ck_mono_ms();
	overall = n->o.deadline_ms > 0 ? now + n->o.deadline_ms : 0;
	n->next_scan = now + 60000;
	for (;;) {
		int later = 0;

		/* Start jobs while there is a slot and room in the window. */
		while (!eof && n->nfree > 0 &&
		    (n->o.unordered || n->next_index < n->head + n->window)) {
			struct ck_net_job job;
			struct entry *e;
			int rc;

			memset(&job, 0, sizeof(job));
			rc = next(arg, n->next_index, &job);
			if (rc == CK_NET_NEXT_LATER) {
				later = 1;
				break;
			}
			if (rc <= 0) {
				eof = 1;
				break;
			}
			if ((e = entry_new(&job, n->next_index)) == NULL) {
				ck_err_set(err, CK_E_NOMEM, "out of memory");
				abandon(n);
				goto out;
			}
			if (!n->o.unordered)
				n->ring[n->next_index % n->window] = e;
			n->next_index++;
			if (late) {
				e->res.status = CK_NET_CANCELLED;
				snprintf(e->res.msg, sizeof(e->res.msg),
				    "not started before the overall deadline");
				entry_ready(n, e);
				continue;
			}
			slot_start(n, n->free_slots[--n->nfree], e);
		}
		handoff_run(n);
		if (deliver(n, done, arg) != 0) {
			ck_err_set(err, CK_E_USAGE, "stopped by the caller");
			abandon(n);
			goto out;
		}
		if (eof && n->inflight == 0 && n->head == n->next_index)
			break;
		if (n->inflight == 0 && !later)
			continue;	/* window full of ready entries: deliver, refill */
		now = ck_mono_ms();
		{
			long long t = ares_next(n, now, n->next_scan);
			int nev, timeout;

			if (overall && overall < t)
				t = overall;
			if (later && now + CK_NET_LATER_MS < t)
				t = now + CK_NET_LATER_MS;
			timeout = t <= now ? 0 : (int)(t - now);
			nev = epoll_wait(n->ep, evs, 256, timeout);
			if (nev < 0 && errno != EINTR) {
				ck_err_set(err, CK_E_NET, "epoll_wait: %s", strerror(errno));
				abandon(n);
				goto out;
			}
			for (int k = 0; k < nev; k++) {
				uint64_t d = evs[k].data.u64;
				unsigned id = (unsigned)(d & 0xffffffffu);

				if (d >> 56 == EV_ARES) {
					struct chan *c = id < n->fd_chan_cap ? n->fd_chan[id] : NULL;

					if (c != NULL)
						ares_process_fd(c->ch,
						    evs[k].events & (EPOLLIN | EPOLLERR | EPOLLHUP) ?
						    (ares_socket_t)id : ARES_SOCKET_BAD,
						    evs[k].events & EPOLLOUT ? (ares_socket_t)id :
						    ARES_SOCKET_BAD);
				} else if (id < (unsigned)n->o.concurrency &&
				    ((d >> 32) & 0xffffffu) == (n->slots[id].conn & 0xffffffu)) {
					slot_event(n, id, evs[k].events);
				}
			}
		}
		process_ares(n);
		now = ck_mono_ms();
		if (overall && now >= overall && !late) {
			late = 1;
			for (long k = 0; k < n->o.concurrency; k++)
				if (n->slots[k].busy)
					slot_finish(n, (size_t)k, CK_NET_CANCELLED,
					    "cancelled at the overall deadline");
		}
		if (now >= n->next_scan)
			scan(n, now);
		handoff_run(n);
	}
	rv = 0;
out:
	ck_sigpipe_restore(&sp);
	free(n->ring);
	n->ring = NULL;
	return rv;
}

struct array_run {
	const struct ck_net_job *jobs;
	size_t njobs;
	struct ck_net_result *results;
};

static int
array_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct array_run *a = arg;

	if (index >= a->njobs)
		return 0;
	*job = a->jobs[index];
	return 1;
}

static int
array_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct array_run *a = arg;

	(void)job;
	a->results[res->index] = *res;
	/* The result's buffers now belong to the caller's copy. */
	memset(&res->chain, 0, sizeof(res->chain));
	res->reply = NULL;
	res->reply_len = 0;
	return 0;
}

int
ck_net_run_array(struct ck_net *n, const struct ck_net_job *jobs, size_t njobs,
    struct ck_net_result *results, struct ck_err *err)
{
	struct array_run a = { jobs, njobs, results };

	memset(results, 0, njobs * sizeof(*results));
	return ck_net_run(n, array_next, array_done, &a, err);
}

int
ck_dns_query(const char *name, enum ck_dns_type type, const char *server,
    long timeout_ms, struct ck_dns_answer *ans, struct ck_err *err)
{
	struct ck_net_opts o;
	struct ck_net_job job;
	struct ck_net_result res;
	struct ck_net *n;
	int rv;

	ck_net_opts_init(&o);
	o.concurrency = 1;
	if ((n = ck_net_new(&o, err)) == NULL)
		return -1;
	memset(&job, 0, sizeof(job));
	job.kind = CK_NET_DNS;
	job.host = name;
	job.dns_type = type;
	job.dns_server = server;
	job.timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	rv = ck_net_run_array(n, &job, 1, &res, err);
	if (rv == 0) {
		*ans = res.dns;
		if (res.status == CK_NET_ERROR && res.dns.status == CK_DNS_ERROR)
			rv = ck_err_set(err, CK_E_USAGE, "%s", res.msg);
	}
	ck_net_result_release(&res);
	ck_net_free(n);
	return rv;
}
