/*
 * ck_net: the event-driven network engine.  Many small exchanges with many
 * endpoints at once, in one thread: non-blocking sockets on epoll, OpenSSL
 * in non-blocking mode, names resolved asynchronously by c-ares.  No thread
 * per connection.
 *
 * A job is one exchange with one endpoint:
 *
 *   TCP   resolve -> connect -> [TLS handshake] -> [send request] -> [read reply]
 *   UDP   resolve -> send datagram, wait for one reply, resend (tries) -> reply
 *   DNS   one query (A, AAAA or CNAME) to a chosen server or the system's
 *
 * Jobs are pulled from a producer callback as slots free up (at most
 * `concurrency` in flight) and results are handed to a consumer callback,
 * in input order by default.  Memory is bounded by the concurrency (and the
 * reorder window), never by the number of jobs: the producer may read its
 * jobs lazily from a stream of any length.
 *
 * Status of a finished job (struct ck_net_result):
 *
 *   CK_NET_OK          the whole exchange completed (for a bare TCP job:
 *                      the port is open)
 *   CK_NET_REFUSED     closed: the connect was answered by a RST (TCP), or
 *                      an ICMP port unreachable came back (UDP)
 *   CK_NET_TIMEOUT     no answer before the job's deadline.  `stage` says
 *                      where: CK_NET_STAGE_CONNECT = filtered (nothing
 *                      answered the SYN); a later stage = the port is open
 *                      but the peer went silent (`connected` is 1)
 *   CK_NET_UNRESOLVED  the name does not resolve (NXDOMAIN, no address, or
 *                      the resolver timed out/failed: `msg` says which)
 *   CK_NET_UNREACHABLE host or network unreachable (ICMP, no route)
 *   CK_NET_RESET       connected, then the peer reset or closed before the
 *                      exchange completed (mid-handshake, mid-reply)
 *   CK_NET_TLS         the TLS handshake failed (alert, protocol error,
 *                      certificate verification when asked): `msg` has the
 *                      reason, `verify_result` the X509_V_ERR code
 *   CK_NET_LIMIT       the reply exceeded max_reply (the bytes read so far
 *                      are in `reply`)
 *   CK_NET_CANCELLED   the engine's overall deadline passed before the job
 *                      finished, or it never started
 *   CK_NET_ERROR       a local failure (bad host syntax, socket(), memory)
 *
 * A DNS job's outcome is in result.dns (enum ck_dns_status); its `status`
 * is CK_NET_OK whenever the query got an answer of any kind (NXDOMAIN
 * included), CK_NET_TIMEOUT when the server did not answer.
 *
 * Threads: one engine belongs to one thread; ck_net_run runs the event loop
 * in the calling thread and calls the callbacks from it.  Engines in
 * different threads share nothing.  SIGPIPE is never raised (MSG_NOSIGNAL /
 * SO_NOSIGPIPE style sends; OpenSSL is given its own BIO that sends with
 * MSG_NOSIGNAL).
 *
 * File descriptors: a TCP job uses one fd, so `concurrency` fds plus a few
 * are needed; ck_net_new raises RLIMIT_NOFILE's soft limit towards the hard
 * limit when concurrency needs it, and lowers the concurrency (reported in
 * ck_net_concurrency()) when the hard limit does not allow it.
 */
#ifndef CK_NET_H
#define CK_NET_H

#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "ck_err.h"
#include "ck_fetch.h"	/* struct ck_blobs, struct ck_fetch_opts */
#include "ck_url.h"	/* CK_URL_HOST_MAX */

/*
 * Jobs in flight by default: every tool that reads many endpoints (cert-read
 * tls:// and http(s)://, cert-amt discover, cert-prereq's ports) uses this
 * one value for its --jobs default.  A silent peer holds its slot for the
 * whole timeout: 10 000 endpoints, 10% silent, --timeout 3 need about
 * 1 000 x 3 s / concurrency of waiting alone (256: 12 s; 1024: 3 s).
 */
#define CK_NET_CONCURRENCY_MAX 10000
#define CK_NET_CONCURRENCY_DEFAULT 1024
/*
 * At most this many connections at once to one address:port (the address
 * a name resolved to, so two names of one server share it); the jobs
 * beyond wait in order, their deadline stopped while they wait.  A high
 * concurrency then spreads over many servers and does not hammer one
 * (nginx's default worker_connections is 512 for everything it serves).
 */
#define CK_NET_PER_PEER_DEFAULT 64
/*
 * Descriptors an engine keeps beside its jobs' sockets (stdio, epoll,
 * resolver sockets, files), and the most engines one process runs at once
 * (cert-read: one per CPU, at most this many).
 */
#define CK_NET_FD_RESERVE 64
#define CK_NET_ENGINES_MAX 4
/* The default as text, for option descriptions: "1024". */
#define CK_NET_STR_(x) #x
#define CK_NET_STR(x) CK_NET_STR_(x)
#define CK_NET_CONCURRENCY_DEFAULT_STR CK_NET_STR(CK_NET_CONCURRENCY_DEFAULT)
#define CK_NET_TIMEOUT_MS_DEFAULT 10000
#define CK_NET_REPLY_MAX_DEFAULT (1024u * 1024)

enum ck_net_kind {
	CK_NET_TCP = 0,
	CK_NET_UDP,
	CK_NET_DNS
};

/* Job flags. */
enum ck_net_flags {
	CK_NET_F_TLS = 1u << 0,		/* TLS handshake after the connect */
	CK_NET_F_VERIFY = 1u << 1,	/* verify the peer chain and host name
					 * (cacert, else the system store); without
					 * it the handshake accepts any chain, TLS
					 * 1.0-1.3 at security level 0 (ingest is
					 * not validation: old AMT firmware) */
	CK_NET_F_TLS_LEGACY_RETRY = 1u << 2, /* if the handshake fails (alert,
					 * reset or close, not a timeout), retry once
					 * with TLS 1.0 and RSA key exchange suites
					 * only (old AMT firmware); result.tls_legacy
					 * says the retry was used */
	CK_NET_F_TLS_LEGACY = 1u << 3,	/* TLS 1.0 and RSA key exchange from the start */
	CK_NET_F_IPV4 = 1u << 4,	/* resolve to IPv4 only */
	CK_NET_F_IPV6 = 1u << 5,	/* resolve to IPv6 only (both = either) */
	CK_NET_F_READ_EOF = 1u << 6	/* read the reply until the peer closes
					 * (default: until reply_done says so, or
					 * EOF, or max_reply) */
};

/*
 * Decides whether a reply is complete: returns 1 when buf[0..len) holds a
 * whole reply, 0 to read on.  Called after every read.
 */
typedef int (*ck_net_reply_done_fn)(const unsigned char *buf, size_t len);

/*
 * A whole HTTP/1.x response: the header block, then Content-Length bytes,
 * or a chunked body up to its last chunk, or (neither) EOF.  Use
 * ck_net_http_head_done to stop after the header block (e.g. to read the
 * Server header only).
 */
int ck_net_http_done(const unsigned char *buf, size_t len);
int ck_net_http_head_done(const unsigned char *buf, size_t len);

/*
 * Parses a whole HTTP/1.x response (as read with ck_net_http_done): *status
 * from the status line (0 when there is none), *body into buf, a chunked
 * body decoded in place (RFC 9112 section 7.1).  Returns 0, or -1 when the
 * response is not HTTP, its head is incomplete, or its body is shorter than
 * announced or malformed (*status is still set when the status line was read).
 */
int ck_net_http_parse(unsigned char *buf, size_t len, int *status, unsigned char **body,
    size_t *body_len);

enum ck_dns_type {
	CK_DNS_A = 1,
	CK_DNS_CNAME = 5,
	CK_DNS_AAAA = 28
};

/*
 * One job.  The engine copies host, port-independent strings and the
 * request when the job is taken, so the producer may reuse its buffers
 * right after returning; `user` is handed back untouched in the result.
 */
struct ck_net_job {
	enum ck_net_kind kind;
	unsigned flags;			/* enum ck_net_flags */
	const char *host;		/* name, IPv4 or IPv6 literal ([brackets] allowed);
					 * for DNS: the name to query */
	unsigned port;			/* 1-65535 (TCP, UDP) */
	const char *sni;		/* TLS server name; NULL = host when it is a name,
					 * none for an address literal */
	const char *cacert;		/* PEM trust anchors for CK_NET_F_VERIFY, NULL = system */
	const unsigned char *request;	/* sent after connect/handshake (TCP) or as the
					 * datagram (UDP); NULL/0 = send nothing */
	size_t request_len;
	size_t max_reply;		/* TCP: read a reply of at most this many bytes
					 * (0 = read nothing: the job is done once
					 * connected/handshaken and the request sent);
					 * UDP: the datagram buffer (0 = 64 KiB) */
	ck_net_reply_done_fn reply_done; /* NULL = until EOF or max_reply */
	long timeout_ms;		/* per-job deadline from its start, all stages
					 * but the wait for the per-server cap
					 * (0 = the engine's default) */
	int tries;			/* UDP: datagrams sent at most (0 = 3), evenly
					 * spaced within timeout_ms; DNS: attempts */
	enum ck_dns_type dns_type;	/* DNS: the record type asked for */
	const char *dns_server;		/* DNS (and name resolution of TCP/UDP jobs when
					 * set): "addr", "addr:port", "[v6]:port";
					 * NULL = the system's (/etc/resolv.conf, and
					 * /etc/hosts for TCP/UDP names) */
	void *user;
};

enum ck_net_status {
	CK_NET_OK = 0,
	CK_NET_REFUSED,
	CK_NET_TIMEOUT,
	CK_NET_UNRESOLVED,
	CK_NET_UNREACHABLE,
	CK_NET_RESET,
	CK_NET_TLS,
	CK_NET_LIMIT,
	CK_NET_CANCELLED,
	CK_NET_ERROR
};

/* The last stage a job entered (where it ended, for a failure). */
enum ck_net_stage {
	CK_NET_STAGE_QUEUED = 0,
	CK_NET_STAGE_RESOLVE,
	CK_NET_STAGE_CONNECT,
	CK_NET_STAGE_TLS,
	CK_NET_STAGE_SEND,
	CK_NET_STAGE_RECV,
	CK_NET_STAGE_DONE
};

enum ck_dns_status {
	CK_DNS_OK = 0,		/* records of the asked type (after any CNAMEs) */
	CK_DNS_NXDOMAIN,	/* the name does not exist (RCODE 3) */
	CK_DNS_NODATA,		/* the name exists, no record of that type */
	CK_DNS_WRONG_TYPE,	/* the answer holds records, none of the asked
				 * type nor a CNAME leading to it */
	CK_DNS_TIMEOUT,		/* no answer from the server within timeout_ms */
	CK_DNS_TRUNCATED,	/* the UDP answer had TC set (records parsed so
				 * far are kept; no TCP retry) */
	CK_DNS_MALFORMED,	/* the answer could not be parsed */
	CK_DNS_SERVFAIL,	/* SERVFAIL, REFUSED or another error RCODE (rcode) */
	CK_DNS_REFUSED_CONN,	/* the server's port answered ICMP unreachable */
	CK_DNS_ERROR		/* local failure (bad name, bad server address) */
};

#define CK_DNS_MAX_RECORDS 32
#define CK_DNS_NAME_MAX 256

struct ck_dns_answer {
	enum ck_dns_status status;
	int rcode;			/* DNS RCODE of the answer, -1 without one */
	size_t ncname;			/* the CNAME chain, in order: query -> ... */
	char cname[8][CK_DNS_NAME_MAX];	/* cname[i] is the target of link i */
	size_t naddr;			/* A/AAAA records of the final name */
	char addr[CK_DNS_MAX_RECORDS][INET6_ADDRSTRLEN];
	unsigned ttl;			/* smallest TTL among the records */
};

/*
 * The outcome of one job.  Owned by the engine; valid during the done
 * callback only.  The callback may take `chain` (ck_blobs_release it later)
 * or `reply` (free it later) by copying the pointer and zeroing the field.
 */
struct ck_net_result {
	size_t index;			/* 0-based position of the job in input order */
	enum ck_net_status status;
	enum ck_net_stage stage;
	int connected;			/* 1: a TCP connection was established */
	char msg[256];			/* reason for a failure, "" on success;
					 * lower case, without the endpoint */
	struct sockaddr_storage addr;	/* the address connected to (or last tried) */
	socklen_t addrlen;		/* 0 when no address was reached */
	/* TLS */
	struct ck_blobs chain;		/* presented chain, DER, in the order sent */
	char tls_version[16];		/* "TLSv1.2", "" without TLS */
	char tls_cipher[64];
	int tls_legacy;			/* 1: the TLS 1.0/RSA retry was used */
	long verify_result;		/* X509_V_OK or the verification error */
	/* request/reply */
	unsigned char *reply;		/* bytes read, NUL-terminated (not counted) */
	size_t reply_len;
	int tries;			/* UDP: datagrams sent */
	long elapsed_ms;		/* from the job's start to its end */
	struct ck_dns_answer dns;	/* DNS jobs */
};

struct ck_net_opts {
	long concurrency;	/* jobs in flight, 1..CK_NET_CONCURRENCY_MAX (0 = default) */
	long timeout_ms;	/* default per-job deadline (0 = CK_NET_TIMEOUT_MS_DEFAULT) */
	long per_peer;		/* connections at once to one address:port
				 * (0 = CK_NET_PER_PEER_DEFAULT, < 0 = no cap) */
	long deadline_ms;	/* overall deadline of ck_net_run from its start
				 * (0 = none); unfinished jobs end CK_NET_CANCELLED */
	int unordered;		/* 1: deliver results as they finish (with their
				 * index); 0 (default): in input order */
	size_t window;		/* ordered delivery: at most this many jobs between
				 * the oldest undelivered and the newest started
				 * (0 = 16 x concurrency,
				 * at most 32768) */
};

void ck_net_opts_init(struct ck_net_opts *o);

/*
 * Producer: fills *job with the next job and returns 1, 0 when there are no
 * more, -1 to stop (jobs in flight still finish and are delivered), or
 * CK_NET_NEXT_LATER when it has a job but wants it started later (a
 * consumer that throttles, e.g. several engines merged into one ordered
 * output): it is asked again for the same index within a few milliseconds,
 * while the jobs in flight go on.  index is the position the job will have.
 */
#define CK_NET_NEXT_LATER 2
typedef int (*ck_net_next_fn)(void *arg, size_t index, struct ck_net_job *job);

/*
 * Consumer: one call per job, with the job as given (its pointers are the
 * engine's copies) and its result.  Return 0 to go on, -1 to stop early
 * (jobs in flight are cancelled and not delivered).
 */
typedef int (*ck_net_done_fn)(void *arg, const struct ck_net_job *job,
    struct ck_net_result *res);

struct ck_net;

/*
 * A new engine (o may be NULL for the defaults).  NULL with err set when
 * epoll or c-ares cannot be set up.  Free with ck_net_free.
 */
struct ck_net *ck_net_new(const struct ck_net_opts *o, struct ck_err *err);
void ck_net_free(struct ck_net *n);

/* The concurrency in effect (after any lowering to the fd limit). */
long ck_net_concurrency(const struct ck_net *n);

/*
 * Runs jobs from next() until it returns 0 (or -1) and all jobs are
 * delivered to done().  Returns 0, or -1 with err set when the engine
 * itself failed (epoll) or a callback asked to stop.  Failures of single
 * jobs are never an error here: they are results.  May be called again.
 */
int ck_net_run(struct ck_net *n, ck_net_next_fn next, ck_net_done_fn done,
    void *arg, struct ck_err *err);

/*
 * Convenience: runs jobs[0..njobs) and fills results[0..njobs) (caller's
 * array; release each with ck_net_result_release).  Memory is then the
 * caller's arrays: use ck_net_run for unbounded input.
 */
int ck_net_run_array(struct ck_net *n, const struct ck_net_job *jobs, size_t njobs,
    struct ck_net_result *results, struct ck_err *err);

/* Frees what a result owns (chain, reply) and zeroes it.  NULL-safe. */
void ck_net_result_release(struct ck_net_result *r);

/* "ok", "refused", "timeout", ... (stable, for records and messages). */
const char *ck_net_status_name(enum ck_net_status s);
const char *ck_net_stage_name(enum ck_net_stage s);
const char *ck_dns_status_name(enum ck_dns_status s);

/*
 * One DNS query, synchronously (its own short-lived engine): name, type,
 * server as in struct ck_net_job (NULL = system), timeout_ms (0 = 5000).
 * Returns 0 with *ans filled (ans->status says what came back; NXDOMAIN is
 * not an error here), -1 with err set on a local failure only.
 */
int ck_dns_query(const char *name, enum ck_dns_type type, const char *server,
    long timeout_ms, struct ck_dns_answer *ans, struct ck_err *err);

/*
 * HTTP(S) GETs through the engine with ck_http's rules (ck_fetch.h):
 * ck_net_http_job fills *job for url (verification unless o->insecure,
 * o->cacert, o->timeout_ms, a reply cap of o->max_bytes plus the head);
 * its strings live in *h until the next call or ck_net_http_req_release.
 * Returns -1 for a URL the engine does not read as libcurl would (bad
 * syntax, characters libcurl refuses or re-encodes, extra headers or
 * authentication): read it with ck_http.  ck_net_http_reply turns the
 * job's result into ck_http's outcome: 0 with *body (inside res->reply,
 * NUL-terminated) and *len, 1 for a redirect libcurl would follow (3xx
 * with a Location: go on with ck_http_follow(url, ck_net_http_location)),
 * -1 with err set in ck_http's words.  A 3xx without a Location is an
 * answer like any other, as for libcurl.
 */
struct ck_net_http_req {
	char host[CK_URL_HOST_MAX];
	char *req;
	size_t cap;
};
int ck_net_http_job(struct ck_net_http_req *h, const char *url, const struct ck_fetch_opts *o,
    struct ck_net_job *job);
/*
 * The same for a POST of body[0..body_len) (at most 1 MiB) with
 * content_type (NULL: no Content-Type header), as ck_http(url, body, ...)
 * sends it; body == NULL is ck_net_http_job's GET.
 */
int ck_net_http_post_job(struct ck_net_http_req *h, const char *url, const unsigned char *body,
    size_t body_len, const char *content_type, const struct ck_fetch_opts *o,
    struct ck_net_job *job);
int ck_net_http_reply(const struct ck_net_job *job, struct ck_net_result *res,
    const struct ck_fetch_opts *o, unsigned char **body, size_t *len, struct ck_err *err);
void ck_net_http_req_release(struct ck_net_http_req *h);
/*
 * The Location of a redirect the job received (a 3xx reply with a non-empty
 * Location header, the first one, as libcurl takes it), malloc'd; NULL when
 * the reply is no such redirect (or out of memory).
 */
char *ck_net_http_location(const struct ck_net_result *res);

/*
 * Raises RLIMIT_NOFILE's soft limit to at least want (capped at the hard
 * limit).  Returns the soft limit now in effect.
 */
long ck_net_raise_nofile(long want);

/*
 * The jobs in flight the open file limit allows, for a tool's --jobs (or
 * its default) before it starts its engines: raises the soft limit towards
 * the hard one for want sockets plus the engines' reserve, and returns
 * want, or less (at least 16) with *why saying so in a sentence for the
 * tool to print once ("at most 960 connections at once, not 1024: ...").
 */
long ck_net_jobs_fit(long want, struct ck_err *why);

#endif /* CK_NET_H */
