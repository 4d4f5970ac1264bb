#include "ck_url.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int
ck_port_parse(const char *s, size_t len, unsigned *port, struct ck_err *err)
{
	unsigned long v = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > 65535)
			break;
	}
	if (len == 0 || i != len || v < 1 || v > 65535) {
		char shown[16];

		snprintf(shown, sizeof(shown), "%.*s%s", len > 10 ? 10 : (int)len, s,
		    len > 10 ? "..." : "");
		for (char *c = shown; *c != '\0'; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
				*c = '?';
		return ck_err_set(err, CK_E_USAGE, "port '%s' is not a number from 1 to 65535",
		    shown);
	}
	*port = (unsigned)v;
	return 0;
}

static int
host_ok(const char *h, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)h[i];

		if (c <= 0x20 || c == 0x7f || strchr("/?#@[]", c) != NULL)
			return 0;
	}
	return 1;
}

/* s..s+len is "host[:port]" or "[v6][:port]". */
static int
hostport(const char *s, size_t len, unsigned default_port, int flags, struct ck_hostport *hp,
    struct ck_err *err)
{
	const char *end = s + len, *colon, *hend;
	size_t hl;

	memset(hp, 0, sizeof(*hp));
	if (len > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', len);

		if (close == NULL)
			return ck_err_set(err, CK_E_USAGE, "IPv6 address without its closing ']'");
		hl = (size_t)(close - s - 1);
		if (hl == 0 || strspn(s + 1, "0123456789abcdefABCDEF:.") < hl)
			return ck_err_set(err, CK_E_USAGE, "bad IPv6 address in brackets");
		hend = close + 1;
		if (hend != end && *hend != ':')
			return ck_err_set(err, CK_E_USAGE, "unexpected text after ']'");
		colon = hend != end ? hend : NULL;
		s++;
		hp->v6 = 1;
	} else {
		colon = memchr(s, ':', len);
		if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
			return ck_err_set(err, CK_E_USAGE,
			    "more than one ':' (write an IPv6 address in brackets: [::1]:443)");
		hl = (size_t)((colon ? colon : end) - s);
		if (!host_ok(s, hl))
			return ck_err_set(err, CK_E_USAGE, "bad character in host name");
	}
	if (hl >= sizeof(hp->host))
		return ck_err_set(err, CK_E_USAGE, "host name longer than %zu bytes",
		    sizeof(hp->host) - 1);
	if (hl == 0 && !(flags & CK_URL_EMPTY_HOST))
		return ck_err_set(err, CK_E_USAGE, "no host name");
	memcpy(hp->host, s, hl);
	hp->host[hl] = '\0';
	if (colon != NULL && (flags & CK_URL_NO_PORT)) {
		return ck_err_set(err, CK_E_USAGE, "a host without a port was expected");
	} else if (colon != NULL) {
		if (ck_port_parse(colon + 1, (size_t)(end - colon - 1), &hp->port, err) != 0)
			return -1;
		hp->has_port = 1;
	} else if (!(flags & CK_URL_NO_PORT) && ((flags & CK_URL_NEED_PORT) || default_port == 0)) {
		return ck_err_set(err, CK_E_USAGE, "no port (HOST:PORT)");
	} else {
		hp->port = default_port;
	}
	if (hp->port != 0)
		snprintf(hp->port_str, sizeof(hp->port_str), "%u", hp->port & 0xffffu);
	return 0;
}

int
ck_hostport_parse(const char *s, unsigned default_port, int flags, struct ck_hostport *hp,
    struct ck_err *err)
{
	return hostport(s, strlen(s), default_port, flags, hp, err);
}

int
ck_listen_parse(const char *s, struct ck_hostport *hp, struct ck_err *err)
{
	size_t len = strlen(s);

	if (len > 0 && strchr(s, ':') == NULL && s[0] != '[') {	/* a bare port */
		memset(hp, 0, sizeof(*hp));
		if (strcmp(s, "0") != 0 && ck_port_parse(s, len, &hp->port, err) != 0)
			return -1;
		hp->has_port = 1;
		snprintf(hp->port_str, sizeof(hp->port_str), "%u", hp->port & 0xffffu);
		return 0;
	}
	if (len > 2 && strcmp(s + len - 2, ":0") == 0 && s[len - 3] != ':') {	/* any free port */
		if (hostport(s, len - 2, 0, CK_URL_NO_PORT, hp, err) != 0)
			return -1;
		hp->has_port = 1;
		snprintf(hp->port_str, sizeof(hp->port_str), "0");
		return 0;
	}
	return hostport(s, len, 0, CK_URL_NEED_PORT, hp, err);
}

unsigned
ck_url_default_port(const char *scheme)
{
	static const struct {
		const char *scheme;
		unsigned port;
	} ports[] = { { "http", 80 }, { "https", 443 }, { "ldap", 389 }, { "ldaps", 636 } };

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (strcasecmp(scheme, ports[i].scheme) == 0)
			return ports[i].port;
	return 0;
}

int
ck_url_parse(const char *url, const char *const *schemes, int flags, struct ck_url *u,
    struct ck_err *err)
{
	const char *sep = strstr(url, "://"), *auth, *aend;
	size_t sl;
	int known = 0;

	memset(u, 0, sizeof(*u));
	if (sep == NULL)
		return ck_err_set(err, CK_E_USAGE, "not a URL (SCHEME://HOST...)");
	sl = (size_t)(sep - url);
	if (sl == 0 || sl >= sizeof(u->scheme))
		return ck_err_set(err, CK_E_USAGE, "unsupported URL scheme");
	for (size_t i = 0; i < sl; i++)
		u->scheme[i] = (char)((url[i] >= 'A' && url[i] <= 'Z') ? url[i] + 32 : url[i]);
	u->scheme[sl] = '\0';
	for (size_t i = 0; schemes != NULL && schemes[i] != NULL; i++)
		if (strcmp(u->scheme, schemes[i]) == 0)
			known = 1;
	if (!known)
		return ck_err_set(err, CK_E_USAGE, "unsupported URL scheme");
	auth = sep + 3;
	aend = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(aend - auth)) != NULL)
		return ck_err_set(err, CK_E_USAGE,
		    "credentials in a URL are not accepted (use a password file)");
	if (hostport(auth, (size_t)(aend - auth), ck_url_default_port(u->scheme), flags, &u->hp,
	    err) != 0)
		return -1;
	u->rest = aend;
	return 0;
}
