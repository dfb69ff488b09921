/* Test support, never linked into the app: an LD_PRELOAD library that makes
 * the monotonic clock fail once the file named by $MFA_TEST_CLOCK_FAILS_WHEN
 * exists. Rust's std unwraps clock_gettime (`Instant::now`), so the next
 * `Instant::now` in the app panics: a real panic in the unchanged release
 * binary, caused from outside, with no switch for it inside the app. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_gettime(clockid_t clock, struct timespec *tp) {
    const char *when = getenv("MFA_TEST_CLOCK_FAILS_WHEN");
    if (clock == CLOCK_MONOTONIC && when != NULL && access(when, F_OK) == 0) {
        errno = EINVAL;
        return -1;
    }
    return (int)syscall(SYS_clock_gettime, clock, tp);
}
