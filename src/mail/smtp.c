/* Sending one built message to one recipient over SMTP with libcurl: the only code in weft that
 * speaks SMTP. */
#include "mail/mail.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <string.h>

#include "base/curlib.h"
#include "base/err.h"
#include "base/str.h"

/* libcurl's connect timeout covers SMTP's handshake too (greeting, EHLO, STARTTLS, AUTH): a
 * server that accepts the connection and then says nothing fails after it. */
enum { CONNECT_TIMEOUT_S = 10, TOTAL_TIMEOUT_S = 60 };

/* The message as libcurl pulls it: the rest still to send. */
typedef struct reader {
	const char *next;
	size_t left;
} reader;

static size_t read_message(char *out, size_t size, size_t count, void *ctx)
{
	reader *r = ctx;
	size_t n = size * count < r->left ? size * count : r->left;
	memcpy(out, r->next, n);
	r->next += n;
	r->left -= n;
	return n;
}

static bool is_set(const char *s)
{
	return s && *s;
}

/* Everything but the transfer; the first option libcurl refused, or CURLE_OK. */
static CURLcode set_options(CURL *h, const mail_settings *s, const buf *envelope_from,
                            struct curl_slist *rcpt, reader *r, char *errors)
{
	/* smtp:// upgrades with STARTTLS when the server offers it; smtps:// is TLS from the start */
	long tls = str_starts_with(s->smtp_url, "smtp://") ? (long)CURLUSESSL_TRY
	                                                   : (long)CURLUSESSL_NONE;
	/* the options are independent, so the unspecified order of these calls does not matter */
	const CURLcode codes[] = {
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errors),
		curl_easy_setopt(h, CURLOPT_URL, s->smtp_url),
#if LIBCURL_VERSION_NUM >= 0x075500
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps"),
#endif
		curl_easy_setopt(h, CURLOPT_USE_SSL, tls),
		curl_easy_setopt(h, CURLOPT_USERNAME, is_set(s->user) ? s->user : NULL),
		curl_easy_setopt(h, CURLOPT_PASSWORD, is_set(s->password) ? s->password : NULL),
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, buf_cstr(envelope_from)),
		curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt),
		curl_easy_setopt(h, CURLOPT_UPLOAD, 1L),
		curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message),
		curl_easy_setopt(h, CURLOPT_READDATA, r),
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S),
		curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)TOTAL_TIMEOUT_S),
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L),
	};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i] != CURLE_OK)
			return codes[i];
	return CURLE_OK;
}

/* libcurl's reason, and the server's last reply code when there was one. */
static int transfer_failed(CURL *h, CURLcode code, const char *errors)
{
	long reply = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
	const char *reason = *errors ? errors : curl_easy_strerror(code);
	if (reply >= 400)
		return err_fail(WEFT_ERROR, "SMTP: %s (the server replied %ld)", reason, reply);
	return err_fail(WEFT_ERROR, "SMTP: %s", reason);
}

static int transfer(const mail_settings *s, const buf *envelope_from, struct curl_slist *rcpt,
                    const buf *message)
{
	char errors[CURL_ERROR_SIZE] = "";
	reader r = { message->ptr ? message->ptr : "", message->len };
	curlib_ready();
	CURL *h = curl_easy_init();
	if (!h)
		return err_fail(WEFT_ERROR, "SMTP: libcurl could not start a transfer");
	CURLcode code = set_options(h, s, envelope_from, rcpt, &r, errors);
	if (code == CURLE_OK)
		code = curl_easy_perform(h);
	int rc = code == CURLE_OK ? 0 : transfer_failed(h, code, errors);
	curl_easy_cleanup(h);
	return rc;
}

int mail_send(const mail_settings *settings, const char *recipient, const buf *message)
{
	buf envelope_from = BUF_INIT, to = BUF_INIT;
	struct curl_slist *rcpt = NULL;
	int rc = mail_check_address("recipient", recipient);
	if (rc < 0)
		goto done;
	if (!is_set(settings->smtp_url)) {
		rc = err_fail(WEFT_EINVALID, "SMTP: no server is configured");
		goto done;
	}
	buf_putc(&envelope_from, '<');
	if ((rc = mail_from_address(&envelope_from, settings->from)) < 0)
		goto done;
	buf_putc(&envelope_from, '>');
	buf_printf(&to, "<%s>", recipient);
	if (!(rcpt = curl_slist_append(NULL, buf_cstr(&to)))) {
		rc = err_fail(WEFT_ERROR, "SMTP: out of memory");
		goto done;
	}
	rc = transfer(settings, &envelope_from, rcpt, message);
done:
	curl_slist_free_all(rcpt);
	buf_dispose(&to);
	buf_dispose(&envelope_from);
	return rc;
}
