/* The one table that maps weft's error codes to HTTP statuses, and statuses to reason phrases. */
#ifndef WEFT_WEB_STATUS_H
#define WEFT_WEB_STATUS_H

/* The HTTP status for an error code (WEFT_ENOTFOUND → 404, …; unknown codes → 500). */
int web_status_for_error(int code);
/* "Not Found" for 404, …; "Unknown" for a status weft never sends. */
const char *web_status_reason(int status);

#endif
