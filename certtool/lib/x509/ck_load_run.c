/*
 * ck_load_sources: many SOURCEs, each through the path that suits it
 * (cert-read's run).  Contract in ck_load.h.
 */
#include <stdlib.h>
#include <string.h>

#include "ck_load.h"
#include "ck_net.h"
#include "ck_pool.h"
#include "ck_record.h"
#include "ck_tool.h"

/* Threads for sources that are not network sources, unless --jobs says. */
#define LOAD_THREADS_DEFAULT 8

/* Sources loaded by workers (ck_pool), their records emitted in input order. */
struct jobs {
	char *const *sources;
	json_t **results;	/* per source: array of its records */
	const struct ck_load_opts *lo;
	ck_emit_fn emit;
	void *ctx;
	int errors;		/* error records emitted */
	int stopped;		/* emit asked to stop */
};

static int
emit_collect(void *ctx, json_t *rec)
{
	json_array_append_new(ctx, rec);
	return 0;
}

/* Emits rec (a new reference) on the calling thread, counting errors and stops. */
static void
job_emit(struct jobs *j, json_t *rec)
{
	if (j->stopped) {
		json_decref(rec);
		return;
	}
	if (ck_record_is(rec, "error"))
		j->errors++;
	if (j->emit(j->ctx, rec) != 0)
		j->stopped = 1;
}

static void
job_run(void *arg, size_t i)
{
	struct jobs *j = arg;

	if ((j->results[i] = json_array()) != NULL)
		ck_load_source(j->sources[i], j->lo, emit_collect, j->results[i]);
}

static void
job_done(void *arg, size_t i)
{
	struct jobs *j = arg;
	size_t k;
	json_t *rec;
	int rc;

	if (j->stopped)
		return;
	if (j->results[i] == NULL) {
		/* No memory for the worker's array: load it here, directly. */
		if ((rc = ck_load_source(j->sources[i], j->lo, j->emit, j->ctx)) < 0)
			j->stopped = 1;
		else
			j->errors += rc;
		return;
	}
	json_array_foreach(j->results[i], k, rec)
		job_emit(j, json_incref(rec));
}

static void
job_release(void *arg, size_t i)
{
	struct jobs *j = arg;

	json_decref(j->results[i]);
	j->results[i] = NULL;
}

/* Loads sources[0..n) one after the other on this thread. */
static int
load_serial(char *const *sources, size_t n, const struct ck_load_opts *lo, ck_emit_fn emit,
    void *ctx)
{
	int rc, errors = 0;

	for (size_t i = 0; i < n; i++) {
		if ((rc = ck_load_source(sources[i], lo, emit, ctx)) < 0)
			return -1;
		errors += rc;
	}
	return errors;
}

static int
load_parallel(char *const *sources, size_t n, long threads, const struct ck_load_opts *lo,
    ck_emit_fn emit, void *ctx)
{
	struct jobs j = { .sources = sources, .results = calloc(n, sizeof(json_t *)), .lo = lo,
		.emit = emit, .ctx = ctx };
	struct ck_pool_ops ops = { .run = job_run, .done = job_done, .release = job_release,
		.arg = &j, .window = 4 };

	if (j.results == NULL)
		return load_serial(sources, n, lo, emit, ctx);
	ck_pool_run(&ops, n, threads);
	free(j.results);
	return j.stopped ? -1 : j.errors;
}

/* The jobs for network sources, fitted to the open file limit (said once). */
static long
net_jobs(long jobs, long *fit)
{
	struct ck_err why;
	long want = jobs == 0 ? CK_NET_CONCURRENCY_DEFAULT : jobs;

	if (*fit == 0 && (*fit = ck_net_jobs_fit(want, &why)) < want)
		ck_warnx("%s", why.msg);
	return *fit;
}

int
ck_load_sources(char *const *sources, size_t n, long jobs, const struct ck_load_opts *lo,
    ck_emit_fn emit, void *ctx)
{
	const char *env = getenv("CERTKIT_NET_ENGINE");
	int engine = env == NULL || strcmp(env, "0") != 0;
	long threads = jobs == 0 ? LOAD_THREADS_DEFAULT : jobs > CK_POOL_MAX_THREADS ?
	    CK_POOL_MAX_THREADS : jobs;
	long fit = 0;
	size_t i = 0, k;
	int rc, errors = 0;

	while (i < n) {
		int net = engine && ck_load_is_net(sources[i]);

		for (k = i + 1; k < n && (engine && ck_load_is_net(sources[k])) == net; k++)
			;
		if (net)
			rc = ck_load_net(sources + i, k - i, net_jobs(jobs, &fit), lo, emit, ctx);
		else if (k - i == 1 || threads == 1)
			rc = load_serial(sources + i, k - i, lo, emit, ctx);
		else
			rc = load_parallel(sources + i, k - i, threads, lo, emit, ctx);
		if (rc < 0)
			return -1;
		errors += rc;
		i = k;
	}
	return errors;
}
