/*
 * ck_fetch: options, blob lists and the helpers the network modules share.
 * The network calls themselves are in ck_fetch_http.c (libcurl),
 * ck_fetch_tls.c (OpenSSL) and ck_fetch_ldap.c (libldap).
 */
#include "ck_fetch.h"
#include "ck_grow.h"
#include "ck_fetch_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

void
ck_fetch_opts_init(struct ck_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->timeout_ms = CK_FETCH_TIMEOUT_MS;
	o->max_bytes = CK_FETCH_MAX_BYTES;
	o->cacert = NULL;
	o->insecure = 0;
	o->bind_dn = NULL;
	o->bind_password = NULL;
}

int
ck_blobs_add(struct ck_blobs *b, const unsigned char *data, size_t len)
{
	struct ck_blob *v;
	unsigned char *copy;

	if ((v = ck_grow(b->v, &b->cap, b->n + 1, sizeof(*v), 8)) == NULL)
		return -1;
	b->v = v;
	/* One spare byte so that an empty value still has a distinct pointer. */
	copy = malloc(len + 1);
	if (copy == NULL)
		return -1;
	if (len > 0)
		memcpy(copy, data, len);
	copy[len] = '\0';
	b->v[b->n].data = copy;
	b->v[b->n].len = len;
	b->n++;
	return 0;
}

void
ck_blobs_release(struct ck_blobs *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->v[i].data);
	free(b->v);
	memset(b, 0, sizeof(*b));
}

void
ck_sigpipe_block(struct ck_sigpipe *s)
{
	sigset_t set, pending;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigemptyset(&pending);
	sigpending(&pending);
	s->pending_before = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &set, &s->old);
}

void
ck_sigpipe_restore(struct ck_sigpipe *s)
{
	sigset_t set, pending;
	struct timespec zero = { 0, 0 };

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	if (!s->pending_before) {
		/* Swallow the SIGPIPEs our own writes raised, if any. */
		for (;;) {
			sigemptyset(&pending);
			if (sigpending(&pending) != 0 || !sigismember(&pending, SIGPIPE))
				break;
			if (sigtimedwait(&set, NULL, &zero) < 0 && errno != EINTR)
				break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &s->old, NULL);
}

int
ck_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, long long deadline)
{
	long long left = deadline - ck_mono_ms();
	struct timespec ts;

	if (left <= 0)
		return -1;
	/* Condition variables wait on the real-time clock: convert the interval. */
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += left / 1000;
	ts.tv_nsec += (left % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(cv, mu, &ts);
	return 0;
}

int
ck_is_ip_literal(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/*
 * The watchdog: a thread that shuts the socket down at the deadline, which
 * makes any read or write libldap (or OpenSSL) is blocked in fail at once.
 * It is joined before the socket is released.
 */
static void *
watchdog_main(void *arg)
{
	struct ck_watchdog *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->stop) {
		if (ck_cond_wait_until(&w->cv, &w->mu, w->deadline) != 0) {
			shutdown(w->fd, SHUT_RDWR);
			w->fired = 1;
			break;
		}
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int
ck_watchdog_start(struct ck_watchdog *w, int fd, long long deadline)
{
	w->fd = fd;
	w->deadline = deadline;
	w->stop = w->fired = 0;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->running = pthread_create(&w->thread, NULL, watchdog_main, w) == 0;
	if (!w->running) {
		pthread_cond_destroy(&w->cv);
		pthread_mutex_destroy(&w->mu);
		return -1;
	}
	return 0;
}

int
ck_watchdog_stop(struct ck_watchdog *w)
{
	if (!w->running)
		return 0;
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	w->running = 0;
	return w->fired;
}
