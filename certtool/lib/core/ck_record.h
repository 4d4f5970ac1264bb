/*
 * ck_record: the one module that reads and writes certkit records
 * (JSON Lines, one object per line, every object with "kind" and "v": 1).
 *
 * Ownership: records are jansson json_t objects.  Functions named *_new or
 * documented "returns a new reference" hand the caller one reference, which
 * the caller releases with json_decref().  Writers never steal.
 */
#ifndef CK_RECORD_H
#define CK_RECORD_H

#include <stdio.h>
#include <jansson.h>

#include "ck_err.h"

#define CK_RECORD_VERSION 1
/* A longer input line is refused as a broken record (a chain with PEMs fits easily). */
#define CK_RECORD_LINE_MAX (64u * 1024 * 1024)

/*
 * Nesting: the reader refuses a line nested deeper than CK_JSON_MAX_DEPTH
 * (512) levels (an error record naming the line; the stream goes on); the
 * writer takes that plus CK_RECORD_WRAP_DEPTH levels, what a stage adds
 * around a record it read (a `ca` record holds a `cert` record), so a record
 * that was read can always be written.
 */
#define CK_RECORD_WRAP_DEPTH 16

/* A new record {"kind": kind, "v": 1}.  Returns a new reference. */
json_t *ck_record_new(const char *kind);

/* The "kind" of a record, or NULL when it has none or is not an object. */
const char *ck_record_kind(const json_t *rec);

/* Non-zero when rec is an object whose kind equals kind. */
int ck_record_is(const json_t *rec, const char *kind);

/*
 * An `error` record {"kind":"error","v":1,"source":..,"message":..,"code":..}.
 * source may be NULL ("-" is used).  Returns a new reference.
 */
json_t *ck_error_record(const char *source, const char *message, const char *code);
json_t *ck_error_record_err(const char *source, const struct ck_err *e);

/* A finding {rule, severity, message, ref, subject}; ref/subject may be NULL. */
json_t *ck_finding_new(const char *rule, const char *severity, const char *message,
    const char *ref, const char *subject);

/*
 * Appends a finding whose message is formatted (at most 1023 bytes) to the
 * array findings.  Returns 0, or -1 when out of memory (nothing appended).
 */
int ck_finding_addf(json_t *findings, const char *rule, const char *severity,
    const char *ref, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reader over a stream of JSON Lines. */
struct ck_reader;

/* name is used as the `source` of error records (e.g. "stdin"). Returns NULL on ENOMEM. */
struct ck_reader *ck_reader_new(FILE *fp, const char *name);
/*
 * A reader over the file path ("-": stdin, named "stdin"), closed by
 * ck_reader_free.  Returns NULL with err set (CK_E_IO: why it cannot be
 * opened; CK_E_NOMEM).
 */
struct ck_reader *ck_reader_open(const char *path, struct ck_err *err);
void ck_reader_free(struct ck_reader *r);

enum ck_read_result {
	CK_READ_EOF = 0,
	CK_READ_RECORD = 1,	/* *out is a record (a JSON object with a string "kind") */
	CK_READ_BROKEN = 2,	/* *out is an `error` record describing a broken line; err is set too:
				 * source the stream's name, message "line N: why" (each said once) */
	CK_READ_FAIL = -1	/* the stream itself failed; err is set */
};

/*
 * Reads the next non-empty line.  On CK_READ_RECORD and CK_READ_BROKEN *out
 * is a new reference.  Broken lines (invalid JSON, not an object, no "kind",
 * too long) never stop the stream: the next call continues with the next line.
 */
int ck_reader_next(struct ck_reader *r, json_t **out, struct ck_err *err);

/* 1-based number of the line last returned. */
unsigned long ck_reader_lineno(const struct ck_reader *r);

/*
 * Writes rec as one compact line followed by '\n', in one fwrite so that a
 * record is never split.  Returns 0, or -1 with err set (EPIPE, ENOSPC, ...).
 */
int ck_record_write(FILE *fp, const json_t *rec, struct ck_err *err);

/* Serialises to a new malloc'd NUL-terminated line without newline (for tests, hashing). */
char *ck_record_dumps(const json_t *rec);

/*
 * The records of the array recs as JSON Lines in one malloc'd string (a
 * worker serialises, the printer only writes bytes); NULL for an empty
 * array.  *failed counts the records that could not be serialised (left
 * out).
 */
char *ck_record_lines(const json_t *recs, size_t *failed);

#endif /* CK_RECORD_H */
