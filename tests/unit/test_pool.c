/*
 * Unit tests of ck_pool: every item is run once (skipped ones never),
 * handed to done() once and in order after its run, released once after
 * done() (by the worker that ran it, or the caller); workers stay within
 * the window; one job runs everything on the calling thread.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "ck_pool.h"

#define N 20000

static struct {
	pthread_t caller;
	pthread_mutex_t mu;
	size_t ndone;			/* items handed to done() so far */
	size_t max_ahead;		/* the furthest a run started beyond ndone */
	int ran[N], done[N], released[N], order_ok, after_run_ok, after_done_ok;
	int skipped_run, same_thread_or_caller;
	pthread_t runner[N];
	unsigned long out[N];		/* what run computed, checked by done */
	size_t skip_every;		/* every k-th item is skipped (0: none) */
	size_t next_done;
} s;

static int
skip_item(void *arg, size_t i)
{
	(void)arg;
	return s.skip_every != 0 && i % s.skip_every == 3;
}

static int
skip_all(void *arg, size_t i)
{
	(void)arg;
	(void)i;
	return 1;
}

static void
run_item(void *arg, size_t i)
{
	(void)arg;
	pthread_mutex_lock(&s.mu);
	if (i > s.ndone && i - s.ndone > s.max_ahead)
		s.max_ahead = i - s.ndone;
	pthread_mutex_unlock(&s.mu);
	if (skip_item(NULL, i))
		s.skipped_run = 1;
	/* Uneven work: some items take much longer, so they finish out of order. */
	if (i % 97 == 0) {
		struct timespec ts = { 0, 200000 };

		nanosleep(&ts, NULL);
	}
	s.out[i] = (unsigned long)i * i + 1;
	s.runner[i] = pthread_self();
	s.ran[i]++;
}

static void
done_item(void *arg, size_t i)
{
	(void)arg;
	if (i != s.next_done || !pthread_equal(pthread_self(), s.caller))
		s.order_ok = 0;
	s.next_done = i + 1;
	if (!skip_item(NULL, i) && (s.ran[i] != 1 || s.out[i] != (unsigned long)i * i + 1))
		s.after_run_ok = 0;
	s.done[i]++;
	pthread_mutex_lock(&s.mu);
	s.ndone = i + 1;
	pthread_mutex_unlock(&s.mu);
}

static void
release_item(void *arg, size_t i)
{
	(void)arg;
	if (s.done[i] != 1)
		s.after_done_ok = 0;
	if (!skip_item(NULL, i) && !pthread_equal(pthread_self(), s.runner[i]) &&
	    !pthread_equal(pthread_self(), s.caller))
		s.same_thread_or_caller = 0;
	s.released[i]++;
}

static void
reset(size_t skip_every)
{
	memset(&s, 0, sizeof(s));
	pthread_mutex_init(&s.mu, NULL);
	s.caller = pthread_self();
	s.order_ok = s.after_run_ok = s.after_done_ok = s.same_thread_or_caller = 1;
	s.skip_every = skip_every;
}

static void
check_all(size_t n)
{
	size_t i;

	assert_true(s.order_ok);
	assert_true(s.after_run_ok);
	assert_true(s.after_done_ok);
	assert_true(s.same_thread_or_caller);
	assert_false(s.skipped_run);
	assert_int_equal(s.next_done, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(s.ran[i], skip_item(NULL, i) ? 0 : 1);
		assert_int_equal(s.done[i], 1);
		assert_int_equal(s.released[i], 1);
	}
}

static void
test_ordered(void **state)
{
	struct ck_pool_ops ops = { .run = run_item, .done = done_item,
		.release = release_item, .skip = skip_item };

	(void)state;
	reset(5);
	assert_int_equal(ck_pool_run(&ops, N, 4), 4);
	check_all(N);
	/* Within the window: 4 jobs * 64 items. */
	assert_true(s.max_ahead <= 4 * 64);
	/* Runs of items, batched wake-ups: the same contract. */
	reset(0);
	ops.claim = 16;
	ops.batch = 32;
	ops.window = 8;
	assert_int_equal(ck_pool_run(&ops, N, 3), 3);
	check_all(N);
	assert_true(s.max_ahead <= 64 + 16);	/* the minimum window, plus a claimed run */
}

static void
test_one_job_and_edges(void **state)
{
	struct ck_pool_ops ops = { .run = run_item, .done = done_item,
		.release = release_item, .skip = skip_item };
	size_t i;

	(void)state;
	/* One job: run, done, release per item on the calling thread. */
	reset(4);
	assert_int_equal(ck_pool_run(&ops, 1000, 1), 0);
	check_all(1000);
	for (i = 0; i < 1000; i++)
		if (!skip_item(NULL, i))
			assert_true(pthread_equal(s.runner[i], s.caller));
	/* More jobs than items; no items at all; every item skipped. */
	reset(0);
	assert_int_equal(ck_pool_run(&ops, 3, 64), 3);
	check_all(3);
	reset(0);
	assert_int_equal(ck_pool_run(&ops, 0, 8), 0);
	assert_int_equal(s.next_done, 0);
	/* Every item skipped (records passed through): none is run, all are done. */
	reset(0);
	ops.skip = skip_all;
	ops.release = NULL;	/* release is optional */
	assert_int_equal(ck_pool_run(&ops, 500, 2), 2);
	assert_int_equal(s.next_done, 500);
	for (i = 0; i < 500; i++) {
		assert_int_equal(s.ran[i], 0);
		assert_int_equal(s.done[i], 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordered),
		cmocka_unit_test(test_one_job_and_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
