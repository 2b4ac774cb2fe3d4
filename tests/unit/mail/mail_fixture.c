/* The tests of src/mail's shared support (mail_fixture.h). */
#include "mail_fixture.h"

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

#include "base/clock.h"
#include "base/err.h"
#include "base/str.h"
#include "db/migrate.h"

const char from[] = "weft <weft@example.com>";
const char subject_utf8[] = "Grüße aus Köln: ✓ 日本語のテキスト — a subject long enough "
                            "to need several encoded-words, ünïcödé everywhere ✓✓✓";

/* ---- helpers: the database ---- */

fixture *begin(void **state)
{
	fixture *f = *state;
	int applied;
	assert_int_equal(db_migrate_up(&applied, f->d, "hub"), 0);
	return f;
}

int64_t scalar(db *d, const char *sql, int64_t arg)
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
char *text_of(db *d, const char *sql, int64_t arg)
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

void exec_sql(db *d, const char *sql)
{
	db_conn *c;
	assert_int_equal(db_conn_get(&c, d), 0);
	assert_true(db_exec(c, sql, DB_END) >= 0);
	db_conn_put(c);
}

int queue_in_tx(db_conn *c, void *ctx)
{
	queue_ctx *q = ctx;
	int rc = mail_queue(c, q->recipient, q->subject, q->body, &q->id);
	if (rc == 0 && q->fail_after)
		rc = err_fail(WEFT_ECONFLICT, "the caller's change failed");
	return rc;
}

int64_t queue_mail(db *d, const char *recipient, const char *subject, const char *body)
{
	queue_ctx q = { recipient, subject, body, false, 0 };
	assert_int_equal(db_tx(d, queue_in_tx, &q), 0);
	assert_true(q.id > 0);
	return q.id;
}

job_queue *new_queue(db *d, int64_t backoff_ms)
{
	job_queue_options opt = job_queue_defaults();
	opt.workers = 0;
	opt.backoff_base_ms = backoff_ms;
	opt.backoff_cap_ms = backoff_ms;
	job_queue *q;
	assert_int_equal(job_queue_new(&q, d, "test", &opt), 0);
	return q;
}

bool run_one(job_queue *q)
{
	bool ran = false;
	assert_int_equal(job_queue_run_one(q, &ran), 0);
	return ran;
}
/* ---- helpers: files, stderr, the SMTP server ---- */

void make_temp_dir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/weft-mail-XXXXXX");
	assert_non_null(mkdtemp(out));
}

void remove_tree(const char *dir)
{
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

/* A whole file as a new string, or NULL. */
char *read_all(const char *path)
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

void capture_begin(capture *c, const char *dir)
{
	snprintf(c->path, sizeof c->path, "%s/stderr.log", dir);
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	int fd = open(c->path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	assert_true(fd >= 0 && c->saved >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
}

char *capture_end(capture *c)
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

int free_port(void)
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

void sink_stop(void)
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
void sink_start(int port, const char *dir, const char *login)
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
char *sink_message(const char *dir, int n)
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

bool has_bare_newlines(const char *s, size_t len)
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
char *header_raw(const char *msg, const char *name)
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
char *unfold(const char *raw)
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
char *decode_words(const char *raw, size_t first_line_used)
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

const char *body_of(const char *msg)
{
	const char *p = strstr(msg, "\r\n\r\n");
	assert_non_null(p);
	return p + 4;
}
/* ---- delivering ---- */

void check_delivered(const char *saved, const char *recipient, const char *login)
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

int mail_fixture_run(const struct CMUnitTest *tests, size_t n)
{
	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return 1;
	int failed = fixture_run_service_tests("mail", "hub", tests, n, 4);
	sink_stop();
	curl_global_cleanup();
	return failed;
}
