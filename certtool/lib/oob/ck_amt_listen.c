/*
 * ck_amt_listen: a bounded poll(2) server for AMT Hello messages (see the
 * header).
 */
#include "ck_amt_listen.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ck_amt_hello.h"
#include "ck_clock.h"
#include "ck_net.h"
#include "ck_num.h"
#include "ck_url.h"

struct ck_amt_listener {
	int fd;
	int port;
};

struct conn {
	int fd;
	long long deadline;		/* monotonic ms */
	char peer[INET6_ADDRSTRLEN];
	int port;
	size_t len;
	unsigned char buf[CK_AMT_HELLO_MAX + 1];
};

/* "[ADDR:]PORT" (ck_listen_parse) as a socket address; ADDR must be a literal. */
static int
parse_addr(const char *spec, struct sockaddr_storage *ss, socklen_t *sslen, struct ck_err *err)
{
	struct ck_hostport hp;
	const char *host;

	if (ck_listen_parse(spec, &hp, err) != 0)
		return ck_err_prefix(err, "'%s': expected [ADDR:]PORT", spec);
	host = hp.host[0] != '\0' ? hp.host : "0.0.0.0";
	memset(ss, 0, sizeof(*ss));
	if (hp.v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)hp.port);
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
			return ck_err_set(err, CK_E_USAGE, "'%s': not an IPv6 address", host);
		*sslen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)hp.port);
		if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			return ck_err_set(err, CK_E_USAGE, "'%s': not an IPv4 address (listen on "
			    "an address, not a name)", host);
		*sslen = sizeof(*s4);
	}
	return 0;
}

struct ck_amt_listener *
ck_amt_listen_open(const char *addr, struct ck_err *err)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct ck_amt_listener *l;
	int one = 1;

	if (parse_addr(addr, &ss, &sslen, err) != 0)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	l->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		goto fail;
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l->fd, (struct sockaddr *)&ss, sslen) != 0 || listen(l->fd, 4096) != 0)
		goto fail;
	sslen = sizeof(ss);
	if (getsockname(l->fd, (struct sockaddr *)&ss, &sslen) != 0)
		goto fail;
	l->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return l;
fail:
	ck_err_set(err, CK_E_NET, "cannot listen on '%s': %s", addr, strerror(errno));
	if (l->fd >= 0)
		close(l->fd);
	free(l);
	return NULL;
}

int
ck_amt_listen_port(const struct ck_amt_listener *l)
{
	return l->port;
}

void
ck_amt_listen_close(struct ck_amt_listener *l)
{
	if (l == NULL)
		return;
	close(l->fd);
	free(l);
}

static struct conn *
conn_accept(int lfd, long timeout_ms)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	struct conn *c;
	int fd = accept4(lfd, (struct sockaddr *)&ss, &sslen, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return NULL;
	if ((c = malloc(sizeof(*c))) == NULL) {
		close(fd);
		return NULL;
	}
	c->fd = fd;
	c->len = 0;
	c->deadline = ck_mono_ms() + timeout_ms;
	c->port = 0;
	if (getnameinfo((struct sockaddr *)&ss, sslen, c->peer, sizeof(c->peer), NULL, 0,
	    NI_NUMERICHOST) != 0)
		snprintf(c->peer, sizeof(c->peer), "?");
	if (ss.ss_family == AF_INET)
		c->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		c->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return c;
}

/*
 * Reads what is there.  Returns 1 when the connection is finished (*why
 * set when it was cut short, else NULL), 0 to wait for more.
 */
static int
conn_read(struct conn *c, struct ck_err *e, const struct ck_err **why)
{
	*why = NULL;
	for (;;) {
		ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, 0);

		if (n == 0)
			return 1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			ck_err_set(e, CK_E_NET, "read failed after %zu bytes: %s", c->len,
			    strerror(errno));
			*why = e;
			return 1;
		}
		c->len += (size_t)n;
		/* Complete, or already invalid (over the limit included): judge it now. */
		if (ck_amt_hello_complete(c->buf, c->len) != 0)
			return 1;
	}
}

long
ck_amt_listen_run(struct ck_amt_listener *l, const struct ck_amt_listen_opts *o,
    ck_amt_listen_fn fn, void *ctx, struct ck_err *err)
{
	long timeout = o->timeout_ms > 0 ? o->timeout_ms : CK_AMT_LISTEN_TIMEOUT_MS;
	size_t max = o->max_conns > 0 ? (size_t)o->max_conns : CK_AMT_LISTEN_MAX_CONNS;
	struct conn **conns = calloc(max, sizeof(*conns));
	struct pollfd *pfd = calloc(max + 1, sizeof(*pfd));
	size_t n = 0;
	long served = 0, rv = -1;
	int stop = 0, full = 0;

	if (conns == NULL || pfd == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	/* One descriptor per connection, and a few for stdio and the listener. */
	ck_net_raise_nofile((long)max + 64);
	while (!stop && (o->count <= 0 || served < o->count)) {
		long long now = ck_mono_ms(), next = now + 60000;
		size_t np = 0;
		int wait;

		for (size_t i = 0; i < n; i++) {
			pfd[np].fd = conns[i]->fd;
			pfd[np++].events = POLLIN;
			if (conns[i]->deadline < next)
				next = conns[i]->deadline;
		}
		/*
		 * Full (our cap, or the process is out of descriptors): new
		 * connections wait in the backlog until one ends.
		 */
		if (n < max && !full && (o->count <= 0 || served + (long)n < o->count)) {
			pfd[np].fd = l->fd;
			pfd[np++].events = POLLIN;
		}
		wait = next > now ? (int)(next - now) : 0;
		if (poll(pfd, np, wait) < 0 && errno != EINTR) {
			ck_err_set(err, CK_E_NET, "poll: %s", strerror(errno));
			goto out;
		}
		now = ck_mono_ms();
		/* Existing connections first (their slots are pfd[0..n)). */
		for (size_t i = 0, k = 0; k < n && i < np; k++) {
			struct conn *c = conns[k];
			struct ck_err e;
			const struct ck_err *why = NULL;
			int done = 0;

			if (pfd[i].fd != c->fd)
				continue;
			if (pfd[i].revents != 0)
				done = conn_read(c, &e, &why);
			i++;
			if (!done && now >= c->deadline) {
				ck_err_set(&e, CK_E_NET, "timed out after %ld ms with %zu bytes "
				    "received", timeout, c->len);
				why = &e;
				done = 1;
			}
			if (!done)
				continue;
			served++;
			full = 0;
			if (fn(ctx, c->peer, c->port, c->buf, c->len, why) != 0)
				stop = 1;
			close(c->fd);
			free(c);
			conns[k] = NULL;
		}
		/* Compact the table, keeping the order of arrival. */
		{
			size_t w = 0;

			for (size_t k = 0; k < n; k++)
				if (conns[k] != NULL)
					conns[w++] = conns[k];
			n = w;
		}
		while (!stop && !full && n < max && (o->count <= 0 || served + (long)n < o->count)) {
			struct conn *c = conn_accept(l->fd, timeout);

			if (c == NULL) {
				/* Out of descriptors: polling the listener would spin. */
				full = n > 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM);
				break;
			}
			conns[n++] = c;
		}
	}
	rv = served;
out:
	for (size_t k = 0; k < n; k++) {
		close(conns[k]->fd);
		free(conns[k]);
	}
	free(conns);
	free(pfd);
	return rv;
}
