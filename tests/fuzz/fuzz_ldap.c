/*
 * libFuzzer target: LDAP search results, as BER, fed to the decoding code of
 * cert-read's ldap:// (ck_ldap_url_values: entry by entry, attributes,
 * values, the size and entry caps).  A server thread on loopback answers
 * the bind and then sends the input as the search's answer: the input is a
 * series of protocolOp TLVs (SearchResultEntry 0x64, SearchResultDone 0x65,
 * ...), each wrapped into an LDAPMessage with the search's message id 2
 * (RFC 4511 section 4.1.1); what does not parse as a TLV is sent as it is.
 * The server sends with MSG_NOSIGNAL: the client may hang up before the
 * input is all sent, and SIGPIPE in the server's thread ended the run
 * without a word (ck_fetch blocks it in the client's thread only).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ck_fetch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/*
 * Leak checking off for this target, as in tests/run.sh: libldap keeps
 * allocations of a connection that ends mid-search (reported inside
 * liblber, no frame of ours); memory errors and undefined behaviour still
 * abort.
 */
const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}

static int listener = -1;
static char url[128];

struct job {
	const uint8_t *data;
	size_t size;
};

/* Length of the TLV at p (header + body), or 0 when it does not fit in n. */
static size_t
tlv_len(const uint8_t *p, size_t n)
{
	size_t len, hl = 2;

	if (n < 2)
		return 0;
	len = p[1];
	if (len & 0x80) {
		size_t k = len & 0x7f;

		if (k == 0 || k > 3 || n < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hl += k;
	}
	return n - hl >= len ? hl + len : 0;
}

static void
send_message(int fd, const uint8_t *op, size_t n)
{
	uint8_t hdr[8];
	size_t h = 0, body = n + 3;

	hdr[h++] = 0x30;
	if (body < 0x80) {
		hdr[h++] = (uint8_t)body;
	} else {
		hdr[h++] = 0x83;
		hdr[h++] = (uint8_t)(body >> 16);
		hdr[h++] = (uint8_t)(body >> 8);
		hdr[h++] = (uint8_t)body;
	}
	hdr[h++] = 0x02;
	hdr[h++] = 0x01;
	hdr[h++] = 0x02;	/* message id 2: the search */
	if (send(fd, hdr, h, MSG_NOSIGNAL) < 0 || send(fd, op, n, MSG_NOSIGNAL) < 0)
		return;
}

static void *
serve(void *arg)
{
	static const uint8_t bind_ok[] = { 0x30, 0x0c, 0x02, 0x01, 0x01, 0x61, 0x07,
		0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00 };
	struct job *j = arg;
	uint8_t buf[4096];
	int fd = accept(listener, NULL, NULL);
	size_t off = 0, n;

	if (fd < 0)
		return NULL;
	if (read(fd, buf, sizeof(buf)) <= 0 || send(fd, bind_ok, sizeof(bind_ok), MSG_NOSIGNAL) < 0 ||
	    read(fd, buf, sizeof(buf)) <= 0)
		goto out;
	while (off < j->size) {
		n = tlv_len(j->data + off, j->size - off);
		if (n == 0) {
			if (send(fd, j->data + off, j->size - off, MSG_NOSIGNAL) < 0)
				break;
			break;
		}
		send_message(fd, j->data + off, n);
		off += n;
	}
out:
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ck_fetch_opts o;
	struct ck_blobs vals = { 0 };
	struct ck_err err;
	struct job j = { data, size };
	pthread_t t;

	if (listener < 0) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);

		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		listener = socket(AF_INET, SOCK_STREAM, 0);
		if (listener < 0 || bind(listener, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    listen(listener, 4) != 0 ||
		    getsockname(listener, (struct sockaddr *)&sa, &sl) != 0)
			abort();
		snprintf(url, sizeof(url), "ldap://127.0.0.1:%u/dc=x?cACertificate",
		    ntohs(sa.sin_port));
	}
	if (pthread_create(&t, NULL, serve, &j) != 0)
		return 0;
	ck_fetch_opts_init(&o);
	o.timeout_ms = 2000;
	o.max_bytes = 1u << 20;
	if (ck_ldap_url_values(url, &o, &vals, &err) == 0 && vals.n == 0)
		abort();	/* success means at least one value */
	ck_blobs_release(&vals);
	pthread_join(t, NULL);
	return 0;
}
