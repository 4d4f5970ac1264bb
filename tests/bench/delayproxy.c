/*
 * delayproxy: a loopback TCP proxy that delays every chunk by DELAY_MS in
 * each direction (so a round trip costs 2 x DELAY_MS), for the network
 * benchmark (tests/bench/cert-read-net.sh).  Network namespaces with netem
 * are not available on the build machine; this gives the same shape.
 *
 *   delayproxy PORT BACKEND_PORT DELAY_MS SILENT_EVERY
 *
 * Listens on PORT on every address, so each 127.x.y.z:PORT is a distinct
 * endpoint; forwards to 127.0.0.1:BACKEND_PORT.  An endpoint whose number
 * (y * 256 + z of its 127.x.y.z address) is divisible by SILENT_EVERY
 * accepts and never answers (a host that is up but silent, or a stateful
 * firewall that swallows the handshake).  0 = none silent.
 *
 * All delays are equal, so chunks fall due in the order they arrived: one
 * FIFO of pending chunks is the whole timer wheel.  Bench-only code: it
 * assumes a loopback backend (blocking connect) and socket buffers large
 * enough for a TLS handshake (a short write drops the rest).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct chunk {
	long long due;
	int to;			/* destination fd */
	int gen;		/* destination generation when queued */
	size_t len;		/* 0 = the source closed: shut the destination */
	struct chunk *next;
	unsigned char data[];
};

static int *peer;		/* fd -> its partner fd, -1 none */
static int *gen;		/* fd -> generation (bumped on close) */
static int *halves;		/* fd -> directions still open (2 = both) */
static struct chunk *first, *last;

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
close_pair(int ep, int fd)
{
	int p = peer[fd];

	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	gen[fd]++;
	peer[fd] = -1;
	if (p >= 0) {
		epoll_ctl(ep, EPOLL_CTL_DEL, p, NULL);
		close(p);
		gen[p]++;
		peer[p] = -1;
	}
}

static void
enqueue(int to, const unsigned char *buf, size_t len, long long due)
{
	struct chunk *c = malloc(sizeof(*c) + len);

	if (c == NULL)
		return;
	c->due = due;
	c->to = to;
	c->gen = gen[to];
	c->len = len;
	c->next = NULL;
	memcpy(c->data, buf, len);
	if (last != NULL)
		last->next = c;
	else
		first = c;
	last = c;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, back;
	struct epoll_event ev, evs[512];
	struct rlimit rl;
	int ls, ep, one = 1, delay, silent_every;
	size_t maxfd;

	if (argc != 5) {
		fprintf(stderr, "usage: delayproxy PORT BACKEND_PORT DELAY_MS SILENT_EVERY\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	maxfd = (size_t)rl.rlim_cur + 16;
	peer = malloc(maxfd * sizeof(int));
	gen = calloc(maxfd, sizeof(int));
	halves = calloc(maxfd, sizeof(int));
	if (peer == NULL || gen == NULL || halves == NULL)
		return 1;
	memset(peer, 0xff, maxfd * sizeof(int));
	delay = atoi(argv[3]);
	silent_every = atoi(argv[4]);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	back = sin;
	back.sin_port = htons((unsigned short)atoi(argv[2]));
	back.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(ls, 65535) != 0) {
		perror("delayproxy: listen");
		return 1;
	}
	ep = epoll_create1(0);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.fd = ls;
	epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
	for (;;) {
		long long t = now_ms();
		int timeout = first == NULL ? -1 : first->due > t ? (int)(first->due - t) : 0;
		int n = epoll_wait(ep, evs, 512, timeout);

		for (int k = 0; k < n; k++) {
			int fd = evs[k].data.fd;

			if (fd == ls) {
				for (;;) {
					struct sockaddr_in me;
					socklen_t mlen = sizeof(me);
					unsigned idx;
					int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK), b;

					if (c < 0)
						break;
					if ((size_t)c >= maxfd) {
						close(c);
						continue;
					}
					getsockname(c, (struct sockaddr *)&me, &mlen);
					idx = ntohl(me.sin_addr.s_addr) & 0xffff;
					if (silent_every > 0 && idx % (unsigned)silent_every == 0)
						continue;	/* silent: keep it open, never read */
					b = socket(AF_INET, SOCK_STREAM, 0);
					if (b < 0 || (size_t)b >= maxfd ||
					    connect(b, (struct sockaddr *)&back, sizeof(back)) != 0) {
						if (b >= 0)
							close(b);
						close(c);
						continue;
					}
					setsockopt(b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					peer[c] = b;
					peer[b] = c;
					halves[c] = halves[b] = 1;
					ev.events = EPOLLIN;
					ev.data.fd = c;
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
					ev.data.fd = b;
					epoll_ctl(ep, EPOLL_CTL_ADD, b, &ev);
				}
				continue;
			}
			if (peer[fd] < 0)
				continue;
			{
				unsigned char buf[65536];
				ssize_t got = read(fd, buf, sizeof(buf));

				if (got > 0) {
					enqueue(peer[fd], buf, (size_t)got, now_ms() + delay);
				} else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
					/* Forward the close after the delay; stop reading this side. */
					enqueue(peer[fd], buf, 0, now_ms() + delay);
					epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
					halves[fd] = 0;
				}
			}
		}
		t = now_ms();
		while (first != NULL && first->due <= t) {
			struct chunk *c = first;

			first = c->next;
			if (first == NULL)
				last = NULL;
			if (gen[c->to] == c->gen && peer[c->to] >= 0) {
				if (c->len > 0) {
					if (write(c->to, c->data, c->len) < 0 && errno != EAGAIN)
						close_pair(ep, c->to);
				} else {
					shutdown(c->to, SHUT_WR);
					if (halves[c->to] == 0)
						close_pair(ep, c->to);
				}
			}
			free(c);
		}
	}
}
