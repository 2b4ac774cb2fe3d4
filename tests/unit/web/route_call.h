/* Test support for the permission-table tests (tests/unit/<service>/perm_table_test.c): a route's
 * pattern filled with the fixture's values, and one call to it over HTTP with libcurl. */
#ifndef WEFT_TESTS_WEB_ROUTE_CALL_H
#define WEFT_TESTS_WEB_ROUTE_CALL_H

#include <stddef.h>

#include "base/buf.h"

/* A value for one path parameter: "{name}" and what stands in for it. */
typedef struct route_value {
	const char *param;
	const char *value;
} route_value;

/* Writes pattern into out with each "{param}" of values replaced by its value, and any other
 * parameter by "x" (a value no handler finds). */
void route_fill_path(char *out, size_t size, const char *pattern, const route_value *values,
                     size_t nvalues);

/* Calls method url (with an empty body for anything but GET), sending cookie (may be NULL) and
 * one extra header line (may be NULL); appends the response's headers and body. Returns the
 * status, 0 when the call failed. */
long route_call(const char *method, const char *url, const char *cookie, const char *header,
                buf *headers, buf *body);

#endif
