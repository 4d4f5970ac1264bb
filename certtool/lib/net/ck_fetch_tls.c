/*
 * ck_tls_chain: the certificate chain a TLS server presents.
 *
 * Ingest is not validation: the handshake does not verify the peer, allows
 * TLS 1.0 to 1.3 and runs at security level 0, so that the chains of old
 * Intel AMT firmware (SHA-1, 1024-bit RSA, TLS 1.0) are still recorded.
 * One deadline covers name resolution, connect and handshake.
 */
#include "ck_fetch.h"
#include "ck_fetch_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#define CK_HOST_MAX 256

/*
 * getaddrinfo cannot be interrupted, so a name is resolved in a detached
 * thread; the caller waits until its deadline and then walks away.  The
 * request is reference-counted: whoever drops the last reference frees it.
 */
struct resolve {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int refs;
	int done;
	int rc;
	struct addrinfo *res;
	char host[CK_HOST_MAX];
	char port[32];
};

static void
resolve_unref(struct resolve *r)
{
	int last;

	pthread_mutex_lock(&r->mu);
	last = --r->refs == 0;
	pthread_mutex_unlock(&r->mu);
	if (last) {
		if (r->res != NULL)
			freeaddrinfo(r->res);
		pthread_cond_destroy(&r->cv);
		pthread_mutex_destroy(&r->mu);
		free(r);
	}
}

static void *
resolve_thread(void *arg)
{
	struct resolve *r = arg;
	struct addrinfo hints, *res = NULL;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	rc = getaddrinfo(r->host, r->port, &hints, &res);
	pthread_mutex_lock(&r->mu);
	r->rc = rc;
	r->res = rc == 0 ? res : NULL;
	r->done = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	resolve_unref(r);
	return NULL;
}

/* Address literals resolve at once; names go through resolve_thread. */
static int
resolve(const char *host, const char *port, long long deadline,
    struct addrinfo **out, struct ck_err *err)
{
	struct addrinfo hints;
	struct resolve *r;
	pthread_attr_t attr;
	pthread_t t;
	int rc, done;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (ck_is_ip_literal(host)) {
		hints.ai_flags = AI_NUMERICHOST;
		rc = getaddrinfo(host, port, &hints, out);
		if (rc != 0)
			return ck_err_set(err, CK_E_NET, "cannot resolve '%s' port '%s': %s",
			    host, port, gai_strerror(rc));
		return 0;
	}
	if (strlen(host) >= CK_HOST_MAX || strlen(port) >= sizeof(r->port))
		return ck_err_set(err, CK_E_USAGE, "host name or port too long");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return ck_err_set(err, CK_E_NOMEM, "out of memory");
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	snprintf(r->host, sizeof(r->host), "%s", host);
	snprintf(r->port, sizeof(r->port), "%s", port);
	r->refs = 2;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, resolve_thread, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		r->refs = 1;
		resolve_unref(r);
		return ck_err_set(err, CK_E_NET, "cannot start the resolver thread");
	}
	pthread_mutex_lock(&r->mu);
	while (!r->done)
		if (ck_cond_wait_until(&r->cv, &r->mu, deadline) != 0)
			break;
	done = r->done;
	rc = r->rc;
	if (done && rc == 0) {
		*out = r->res;
		r->res = NULL;
	}
	pthread_mutex_unlock(&r->mu);
	resolve_unref(r);
	if (!done)
		return ck_err_set(err, CK_E_NET, "timed out resolving '%s'", host);
	if (rc != 0)
		return ck_err_set(err, CK_E_NET, "cannot resolve '%s': %s", host,
		    gai_strerror(rc));
	return 0;
}

/* Waits for events on fd until the deadline; 0 ready, -1 timeout or error. */
static int
wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p;
	long long left;
	int rc;

	for (;;) {
		left = deadline - ck_mono_ms();
		if (left <= 0)
			return -1;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
		if (rc > 0)
			return 0;
		if (rc < 0 && errno != EINTR)
			return -1;
	}
}

/*
 * Connects to each address in turn until one accepts.  Returns the socket
 * (non-blocking) or -1 with err set from the last failure.
 */
static int
connect_any(const struct addrinfo *ai, long long deadline, long timeout_ms,
    struct ck_err *err)
{
	int fd = -1, e = 0, timed_out = 0;
	socklen_t elen;

	for (; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    ai->ai_protocol);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			return fd;
		e = errno;
		if (e == EINPROGRESS) {
			if (wait_fd(fd, POLLOUT, deadline) != 0) {
				timed_out = 1;
				close(fd);
				fd = -1;
				break;
			}
			elen = sizeof(e);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) != 0)
				e = errno;
			if (e == 0)
				return fd;
		}
		close(fd);
		fd = -1;
	}
	if (timed_out)
		return ck_err_set(err, CK_E_NET, "timed out after %ld ms connecting",
		    timeout_ms);
	if (e == ECONNREFUSED)
		return ck_err_set(err, CK_E_NET, "connection refused");
	return ck_err_set(err, CK_E_NET, "cannot connect: %s", strerror(e));
}

int
ck_net_connect(const char *host, const char *port, long long deadline,
    long timeout_ms, struct ck_err *err)
{
	struct addrinfo *ai = NULL;
	int fd;

	if (resolve(host, port, deadline, &ai, err) != 0)
		return -1;
	fd = connect_any(ai, deadline, timeout_ms, err);
	freeaddrinfo(ai);
	return fd;
}

static SSL_CTX *
client_ctx(struct ck_err *err)
{
	SSL_CTX *ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		ck_err_ssl(err, CK_E_TLS, "cannot create a tls context");
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
	SSL_CTX_set_max_proto_version(ctx, 0);
	/* Old AMT firmware: legacy renegotiation, CBC/SHA-1 suites. */
	SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
	if (SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0") != 1) {
		ck_err_ssl(err, CK_E_TLS, "cannot set the cipher list");
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

static int
handshake(SSL *ssl, int fd, long long deadline, long timeout_ms, struct ck_err *err)
{
	int rc, e;
	unsigned long l;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		rc = SSL_connect(ssl);
		if (rc == 1)
			return 0;
		e = SSL_get_error(ssl, rc);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			if (wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT,
			    deadline) != 0)
				return ck_err_set(err, CK_E_NET,
				    "timed out after %ld ms waiting for the tls handshake",
				    timeout_ms);
			continue;
		}
		l = ERR_peek_last_error();
		if (e == SSL_ERROR_SYSCALL && l == 0) {
			if (errno != 0)
				return ck_err_set(err, CK_E_TLS, "tls handshake failed: %s",
				    strerror(errno));
			return ck_err_set(err, CK_E_TLS,
			    "tls handshake failed: connection closed by the server");
		}
		if (e == SSL_ERROR_ZERO_RETURN)
			return ck_err_set(err, CK_E_TLS,
			    "tls handshake failed: connection closed by the server");
		return ck_err_ssl(err, CK_E_TLS, "tls handshake failed");
	}
}

int
ck_tls_chain(const char *host, const char *port, const char *sni,
    const struct ck_fetch_opts *o, struct ck_blobs *chain, struct ck_err *err)
{
	struct ck_fetch_opts defaults;
	struct ck_sigpipe sp;
	char hbuf[CK_HOST_MAX];
	STACK_OF(X509) *peer;
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	unsigned char *der = NULL;
	long long deadline;
	long timeout_ms;
	size_t hlen, total = 0, first = chain->n;
	int fd = -1, rv = -1, n, i;

	if (o == NULL) {
		ck_fetch_opts_init(&defaults);
		o = &defaults;
	}
	if (host == NULL || port == NULL || host[0] == '\0' || port[0] == '\0')
		return ck_err_set(err, CK_E_USAGE, "tls: host and port are required");
	/* Accept "[::1]" as well as "::1". */
	hlen = strlen(host);
	if (hlen >= sizeof(hbuf))
		return ck_err_set(err, CK_E_USAGE, "host name too long");
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		memcpy(hbuf, host + 1, hlen - 2);
		hbuf[hlen - 2] = '\0';
	} else {
		memcpy(hbuf, host, hlen + 1);
	}
	timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : CK_FETCH_TIMEOUT_MS;
	deadline = ck_mono_ms() + timeout_ms;

	ck_sigpipe_block(&sp);
	if ((fd = ck_net_connect(hbuf, port, deadline, timeout_ms, err)) < 0)
		goto out;
	if ((ctx = client_ctx(err)) == NULL)
		goto out;
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1) {
		ck_err_ssl(err, CK_E_TLS, "cannot create a tls connection");
		goto out;
	}
	if (sni == NULL || sni[0] == '\0')
		sni = ck_is_ip_literal(hbuf) ? NULL : hbuf;
	if (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1) {
		ck_err_ssl(err, CK_E_USAGE, "invalid server name '%s'", sni);
		goto out;
	}
	if (handshake(ssl, fd, deadline, timeout_ms, err) != 0)
		goto out;
	/* On the client side this chain starts with the leaf. */
	peer = SSL_get_peer_cert_chain(ssl);
	if (peer == NULL || sk_X509_num(peer) == 0) {
		ck_err_set(err, CK_E_TLS, "the server sent no certificate");
		goto out;
	}
	for (i = 0; i < sk_X509_num(peer); i++) {
		der = NULL;
		n = i2d_X509(sk_X509_value(peer, i), &der);
		if (n <= 0) {
			ck_err_ssl(err, CK_E_CRYPTO, "cannot encode certificate %d", i);
			goto out;
		}
		total += (size_t)n;
		if (total > o->max_bytes) {
			ck_err_set(err, CK_E_LIMIT, "certificate chain larger than %zu bytes",
			    o->max_bytes);
			goto out;
		}
		if (ck_blobs_add(chain, der, (size_t)n) != 0) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		OPENSSL_free(der);
		der = NULL;
	}
	/* A polite close; the socket is non-blocking, so this never waits. */
	SSL_shutdown(ssl);
	rv = 0;
out:
	/* All or nothing: drop what this call added before failing. */
	while (rv != 0 && chain->n > first) {
		chain->n--;
		free(chain->v[chain->n].data);
	}
	OPENSSL_free(der);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	if (fd >= 0)
		close(fd);
	ERR_clear_error();
	ck_sigpipe_restore(&sp);
	return rv;
}
