/*
 * ck_ledger: SQLite issuance ledger (see ck_ledger.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

#include "ck_grow.h"
#include "ck_ledger.h"
#include "ck_record.h"

/* "ckLg": marks a SQLite file as a certkit ledger. */
#define CK_LEDGER_APP_ID 0x636b4c67

#define CK_LEDGER_STMTS 32

struct ck_ledger {
	sqlite3 *db;
	int batch;		/* a batch transaction is open (ck_ledger_batch_begin) */
	/* Statements are prepared once per open ledger and reset between uses. */
	struct {
		char *sql;
		sqlite3_stmt *st;
	} stmt[CK_LEDGER_STMTS];
	int nstmt;
};

static const char schema_sql[] =
	"CREATE TABLE config ("
	"  key TEXT PRIMARY KEY NOT NULL,"
	"  value TEXT NOT NULL);"
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  status TEXT NOT NULL CHECK (status IN ('pending','issued','denied')),"
	"  template TEXT NOT NULL,"
	"  subject TEXT,"
	"  requester TEXT,"
	"  created TEXT NOT NULL,"
	"  decided TEXT,"
	"  csr BLOB,"
	"  params TEXT);"
	"CREATE TABLE certs ("
	"  serial TEXT PRIMARY KEY NOT NULL,"
	"  request_id INTEGER NOT NULL UNIQUE REFERENCES requests(id),"
	"  der BLOB NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  not_after TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('issued','revoked')),"
	"  revoked_at TEXT,"
	"  reason TEXT);"
	"CREATE TABLE crls ("
	"  number INTEGER PRIMARY KEY,"
	"  this_update TEXT NOT NULL,"
	"  next_update TEXT NOT NULL,"
	"  der BLOB NOT NULL);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at TEXT NOT NULL,"
	"  who TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  object TEXT,"
	"  detail TEXT);";

static int
db_err(struct ck_ledger *l, struct ck_err *err, const char *what)
{
	int rc = sqlite3_extended_errcode(l->db);

	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
		return ck_err_set(err, CK_E_DB, "%s: ledger is locked by another process", what);
	return ck_err_set(err, CK_E_DB, "%s: %s", what, sqlite3_errmsg(l->db));
}

static int
exec(struct ck_ledger *l, const char *sql, struct ck_err *err, const char *what)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_err(l, err, what);
	return 0;
}

static void
rollback(struct ck_ledger *l)
{
	if (!sqlite3_get_autocommit(l->db))
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * The prepared statement for sql: prepared on first use, then reused
 * (reset, bindings cleared).  Give it back with finish().
 */
static int
prepare(struct ck_ledger *l, const char *sql, sqlite3_stmt **st, struct ck_err *err)
{
	for (int i = 0; i < l->nstmt; i++)
		if (strcmp(l->stmt[i].sql, sql) == 0 && !sqlite3_stmt_busy(l->stmt[i].st)) {
			*st = l->stmt[i].st;
			sqlite3_clear_bindings(*st);
			return 0;
		}
	if (sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return db_err(l, err, "ledger");
	/* A statement still stepping (nested use) gets a fresh one, not kept. */
	for (int i = 0; i < l->nstmt; i++)
		if (strcmp(l->stmt[i].sql, sql) == 0)
			return 0;
	if (l->nstmt < CK_LEDGER_STMTS && (l->stmt[l->nstmt].sql = strdup(sql)) != NULL)
		l->stmt[l->nstmt++].st = *st;
	return 0;
}

/* Done with a statement from prepare(): reset if kept, finalized if not. */
static void
finish(struct ck_ledger *l, sqlite3_stmt *st)
{
	for (int i = 0; i < l->nstmt; i++)
		if (l->stmt[i].st == st) {
			sqlite3_reset(st);
			return;
		}
	sqlite3_finalize(st);
}

/*
 * One change: its own transaction, or a savepoint inside an open batch (so
 * a failed change is undone alone and the batch goes on).
 */
static int
tx_begin(struct ck_ledger *l, struct ck_err *err)
{
	return exec(l, l->batch ? "SAVEPOINT one" : "BEGIN IMMEDIATE", err, "ledger");
}

static int
tx_commit(struct ck_ledger *l, struct ck_err *err)
{
	return exec(l, l->batch ? "RELEASE one" : "COMMIT", err, "ledger commit");
}

static void
tx_rollback(struct ck_ledger *l)
{
	if (l->batch) {
		sqlite3_exec(l->db, "ROLLBACK TO one", NULL, NULL, NULL);
		sqlite3_exec(l->db, "RELEASE one", NULL, NULL, NULL);
	} else if (!sqlite3_get_autocommit(l->db)) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	}
}

int
ck_ledger_batch_begin(struct ck_ledger *l, struct ck_err *err)
{
	if (l->batch)
		return 0;
	if (exec(l, "BEGIN IMMEDIATE", err, "ledger") == -1)
		return -1;
	l->batch = 1;
	return 0;
}

int
ck_ledger_batch_commit(struct ck_ledger *l, struct ck_err *err)
{
	if (!l->batch)
		return 0;
	l->batch = 0;
	if (exec(l, "COMMIT", err, "ledger commit") == -1) {
		rollback(l);
		return -1;
	}
	return 0;
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_blob(sqlite3_stmt *st, int i, const unsigned char *b, size_t n)
{
	if (b)
		sqlite3_bind_blob64(st, i, b, n, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Runs a prepared statement that returns no rows; finalizes it. */
static int
step_done(struct ck_ledger *l, sqlite3_stmt *st, struct ck_err *err, const char *what)
{
	int rc = sqlite3_step(st);

	finish(l, st);
	if (rc != SQLITE_DONE)
		return db_err(l, err, what);
	return 0;
}

static int
audit(struct ck_ledger *l, const char *at, const char *who, const char *action,
    const char *object, const char *detail, struct ck_err *err)
{
	sqlite3_stmt *st;

	if (prepare(l, "INSERT INTO audit (at, who, action, object, detail) "
	    "VALUES (?, ?, ?, ?, ?)", &st, err) == -1)
		return -1;
	bind_text(st, 1, at);
	bind_text(st, 2, who ? who : "unknown");
	bind_text(st, 3, action);
	bind_text(st, 4, object);
	bind_text(st, 5, detail);
	return step_done(l, st, err, "audit");
}

/* WAL pages after which a commit checkpoints and truncates the WAL (about 30 certificates). */
#define CK_LEDGER_WAL_PAGES 128

/*
 * Runs after each commit.  SQLite's own automatic checkpoint is PASSIVE and
 * never shortens the WAL file; and since every cert-issue process opens a
 * ledger no other process holds open, the next one rebuilds the WAL index
 * from the whole WAL.  A TRUNCATE checkpoint once the WAL passes
 * CK_LEDGER_WAL_PAGES keeps that rebuild short.  A checkpoint that cannot
 * run now (readers) is simply left to a later commit.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)arg;
	if (pages >= CK_LEDGER_WAL_PAGES)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	return SQLITE_OK;
}

static int
configure(struct ck_ledger *l, int busy_ms, struct ck_err *err)
{
	sqlite3_busy_timeout(l->db, busy_ms);
	/*
	 * The last connection to close would otherwise checkpoint the WAL into
	 * the database and delete it: two more fsyncs and a new WAL file for
	 * every short-lived cert-issue process.  wal_hook checkpoints instead.
	 * sqlite3 and every SQLite reader see the WAL's content.
	 */
	sqlite3_db_config(l->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	sqlite3_wal_hook(l->db, wal_hook, NULL);
	/*
	 * NORMAL by default (see ck_ledger_set_sync): in WAL mode a commit is
	 * durable against a killed process; only a power loss or kernel crash
	 * can lose the last commits.
	 */
	if (exec(l, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", err,
	    "ledger") == -1)
		return -1;
	return 0;
}

int
ck_ledger_set_sync(struct ck_ledger *l, int full, struct ck_err *err)
{
	return exec(l, full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL",
	    err, "ledger");
}

struct ck_ledger *
ck_ledger_create(const char *path, struct ck_err *err)
{
	struct ck_ledger *l;
	char sql[128];
	int fd;

	/* O_EXCL: never adopt or overwrite an existing file. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1) {
		ck_err_set(err, CK_E_IO, "'%s': %s", path, strerror(errno));
		return NULL;
	}
	close(fd);
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		db_err(l, err, path);
		goto fail;
	}
	if (configure(l, 10000, err) == -1)
		goto fail;
	if (exec(l, "PRAGMA journal_mode=WAL", err, "ledger") == -1)
		goto fail;
	if (exec(l, "BEGIN IMMEDIATE", err, "ledger") == -1)
		goto fail;
	if (exec(l, schema_sql, err, "ledger schema") == -1)
		goto fail;
	snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d;",
	    CK_LEDGER_APP_ID, CK_LEDGER_SCHEMA);
	if (exec(l, sql, err, "ledger schema") == -1)
		goto fail;
	if (exec(l, "COMMIT", err, "ledger schema") == -1)
		goto fail;
	return l;
fail:
	rollback(l);
	ck_ledger_close(l);
	unlink(path);
	return NULL;
}

static int
pragma_int(struct ck_ledger *l, const char *sql, int *v, struct ck_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(l, sql, &st, err) == -1)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int(st, 0);
	finish(l, st);
	if (rc != SQLITE_ROW)
		return db_err(l, err, "ledger");
	return 0;
}

struct ck_ledger *
ck_ledger_open(const char *path, int busy_ms, struct ck_err *err)
{
	struct ck_ledger *l;
	int app = 0, ver = 0;

	if (access(path, F_OK) == -1) {
		ck_err_set(err, CK_E_DB, "'%s': %s", path, strerror(errno));
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		ck_err_set(err, CK_E_NOMEM, "out of memory");
		return NULL;
	}
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		db_err(l, err, path);
		goto fail;
	}
	if (configure(l, busy_ms, err) == -1) {
		ck_err_prefix(err, "'%s'", path);
		goto fail;
	}
	if (pragma_int(l, "PRAGMA application_id", &app, err) == -1 ||
	    pragma_int(l, "PRAGMA user_version", &ver, err) == -1) {
		ck_err_prefix(err, "'%s'", path);
		goto fail;
	}
	if (app != CK_LEDGER_APP_ID) {
		ck_err_set(err, CK_E_DB, "'%s': not a certkit ledger", path);
		goto fail;
	}
	if (ver != CK_LEDGER_SCHEMA) {
		ck_err_set(err, CK_E_DB, "'%s': ledger schema %d, expected %d", path,
		    ver, CK_LEDGER_SCHEMA);
		goto fail;
	}
	return l;
fail:
	ck_ledger_close(l);
	return NULL;
}

void
ck_ledger_close(struct ck_ledger *l)
{
	if (l == NULL)
		return;
	for (int i = 0; i < l->nstmt; i++) {
		sqlite3_finalize(l->stmt[i].st);
		free(l->stmt[i].sql);
	}
	if (l->batch)
		rollback(l);
	sqlite3_close(l->db);
	free(l);
}

int
ck_ledger_config_set(struct ck_ledger *l, const char *key, const char *value,
    struct ck_err *err)
{
	sqlite3_stmt *st;

	if (prepare(l, "INSERT OR REPLACE INTO config (key, value) VALUES (?, ?)",
	    &st, err) == -1)
		return -1;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return step_done(l, st, err, "ledger config");
}

int
ck_ledger_config_get(struct ck_ledger *l, const char *key, char **value,
    struct ck_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*value = NULL;
	if (prepare(l, "SELECT value FROM config WHERE key = ?", &st, err) == -1)
		return -1;
	bind_text(st, 1, key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && (*value = strdup(v)) == NULL) {
			finish(l, st);
			return ck_err_set(err, CK_E_NOMEM, "out of memory");
		}
	}
	finish(l, st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(l, err, "ledger config");
	return 0;
}

static int
insert_request(struct ck_ledger *l, const struct ck_ledger_row *r,
    const char *status, const char *at, long long *id, struct ck_err *err)
{
	sqlite3_stmt *st;

	if (prepare(l, "INSERT INTO requests (status, template, subject, requester,"
	    " created, decided, csr, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st,
	    err) == -1)
		return -1;
	bind_text(st, 1, status);
	bind_text(st, 2, r->template ? r->template : "");
	bind_text(st, 3, r->subject);
	bind_text(st, 4, r->requester);
	bind_text(st, 5, at);
	bind_text(st, 6, strcmp(status, "pending") == 0 ? NULL : at);
	bind_blob(st, 7, r->csr, r->csr_len);
	bind_text(st, 8, r->params);
	if (step_done(l, st, err, "ledger request") == -1)
		return -1;
	*id = sqlite3_last_insert_rowid(l->db);
	return 0;
}

int
ck_ledger_request_add(struct ck_ledger *l, const struct ck_ledger_row *r,
    const char *at, const char *who, long long *id, struct ck_err *err)
{
	char obj[32];
	long long nid;

	if (tx_begin(l, err) == -1)
		return -1;
	if (insert_request(l, r, "pending", at, &nid, err) == -1)
		goto fail;
	snprintf(obj, sizeof(obj), "request %lld", nid);
	if (audit(l, at, who, "request", obj, r->subject, err) == -1)
		goto fail;
	if (tx_commit(l, err) == -1)
		goto fail;
	if (id)
		*id = nid;
	return 0;
fail:
	tx_rollback(l);
	return -1;
}

int
ck_ledger_issue(struct ck_ledger *l, const struct ck_ledger_row *r,
    const char *at, const char *who, long long *id, struct ck_err *err)
{
	sqlite3_stmt *st;
	char obj[80];
	long long rid = r->id;
	int rc;

	if (r->serial == NULL || r->der == NULL || r->subject == NULL ||
	    r->not_after == NULL)
		return ck_err_set(err, CK_E_USAGE, "ledger issue: missing fields");
	if (tx_begin(l, err) == -1)
		return -1;
	if (rid == 0) {
		if (insert_request(l, r, "issued", at, &rid, err) == -1)
			goto fail;
	} else {
		if (prepare(l, "UPDATE requests SET status = 'issued', decided = ?"
		    " WHERE id = ? AND status = 'pending'", &st, err) == -1)
			goto fail;
		bind_text(st, 1, at);
		sqlite3_bind_int64(st, 2, rid);
		if (step_done(l, st, err, "ledger request") == -1)
			goto fail;
		if (sqlite3_changes(l->db) != 1) {
			ck_err_set(err, CK_E_POLICY, "request %lld is not pending", rid);
			goto fail;
		}
	}
	if (prepare(l, "INSERT INTO certs (serial, request_id, der, subject,"
	    " not_after, status) VALUES (?, ?, ?, ?, ?, 'issued')", &st, err) == -1)
		goto fail;
	bind_text(st, 1, r->serial);
	sqlite3_bind_int64(st, 2, rid);
	bind_blob(st, 3, r->der, r->der_len);
	bind_text(st, 4, r->subject);
	bind_text(st, 5, r->not_after);
	rc = sqlite3_step(st);
	finish(l, st);
	if (rc != SQLITE_DONE) {
		if (sqlite3_extended_errcode(l->db) == SQLITE_CONSTRAINT_PRIMARYKEY ||
		    sqlite3_extended_errcode(l->db) == SQLITE_CONSTRAINT_UNIQUE) {
			ck_err_set(err, CK_E_DB, "serial %s already in the ledger", r->serial);
			tx_rollback(l);
			return -2;
		}
		db_err(l, err, "ledger certificate");
		goto fail;
	}
	snprintf(obj, sizeof(obj), "serial %s", r->serial);
	if (audit(l, at, who, r->id ? "approve" : "issue", obj, r->subject, err) == -1)
		goto fail;
	if (tx_commit(l, err) == -1)
		goto fail;
	if (id)
		*id = rid;
	return 0;
fail:
	tx_rollback(l);
	return -1;
}

/*
 * The status column of the one row sql selects (bound to text, or to num
 * when text is NULL), copied into buf.  Returns 1 (found), 0 (no such row)
 * or -1 (database error, err set).
 */
static int
row_status(struct ck_ledger *l, const char *sql, const char *text, long long num,
    char *buf, size_t size, struct ck_err *err)
{
	sqlite3_stmt *st;
	const unsigned char *v;
	int rc;

	buf[0] = '\0';
	if (prepare(l, sql, &st, err) == -1)
		return -1;
	if (text != NULL)
		bind_text(st, 1, text);
	else
		sqlite3_bind_int64(st, 1, num);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v = sqlite3_column_text(st, 0);
		snprintf(buf, size, "%s", v ? (const char *)v : "");
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		db_err(l, err, "ledger");
		rc = -1;
	}
	finish(l, st);
	return rc;
}

int
ck_ledger_deny(struct ck_ledger *l, long long id, const char *at,
    const char *who, struct ck_err *err)
{
	sqlite3_stmt *st;
	char obj[32], status[16];
	int rc;

	if (exec(l, "BEGIN IMMEDIATE", err, "ledger") == -1)
		return -1;
	rc = row_status(l, "SELECT status FROM requests WHERE id = ?", NULL, id, status,
	    sizeof(status), err);
	if (rc == 0)
		ck_err_set(err, CK_E_NOTFOUND, "no request %lld", id);
	else if (rc == 1 && strcmp(status, "pending") != 0)
		ck_err_set(err, CK_E_POLICY, "request %lld is %s, not pending", id, status);
	if (rc != 1 || strcmp(status, "pending") != 0)
		goto fail;
	if (prepare(l, "UPDATE requests SET status = 'denied', decided = ? WHERE id = ?",
	    &st, err) == -1)
		goto fail;
	bind_text(st, 1, at);
	sqlite3_bind_int64(st, 2, id);
	if (step_done(l, st, err, "ledger request") == -1)
		goto fail;
	snprintf(obj, sizeof(obj), "request %lld", id);
	if (audit(l, at, who, "deny", obj, NULL, err) == -1)
		goto fail;
	if (exec(l, "COMMIT", err, "ledger commit") == -1)
		goto fail;
	return 0;
fail:
	rollback(l);
	return -1;
}

int
ck_ledger_revoke(struct ck_ledger *l, const char *serial, const char *reason,
    const char *at, const char *who, struct ck_err *err)
{
	sqlite3_stmt *st;
	char obj[80], status[16];
	int rc;

	if (exec(l, "BEGIN IMMEDIATE", err, "ledger") == -1)
		return -1;
	rc = row_status(l, "SELECT status FROM certs WHERE serial = lower(?)", serial, 0,
	    status, sizeof(status), err);
	if (rc == 0)
		ck_err_set(err, CK_E_NOTFOUND, "no certificate with serial %s", serial);
	else if (rc == 1 && strcmp(status, "issued") != 0)
		ck_err_set(err, CK_E_POLICY, "certificate %s is already revoked", serial);
	if (rc != 1 || strcmp(status, "issued") != 0)
		goto fail;
	if (prepare(l, "UPDATE certs SET status = 'revoked', revoked_at = ?, reason = ?"
	    " WHERE serial = lower(?)", &st, err) == -1)
		goto fail;
	bind_text(st, 1, at);
	bind_text(st, 2, reason);
	bind_text(st, 3, serial);
	if (step_done(l, st, err, "ledger revoke") == -1)
		goto fail;
	snprintf(obj, sizeof(obj), "serial %s", serial);
	if (audit(l, at, who, "revoke", obj, reason, err) == -1)
		goto fail;
	if (exec(l, "COMMIT", err, "ledger commit") == -1)
		goto fail;
	return 0;
fail:
	rollback(l);
	return -1;
}

int
ck_ledger_crl(struct ck_ledger *l, const char *this_update,
    const char *next_update, const char *who, ck_ledger_crl_fn build, void *arg,
    long long *number, struct ck_err *err)
{
	sqlite3_stmt *st = NULL;
	struct ck_ledger_revoked *rv = NULL;
	size_t n = 0, cap = 0, i;
	unsigned char *der = NULL;
	size_t len = 0;
	long long num = 1;
	char obj[48];
	int rc, ret = -1;

	if (exec(l, "BEGIN IMMEDIATE", err, "ledger") == -1)
		return -1;
	if (prepare(l, "SELECT coalesce(max(number), 0) + 1 FROM crls", &st, err) == -1)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_err(l, err, "ledger crl");
		goto out;
	}
	num = sqlite3_column_int64(st, 0);
	finish(l, st);
	if (prepare(l, "SELECT serial, revoked_at, reason FROM certs"
	    " WHERE status = 'revoked' ORDER BY serial", &st, err) == -1)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		void *p = ck_grow(rv, &cap, n + 1, sizeof(*rv), 16);

		if (p == NULL) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
		rv = p;
		rv[n].serial = strdup((const char *)sqlite3_column_text(st, 0));
		rv[n].revoked_at = strdup((const char *)sqlite3_column_text(st, 1));
		rv[n].reason = sqlite3_column_text(st, 2) ?
		    strdup((const char *)sqlite3_column_text(st, 2)) : NULL;
		n++;
		if (!rv[n - 1].serial || !rv[n - 1].revoked_at) {
			ck_err_set(err, CK_E_NOMEM, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		db_err(l, err, "ledger crl");
		goto out;
	}
	finish(l, st);
	st = NULL;
	if (build(rv, n, num, arg, &der, &len, err) == -1)
		goto out;
	if (prepare(l, "INSERT INTO crls (number, this_update, next_update, der)"
	    " VALUES (?, ?, ?, ?)", &st, err) == -1)
		goto out;
	sqlite3_bind_int64(st, 1, num);
	bind_text(st, 2, this_update);
	bind_text(st, 3, next_update);
	bind_blob(st, 4, der, len);
	rc = step_done(l, st, err, "ledger crl");
	st = NULL;
	if (rc == -1)
		goto out;
	snprintf(obj, sizeof(obj), "crl %lld", num);
	if (audit(l, this_update, who, "crl", obj, NULL, err) == -1)
		goto out;
	if (exec(l, "COMMIT", err, "ledger commit") == -1)
		goto out;
	if (number)
		*number = num;
	ret = 0;
out:
	finish(l, st);
	if (ret == -1)
		rollback(l);
	for (i = 0; i < n; i++) {
		free((char *)rv[i].serial);
		free((char *)rv[i].revoked_at);
		free((char *)rv[i].reason);
	}
	free(rv);
	free(der);
	return ret;
}

#define ROW_SELECT \
	"SELECT r.id, coalesce(c.status, r.status), r.template, coalesce(c.subject, r.subject)," \
	" r.requester, r.created, r.decided, r.csr, r.params, c.serial, c.der," \
	" c.not_after, c.revoked_at, c.reason" \
	" FROM requests r LEFT JOIN certs c ON c.request_id = r.id"

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static int
run_rows(struct ck_ledger *l, sqlite3_stmt *st, ck_ledger_row_fn fn, void *arg,
    int *found, struct ck_err *err)
{
	struct ck_ledger_row r;
	int rc, v = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.status = col_text(st, 1);
		r.template = col_text(st, 2);
		r.subject = col_text(st, 3);
		r.requester = col_text(st, 4);
		r.created = col_text(st, 5);
		r.decided = col_text(st, 6);
		r.csr = sqlite3_column_blob(st, 7);
		r.csr_len = (size_t)sqlite3_column_bytes(st, 7);
		r.params = col_text(st, 8);
		r.serial = col_text(st, 9);
		r.der = sqlite3_column_blob(st, 10);
		r.der_len = (size_t)sqlite3_column_bytes(st, 10);
		r.not_after = col_text(st, 11);
		r.revoked_at = col_text(st, 12);
		r.reason = col_text(st, 13);
		(*found)++;
		if ((v = fn(&r, arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		finish(l, st);
		return db_err(l, err, "ledger");
	}
	finish(l, st);
	return v;
}

int
ck_ledger_each(struct ck_ledger *l, const char *status, ck_ledger_row_fn fn,
    void *arg, struct ck_err *err)
{
	sqlite3_stmt *st;
	int found = 0;

	if (prepare(l, ROW_SELECT " WHERE ?1 IS NULL OR coalesce(c.status, r.status) = ?1"
	    " ORDER BY r.id", &st, err) == -1)
		return -1;
	bind_text(st, 1, status);
	return run_rows(l, st, fn, arg, &found, err);
}

int
ck_ledger_find(struct ck_ledger *l, const char *key, ck_ledger_row_fn fn,
    void *arg, struct ck_err *err)
{
	sqlite3_stmt *st;
	size_t n = strlen(key), i;
	int digits = n > 0 && n <= 18, hex = n > 0, found = 0, v;

	for (i = 0; i < n; i++) {
		if (key[i] < '0' || key[i] > '9')
			digits = 0;
		if (!strchr("0123456789abcdefABCDEF", key[i]))
			hex = 0;
	}
	if (digits) {
		if (prepare(l, ROW_SELECT " WHERE r.id = ?", &st, err) == -1)
			return -1;
		sqlite3_bind_int64(st, 1, strtoll(key, NULL, 10));
	} else if (hex) {
		if (prepare(l, ROW_SELECT " WHERE c.serial = lower(?)", &st, err) == -1)
			return -1;
		bind_text(st, 1, key);
	} else {
		return ck_err_set(err, CK_E_USAGE, "'%s': not a request id or a serial", key);
	}
	v = run_rows(l, st, fn, arg, &found, err);
	if (v == -1)
		return -1;
	if (found == 0)
		return ck_err_set(err, CK_E_NOTFOUND, "no request or certificate '%s'", key);
	return v;
}

int
ck_ledger_audit_each(struct ck_ledger *l, ck_ledger_audit_fn fn, void *arg,
    struct ck_err *err)
{
	sqlite3_stmt *st;
	int rc, v = 0;

	if (prepare(l, "SELECT at, who, action, object, detail FROM audit ORDER BY id",
	    &st, err) == -1)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((v = fn(col_text(st, 0), col_text(st, 1), col_text(st, 2),
		    col_text(st, 3), col_text(st, 4), arg)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		finish(l, st);
		return db_err(l, err, "ledger");
	}
	finish(l, st);
	return v;
}

static const struct {
	const char *name, *alt;
	int code;
} reasons[] = {
	{ "unspecified", "unspecified", 0 },
	{ "key_compromise", "keyCompromise", 1 },
	{ "ca_compromise", "CACompromise", 2 },
	{ "affiliation_changed", "affiliationChanged", 3 },
	{ "superseded", "superseded", 4 },
	{ "cessation_of_operation", "cessationOfOperation", 5 },
	{ "certificate_hold", "certificateHold", 6 },
	{ "remove_from_crl", "removeFromCRL", 8 },
	{ "privilege_withdrawn", "privilegeWithdrawn", 9 },
	{ "aa_compromise", "AACompromise", 10 },
};

int
ck_ledger_reason_code(const char *name, const char **canonical)
{
	size_t i;

	for (i = 0; name && i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (strcmp(name, reasons[i].name) == 0 ||
		    strcasecmp(name, reasons[i].alt) == 0) {
			if (canonical)
				*canonical = reasons[i].name;
			return reasons[i].code;
		}
	}
	return -1;
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v)
		json_object_set_new(o, k, json_string(v));
}

json_t *
ck_ledger_row_record(const struct ck_ledger_row *r)
{
	json_t *o = ck_record_new("request");

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "id", json_integer(r->id));
	set_str(o, "status", r->status);
	set_str(o, "template", r->template);
	set_str(o, "subject", r->subject ? r->subject : "");
	set_str(o, "requester", r->requester);
	set_str(o, "created", r->created);
	set_str(o, "decided", r->decided);
	set_str(o, "serial", r->serial);
	set_str(o, "not_after", r->not_after);
	set_str(o, "revoked_at", r->revoked_at);
	set_str(o, "reason", r->reason);
	return o;
}
