/*
 * ck_amt_listen: the provisioning server's Hello endpoint (TCP 9971).
 *
 * One thread, one poll loop, many connections at once.  Each connection is
 * bounded in time (a deadline from accept to the end of the message, so a
 * peer sending one byte a second gains nothing) and in size (the message
 * limit; the bytes are judged as soon as they cannot become a valid message
 * any more).  A connection ends when the message is complete by its own
 * hash count, when the peer closes, when the bytes are already invalid, or
 * at its deadline; then the caller's function sees what arrived, and the
 * listener goes on serving.
 */
#ifndef CK_AMT_LISTEN_H
#define CK_AMT_LISTEN_H

#include <stddef.h>

#include "ck_err.h"

#define CK_AMT_LISTEN_TIMEOUT_MS 10000
#define CK_AMT_LISTEN_MAX_CONNS 1024

struct ck_amt_listener;

/*
 * Binds and listens on "[ADDR:]PORT" (ADDR an IPv4 literal, or an IPv6
 * literal in brackets; default 0.0.0.0, every IPv4 address; PORT 0 picks a
 * free port).  Returns NULL with err set (CK_E_USAGE for a malformed
 * address, CK_E_NET when the port cannot be bound).
 */
struct ck_amt_listener *ck_amt_listen_open(const char *addr, struct ck_err *err);

/* The port bound (useful after PORT 0). */
int ck_amt_listen_port(const struct ck_amt_listener *l);

void ck_amt_listen_close(struct ck_amt_listener *l);

struct ck_amt_listen_opts {
	long count;		/* stop after this many connections ended; 0: never */
	long timeout_ms;	/* per connection, from accept; 0: CK_AMT_LISTEN_TIMEOUT_MS */
	long max_conns;		/* open at once (more wait in the backlog); 0: default */
};

/*
 * Called once per connection as it ends.  peer is the client's numeric
 * address, port its port; msg/len what arrived (borrowed).  why is NULL
 * when the peer finished sending (the message is complete, invalid already,
 * or the peer closed), else the reason the listener cut it short (deadline,
 * read error).  Return 0 to go on, non-zero to stop the listener.
 */
typedef int (*ck_amt_listen_fn)(void *ctx, const char *peer, int port,
    const unsigned char *msg, size_t len, const struct ck_err *why);

/*
 * Serves until o->count connections have ended, fn asks to stop, or a
 * fatal error (err set, -1).  Returns the number of connections served.
 */
long ck_amt_listen_run(struct ck_amt_listener *l, const struct ck_amt_listen_opts *o,
    ck_amt_listen_fn fn, void *ctx, struct ck_err *err);

#endif /* CK_AMT_LISTEN_H */
