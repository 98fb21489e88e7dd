/*
 * clock.h - the timing the C speed programs in tests/bench/ share: wall
 * and CPU seconds of a step, and the best of its runs (the least
 * disturbed by the rest of the machine).  Header-only, static functions.
 */
#ifndef CTMIRROR_BENCH_CLOCK_H
#define CTMIRROR_BENCH_CLOCK_H

#include <time.h>

struct clock {
	double wall, cpu;
};

static inline double
clock_seconds(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline struct clock
clock_now(void)
{
	return (struct clock){clock_seconds(CLOCK_MONOTONIC),
	    clock_seconds(CLOCK_PROCESS_CPUTIME_ID)};
}

/*
 * Keep in *best the faster of it and the step started at t0; cpu is the
 * step's own CPU time when the caller measured it apart, or < 0 to take
 * the process's since t0.
 */
static inline void
clock_lap(struct clock *best, struct clock t0, double cpu)
{
	struct clock t = clock_now();

	if (t.wall - t0.wall < best->wall)
		best->wall = t.wall - t0.wall;
	if (cpu < 0)
		cpu = t.cpu - t0.cpu;
	if (cpu < best->cpu)
		best->cpu = cpu;
}

#endif
