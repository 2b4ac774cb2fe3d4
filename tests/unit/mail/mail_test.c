/* Tests of src/mail on both engines: building messages (headers, CRLF, encoded-words, dates, long
 * lines, refused header injection), queueing with the caller's transaction, held mail, and delivery
 * to a real SMTP server (aiosmtpd, started here) including retries, the last attempt and logins. */
#include "../db/fixture.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "db/jobs.h"
#include "db/migrate.h"
#include "mail/mail.h"

static const char from[] = "weft <weft@example.com>";
static const char subject_utf8[] = "Grüße aus Köln: ✓ 日本語のテキスト — a subject long enough "
                                   "to need several encoded-words, ünïcödé everywhere ✓✓✓";

/* ---- helpers: the database ---- */

static fixture *begin(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	return f;
}

static int64_t scalar(db *d, const char *sql, int64_t arg)
{
	db_conn *c;
	assert_int_equal(db_conn_get(&c, d), 0);
	db_stmt *s;
	int64_t v = -1;
	if (db_query(&s, c, sql, db_int(arg)) == 0 && db_step(s) == DB_ROW)
		v = db_col_int(s, 0);
	db_done(s);
	db_conn_put(c);
	return v;
}

/* A text column as a new string ("(null)" for NULL), or NULL when there is no row. */
static char *text_of(db *d, const char *sql, int64_t arg)
{
	db_conn *c;
	assert_int_equal(db_conn_get(&c, d), 0);
	db_stmt *s;
	char *v = NULL;
	if (db_query(&s, c, sql, db_int(arg)) == 0 && db_step(s) == DB_ROW)
		v = strdup(db_col_text(s, 0) ? db_col_text(s, 0) : "(null)");
	db_done(s);
	db_conn_put(c);
	return v;
}

static void exec_sql(db *d, const char *sql)
{
	db_conn *c;
	assert_int_equal(db_conn_get(&c, d), 0);
	assert_true(db_exec(c, sql, DB_END) >= 0);
	db_conn_put(c);
}

typedef struct queue_ctx {
	const char *recipient, *subject, *body;
	bool fail_after;
	int64_t id;
} queue_ctx;

static int queue_in_tx(db_conn *c, void *ctx)
{
	queue_ctx *q = ctx;
	int rc = mail_queue(c, q->recipient, q->subject, q->body, &q->id);
	if (rc == 0 && q->fail_after)
		rc = err_fail(WEFT_ECONFLICT, "the caller's change failed");
	return rc;
}

static int64_t queue_mail(db *d, const char *recipient, const char *subject, const char *body)
{
	queue_ctx q = { recipient, subject, body, false, 0 };
	assert_int_equal(db_tx(d, queue_in_tx, &q), 0);
	assert_true(q.id > 0);
	return q.id;
}

static job_queue *new_queue(db *d, int64_t backoff_ms)
{
	job_queue_options opt = job_queue_defaults();
	opt.workers = 0;
	opt.backoff_base_ms = backoff_ms;
	opt.backoff_cap_ms = backoff_ms;
	job_queue *q;
	assert_int_equal(job_queue_new(&q, d, "test", &opt), 0);
	return q;
}

static bool run_one(job_queue *q)
{
	bool ran = false;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	return ran;
}

/* ---- helpers: files, stderr, the SMTP server ---- */

static void make_temp_dir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/weft-mail-XXXXXX");
	assert_non_null(mkdtemp(out));
}

static void remove_tree(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* A whole file as a new string, or NULL. */
static char *read_all(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		buf_append(&b, chunk, n);
	fclose(fp);
	return buf_detach(&b);
}

/* What the code under test writes to stderr (the log), kept in a file meanwhile. */
typedef struct capture {
	int saved;
	char path[128];
} capture;

static void capture_begin(capture *c, const char *dir)
{
	snprintf(c->path, sizeof c->path, "%s/stderr.log", dir);
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	int fd = open(c->path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0 && c->saved >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

static char *capture_end(capture *c)
{
	fflush(stderr);
	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	char *text = read_all(c->path);
	assert_non_null(text);
	return text;
}

/* An SMTP server that saves each message raw, as it came off the wire (after SMTP's
 * dot-unstuffing), to DIR/N.eml behind a few envelope lines; with LOGIN "user:password" it
 * demands that login. */
static const char sink_py[] =
        "import asyncio, os, sys\n"
        "from aiosmtpd.smtp import SMTP, AuthResult\n"
        "host, port, folder, login = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]\n"
        "class Save:\n"
        "    count = 0\n"
        "    async def handle_DATA(self, server, session, envelope):\n"
        "        Save.count += 1\n"
        "        path = os.path.join(folder, '%d.eml' % Save.count)\n"
        "        who = session.auth_data.login.decode() if session.auth_data else ''\n"
        "        head = 'MAIL FROM:%s\\nRCPT TO:%s\\nAUTH:%s\\n\\n' % (\n"
        "            envelope.mail_from, ','.join(envelope.rcpt_tos), who)\n"
        "        with open(path + '.tmp', 'wb') as f:\n"
        "            f.write(head.encode() + envelope.original_content)\n"
        "        os.rename(path + '.tmp', path)\n"
        "        return '250 OK saved'\n"
        "def check(server, session, envelope, mechanism, data):\n"
        "    ok = (data.login + b':' + data.password).decode() == login\n"
        "    return AuthResult(success=ok, handled=False, auth_data=data)\n"
        "async def main():\n"
        "    loop = asyncio.get_running_loop()\n"
        "    server = await loop.create_server(lambda: SMTP(Save(), hostname='sink',\n"
        "        authenticator=check, auth_required=login != '', auth_require_tls=False),\n"
        "        host, port)\n"
        "    await server.serve_forever()\n"
        "asyncio.run(main())\n";

/* The running server, file-wide so that main can stop it after a failed assertion. */
static pid_t sink_pid;

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static bool port_accepts(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET,
		                 .sin_port = htons((uint16_t)port),
		                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

static void sink_stop(void)
{
	if (sink_pid > 0) {
		kill(sink_pid, SIGKILL);
		waitpid(sink_pid, NULL, 0);
	}
	sink_pid = 0;
}

static void sink_exec(int port, const char *dir, const char *login)
{
	char port_text[16], log_path[160];
	snprintf(port_text, sizeof port_text, "%d", port);
	snprintf(log_path, sizeof log_path, "%s/sink.log", dir);
	prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
	int fd = open(log_path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	/* Debian's interpreter, where python3-aiosmtpd lives, whatever python3 is first on PATH */
	execl("/usr/bin/python3", "python3", "-c", sink_py, "127.0.0.1", port_text, dir, login,
	      (char *)NULL);
	_exit(127);
}

/* Starts the server on port, saving into dir, and waits (at most 30 s) until it accepts. */
static void sink_start(int port, const char *dir, const char *login)
{
	sink_stop();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		sink_exec(port, dir, login);
	sink_pid = pid;
	for (int i = 0; i < 3000; i++) {
		if (port_accepts(port))
			return;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			sink_pid = 0;
			fail_msg("the SMTP sink exited (python3-aiosmtpd missing? see %s/sink.log)",
			         dir);
		}
		usleep(10000);
	}
	fail_msg("the SMTP sink did not listen on port %d within 30 s", port);
}

/* The Nth saved message, waiting up to 10 s for it; NULL when none came. */
static char *sink_message(const char *dir, int n)
{
	char path[160];
	snprintf(path, sizeof path, "%s/%d.eml", dir, n);
	for (int i = 0; i < 1000; i++) {
		char *text = read_all(path);
		if (text)
			return text;
		usleep(10000);
	}
	return NULL;
}

/* ---- helpers: reading messages ---- */

static bool has_bare_newlines(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			return true;
		if (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n'))
			return true;
	}
	return false;
}

/* The raw value of a header field, folds kept, as a new string; NULL when absent. */
static char *header_raw(const char *msg, const char *name)
{
	const char *end_of_headers = strstr(msg, "\r\n\r\n");
	size_t n = strlen(name);
	const char *line = msg;
	while (line && line <= end_of_headers) {
		if (strncmp(line, name, n) == 0 && line[n] == ':' && line[n + 1] == ' ') {
			const char *v = line + n + 2, *e = v;
			while ((e = strstr(e, "\r\n")) && (e[2] == ' ' || e[2] == '\t'))
				e += 2;
			return strndup(v, (size_t)(e - v));
		}
		line = strstr(line, "\r\n");
		if (line)
			line += 2;
	}
	return NULL;
}

/* RFC 5322 unfolding: drops the CRLF of each fold (a header value has no other). */
static char *unfold(const char *raw)
{
	buf b = BUF_INIT;
	for (const char *p = raw; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			buf_putc(&b, *p);
		else
			p++;
	return buf_detach(&b);
}

/* Decodes a header of RFC 2047 B encoded-words; each word must be at most 75 characters and
 * hold whole UTF-8 characters, and each line of the header at most 76. */
static char *decode_words(const char *raw, size_t first_line_used)
{
	size_t used = first_line_used;
	for (const char *line = raw, *e;; line = e + 2, used = 0) {
		e = strstr(line, "\r\n");
		assert_true(used + (e ? (size_t)(e - line) : strlen(line)) <= 76);
		if (!e)
			break;
	}
	char *text = unfold(raw);
	buf out = BUF_INIT;
	for (char *word = strtok(text, " "); word; word = strtok(NULL, " ")) {
		size_t len = strlen(word);
		assert_true(len <= 75);
		assert_true(str_starts_with(word, "=?UTF-8?B?") && str_ends_with(word, "?="));
		unsigned char bin[64];
		size_t bin_len;
		assert_int_equal(sodium_base642bin(bin, sizeof bin, word + 10, len - 12, NULL,
		                                   &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL),
		                 0);
		assert_true(str_is_utf8((const char *)bin, bin_len));
		buf_append(&out, bin, bin_len);
	}
	free(text);
	return buf_detach(&out);
}

static const char *body_of(const char *msg)
{
	const char *p = strstr(msg, "\r\n\r\n");
	assert_non_null(p);
	return p + 4;
}

static char *build(const char *subject, const char *body)
{
	buf b = BUF_INIT;
	assert_int_equal(mail_build(&b, from, "bob@example.org", subject, body, 1795873620000,
	                            "<abc.123@example.com>"),
	                 0);
	return buf_detach(&b);
}

/* ---- building messages ---- */

static void build_writes_every_header_with_crlf(void **state)
{
	(void)state;
	char *msg = build("Confirm your address", "Hello,\nline two\r\nline three\rend");
	assert_false(has_bare_newlines(msg, strlen(msg)));
	assert_true(str_starts_with(msg, "Date: Sat, 28 Nov 2026 13:47:00 +0000\r\n"));
	const char *want[] = { "\r\nFrom: weft <weft@example.com>\r\n",
		               "\r\nTo: bob@example.org\r\n",
		               "\r\nSubject: Confirm your address\r\n",
		               "\r\nMessage-ID: <abc.123@example.com>\r\n",
		               "\r\nMIME-Version: 1.0\r\n",
		               "\r\nContent-Type: text/plain; charset=utf-8\r\n",
		               "\r\nContent-Transfer-Encoding: 8bit\r\n" };
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		assert_non_null(strstr(msg, want[i]));
	assert_string_equal(body_of(msg), "Hello,\r\nline two\r\nline three\r\nend\r\n");
	free(msg);
}

static void build_formats_dates_in_utc_english(void **state)
{
	(void)state;
	const struct {
		int64_t ms;
		const char *want;
	} cases[] = { { 0, "Thu, 01 Jan 1970 00:00:00 +0000" },
		      { 951868799999, "Tue, 29 Feb 2000 23:59:59 +0000" },
		      { 1795873620000, "Sat, 28 Nov 2026 13:47:00 +0000" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, from, "a@b.c", "s", "", cases[i].ms, "x@y"), 0);
		char *date = header_raw(b.ptr, "Date");
		assert_string_equal(date, cases[i].want);
		free(date);
		buf_dispose(&b);
	}
}

static void build_encodes_utf8_subjects_in_words(void **state)
{
	(void)state;
	char *msg = build(subject_utf8, "x");
	char *raw = header_raw(msg, "Subject");
	assert_non_null(strstr(raw, "\r\n ")); /* split into several words */
	char *decoded = decode_words(raw, strlen("Subject: "));
	assert_string_equal(decoded, subject_utf8);
	free(decoded);
	free(raw);
	free(msg);
	/* ASCII that looks like an encoded-word is encoded, so no reader decodes it */
	msg = build("=?UTF-8?B?aGk=?=", "x");
	raw = header_raw(msg, "Subject");
	decoded = decode_words(raw, strlen("Subject: "));
	assert_string_equal(decoded, "=?UTF-8?B?aGk=?=");
	free(decoded);
	free(raw);
	free(msg);
}

static void build_folds_long_ascii_subjects(void **state)
{
	(void)state;
	char subject[MAIL_SUBJECT_MAX + 1] = "";
	while (strlen(subject) + 12 <= MAIL_SUBJECT_MAX)
		strcat(subject, "word  words ");
	char *msg = build(subject, "x");
	char *raw = header_raw(msg, "Subject");
	assert_non_null(strstr(raw, "\r\n "));
	char *line = raw;
	for (char *next; (next = strstr(line, "\r\n")); line = next + 2)
		assert_true(next - line + (line == raw ? 9 : 0) <= 78);
	char *text = unfold(raw);
	assert_string_equal(text, subject);
	free(text);
	free(raw);
	free(msg);
}

static void build_wraps_lines_over_998_bytes(void **state)
{
	(void)state;
	buf body = BUF_INIT;
	buf_puts(&body, "start\n.a dot\nx"); /* an odd byte first: the cut falls inside é */
	for (int i = 0; i < 1500; i++)
		buf_puts(&body, "é");
	buf_puts(&body, "\nend\n");
	char *msg = build("s", body.ptr);
	const char *text = body_of(msg);
	assert_false(has_bare_newlines(msg, strlen(msg)));
	buf joined = BUF_INIT;
	for (const char *p = text, *e; (e = strstr(p, "\r\n")); p = e + 2) {
		assert_true(e - p <= 998);
		assert_true(str_is_utf8(p, (size_t)(e - p)));
		buf_append(&joined, p, (size_t)(e - p));
		if (!str_starts_with(e + 2, "é"))
			buf_putc(&joined, '\n'); /* a real line break, not a wrap */
	}
	assert_string_equal(joined.ptr, body.ptr);
	buf_dispose(&joined);
	buf_dispose(&body);
	free(msg);
}

static void build_writes_display_names_safely(void **state)
{
	(void)state;
	const struct {
		const char *from, *want;
	} cases[] = { { "weft@example.com", "weft@example.com" },
		      { "  weft bot  <weft@example.com> ", "weft bot <weft@example.com>" },
		      { "weft (the \"bot\") <w@example.com>",
		        "\"weft (the \\\"bot\\\")\" <w@example.com>" },
		      { "Grüße <w@example.com>", "=?UTF-8?B?R3LDvMOfZQ==?=\r\n <w@example.com>" } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, cases[i].from, "a@b.c", "s", "", 0, "x@y"), 0);
		char *got = header_raw(b.ptr, "From");
		assert_string_equal(got, cases[i].want);
		free(got);
		buf_dispose(&b);
	}
	buf address = BUF_INIT;
	assert_int_equal(mail_from_address(&address, "weft <weft@localhost>"), 0);
	assert_string_equal(address.ptr, "weft@localhost");
	buf_dispose(&address);
}

static void build_refuses_header_injection(void **state)
{
	(void)state;
	const char *breaks[] = { "\r", "\n", "\r\n", "\r\nBcc: eve@example.net", "\n\n" };
	for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
		char bad_subject[80], bad_to[80], bad_from[80], bad_name[80], bad_id[80];
		snprintf(bad_subject, sizeof bad_subject, "Hello%sthere", breaks[i]);
		snprintf(bad_to, sizeof bad_to, "bob@example.org%s", breaks[i]);
		snprintf(bad_from, sizeof bad_from, "weft <weft@example.com>%s", breaks[i]);
		snprintf(bad_name, sizeof bad_name, "we%sft <weft@example.com>", breaks[i]);
		snprintf(bad_id, sizeof bad_id, "<a%s@b>", breaks[i]);
		const struct {
			const char *from, *to, *subject, *id, *field;
		} cases[] = { { from, "a@b.c", bad_subject, "x@y", "subject" },
			      { from, bad_to, "s", "x@y", "to" },
			      { bad_from, "a@b.c", "s", "x@y", "from" },
			      { bad_name, "a@b.c", "s", "x@y", "from" },
			      { from, "a@b.c", "s", bad_id, "message id" } };
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			buf b = BUF_INIT;
			assert_int_equal(mail_build(&b, cases[k].from, cases[k].to,
			                            cases[k].subject, "body", 0, cases[k].id),
			                 WEFT_EINVALID);
			assert_int_equal(b.len, 0);
			assert_true(str_starts_with(err_msg(), cases[k].field));
		}
	}
	const char *bad_froms[] = { "weft <weft@example.com",
		                    "a@b.c, c@d.e",
		                    "weft <a@b.c> x",
		                    "weft <a@b.c>, eve <e@v.e>",
		                    "",
		                    NULL };
	for (size_t i = 0; i < sizeof bad_froms / sizeof bad_froms[0]; i++) {
		buf b = BUF_INIT;
		assert_int_equal(mail_build(&b, bad_froms[i], "a@b.c", "s", "", 0, "x@y"),
		                 WEFT_EINVALID);
		assert_int_equal(b.len, 0);
	}
}

/* ---- queueing ---- */

static void queue_refuses_bad_input_and_writes_nothing(void **state)
{
	fixture *f = begin(state);
	char long_local[80], long_address[300], long_subject[MAIL_SUBJECT_MAX + 2];
	memset(long_local, 'a', 65);
	strcpy(long_local + 65, "@example.com");
	memset(long_address, 'a', 60);
	long_address[60] = '@';
	for (int i = 61; i < 255; i++)
		long_address[i] = i % 10 == 0 ? '.' : 'b';
	strcpy(long_address + 255, ".com");
	memset(long_subject, 's', MAIL_SUBJECT_MAX + 1);
	long_subject[MAIL_SUBJECT_MAX + 1] = '\0';
	char *big_body = malloc(MAIL_BODY_MAX + 2);
	memset(big_body, 'b', MAIL_BODY_MAX + 1);
	big_body[MAIL_BODY_MAX + 1] = '\0';
	const struct {
		const char *recipient, *subject, *body, *field;
	} cases[] = {
		{ "", "s", "b", "recipient" },
		{ NULL, "s", "b", "recipient" },
		{ "bob", "s", "b", "recipient" },
		{ "bob@", "s", "b", "recipient" },
		{ "@example.org", "s", "b", "recipient" },
		{ "bob smith@example.org", "s", "b", "recipient" },
		{ "bob@exa mple.org", "s", "b", "recipient" },
		{ "bob@example@org", "s", "b", "recipient" },
		{ "<bob@example.org>", "s", "b", "recipient" },
		{ "Bob <bob@example.org>", "s", "b", "recipient" },
		{ "bob@example.org,eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org;eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org\r\nBcc: eve@example.net", "s", "b", "recipient" },
		{ "bob@example.org\n", "s", "b", "recipient" },
		{ "b..ob@example.org", "s", "b", "recipient" },
		{ ".bob@example.org", "s", "b", "recipient" },
		{ "bob@-example.org", "s", "b", "recipient" },
		{ "bob@example..org", "s", "b", "recipient" },
		{ "bob@example.org.", "s", "b", "recipient" },
		{ "böb@example.org", "s", "b", "recipient" },
		{ long_local, "s", "b", "recipient" },
		{ long_address, "s", "b", "recipient" },
		{ "bob@example.org", "line\nbreak", "b", "subject" },
		{ "bob@example.org", "carriage\rreturn", "b", "subject" },
		{ "bob@example.org", "bell\a", "b", "subject" },
		{ "bob@example.org", long_subject, "b", "subject" },
		{ "bob@example.org", "bad \xC3\x28 utf-8", "b", "subject" },
		{ "bob@example.org", "overlong \xC0\xAF", "b", "subject" },
		{ "bob@example.org", NULL, "b", "subject" },
		{ "bob@example.org", "s", "surrogate \xED\xA0\x80", "body" },
		{ "bob@example.org", "s", "cut \xE2\x9C", "body" },
		{ "bob@example.org", "s", big_body, "body" },
		{ "bob@example.org", "s", NULL, "body" },
	};
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t id = -7;
		/* outside any transaction: had anything been written, it would stay */
		int rc = mail_queue(c, cases[i].recipient, cases[i].subject, cases[i].body, &id);
		if (rc != WEFT_EINVALID || !str_starts_with(err_msg(), cases[i].field))
			fail_msg("case %zu: %d %s", i, rc, err_msg());
		assert_int_equal(id, -7);
	}
	db_conn_put(c);
	free(big_body);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM outbox", 0), 0);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs", 0), 0);
	/* the limits themselves are fine */
	long_subject[MAIL_SUBJECT_MAX] = '\0';
	long_local[64] = '\0';
	strcat(long_local, "@localhost");
	queue_mail(f->d, long_local, long_subject, "");
	queue_mail(f->d, "o'brien+tag@mail-1.example.org", "x", "y");
}

static void queue_commits_with_the_change(void **state)
{
	fixture *f = begin(state);
	queue_ctx rolled = { "bob@example.org", "s", "b", true, 0 };
	assert_int_equal(db_tx(f->d, queue_in_tx, &rolled), WEFT_ECONFLICT);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM outbox", 0), 0);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs", 0), 0);
	int64_t id = queue_mail(f->d, "bob@example.org", "Welcome", "Hi");
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND"
	                        " state = 'queued' AND attempts = 0 AND sent_at IS NULL",
	                        id),
	                 1);
	char want[64], *payload = text_of(f->d, "SELECT payload FROM jobs WHERE $1 = 1", 1);
	snprintf(want, sizeof want, "{\"id\": %lld}", (long long)id);
	assert_string_equal(payload, want);
	free(payload);
	char *key = text_of(f->d,
	                    "SELECT dedup_key FROM jobs WHERE kind = 'mail.deliver' AND $1 = 1", 1);
	snprintf(want, sizeof want, "mail:%lld", (long long)id);
	assert_string_equal(key, want);
	free(key);
}

/* ---- holding and listing ---- */

static void without_smtp_mail_is_held_and_logged(void **state)
{
	fixture *f = begin(state);
	char dir[64];
	make_temp_dir(dir, sizeof dir);
	int64_t id = queue_mail(f->d, "bob@example.org", "Confirm your address",
	                        "Follow https://hub.example/confirm?t=abc");
	job_queue *q = new_queue(f->d, 1000);
	mail_settings none = { "", NULL, NULL, from };
	mail_jobs *m = mail_register_jobs(q, f->d, &none);
	capture cap;
	capture_begin(&cap, dir);
	bool ran = run_one(q);
	char *log = capture_end(&cap);
	assert_true(ran);
	assert_non_null(strstr(log, "info  mail held (no SMTP configured)"));
	assert_non_null(strstr(log, "recipient=bob@example.org"));
	assert_non_null(strstr(log, "subject=\"Confirm your address\""));
	free(log);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'held'"
	                        " AND attempts = 0",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 1);
	/* a second run of the same job (at least once) changes nothing; nor does a missing row */
	db_conn *c;
	assert_int_equal(db_conn_get(&c, f->d), 0);
	char payload[48];
	snprintf(payload, sizeof payload, "{\"id\": %lld}", (long long)id);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, payload, NULL, NULL), 0);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, "{\"id\": 987654}", NULL, NULL), 0);
	assert_int_equal(jobs_enqueue(c, MAIL_JOB_KIND, "{\"nothing\": 1}", NULL, NULL), 0);
	db_conn_put(c);
	while (run_one(q))
		;
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 3);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'dead'", 0), 1);
	assert_int_equal(
	        scalar(f->d, "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'held'", id),
	        1);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	remove_tree(dir);
}

typedef struct listed {
	int count;
	int64_t ids[8];
	char states[8][8];
	char bodies[8][32];
} listed;

static void collect(void *ctx, const mail_row *row)
{
	listed *l = ctx;
	assert_null(row->last_error);
	assert_true(row->created_at > 0 && row->sent_at == 0 && row->attempts == 0);
	assert_string_equal(row->recipient, "bob@example.org");
	l->ids[l->count] = row->id;
	snprintf(l->states[l->count], sizeof l->states[0], "%s", row->state);
	snprintf(l->bodies[l->count], sizeof l->bodies[0], "%s: %s", row->subject, row->body);
	l->count++;
}

static void list_shows_newest_first(void **state)
{
	fixture *f = begin(state);
	int64_t ids[3];
	for (int i = 0; i < 3; i++) {
		char subject[8];
		snprintf(subject, sizeof subject, "s%d", i);
		ids[i] = queue_mail(f->d, "bob@example.org", subject, "link");
	}
	exec_sql(f->d, "UPDATE outbox SET state = 'held' WHERE id = (SELECT MIN(id) FROM outbox)");
	listed l = { 0 };
	assert_int_equal(mail_list(f->d, 2, collect, &l), 0);
	assert_int_equal(l.count, 2);
	assert_true(l.ids[0] == ids[2] && l.ids[1] == ids[1]);
	assert_string_equal(l.bodies[0], "s2: link");
	l = (listed){ 0 };
	assert_int_equal(mail_list(f->d, 10, collect, &l), 0);
	assert_int_equal(l.count, 3);
	assert_int_equal(l.ids[2], ids[0]);
	assert_string_equal(l.states[2], "held");
	assert_string_equal(l.states[0], "queued");
}

/* ---- delivering ---- */

static void check_delivered(const char *saved, const char *recipient, const char *login)
{
	char envelope[256];
	snprintf(envelope, sizeof envelope, "MAIL FROM:weft@example.com\nRCPT TO:%s\nAUTH:%s\n\n",
	         recipient, login);
	assert_true(str_starts_with(saved, envelope));
	const char *msg = saved + strlen(envelope);
	assert_false(has_bare_newlines(msg, strlen(msg)));
	char *to = header_raw(msg, "To");
	assert_string_equal(to, recipient);
	free(to);
	char *raw = header_raw(msg, "Subject");
	char *subject = decode_words(raw, strlen("Subject: "));
	assert_string_equal(subject, subject_utf8);
	free(subject);
	free(raw);
	assert_non_null(strstr(msg, "\r\nFrom: weft <weft@example.com>\r\n"));
	assert_non_null(strstr(msg, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
}

static void delivers_to_an_smtp_server(void **state)
{
	fixture *f = begin(state);
	char dir[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port();
	sink_start(port, dir, "weft:s3cret pass");
	/* a body over libcurl's upload buffer, lines that SMTP must escape, and one too long */
	buf body = BUF_INIT;
	buf_puts(&body, "Hello Bob,\n.\n..two dots\n");
	for (int i = 0; i < 2000; i++)
		buf_printf(&body, "line %04d of a long body, long enough to need many reads\n", i);
	for (int i = 0; i < 1200; i++)
		buf_puts(&body, "ü");
	buf_puts(&body, "\nbye");
	int64_t id = queue_mail(f->d, "bob@example.org", subject_utf8, body.ptr);
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	mail_settings settings = { url, "weft", "s3cret pass", from };
	job_queue *q = new_queue(f->d, 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	memset(url, 0, sizeof url); /* the queue keeps its own copy */
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'sent'"
	                        " AND attempts = 1 AND last_error IS NULL AND sent_at > 0",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'done'", 0), 1);
	char *saved = sink_message(dir, 1);
	assert_non_null(saved);
	check_delivered(saved, "bob@example.org", "weft");
	/* exactly what mail_build makes, byte for byte, after SMTP's dot-stuffing both ways */
	const char *msg = strstr(saved, "\n\n") + 2;
	char *message_id = header_raw(msg, "Message-ID");
	buf want = BUF_INIT;
	assert_int_equal(mail_build(&want, from, "bob@example.org", subject_utf8, body.ptr,
	                            scalar(f->d, "SELECT created_at FROM outbox WHERE id = $1", id),
	                            message_id),
	                 0);
	assert_int_equal(strlen(msg), want.len);
	assert_memory_equal(msg, want.ptr, want.len);
	/* run again: the row is sent, so nothing more goes out */
	exec_sql(f->d, "UPDATE jobs SET state = 'pending', run_after = 0");
	assert_true(run_one(q));
	char second[160];
	snprintf(second, sizeof second, "%s/2.eml", dir);
	assert_null(read_all(second));
	buf_dispose(&want);
	free(message_id);
	free(saved);
	buf_dispose(&body);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

static void retries_until_the_server_is_up(void **state)
{
	fixture *f = begin(state);
	char dir[64], url[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port(); /* nothing listens there yet */
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	int64_t id = queue_mail(f->d, "carol@example.org", subject_utf8, "body");
	mail_settings settings = { url, NULL, NULL, from };
	job_queue *q = new_queue(f->d, 10 * 60 * 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	int64_t before = clock_now_ms();
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'queued'"
	                        " AND attempts = 1 AND last_error LIKE 'SMTP: %'",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM jobs WHERE state = 'pending'"
	                        " AND attempts = 1 AND run_after > $1",
	                        before + 60 * 1000),
	                 1);
	assert_false(run_one(q)); /* not due for minutes */
	sink_start(port, dir, "");
	exec_sql(f->d, "UPDATE jobs SET run_after = 0");
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'sent'"
	                        " AND attempts = 2 AND last_error IS NULL",
	                        id),
	                 1);
	char *saved = sink_message(dir, 1);
	assert_non_null(saved);
	check_delivered(saved, "carol@example.org", "");
	assert_string_equal(body_of(saved), "body\r\n");
	free(saved);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

static void the_last_failed_attempt_marks_the_mail_failed(void **state)
{
	fixture *f = begin(state);
	char url[64];
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", free_port());
	int64_t id = queue_mail(f->d, "dave@example.org", "s", "b");
	exec_sql(f->d, "UPDATE jobs SET attempts = 2, max_attempts = 3");
	mail_settings settings = { url, NULL, NULL, from };
	job_queue *q = new_queue(f->d, 1);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	assert_true(run_one(q));
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'failed'"
	                        " AND attempts = 1 AND last_error IS NOT NULL",
	                        id),
	                 1);
	assert_int_equal(scalar(f->d, "SELECT COUNT(*) + $1 FROM jobs WHERE state = 'dead'", 0), 1);
	job_queue_stop(q, 5);
	mail_jobs_free(m);
}

static void a_refused_login_never_shows_the_password(void **state)
{
	fixture *f = begin(state);
	char dir[64], url[64];
	make_temp_dir(dir, sizeof dir);
	int port = free_port();
	sink_start(port, dir, "weft:right");
	snprintf(url, sizeof url, "smtp://127.0.0.1:%d", port);
	int64_t id = queue_mail(f->d, "erin@example.org", "s", "b");
	mail_settings settings = { url, "weft", "wrong-Pa55word", from };
	job_queue *q = new_queue(f->d, 60 * 1000);
	mail_jobs *m = mail_register_jobs(q, f->d, &settings);
	capture cap;
	capture_begin(&cap, dir);
	bool ran = run_one(q);
	char *log = capture_end(&cap);
	assert_true(ran);
	assert_non_null(strstr(log, "SMTP: "));
	assert_null(strstr(log, "wrong-Pa55word"));
	free(log);
	char *error = text_of(f->d, "SELECT last_error FROM outbox WHERE id = $1", id);
	assert_true(str_starts_with(error, "SMTP: "));
	assert_non_null(strstr(error, "(the server replied 535)"));
	assert_null(strstr(error, "wrong-Pa55word"));
	free(error);
	assert_int_equal(scalar(f->d,
	                        "SELECT COUNT(*) FROM outbox WHERE id = $1 AND state = 'queued'"
	                        " AND attempts = 1",
	                        id),
	                 1);
	char first[160];
	snprintf(first, sizeof first, "%s/1.eml", dir);
	assert_null(read_all(first));
	job_queue_stop(q, 5);
	mail_jobs_free(m);
	sink_stop();
	remove_tree(dir);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_writes_every_header_with_crlf),
		cmocka_unit_test(build_formats_dates_in_utc_english),
		cmocka_unit_test(build_encodes_utf8_subjects_in_words),
		cmocka_unit_test(build_folds_long_ascii_subjects),
		cmocka_unit_test(build_wraps_lines_over_998_bytes),
		cmocka_unit_test(build_writes_display_names_safely),
		cmocka_unit_test(build_refuses_header_injection),
		cmocka_unit_test(queue_refuses_bad_input_and_writes_nothing),
		cmocka_unit_test(queue_commits_with_the_change),
		cmocka_unit_test(without_smtp_mail_is_held_and_logged),
		cmocka_unit_test(list_shows_newest_first),
		cmocka_unit_test(delivers_to_an_smtp_server),
		cmocka_unit_test(retries_until_the_server_is_up),
		cmocka_unit_test(the_last_failed_attempt_marks_the_mail_failed),
		cmocka_unit_test(a_refused_login_never_shows_the_password),
	};
	int failed = fixture_run_engine_tests("mail", tests, sizeof tests / sizeof tests[0], 4);
	sink_stop();
	curl_global_cleanup();
	return failed;
}
