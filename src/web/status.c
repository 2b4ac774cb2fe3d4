/* Error codes to HTTP statuses, and reason phrases. */
#include "web/status.h"

#include "base/err.h"

int web_status_for_error(int code)
{
	switch (code) {
	case WEFT_ENOTFOUND: return 404;
	case WEFT_EEXISTS: return 409;
	case WEFT_EINVALID: return 400;
	case WEFT_EAUTH: return 401;
	case WEFT_EPERM: return 403;
	case WEFT_ECONFLICT: return 409;
	case WEFT_ETOOLARGE: return 413;
	case WEFT_ELIMIT: return 429;
	default: return 500;
	}
}

const char *web_status_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}
