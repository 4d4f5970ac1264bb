/*
 * ck_pool: workers claim runs of items under one mutex; the calling thread
 * hands finished items to done() in order.  Two condition variables: the
 * caller waits on `ready` for its next item, workers wait on `room` when
 * they are a window ahead of it.  Wake-ups are batched both ways, because
 * for cheap items (a chain check is ~100 us) a wake-up per item costs more
 * than the work.
 */
#include "ck_pool.h"

#include <pthread.h>
#include <stdlib.h>

#define DEFAULT_WINDOW 64
#define MIN_WINDOW 64

/* Per item state bits, read and written with the mutex held. */
enum { DONE = 1, PRINTED = 2, RELEASED = 4 };

struct pool {
	const struct ck_pool_ops *ops;
	unsigned char *state;
	size_t n, next, printed, ndone, window, claim, batch, jobs;
	pthread_mutex_t mu;
	pthread_cond_t ready;		/* the caller waits for item `printed` */
	pthread_cond_t room;		/* workers wait for the caller to catch up */
	int caller_waiting, workers_waiting;
};

static int
skip(const struct pool *p, size_t i)
{
	return p->ops->skip != NULL && p->ops->skip(p->ops->arg, i);
}

/* Items this worker ran and has not released yet. */
struct mine {
	size_t *ran, nran, *gone, ngone, cap;
};

/* Room for more items; on failure items go untracked (the caller releases them). */
static void
mine_grow(struct mine *m, size_t more)
{
	size_t nc;
	size_t *r, *g;

	if (m->nran + more <= m->cap)
		return;
	nc = (m->cap ? m->cap * 2 : 64) + more;
	if ((r = realloc(m->ran, nc * sizeof(*r))) != NULL)
		m->ran = r;
	if ((g = realloc(m->gone, nc * sizeof(*g))) != NULL)
		m->gone = g;
	if (r != NULL && g != NULL)
		m->cap = nc;
}

/* With the lock held: what this worker ran and the caller printed moves to gone. */
static void
mine_collect(struct pool *p, struct mine *m)
{
	size_t k, keep = 0;

	m->ngone = 0;
	for (k = 0; k < m->nran; k++) {
		size_t i = m->ran[k];

		if (p->state[i] & PRINTED) {
			p->state[i] |= RELEASED;
			m->gone[m->ngone++] = i;
		} else {
			m->ran[keep++] = i;
		}
	}
	m->nran = keep;
}

static void
mine_release(struct pool *p, struct mine *m)
{
	size_t k;

	for (k = 0; k < m->ngone; k++)
		p->ops->release(p->ops->arg, m->gone[k]);
	m->ngone = 0;
}

static void *
worker(void *arg)
{
	struct pool *p = arg;
	struct mine m = { 0 };
	size_t i, first, end, left;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		if (p->ops->release != NULL)
			mine_collect(p, &m);
		/* Stay within a window of the caller so memory stays bounded. */
		while (p->next < p->n && p->next >= p->printed + p->window) {
			p->workers_waiting++;
			pthread_cond_wait(&p->room, &p->mu);
			p->workers_waiting--;
		}
		while (p->next < p->n && skip(p, p->next)) {
			p->state[p->next++] |= DONE;
			p->ndone++;
		}
		if (p->caller_waiting && p->printed < p->n && (p->state[p->printed] & DONE))
			pthread_cond_signal(&p->ready);
		if (p->next >= p->n) {
			pthread_cond_broadcast(&p->ready);
			pthread_mutex_unlock(&p->mu);
			if (p->ops->release != NULL)
				mine_release(p, &m);
			free(m.ran);
			free(m.gone);
			return NULL;	/* what is left is released by the caller */
		}
		/* A run of items: up to claim, fewer near the end. */
		left = (p->n - p->next) / (p->jobs * 4);
		left = left < 1 ? 1 : left > p->claim ? p->claim : left;
		first = p->next;
		for (end = first; end < p->n && end - first < left && !skip(p, end); end++)
			;
		p->next = end;
		pthread_mutex_unlock(&p->mu);
		if (p->ops->release != NULL) {
			mine_release(p, &m);
			mine_grow(&m, end - first);
		}
		for (i = first; i < end; i++) {
			p->ops->run(p->ops->arg, i);
			if (p->ops->release != NULL && m.nran < m.cap)
				m.ran[m.nran++] = i;
		}
		pthread_mutex_lock(&p->mu);
		for (i = first; i < end; i++)
			p->state[i] |= DONE;
		p->ndone += end - first;
		/*
		 * Wake the caller when its item is done and a batch is ready
		 * (or nothing is left to start).
		 */
		if (p->caller_waiting && p->printed < p->n && (p->state[p->printed] & DONE) &&
		    (p->ndone >= p->printed + p->batch || p->next >= p->n))
			pthread_cond_signal(&p->ready);
		pthread_mutex_unlock(&p->mu);
	}
}

static void
run_here(const struct ck_pool_ops *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (ops->skip == NULL || !ops->skip(ops->arg, i))
			ops->run(ops->arg, i);
		ops->done(ops->arg, i);
		if (ops->release != NULL)
			ops->release(ops->arg, i);
	}
}

long
ck_pool_run(const struct ck_pool_ops *ops, size_t n, long jobs)
{
	pthread_t th[CK_POOL_MAX_THREADS];
	struct pool p = { 0 };
	long nth = jobs, started = 0, t;
	size_t i, j, k;

	if (nth > CK_POOL_MAX_THREADS)
		nth = CK_POOL_MAX_THREADS;
	if (nth > (long)n)
		nth = (long)n;
	if (nth <= 1 || (p.state = calloc(n, 1)) == NULL) {
		run_here(ops, n);
		return 0;
	}
	p.ops = ops;
	p.n = n;
	p.jobs = (size_t)nth;
	p.window = (size_t)nth * (ops->window ? ops->window : DEFAULT_WINDOW);
	if (p.window < MIN_WINDOW)
		p.window = MIN_WINDOW;
	p.claim = ops->claim ? ops->claim : 1;
	p.batch = ops->batch ? ops->batch : 1;
	/* The caller must be woken before the workers stop for lack of room. */
	if (p.batch > p.window / 2)
		p.batch = p.window / 2;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.ready, NULL);
	pthread_cond_init(&p.room, NULL);
	for (t = 0; t < nth; t++)
		if (pthread_create(&th[started], NULL, worker, &p) == 0)
			started++;
	if (started == 0) {
		run_here(ops, n);
		goto out;
	}
	for (i = 0; i < n;) {
		/* Hand every finished item to done(), one lock round per run of them. */
		pthread_mutex_lock(&p.mu);
		p.printed = i;
		while (!(p.state[i] & DONE)) {
			p.caller_waiting = 1;
			pthread_cond_wait(&p.ready, &p.mu);
			p.caller_waiting = 0;
		}
		for (j = i + 1; j < n && (p.state[j] & DONE); j++)
			;
		pthread_mutex_unlock(&p.mu);
		for (k = i; k < j; k++)
			ops->done(ops->arg, k);
		pthread_mutex_lock(&p.mu);
		for (k = i; k < j; k++)
			p.state[k] |= PRINTED;
		p.printed = i = j;
		if (p.workers_waiting > 0)
			pthread_cond_broadcast(&p.room);
		pthread_mutex_unlock(&p.mu);
	}
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (ops->release != NULL)
		for (i = 0; i < n; i++)
			if (!(p.state[i] & RELEASED))
				ops->release(ops->arg, i);
out:
	pthread_mutex_destroy(&p.mu);
	pthread_cond_destroy(&p.ready);
	pthread_cond_destroy(&p.room);
	free(p.state);
	return started;
}
