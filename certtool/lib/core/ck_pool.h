/*
 * ck_pool: the ordered worker pool of every tool that works on its inputs
 * in parallel and prints in input order (cert-chain's candidates,
 * cert-read's sources).  Worker threads run items 0..n-1, several at a
 * time and in any order; the calling thread hands each item to done() in
 * index order, as soon as it and every item before it have run, so the
 * output starts while the workers are still busy further on.
 *
 *   static void check(void *arg, size_t i);   worker: item i's work
 *   static void print(void *arg, size_t i);   caller: item i's output
 *   static void drop(void *arg, size_t i);    after print: free item i
 *   struct ck_pool_ops ops = { .run = check, .done = print, .release = drop,
 *       .arg = items };
 *   ck_pool_run(&ops, n, jobs);
 *
 * Contract:
 * - run(arg, i) is called exactly once per item, on a worker thread, with
 *   no lock held; items run concurrently, so run touches item i and
 *   thread-safe state only.  Items that skip(arg, i) says need no work
 *   (records passed through) are not run.  skip is called with the pool's
 *   lock held and must be cheap.
 * - done(arg, i) is called exactly once per item, on the calling thread,
 *   in the order 0, 1, ..., n-1, after run(arg, i) has returned (every
 *   write run made is visible to done).
 * - release(arg, i) (optional) is called exactly once per item, after
 *   done(arg, i): on the worker that ran the item when it can (glibc's
 *   malloc arenas are per thread: what a worker allocated is freed by the
 *   same worker, without contention), else on the calling thread before
 *   ck_pool_run returns.
 * - A worker claims up to .claim items at a time (default 1; more for
 *   cheap items: one lock round per run of them), fewer near the end so
 *   the threads finish together, and starts a run only within jobs *
 *   .window items (default 64 per job, at least 64) of done(): no item
 *   runs more than that window + claim items ahead of the output, so
 *   memory stays bounded however many items there are.  The calling thread is woken when
 *   .batch items (default 1) are ready to be handed to done().
 * - jobs <= 1, n <= 1, or no thread could be started: each item is run,
 *   done and released in turn on the calling thread.
 * Returns the number of worker threads used (0: all on the calling thread).
 */
#ifndef CK_POOL_H
#define CK_POOL_H

#include <stddef.h>

struct ck_pool_ops {
	void (*run)(void *arg, size_t i);
	void (*done)(void *arg, size_t i);
	void (*release)(void *arg, size_t i);	/* optional */
	int (*skip)(void *arg, size_t i);	/* optional: non-zero: nothing to run */
	void *arg;
	size_t window;		/* items ahead of done() per job; 0: 64 */
	size_t claim;		/* items a worker takes at a time; 0: 1 */
	size_t batch;		/* ready items that wake the caller; 0: 1 */
};

#define CK_POOL_MAX_THREADS 256

long ck_pool_run(const struct ck_pool_ops *ops, size_t n, long jobs);

#endif /* CK_POOL_H */
