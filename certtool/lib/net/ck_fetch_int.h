/*
 * ck_fetch_int: helpers shared by the ck_fetch_*.c modules (not part of the
 * library's public API).
 */
#ifndef CK_FETCH_INT_H
#define CK_FETCH_INT_H

#include <signal.h>

#include "ck_clock.h"	/* ck_mono_ms: deadlines */

/*
 * Writing to a socket the peer has closed raises SIGPIPE, which would kill
 * the whole tool.  OpenSSL and libldap write with plain write()/send(), so
 * each network call blocks SIGPIPE in the calling thread for its duration
 * and discards any SIGPIPE it caused before unblocking (thread-safe: no
 * process-wide signal disposition is touched).
 */
struct ck_sigpipe {
	sigset_t old;
	int pending_before;	/* a SIGPIPE was already pending: leave it */
};
void ck_sigpipe_block(struct ck_sigpipe *s);
void ck_sigpipe_restore(struct ck_sigpipe *s);


/*
 * pthread_cond_timedwait until deadline (ck_mono_ms() time), with mu held.
 * Returns 0 when woken (check the condition again), -1 once the deadline
 * has passed.
 */
#include <pthread.h>
int ck_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, long long deadline);

/* 1 when s is an IPv4 or IPv6 address literal (no brackets). */
int ck_is_ip_literal(const char *s);

/*
 * Resolves host (a name or an address literal without brackets) and
 * connects to the first address that accepts, all before deadline
 * (ck_mono_ms() time).  Returns a non-blocking, close-on-exec socket, or
 * -1 with err set (CK_E_NET: refused, timed out, unresolvable).
 */
struct ck_err;
int ck_net_connect(const char *host, const char *port, long long deadline,
    long timeout_ms, struct ck_err *err);

/*
 * A watchdog thread shuts fd down at deadline (ck_mono_ms() time): every
 * blocking read or write on it then fails at once.  libldap 2.5 with GnuTLS
 * ignores LDAP_OPT_NETWORK_TIMEOUT in the ldaps handshake; this bounds it,
 * and every later request, for cert-read ldap:// and cert-ad alike.
 * ck_watchdog_start returns 0 or -1; ck_watchdog_stop joins the thread
 * (call it before closing fd) and returns 1 if the deadline had passed.
 */
struct ck_watchdog {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	int fd;
	long long deadline;
	int stop, fired, running;
};
int ck_watchdog_start(struct ck_watchdog *w, int fd, long long deadline);
int ck_watchdog_stop(struct ck_watchdog *w);

#endif /* CK_FETCH_INT_H */
