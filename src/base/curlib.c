/* libcurl's initialisation on first use. */
#include "base/curlib.h"

#include <curl/curl.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Never undone: curl_global_cleanup would race with a transfer still running at shutdown, and the
 * process ends right after. */
static void init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void curlib_ready(void)
{
	pthread_once(&once, init);
}
