/* Filling route patterns and calling them, for the permission-table tests. */
#include "route_call.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void route_fill_path(char *out, size_t size, const char *pattern, const route_value *values,
                     size_t nvalues)
{
	size_t n = 0;
	for (const char *p = pattern; *p && n + 1 < size;) {
		bool replaced = false;
		for (size_t i = 0; !replaced && i < nvalues; i++) {
			size_t len = strlen(values[i].param);
			if (strncmp(p, values[i].param, len) == 0) {
				n += (size_t)snprintf(out + n, size - n, "%s", values[i].value);
				p += len;
				replaced = true;
			}
		}
		if (replaced)
			continue;
		if (*p == '{') {
			n += (size_t)snprintf(out + n, size - n, "x");
			p = strchr(p, '}') ? strchr(p, '}') + 1 : p + 1;
			continue;
		}
		out[n++] = *p++;
	}
	out[n < size ? n : size - 1] = '\0';
}

static size_t collect(char *data, size_t size, size_t n, void *userdata)
{
	buf_append(userdata, data, size * n);
	return size * n;
}

long route_call(const char *method, const char *url, const char *cookie, const char *header,
                buf *headers, buf *body)
{
	struct curl_slist *extra = header ? curl_slist_append(NULL, header) : NULL;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
	if (cookie)
		curl_easy_setopt(c, CURLOPT_COOKIE, cookie);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, extra);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	long status = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(extra);
	return status;
}
