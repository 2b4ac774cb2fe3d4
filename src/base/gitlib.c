/* libgit2's initialisation on first use. */
#include "base/gitlib.h"

#include <git2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool ready;

void gitlib_ready(void)
{
	if (atomic_load_explicit(&ready, memory_order_acquire))
		return;
	pthread_mutex_lock(&lock);
	if (!atomic_load_explicit(&ready, memory_order_relaxed)) {
		git_libgit2_init();
		/* libgit2's object cache and mapped pack windows count towards the server's
		 * memory: keep them small, since git itself (not libgit2) serves clones. */
		git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)32 * 1024 * 1024);
		git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)256 * 1024 * 1024);
		atomic_store_explicit(&ready, true, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
}

void gitlib_shutdown(void)
{
	pthread_mutex_lock(&lock);
	if (atomic_load_explicit(&ready, memory_order_relaxed)) {
		git_libgit2_shutdown();
		atomic_store_explicit(&ready, false, memory_order_release);
	}
	pthread_mutex_unlock(&lock);
}
