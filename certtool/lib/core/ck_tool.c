#include "ck_tool.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "ck_datadir.h"
#include "ck_record.h"
#include "ck_text.h"

#define CK_STR_(x) #x
#define CK_STR(x) CK_STR_(x)

/*
 * The program name is process-wide by nature (like getprogname()); it is
 * set once by main before any thread starts.
 */
static char prog_name[64] = "certkit";

void
ck_tool_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');

	const char *var, *use;
	size_t i = 0;

	snprintf(prog_name, sizeof(prog_name), "%s", slash ? slash + 1 : prog);
	while ((var = ck_datadir_deprecated(&i, &use)) != NULL)
		ck_warnx("%s is deprecated and will be removed; use %s", var, use);
}

int
ck_tool_crypto_local(void)
{
	/*
	 * The first name OpenSSL looks up copies its legacy tables of cipher
	 * and digest names into its name map, registering every cipher first:
	 * about 0.2 ms of a one-request cert-issue sign, for ciphers it never
	 * names.  Digests stay (signature checks find theirs by NID).
	 */
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG | OPENSSL_INIT_NO_ATEXIT |
	    OPENSSL_INIT_NO_ADD_ALL_CIPHERS, NULL) != 1)
		return -1;
	/*
	 * Hash_DRBG with SHA-256 (NIST SP 800-90A Rev. 1, 10.1.1; security
	 * strength 256) instead of OpenSSL's default CTR_DRBG with AES-256:
	 * both are seeded from the operating system, but the CTR_DRBG makes
	 * OpenSSL build its whole table of ciphers first (about 0.4 ms for the
	 * 16 bytes of a serial number), while SHA-256 is fetched for signing
	 * anyway.
	 */
	return RAND_set_DRBG_type(NULL, "HASH-DRBG", NULL, NULL, "SHA256") == 1 ? 0 : -1;
}

const char *
ck_prog(void)
{
	return prog_name;
}

void
ck_print_version(void)
{
	printf("%s (certkit) %s\n", prog_name, CK_VERSION);
}

/*
 * Every message goes through ck_text: a file name, a certificate name or a
 * server's reason may hold newlines or terminal escapes, and one message is
 * one line (ck_text.h).
 */
void
ck_warnx(const char *fmt, ...)
{
	char buf[1024], safe[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog_name, ck_text(buf, safe, sizeof(safe)));
}

void
ck_warn_at(const char *source, const char *msg)
{
	char s[1024], m[2048];

	msg = ck_err_unprefixed(msg, source);
	if (source != NULL)
		fprintf(stderr, "%s: '%s': %s\n", prog_name, ck_text(source, s, sizeof(s)),
		    ck_text(msg, m, sizeof(m)));
	else
		fprintf(stderr, "%s: %s\n", prog_name, ck_text(msg, m, sizeof(m)));
}

void
ck_report(FILE *out, const char *source, const struct ck_err *e)
{
	json_t *rec;
	struct ck_err werr;

	ck_warn_at(source, e->msg);
	if (out == NULL)
		return;
	rec = ck_error_record_err(source, e);
	if (rec != NULL)
		ck_record_write(out, rec, &werr);
	json_decref(rec);
}

void
ck_warn_record(const json_t *rec)
{
	const json_t *s = json_object_get(rec, "source");
	const char *src = json_is_object(s) ? json_string_value(json_object_get(s, "uri")) :
	    json_string_value(s);
	const char *msg = json_string_value(json_object_get(rec, "message"));

	ck_warn_at(src != NULL ? src : "-", msg != NULL ? msg : "-");
}

int
ck_out_put(struct ck_out *o, json_t *rec)
{
	struct ck_err err;
	int rv = 0;

	if (ck_record_is(rec, "error")) {
		ck_warn_record(rec);
		o->errors++;
		o->status = CK_UNKNOWN;
		if (o->format == CK_FMT_JSON && ck_record_write(stdout, rec, &err) < 0)
			rv = -1;
	} else if (o->format == CK_FMT_JSON) {
		if (ck_record_write(stdout, rec, &err) < 0)
			rv = -1;
	} else if (o->text != NULL) {
		o->text(stdout, rec);
	}
	json_decref(rec);
	if ((o->flush && fflush(stdout) != 0) || ferror(stdout))
		rv = -1;
	if (rv < 0)
		o->status = CK_UNKNOWN;
	return rv;
}

/*
 * The one rule for password files, in every tool: the secret is the first
 * line (up to the first LF, a CR before it dropped); the rest of the file is
 * not read.  A first line over CK_SECRET_MAX bytes is refused, not cut.
 */
char *
ck_secret_from_file(const char *path, struct ck_err *err)
{
	FILE *fp;
	char *buf;
	size_t n = 0;
	int c = EOF;

	fp = fopen(path, "r");
	if (fp == NULL) {
		ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
		return NULL;
	}
	buf = calloc(1, CK_SECRET_MAX + 1);
	if (buf == NULL) {
		fclose(fp);
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	while (n < CK_SECRET_MAX && (c = getc(fp)) != EOF && c != '\n')
		buf[n++] = (char)c;
	if (ferror(fp) || (n == CK_SECRET_MAX && (c = getc(fp)) != EOF && c != '\n')) {
		int toolong = !ferror(fp);

		fclose(fp);
		OPENSSL_clear_free(buf, CK_SECRET_MAX + 1);
		ck_err_set(err, CK_E_IO, "'%s': %s", path, toolong ?
		    "first line longer than " CK_STR(CK_SECRET_MAX) " bytes" : "read error");
		return NULL;
	}
	fclose(fp);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return buf;
}

int
ck_secret_require(const char *secret, const char *what, struct ck_err *err)
{
	if (secret != NULL && secret[0] != '\0')
		return 0;
	return ck_err_set(err, CK_E_PASSWORD, "%s is empty", what);
}

char *
ck_secret_from_env(const char *var, struct ck_err *err)
{
	const char *v = getenv(var);
	char *s;

	if (v == NULL) {
		ck_err_set(err, CK_E_USAGE, "environment variable '%s' is not set", var);
		return NULL;
	}
	s = strdup(v);
	if (s == NULL)
		ck_err_set(err, CK_E_NOMEM, "out of memory");
	return s;
}

void
ck_secret_free(char *s)
{
	if (s != NULL)
		OPENSSL_clear_free(s, strlen(s));
}

int
ck_format_option(const char *name, const char *const *names, FILE *out)
{
	static const char *const json_text[] = { "json", "text", NULL };
	char list[256];
	size_t n, i, len;
	int text = -1;

	if (names == NULL)
		names = json_text;
	for (n = 0; names[n] != NULL; n++) {
		if (name != NULL && strcmp(name, names[n]) == 0)
			return (int)n;
		if (strcmp(names[n], "text") == 0)
			text = (int)n;
	}
	if (name == NULL)
		return text >= 0 && isatty(fileno(out)) ? text : 0;
	/* "json or text", "json, text or cfssl", "json, text, nagios or prometheus" */
	list[0] = '\0';
	for (i = 0; i < n; i++) {
		len = strlen(list);
		snprintf(list + len, sizeof(list) - len, "%s%s",
		    i == 0 ? "" : i + 1 == n ? " or " : ", ", names[i]);
	}
	ck_warnx("--format: '%s': use %s", name, list);
	return -1;
}

int
ck_progress_enabled(void)
{
	return isatty(STDERR_FILENO);
}

void
ck_progress_init(struct ck_progress *p, const char *noun)
{
	p->on = ck_progress_enabled();
	p->n = 0;
	p->noun = noun;
}

void
ck_progress_tick(struct ck_progress *p)
{
	if (++p->n % 1000 == 0 && p->on)
		fprintf(stderr, "\r%s: %lu %s", prog_name, p->n, p->noun);
}

void
ck_progress_done(struct ck_progress *p)
{
	if (p->on && p->n >= 1000)
		fprintf(stderr, "\r%s: %lu %s\n", prog_name, p->n, p->noun);
}

int
ck_close_stdout(void)
{
	static int closed = -2;	/* the first call's result, once made */
	int bad = 0;

	if (closed != -2)
		return closed;
	closed = -1;
	if (fflush(stdout) != 0 || ferror(stdout))
		bad = 1;
	if (fclose(stdout) != 0)
		bad = 1;
	if (bad && errno != EPIPE) {
		fprintf(stderr, "%s: write error on standard output: %s\n", prog_name,
		    strerror(errno));
		return -1;
	}
	closed = bad ? -1 : 0;
	return closed;
}
