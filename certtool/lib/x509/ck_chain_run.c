/* ck_chain_run: cert-chain's read, group, check in parallel, print in order. */
#include "ck_chain_run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck_cert.h"
#include "ck_grow.h"
#include "ck_err.h"
#include "ck_group.h"
#include "ck_net.h"
#include "ck_pool.h"
#include "ck_record.h"
#include "ck_text.h"
#include "ck_tool.h"

#define BATCH 512
#define WINDOW_PER_JOB 64
#define WAKE_BATCH 32		/* the printer is woken for this many finished items */
#define CLAIM 16		/* a worker takes up to this many items at a time */
/*
 * Prefetch rounds per batch: AIA goes one issuer further per round (at most
 * ck_chain_opts.max_fetch URLs per candidate), then the CRLs and OCSP
 * answers of the path found.  What is still missing after them is fetched
 * by the check itself.
 */
#define MAX_ROUNDS 32

/*
 * One output slot, printed in input order: a record to pass through, a
 * candidate chain read from a stream, or a FILE argument (loaded, grouped
 * and checked by a worker).  Workers also serialise their output, so the
 * calling thread only writes bytes.
 */
struct item {
	json_t *pass;		/* passed through as is (other kinds, errors) */
	json_t *certs;		/* candidate: array of cert records, leaf first */
	const char *file;	/* FILE argument */
	char source[512];	/* for messages */
	json_t *out;		/* records to print (chain and error records) */
	char *text;		/* JSON Lines of out, serialised by the worker */
	int status;
	int ready;		/* out is final (a probing check that missed nothing) */
};

struct ck_chain_run {
	struct ck_chain_ctx *ctx;
	const struct ck_load_opts *lo;
	int format;
	int status;
	long jobs;
	struct item *items;
	size_t n, cap, ncand;
	int progress;			/* stderr is a terminal */
	unsigned long nprinted;
	int prefetch;			/* fetch each batch's URLs ahead (ck_chain_prefetch) */
	long net_jobs;			/* URLs fetched at once */
};

/* Checks one candidate; appends the chain (or error) record to out. */
static int
check_certs(struct ck_chain_ctx *ctx, json_t *certs, const char *source, json_t *out,
    struct ck_chain_probe *probe)
{
	struct ck_err err;
	int st = CK_UNKNOWN;
	json_t *rec;

	ck_err_clear(&err);
	rec = ck_chain_check_probe(ctx, certs, &st, &err, probe);
	if (rec == NULL) {
		rec = ck_error_record_err(source, &err);
		st = CK_UNKNOWN;
	}
	json_array_append_new(out, rec);
	return st;
}

/*
 * Checks one item into it->out (and it->text).  A probing check (probe set)
 * that missed a URL leaves nothing: the item is checked again after the
 * prefetch; one that missed nothing is final (it->ready).
 */
static void
check_item(struct ck_chain_run *r, struct item *it, struct ck_chain_probe *probe)
{
	size_t failed;

	it->out = json_array();
	it->status = CK_OK;
	if (it->file != NULL) {
		/* FILE arguments keep their DER from the load (ck_group_der). */
		struct ck_group_der gd = { .ctx = r->ctx, .out = it->out, .status = CK_OK,
			.probe = probe };

		ck_load_source_der(it->file, r->lo, ck_group_der_emit, &gd);
		ck_group_der_done(&gd);
		it->status = gd.status;
	} else if (it->certs != NULL) {
		it->status = check_certs(r->ctx, it->certs, it->source, it->out, probe);
	}
	if (probe != NULL && probe->missed) {
		json_decref(it->out);
		it->out = NULL;
		return;
	}
	json_decref(it->certs);
	it->certs = NULL;
	it->ready = probe != NULL;
	if (r->format == CK_FMT_JSON) {
		it->text = ck_record_lines(it->out, &failed);
		if (failed > 0)
			it->status = ck_status_worse(it->status, CK_UNKNOWN);
	}
}

static void
print_record(struct ck_chain_run *r, const json_t *rec)
{
	struct ck_err err;

	if (r->format == CK_FMT_JSON) {
		if (ck_record_write(stdout, rec, &err) != 0)
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
	} else if (ck_record_is(rec, "chain")) {
		ck_chain_print_text(stdout, rec);
	} else if (ck_record_is(rec, "error")) {
		ck_textf(stdout, "error  %s: %s\n", json_string_value(json_object_get(rec, "source")),
		    json_string_value(json_object_get(rec, "message")));
	} else {
		printf("(%s record passed through)\n", ck_record_kind(rec));
	}
}

static void
print_item(struct ck_chain_run *r, struct item *it)
{
	size_t i;
	json_t *rec;

	if (it->pass != NULL) {
		print_record(r, it->pass);
		json_decref(it->pass);
		it->pass = NULL;
		return;
	}
	json_array_foreach(it->out, i, rec)
		if (ck_record_is(rec, "error"))
			ck_warn_record(rec);
	if (r->format == CK_FMT_JSON) {
		if (it->text != NULL && fputs(it->text, stdout) == EOF)
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
	} else {
		json_array_foreach(it->out, i, rec)
			print_record(r, rec);
	}
	r->status = ck_status_worse(r->status, it->status);
	if (r->progress && ++r->nprinted % 1000 == 0)
		fprintf(stderr, "\r%s: %lu chains checked", ck_prog(), r->nprinted);
}

static void
pool_run(void *arg, size_t i)
{
	struct ck_chain_run *r = arg;

	if (!r->items[i].ready)
		check_item(r, &r->items[i], NULL);
}

/*
 * A probing check of item i.  A FILE argument that is itself a network
 * source (any URL) is not read twice: it is checked once, at the end.
 */
static void
probe_run(void *arg, size_t i)
{
	struct ck_chain_run *r = arg;
	struct item *it = &r->items[i];
	struct ck_chain_probe probe = { .index = i };

	if (it->file != NULL && strstr(it->file, "://") != NULL)
		return;
	check_item(r, it, &probe);
}

static void
probe_done(void *arg, size_t i)
{
	(void)arg;
	(void)i;
}

static int
probe_skip(void *arg, size_t i)
{
	const struct item *it = &((struct ck_chain_run *)arg)->items[i];

	return it->pass != NULL || it->ready;
}

static void
pool_done(void *arg, size_t i)
{
	struct ck_chain_run *r = arg;

	print_item(r, &r->items[i]);
}

/* Frees an item's output (by the thread that allocated it: no malloc arena contention). */
static void
pool_release(void *arg, size_t i)
{
	struct item *it = &((struct ck_chain_run *)arg)->items[i];

	free(it->text);
	it->text = NULL;
	json_decref(it->out);
	it->out = NULL;
}

static int
pool_skip(void *arg, size_t i)
{
	return ((struct ck_chain_run *)arg)->items[i].pass != NULL;
}

/*
 * Checks the items on worker threads and prints them in input order
 * (ck_pool).  A chain check is ~100 us: workers take runs of CLAIM items
 * and wake the printer for WAKE_BATCH finished ones.
 */
static void
run_items(struct ck_chain_run *r)
{
	struct ck_pool_ops ops = { .run = pool_run, .done = pool_done,
		.release = pool_release, .skip = pool_skip, .arg = r, .window = WINDOW_PER_JOB,
		.claim = CLAIM, .batch = WAKE_BATCH };
	struct ck_pool_ops probe = { .run = probe_run, .done = probe_done, .skip = probe_skip,
		.arg = r, .window = WINDOW_PER_JOB, .claim = CLAIM, .batch = WAKE_BATCH };
	long jobs = r->jobs < (long)r->ncand ? r->jobs : (long)r->ncand;

	/*
	 * Prefetch: probing checks note the URLs they need; all of them are
	 * fetched at once; again, until a round needs nothing new.  Then the
	 * items are printed in order, the ones still missing something checked
	 * now (with the cache full, they wait on no network).
	 */
	for (int round = 0; r->prefetch && r->ncand > 0 && round < MAX_ROUNDS; round++) {
		ck_pool_run(&probe, r->n, jobs);
		if (ck_chain_prefetch(r->ctx, r->net_jobs) == 0)
			break;
	}
	ck_pool_run(&ops, r->n, jobs);
	r->n = 0;
	r->ncand = 0;
}

static int
push_item(struct ck_chain_run *r, const struct item *it)
{
	struct item *ni = ck_grow(r->items, &r->cap, r->n + 1, sizeof(*ni), 256);

	if (ni == NULL)
		return -1;
	r->items = ni;
	r->items[r->n++] = *it;
	return 0;
}

/* A stream's candidate is complete. */
static void
stream_close(void *arg, json_t *certs, const char *source)
{
	struct ck_chain_run *r = arg;
	struct item it;

	memset(&it, 0, sizeof(it));
	it.certs = certs;
	snprintf(it.source, sizeof(it.source), "%s", source);
	if (push_item(r, &it) != 0) {
		json_decref(certs);
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	if (++r->ncand >= BATCH)
		run_items(r);
}

static void
stream_pass(void *arg, json_t *rec)
{
	struct ck_chain_run *r = arg;
	struct item it;

	/* Broken lines and upstream errors: the input could not be checked. */
	if (ck_record_is(rec, "error")) {
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		ck_warn_record(rec);
	}
	memset(&it, 0, sizeof(it));
	it.pass = rec;
	if (push_item(r, &it) != 0) {
		print_record(r, rec);
		json_decref(rec);
	}
}

struct ck_chain_run *
ck_chain_run_new(struct ck_chain_ctx *ctx, const struct ck_load_opts *lo, int format, long jobs)
{
	struct ck_chain_run *r = calloc(1, sizeof(*r));
	const char *env;

	if (r == NULL)
		return NULL;
	r->ctx = ctx;
	r->lo = lo;
	r->format = format;
	/*
	 * --jobs N: N threads (at most the pool's), N connections; by default
	 * the CPUs and CK_NET_CONCURRENCY_DEFAULT.
	 */
	if (jobs <= 0) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		r->net_jobs = CK_NET_CONCURRENCY_DEFAULT;
	} else {
		r->net_jobs = jobs;
	}
	r->jobs = jobs < 1 ? 1 : jobs > CK_POOL_MAX_THREADS ? CK_POOL_MAX_THREADS : jobs;
	r->progress = ck_progress_enabled();
	/* CERTKIT_NET_ENGINE=0: one URL at a time through libcurl, as before the engine. */
	env = getenv("CERTKIT_NET_ENGINE");
	if ((env == NULL || strcmp(env, "0") != 0) && ck_chain_uses_network(ctx)) {
		ck_chain_prefetch_init(ctx);
		r->prefetch = 1;
	}
	return r;
}

void
ck_chain_run_stream(struct ck_chain_run *r, FILE *fp, const char *name)
{
	struct ck_reader *rd;
	struct ck_group gr = { .close = stream_close, .pass = stream_pass, .arg = r };
	struct ck_err err;
	json_t *rec;
	int rc;

	run_items(r);		/* FILE arguments before it come first */
	if ((rd = ck_reader_new(fp, name)) == NULL) {
		ck_err_set(&err, CK_E_NOMEM, "out of memory");
		ck_report(r->format == CK_FMT_JSON ? stdout : NULL, name, &err);
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	while ((rc = ck_reader_next(rd, &rec, &err)) != CK_READ_EOF) {
		if (rc == CK_READ_FAIL) {
			ck_group_close(&gr);
			run_items(r);
			ck_report(r->format == CK_FMT_JSON ? stdout : NULL, name, &err);
			r->status = ck_status_worse(r->status, CK_UNKNOWN);
			break;
		}
		ck_group_take(&gr, rec);	/* a broken line is an error record: reported and counted */
	}
	ck_group_close(&gr);
	run_items(r);
	ck_reader_free(rd);
}

void
ck_chain_run_file(struct ck_chain_run *r, const char *path)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.file = path;
	snprintf(it.source, sizeof(it.source), "%s", path);
	if (push_item(r, &it) != 0) {
		r->status = ck_status_worse(r->status, CK_UNKNOWN);
		return;
	}
	r->ncand++;
}

int
ck_chain_run_end(struct ck_chain_run *r)
{
	int status;

	run_items(r);
	if (r->progress && r->nprinted >= 1000)
		fputc('\n', stderr);
	status = r->status;
	free(r->items);
	free(r);
	return status;
}
