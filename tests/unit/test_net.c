/*
 * Unit tests of the ck_net engine against real peers on loopback: sockets
 * this test opens itself (a closed port, a listener that never answers, a
 * peer that resets mid-handshake, a peer that drips its reply, a UDP echo)
 * and a real `openssl s_server` for TLS handshakes.  No internet: name
 * resolution failures are made against a DNS port on loopback that is
 * closed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ck_net.h"

static unsigned unordered_silent_port;

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* A listening (or bound UDP) socket on loopback; *port gets its port. */
static int
listener(int family, int type, int backlog, unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(family, type | SOCK_CLOEXEC, 0), one = 1;

	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, len), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, backlog), 0);
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* A port with nothing listening (bound, then closed). */
static unsigned
closed_port(int family, int type)
{
	unsigned port;
	int fd = listener(family, type, 1, &port);

	close(fd);
	return port;
}

static void
test_http_done(void **state)
{
	static const struct {
		const char *text;
		int head, whole;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nServer: x", 0, 0 },
		{ "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n", 1, 0 },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nab", 1, 0 },
		{ "HTTP/1.1 200 OK\r\ncontent-length:  3 \r\n\r\nabc", 1, 1 },
		{ "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n", 1, 1 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", 1, 0 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 1, 1 },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n", 1, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const unsigned char *b = (const unsigned char *)cases[i].text;
		size_t len = strlen(cases[i].text);

		assert_int_equal(ck_net_http_head_done(b, len), cases[i].head);
		assert_int_equal(ck_net_http_done(b, len), cases[i].whole);
	}
}

static void
test_http_parse(void **state)
{
	static const struct {
		const char *text;
		int rc, status;
		const char *body;	/* NULL: not checked */
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef", 0, 200, "abc" },
		{ "HTTP/1.0 404 Not Found\r\n\r\nnope", 0, 404, "nope" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "3\r\nabc\r\nA;x=y\r\n0123456789\r\n0\r\n\r\n", 0, 200, "abc0123456789" },
		/* Shorter than announced, a chunk cut short, no head, not HTTP. */
		{ "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc", -1, 200, NULL },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc", -1, 200, NULL },
		{ "HTTP/1.1 302 Found\r\nLocation: /x", -1, 302, NULL },
		{ "SSH-2.0-OpenSSH_9.2\r\n\r\n", -1, 0, NULL },
		{ "HTTP/1.1 2x0 OK\r\n\r\n", -1, 0, NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *buf = strdup(cases[i].text);
		unsigned char *body;
		size_t blen;
		int status;

		assert_non_null(buf);
		assert_int_equal(ck_net_http_parse((unsigned char *)buf, strlen(buf), &status,
		    &body, &blen), cases[i].rc);
		assert_int_equal(status, cases[i].status);
		if (cases[i].body != NULL) {
			assert_int_equal(blen, strlen(cases[i].body));
			assert_memory_equal(body, cases[i].body, blen);
		}
		free(buf);
	}
}

/* A POST job's bytes, as ck_http sends them (method, headers, body). */
static void
test_http_post_job(void **state)
{
	static const unsigned char body[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct ck_fetch_opts o;
	struct ck_net_http_req h = { .req = NULL };
	struct ck_net_job job;
	static const char head[] = "POST /ocsp HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
	    "User-Agent: " CK_FETCH_USER_AGENT "\r\nAccept: */*\r\n"
	    "Content-Type: application/ocsp-request\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\n";

	(void)state;
	ck_fetch_opts_init(&o);
	assert_int_equal(ck_net_http_post_job(&h, "http://127.0.0.1:8080/ocsp", body,
	    sizeof(body), "application/ocsp-request", &o, &job), 0);
	assert_int_equal(job.request_len, sizeof(head) - 1 + sizeof(body));
	assert_memory_equal(job.request, head, sizeof(head) - 1);
	assert_memory_equal(job.request + sizeof(head) - 1, body, sizeof(body));
	assert_int_equal(job.port, 8080);
	/* A GET is the same without body headers; a header injection is refused. */
	assert_int_equal(ck_net_http_job(&h, "http://127.0.0.1:8080/x.crl", &o, &job), 0);
	assert_memory_equal(job.request, "GET /x.crl HTTP/1.1\r\n", 21);
	assert_null(strstr((const char *)job.request, "Content-Length"));
	assert_int_equal(ck_net_http_post_job(&h, "http://127.0.0.1/ocsp", body, sizeof(body),
	    "a/b\r\nX-Evil: 1", &o, &job), -1);
	ck_net_http_req_release(&h);
}

/* ck_net_http_reply's words for broken replies: libcurl's (ck_http's). */
static void
test_http_reply_words(void **state)
{
	static const struct {
		const char *reply;
		int rc;
		const char *msg;
	} cases[] = {
		{ "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789", -1,
		    "transfer closed with 90 bytes remaining to read" },
		{ "HTTP/1.1 200 OK\r\ncontent-length:  12\r\n\r\nabc", -1,
		    "transfer closed with 9 bytes remaining to read" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc", -1,
		    "transfer closed with outstanding read data remaining" },
		{ "hello\r\n", -1, "unsupported protocol (only http and https): "
		    "received HTTP/0.9 when not allowed" },
		{ "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", -1, "http status 404" },
		{ "HTTP/1.1 301 Moved\r\nLocation: /y\r\nContent-Length: 0\r\n\r\n", 1, "" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 0, "" },
	};
	struct ck_fetch_opts o;
	struct ck_net_job job = { .host = "127.0.0.1" };

	(void)state;
	ck_fetch_opts_init(&o);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ck_net_result res = { .status = CK_NET_OK };
		struct ck_err err = { 0 };
		unsigned char *body;
		size_t len;

		res.reply = (unsigned char *)strdup(cases[i].reply);
		assert_non_null(res.reply);
		res.reply_len = strlen(cases[i].reply);
		assert_int_equal(ck_net_http_reply(&job, &res, &o, &body, &len, &err), cases[i].rc);
		if (cases[i].rc < 0)
			assert_string_equal(err.msg, cases[i].msg);
		free(res.reply);
	}
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(ck_net_status_name(CK_NET_OK), "ok");
	assert_string_equal(ck_net_status_name(CK_NET_REFUSED), "refused");
	assert_string_equal(ck_net_status_name(CK_NET_TIMEOUT), "timeout");
	assert_string_equal(ck_net_status_name(CK_NET_ERROR), "error");
	assert_string_equal(ck_net_stage_name(CK_NET_STAGE_TLS), "tls");
	assert_string_equal(ck_dns_status_name(CK_DNS_NXDOMAIN), "nxdomain");
	assert_string_equal(ck_dns_status_name(CK_DNS_TRUNCATED), "truncated");
}

static struct ck_net *
engine(long conc, long timeout_ms)
{
	struct ck_net_opts o;
	struct ck_err err;
	struct ck_net *n;

	ck_net_opts_init(&o);
	o.concurrency = conc;
	o.timeout_ms = timeout_ms;
	n = ck_net_new(&o, &err);
	assert_non_null(n);
	return n;
}

/* Closed, silent, unresolvable, bad port and IPv6: one run, in input order. */
static void
test_tcp_outcomes(void **state)
{
	unsigned silent_port, silent6_port, dns_port;
	int silent = listener(AF_INET, SOCK_STREAM, 64, &silent_port);
	int silent6 = listener(AF_INET6, SOCK_STREAM, 64, &silent6_port);
	char dns[32];
	struct ck_net_job jobs[6];
	struct ck_net_result res[6];
	struct ck_net *n = engine(4, 300);
	struct ck_err err;

	(void)state;
	dns_port = closed_port(AF_INET, SOCK_DGRAM);
	snprintf(dns, sizeof(dns), "127.0.0.1:%u", dns_port);
	memset(jobs, 0, sizeof(jobs));
	jobs[0] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "127.0.0.1",
	    .port = closed_port(AF_INET, SOCK_STREAM) };
	jobs[1] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "127.0.0.1",
	    .port = silent_port, .flags = CK_NET_F_TLS };
	jobs[2] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "no-such-host.invalid",
	    .port = 443, .dns_server = dns };
	jobs[3] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "127.0.0.1", .port = 0 };
	jobs[4] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "[::1]",
	    .port = silent6_port };
	jobs[5] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "::1",
	    .port = closed_port(AF_INET6, SOCK_STREAM) };
	assert_int_equal(ck_net_run_array(n, jobs, 6, res, &err), 0);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(res[i].index, i);
	assert_int_equal(res[0].status, CK_NET_REFUSED);
	assert_int_equal(res[0].connected, 0);
	/* The kernel accepts for the silent listener: open, then no handshake. */
	assert_int_equal(res[1].status, CK_NET_TIMEOUT);
	assert_int_equal(res[1].stage, CK_NET_STAGE_TLS);
	assert_int_equal(res[1].connected, 1);
	assert_non_null(strstr(res[1].msg, "tls handshake"));
	assert_int_equal(res[2].status, CK_NET_UNRESOLVED);
	assert_int_equal(res[3].status, CK_NET_ERROR);
	assert_non_null(strstr(res[3].msg, "out of range"));
	/* A bare TCP job is done once connected: the port is open. */
	assert_int_equal(res[4].status, CK_NET_OK);
	assert_int_equal(res[4].connected, 1);
	assert_int_equal(res[4].addr.ss_family, AF_INET6);
	assert_int_equal(res[5].status, CK_NET_REFUSED);
	for (size_t i = 0; i < 6; i++)
		ck_net_result_release(&res[i]);
	ck_net_free(n);
	close(silent);
	close(silent6);
}

/* A UDP peer that echoes after dropping the first datagram: retries work. */
struct udp_peer {
	int fd;
	int drop;
	int seen;
};

static void *
udp_echo(void *arg)
{
	struct udp_peer *p = arg;
	unsigned char buf[512];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	struct pollfd pfd = { p->fd, POLLIN, 0 };

	while (poll(&pfd, 1, 3000) > 0) {
		ssize_t got = recvfrom(p->fd, buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &flen);

		if (got < 0)
			break;
		p->seen++;
		if (p->seen <= p->drop)
			continue;
		sendto(p->fd, buf, (size_t)got, 0, (struct sockaddr *)&from, flen);
		break;
	}
	return NULL;
}

static void
test_udp(void **state)
{
	struct udp_peer peer = { 0 };
	unsigned port, silent_port;
	int silent = listener(AF_INET, SOCK_DGRAM, 0, &silent_port);
	pthread_t t;
	struct ck_net_job jobs[3];
	struct ck_net_result res[3];
	struct ck_net *n = engine(8, 600);
	struct ck_err err;
	static const unsigned char ping[] = "ping";

	(void)state;
	peer.fd = listener(AF_INET, SOCK_DGRAM, 0, &port);
	peer.drop = 1;
	assert_int_equal(pthread_create(&t, NULL, udp_echo, &peer), 0);
	memset(jobs, 0, sizeof(jobs));
	jobs[0] = (struct ck_net_job){ .kind = CK_NET_UDP, .host = "127.0.0.1", .port = port,
	    .request = ping, .request_len = 4, .tries = 3 };
	jobs[1] = (struct ck_net_job){ .kind = CK_NET_UDP, .host = "127.0.0.1",
	    .port = closed_port(AF_INET, SOCK_DGRAM), .request = ping, .request_len = 4 };
	jobs[2] = (struct ck_net_job){ .kind = CK_NET_UDP, .host = "127.0.0.1",
	    .port = silent_port, .request = ping, .request_len = 4, .tries = 3 };
	assert_int_equal(ck_net_run_array(n, jobs, 3, res, &err), 0);
	pthread_join(t, NULL);
	assert_int_equal(res[0].status, CK_NET_OK);
	assert_int_equal(res[0].tries, 2);
	assert_int_equal(res[0].reply_len, 4);
	assert_memory_equal(res[0].reply, "ping", 4);
	assert_int_equal(res[1].status, CK_NET_REFUSED);
	assert_int_equal(res[2].status, CK_NET_TIMEOUT);
	assert_int_equal(res[2].tries, 3);
	for (size_t i = 0; i < 3; i++)
		ck_net_result_release(&res[i]);
	ck_net_free(n);
	close(peer.fd);
	close(silent);
}

/* The overall deadline cancels running jobs and those not yet started. */
static void
test_overall_deadline(void **state)
{
	unsigned port;
	int silent = listener(AF_INET, SOCK_STREAM, 64, &port);
	struct ck_net_opts o;
	struct ck_net_job jobs[3];
	struct ck_net_result res[3];
	struct ck_net *n;
	struct ck_err err;

	(void)state;
	ck_net_opts_init(&o);
	o.concurrency = 1;
	o.timeout_ms = 5000;
	o.deadline_ms = 300;
	n = ck_net_new(&o, &err);
	assert_non_null(n);
	for (size_t i = 0; i < 3; i++)
		jobs[i] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "127.0.0.1",
		    .port = port, .flags = CK_NET_F_TLS };
	assert_int_equal(ck_net_run_array(n, jobs, 3, res, &err), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(res[i].index, i);
		assert_int_equal(res[i].status, CK_NET_CANCELLED);
		ck_net_result_release(&res[i]);
	}
	/* The first was running (connected, in its handshake); the others never started. */
	assert_int_equal(res[0].connected, 1);
	assert_non_null(strstr(res[0].msg, "overall deadline"));
	assert_non_null(strstr(res[2].msg, "not started"));
	ck_net_free(n);
	close(silent);
}

/*
 * The per-server cap: 2 connections at once to the silent listener, the
 * others wait in order with their deadline stopped (each still reaches its
 * handshake and times out there after its own 200 ms); another port is
 * not held up.  Then the overall deadline cancels running and waiting jobs.
 */
static void
test_per_peer(void **state)
{
	unsigned port;
	int silent = listener(AF_INET, SOCK_STREAM, 64, &port);
	struct ck_net_opts o;
	struct ck_net_job jobs[7];
	struct ck_net_result res[7];
	struct ck_net *n;
	struct ck_err err;

	(void)state;
	ck_net_opts_init(&o);
	o.concurrency = 8;
	o.timeout_ms = 200;
	o.per_peer = 2;
	n = ck_net_new(&o, &err);
	assert_non_null(n);
	for (size_t i = 0; i < 7; i++)
		jobs[i] = (struct ck_net_job){ .kind = CK_NET_TCP, .host = "127.0.0.1",
		    .port = port, .flags = CK_NET_F_TLS };
	jobs[6].port = closed_port(AF_INET, SOCK_STREAM);
	jobs[6].flags = 0;
	assert_int_equal(ck_net_run_array(n, jobs, 7, res, &err), 0);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(res[i].index, i);
		assert_int_equal(res[i].status, CK_NET_TIMEOUT);
		assert_int_equal(res[i].stage, CK_NET_STAGE_TLS);
		assert_string_equal(res[i].msg,
		    "timed out after 200 ms waiting for the tls handshake");
		/* Two rounds of 200 ms before the third pair got its places. */
		if (i >= 4)
			assert_true(res[i].elapsed_ms >= 550);
	}
	assert_int_equal(res[6].status, CK_NET_REFUSED);
	assert_true(res[6].elapsed_ms < 150);
	for (size_t i = 0; i < 7; i++)
		ck_net_result_release(&res[i]);
	ck_net_free(n);

	o.per_peer = 1;
	o.timeout_ms = 5000;
	o.deadline_ms = 300;
	n = ck_net_new(&o, &err);
	assert_non_null(n);
	assert_int_equal(ck_net_run_array(n, jobs, 3, res, &err), 0);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(res[i].status, CK_NET_CANCELLED);
		ck_net_result_release(&res[i]);
	}
	assert_int_equal(res[0].connected, 1);
	assert_int_equal(res[1].connected, 0);	/* waited for its place */
	ck_net_free(n);
	close(silent);
}

/* Unordered delivery: a refused port first, the silent one after it. */
struct unordered_run {
	size_t order[2];
	size_t n;
};

static int
unordered_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct unordered_run *u = arg;

	(void)job;
	u->order[u->n++] = res->index;
	return 0;
}

static int
unordered_next(void *arg, size_t index, struct ck_net_job *job)
{
	(void)arg;
	if (index >= 2)
		return 0;
	job->kind = CK_NET_TCP;
	job->host = "127.0.0.1";
	job->flags = index == 0 ? CK_NET_F_TLS : 0;
	job->port = index == 0 ? unordered_silent_port : closed_port(AF_INET, SOCK_STREAM);
	return 1;
}

static void
test_unordered(void **state)
{
	int silent = listener(AF_INET, SOCK_STREAM, 64, &unordered_silent_port);
	struct unordered_run u = { { 0, 0 }, 0 };
	struct ck_net_opts o;
	struct ck_net *n;
	struct ck_err err;

	(void)state;
	ck_net_opts_init(&o);
	o.unordered = 1;
	o.timeout_ms = 300;
	n = ck_net_new(&o, &err);
	assert_non_null(n);
	assert_int_equal(ck_net_run(n, unordered_next, unordered_done, &u, &err), 0);
	assert_int_equal(u.n, 2);
	assert_int_equal(u.order[0], 1);	/* the refusal is known at once */
	assert_int_equal(u.order[1], 0);	/* the silent peer times out */
	ck_net_free(n);
	close(silent);
}

/* A producer that says "later" three times before its second job. */
struct later_run {
	unsigned port;
	int laters;
	size_t got[3];
	size_t ngot;
};

static int
later_next(void *arg, size_t index, struct ck_net_job *job)
{
	struct later_run *r = arg;

	if (index >= 3)
		return 0;
	if (index == 1 && r->laters < 3) {
		r->laters++;
		return CK_NET_NEXT_LATER;
	}
	job->kind = CK_NET_TCP;
	job->host = "127.0.0.1";
	job->port = r->port;
	return 1;
}

static int
later_done(void *arg, const struct ck_net_job *job, struct ck_net_result *res)
{
	struct later_run *r = arg;

	(void)job;
	assert_int_equal(res->status, CK_NET_REFUSED);
	r->got[r->ngot++] = res->index;
	return 0;
}

static void
test_next_later(void **state)
{
	struct later_run r = { 0 };
	struct ck_net *n = engine(4, 1000);
	struct ck_err err;

	(void)state;
	r.port = closed_port(AF_INET, SOCK_STREAM);
	assert_int_equal(ck_net_run(n, later_next, later_done, &r, &err), 0);
	assert_int_equal(r.laters, 3);
	assert_int_equal(r.ngot, 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(r.got[i], i);
	ck_net_free(n);
}

/* Resets every connection after reading its ClientHello; keeps their versions. */
struct reset_peer {
	int fd;
	int n;
	unsigned version[2];	/* client_version of each ClientHello */
};

static void *
reset_twice(void *arg)
{
	struct reset_peer *p = arg;
	struct linger l = { 1, 0 };

	while (p->n < 2) {
		unsigned char buf[64];
		struct pollfd pfd = { p->fd, POLLIN, 0 };
		ssize_t got;
		int c;

		if (poll(&pfd, 1, 5000) <= 0)
			break;
		if ((c = accept(p->fd, NULL, NULL)) < 0)
			break;
		got = recv(c, buf, sizeof(buf), MSG_WAITALL);
		/* record header (5), handshake header (4), then client_version */
		if (got >= 11)
			p->version[p->n] = (unsigned)buf[9] << 8 | buf[10];
		p->n++;
		setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(c);
	}
	return NULL;
}

/* A peer that resets the handshake: retried once with a TLS 1.0 ClientHello. */
static void
test_tls_legacy_retry(void **state)
{
	struct reset_peer peer = { 0 };
	unsigned port;
	pthread_t t;
	struct ck_net_job job;
	struct ck_net_result res;
	struct ck_net *n = engine(2, 3000);
	struct ck_err err;

	(void)state;
	peer.fd = listener(AF_INET, SOCK_STREAM, 8, &port);
	assert_int_equal(pthread_create(&t, NULL, reset_twice, &peer), 0);
	memset(&job, 0, sizeof(job));
	job.kind = CK_NET_TCP;
	job.host = "127.0.0.1";
	job.port = port;
	job.flags = CK_NET_F_TLS | CK_NET_F_TLS_LEGACY_RETRY;
	assert_int_equal(ck_net_run_array(n, &job, 1, &res, &err), 0);
	pthread_join(t, NULL);
	assert_int_equal(peer.n, 2);
	assert_int_equal(res.status, CK_NET_RESET);
	assert_int_equal(res.stage, CK_NET_STAGE_TLS);
	assert_int_equal(res.tls_legacy, 1);
	assert_int_equal(peer.version[0], 0x0303);	/* TLS 1.2/1.3 hello */
	assert_int_equal(peer.version[1], 0x0301);	/* TLS 1.0 */
	assert_non_null(strstr(res.msg, "tls handshake failed"));
	ck_net_result_release(&res);
	ck_net_free(n);
	close(peer.fd);
}

/*
 * A fake DNS peer for the two answers no real server sends on purpose: one
 * with TC set, one whose answer record is cut short.  It echoes the query's
 * id and question (so the resolver accepts the packet) and sets the rest.
 */
struct dns_peer {
	int fd;
	int mode;	/* 0 truncated, 1 malformed */
};

static void *
dns_fake(void *arg)
{
	struct dns_peer *p = arg;
	unsigned char buf[512];
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	struct pollfd pfd = { p->fd, POLLIN, 0 };
	ssize_t got;

	if (poll(&pfd, 1, 5000) <= 0)
		return NULL;
	got = recvfrom(p->fd, buf, sizeof(buf) - 16, 0, (struct sockaddr *)&from, &flen);
	if (got < 12)
		return NULL;
	/* Drop an EDNS OPT record the query may carry: arcount 0, cut after the question. */
	{
		size_t q = 12;

		while (q < (size_t)got && buf[q] != 0)
			q += (size_t)buf[q] + 1;
		got = (ssize_t)(q + 5);
	}
	buf[2] = 0x81 | (p->mode == 0 ? 0x02 : 0);	/* QR, RD, TC for mode 0 */
	buf[3] = 0x80;					/* RA, NOERROR */
	buf[10] = buf[11] = 0;
	if (p->mode == 1) {
		static const unsigned char cut[] = { 0xc0, 0x0c, 0x00, 0x01, 0x00 };

		buf[7] = 1;	/* one answer, which ends after its type */
		memcpy(buf + got, cut, sizeof(cut));
		got += (ssize_t)sizeof(cut);
	}
	sendto(p->fd, buf, (size_t)got, 0, (struct sockaddr *)&from, flen);
	return NULL;
}

/* dnsmasq on loopback: an A behind a CNAME, NXDOMAIN, NODATA, AAAA. */
static void
test_dns(void **state)
{
	struct dns_peer tc = { 0 }, bad = { 0 };
	unsigned dport, tcport, badport, silent_port;
	int silent = listener(AF_INET, SOCK_DGRAM, 0, &silent_port);
	char server[32], tcserver[32], badserver[32], silentserver[32], portarg[32];
	struct ck_dns_answer a;
	struct ck_err err;
	pthread_t t1, t2;
	pid_t pid;
	int fd;

	(void)state;
	if (access("/usr/sbin/dnsmasq", X_OK) != 0) {
		fprintf(stderr, "test_dns: skipped (dnsmasq not installed; tests/deps.sh)\n");
		close(silent);
		return;
	}
	/* dnsmasq listens on TCP and UDP: a port free for both. */
	for (;;) {
		struct sockaddr_in sin;
		int u;

		fd = listener(AF_INET, SOCK_STREAM, 1, &dport);
		u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)dport);
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(u, (struct sockaddr *)&sin, sizeof(sin)) == 0) {
			close(u);
			close(fd);
			break;
		}
		close(u);
		close(fd);
	}
	snprintf(portarg, sizeof(portarg), "--port=%u", dport);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/usr/sbin/dnsmasq", "dnsmasq", "-k", "--conf-file=/dev/null", portarg,
		    "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv",
		    "--no-hosts", "--local=/test/", "--host-record=amt.test,10.0.0.5",
		    "--cname=provisionserver.test,amt.test",
		    "--host-record=v6only.test,2001:db8::5", "--pid-file", "--user=root",
		    "--log-facility=/dev/null", (char *)NULL);
		_exit(127);
	}
	snprintf(server, sizeof(server), "127.0.0.1:%u", dport);
	/* Wait until it answers (at most 5 s). */
	for (int i = 0; i < 50; i++) {
		if (ck_dns_query("amt.test", CK_DNS_A, server, 200, &a, &err) == 0 &&
		    a.status == CK_DNS_OK)
			break;
		sleep_ms(100);
	}
	assert_int_equal(ck_dns_query("provisionserver.test", CK_DNS_A, server, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_OK);
	assert_int_equal(a.ncname, 1);
	assert_string_equal(a.cname[0], "amt.test");
	assert_int_equal(a.naddr, 1);
	assert_string_equal(a.addr[0], "10.0.0.5");
	assert_int_equal(ck_dns_query("nope.test", CK_DNS_A, server, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_NXDOMAIN);
	assert_int_equal(a.rcode, 3);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_AAAA, server, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_NODATA);
	assert_int_equal(ck_dns_query("v6only.test", CK_DNS_AAAA, server, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_OK);
	assert_string_equal(a.addr[0], "2001:db8::5");
	assert_int_equal(ck_dns_query("provisionserver.test", CK_DNS_CNAME, server, 2000, &a,
	    &err), 0);
	assert_int_equal(a.status, CK_DNS_OK);
	assert_string_equal(a.cname[0], "amt.test");
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);

	/* No answer at all; a closed port; TC; a record cut short; a bad server. */
	snprintf(silentserver, sizeof(silentserver), "127.0.0.1:%u", silent_port);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, silentserver, 300, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_TIMEOUT);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, server, 1000, &a, &err), 0);
	assert_true(a.status == CK_DNS_REFUSED_CONN || a.status == CK_DNS_TIMEOUT);
	tc.fd = listener(AF_INET, SOCK_DGRAM, 0, &tcport);
	tc.mode = 0;
	bad.fd = listener(AF_INET, SOCK_DGRAM, 0, &badport);
	bad.mode = 1;
	assert_int_equal(pthread_create(&t1, NULL, dns_fake, &tc), 0);
	assert_int_equal(pthread_create(&t2, NULL, dns_fake, &bad), 0);
	snprintf(tcserver, sizeof(tcserver), "127.0.0.1:%u", tcport);
	snprintf(badserver, sizeof(badserver), "[::ffff:127.0.0.1]:%u", badport);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, tcserver, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_TRUNCATED);
	snprintf(badserver, sizeof(badserver), "127.0.0.1:%u", badport);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, badserver, 2000, &a, &err), 0);
	assert_int_equal(a.status, CK_DNS_MALFORMED);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, "not-an-address", 500, &a, &err), -1);
	assert_int_equal(ck_dns_query("amt.test", CK_DNS_A, "127.0.0.1:70000", 500, &a, &err), -1);
	close(tc.fd);
	close(bad.fd);
	close(silent);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_http_done),
		cmocka_unit_test(test_http_parse),
		cmocka_unit_test(test_http_post_job),
		cmocka_unit_test(test_http_reply_words),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_tcp_outcomes),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_tls_legacy_retry),
		cmocka_unit_test(test_next_later),
		cmocka_unit_test(test_overall_deadline),
		cmocka_unit_test(test_per_peer),
		cmocka_unit_test(test_unordered),
	};

	signal(SIGPIPE, SIG_IGN);
	(void)sleep_ms;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
