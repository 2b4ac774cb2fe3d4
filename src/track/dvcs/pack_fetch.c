/* The two requests through one libcurl handle (its connection kept between them), driven by a
 * multi handle so that the wait is weft's: in slices, with the deadline and the watch looked at
 * between them, as net_fetch.c's sockets do for libgit2. The pack goes through libgit2's
 * indexer (git_odb_write_pack) as it arrives; the refs move last. */
#include "track/dvcs/pack_fetch.h"

#include <curl/curl.h>
#include <git2.h>
#include <string.h>

#include "base/array.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/curlib.h"
#include "base/err.h"
#include "base/log.h"
#include "track/dvcs/upload_pack.h"

enum {
	WAIT_SLICE_MS = 1000, /* the longest wait without a look at the clock */
	ADVERTISEMENT_MAX = 8 * 1024 * 1024, /* bytes of GET info/refs' answer */
	FALLBACK = 1, /* dvcs_pack_fetch's "leave it to libgit2" */
};

/* The transfer: the handles, the limits, and what came back. */
typedef struct transfer {
	CURLM *multi;
	CURL *easy;
	struct curl_slist *headers;
	int64_t deadline, next; /* epoch ms: the end, the watch's next call */
	const dvcs_fetch_watch *watch;
	dvcs_net_fetch_end *end;
	arena *a;
	long status;
	const char *type; /* the answer's Content-Type, in a */
	buf body; /* GET's answer */
	dvcs_upload_reader reader; /* POST's answer, when reading */
	int failed; /* the reader's or the pack's failure, its words in why */
	const char *why;
} transfer;

/* A branch of the mirror as the fetch began. */
typedef struct mirror_branch {
	const char *name;
	git_oid id;
} mirror_branch;

static size_t keep_body(char *data, size_t size, size_t n, void *ctx)
{
	transfer *t = ctx;
	size_t len = size * n;
	if (t->body.len + len > ADVERTISEMENT_MAX) {
		t->failed = FALLBACK;
		t->why = "an advertisement larger than 8 MiB";
		return 0;
	}
	buf_append(&t->body, data, len);
	return len;
}

static size_t read_answer(char *data, size_t size, size_t n, void *ctx)
{
	transfer *t = ctx;
	int rc = dvcs_upload_reader_feed(&t->reader, data, size * n);
	if (rc == 0)
		return size * n;
	t->failed = rc;
	t->why = arena_strdup(t->a, err_msg());
	return 0;
}

static int transfer_init(transfer *t, arena *a, const char *header, int64_t deadline,
                         const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end)
{
	*t = (transfer){ .deadline = deadline,
		         .next = watch ? clock_now_ms() + watch->every_ms : INT64_MAX,
		         .watch = watch,
		         .end = end,
		         .a = a,
		         .body = BUF_INIT };
	curlib_ready();
	t->multi = curl_multi_init();
	t->easy = curl_easy_init();
	t->headers = curl_slist_append(NULL, "Expect:");
	if (t->headers && header)
		t->headers = curl_slist_append(t->headers, header);
	if (!t->multi || !t->easy || !t->headers)
		return err_fail(WEFT_ERROR, "cannot start an HTTP request");
	CURL *c = t->easy;
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "git/2.0 (weft)");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, t);
	return 0;
}

static void transfer_dispose(transfer *t)
{
	if (t->easy)
		curl_easy_cleanup(t->easy);
	if (t->multi)
		curl_multi_cleanup(t->multi);
	curl_slist_free_all(t->headers);
	buf_dispose(&t->body);
}

/* How long the next wait may be: -1 when the fetch must end (late, or the watch failed). */
static int wait_slice(transfer *t)
{
	int64_t now = clock_now_ms();
	if (now >= t->deadline) {
		t->end->late = true;
		t->end->why = "the host did not answer in time";
		return -1;
	}
	if (now >= t->next) {
		int rc = t->watch->fn(t->watch->ctx);
		t->next = now + t->watch->every_ms;
		if (rc < 0) {
			t->end->stop = rc;
			return -1;
		}
	}
	int64_t wait = t->deadline - now;
	if (t->next - now < wait)
		wait = t->next - now;
	return wait < WAIT_SLICE_MS ? (int)wait : WAIT_SLICE_MS;
}

/* Runs the easy handle's request until it ends: curl's code in *code; WEFT_ERROR when the
 * deadline or the watch ended it (t->end says which). */
static int perform(transfer *t, CURLcode *code)
{
	int running = 1, rc = 0;
	*code = CURLE_OK;
	curl_multi_add_handle(t->multi, t->easy);
	while (rc == 0 && running) {
		CURLMcode m = curl_multi_perform(t->multi, &running);
		int wait = running && m == CURLM_OK ? wait_slice(t) : 0;
		if (m != CURLM_OK) {
			*code = CURLE_FAILED_INIT;
			break;
		}
		if (wait < 0)
			rc = WEFT_ERROR;
		else if (running)
			curl_multi_poll(t->multi, NULL, 0, wait, NULL);
	}
	int left = 0;
	CURLMsg *msg;
	while ((msg = curl_multi_info_read(t->multi, &left)))
		if (msg->msg == CURLMSG_DONE && rc == 0)
			*code = msg->data.result;
	curl_multi_remove_handle(t->multi, t->easy);
	t->status = 0;
	char *type = NULL;
	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
	curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &type);
	t->type = type ? arena_strdup(t->a, type) : "";
	return rc;
}

/* After a request: 0 when it gave a 200 of content type want; else WEFT_ERROR (the deadline, the
 * watch, a refused token) or FALLBACK with *why. */
static int answered(transfer *t, int rc, CURLcode code, const char *want, const char **why)
{
	if (rc < 0)
		return rc;
	if (t->failed) {
		*why = t->why; /* a malformed answer, a refused want, a pack that does not index */
		return FALLBACK;
	}
	if (code != CURLE_OK) {
		*why = arena_printf(t->a, "the request failed: %s", curl_easy_strerror(code));
		return FALLBACK;
	}
	if (t->status == 401) {
		t->end->why = "authorization failed: the host refused the token (HTTP 401)";
		return WEFT_ERROR;
	}
	if (t->status != 200 || strcmp(t->type, want) != 0) {
		*why = arena_printf(t->a, "an answer of HTTP %ld, %.80s", t->status, t->type);
		return FALLBACK;
	}
	return 0;
}

/* GET info/refs: the host's branches. */
static int advertised(transfer *t, const char *url, dvcs_advertisement *adv, const char **why)
{
	CURLcode code;
	curl_easy_setopt(t->easy, CURLOPT_URL,
	                 arena_printf(t->a, "%s/info/refs?service=git-upload-pack", url));
	curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, keep_body);
	int rc = perform(t, &code);
	rc = answered(t, rc, code, "application/x-git-upload-pack-advertisement", why);
	if (rc != 0)
		return rc;
	if (dvcs_advertisement_parse(t->a, t->body.ptr, t->body.len, adv) < 0) {
		*why = arena_strdup(t->a, err_msg());
		return FALLBACK;
	}
	if (!adv->side_band_64k) {
		*why = "the host does not offer side-band-64k";
		return FALLBACK;
	}
	return 0;
}

/* ---- the pack ---- */

typedef struct pack_sink {
	git_odb_writepack *wp;
	git_indexer_progress stats;
} pack_sink;

static int append_pack(void *ctx, const char *data, size_t len)
{
	pack_sink *s = ctx;
	if (s->wp->append(s->wp, data, len, &s->stats) < 0) {
		const git_error *e = git_error_last();
		return err_fail(WEFT_ERROR, "the pack does not index: %s",
		                e && e->message ? e->message : "libgit2 error");
	}
	return 0;
}

/* POST git-upload-pack with the wants and haves; the pack into odb. */
static int fetch_pack(transfer *t, const char *url, git_odb *odb, const buf *request,
                      const char **why)
{
	pack_sink sink = { 0 };
	if (git_odb_write_pack(&sink.wp, odb, NULL, NULL) < 0) {
		*why = "cannot write a pack into the mirror";
		return FALLBACK;
	}
	dvcs_upload_reader_init(&t->reader, t->a, append_pack, &sink);
	struct curl_slist *headers =
	        curl_slist_append(NULL, "Content-Type: application/x-git-upload-pack-request");
	headers = curl_slist_append(headers, "Accept: application/x-git-upload-pack-result");
	for (const struct curl_slist *h = t->headers; h && headers; h = h->next)
		headers = curl_slist_append(headers, h->data);
	CURLcode code = CURLE_OK;
	int rc = headers ? 0 : err_fail(WEFT_ERROR, "cannot start an HTTP request");
	if (rc == 0) {
		curl_easy_setopt(t->easy, CURLOPT_URL,
		                 arena_printf(t->a, "%s/git-upload-pack", url));
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, request->ptr);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)request->len);
		curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, read_answer);
		rc = perform(t, &code);
		rc = answered(t, rc, code, "application/x-git-upload-pack-result", why);
	}
	if (rc == 0 && dvcs_upload_reader_end(&t->reader) < 0) {
		*why = arena_strdup(t->a, err_msg());
		rc = FALLBACK;
	}
	if (rc == 0 && sink.wp->commit(sink.wp, &sink.stats) < 0) {
		const git_error *e = git_error_last();
		*why = arena_printf(t->a, "the pack does not index: %s",
		                    e && e->message ? e->message : "libgit2 error");
		rc = FALLBACK;
	}
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	curl_slist_free_all(headers);
	dvcs_upload_reader_dispose(&t->reader);
	sink.wp->free(sink.wp);
	return rc;
}

/* ---- the branches ---- */

/* The mirror's branches, direct refs only (a symbolic one: FALLBACK). */
static int mirror_branches(arena *a, git_repository *repo, array *out, const char **why)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	if (git_reference_iterator_glob_new(&it, repo, "refs/heads/*") < 0) {
		*why = "cannot list the mirror's branches";
		return FALLBACK;
	}
	int e, rc = 0;
	while (rc == 0 && (e = git_reference_next(&ref, it)) == 0) {
		const git_oid *id = git_reference_target(ref);
		if (id) {
			mirror_branch *b = ARRAY_PUSH(a, out, mirror_branch);
			b->name = arena_strdup(a, git_reference_name(ref));
			git_oid_cpy(&b->id, id);
		} else {
			*why = "a symbolic branch in the mirror";
			rc = FALLBACK;
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc == 0 && e != GIT_ITEROVER) {
		*why = "cannot list the mirror's branches";
		rc = FALLBACK;
	}
	return rc;
}

static const mirror_branch *branch_named(const array *branches, const char *name)
{
	const mirror_branch *b = branches->items;
	for (size_t i = 0; i < branches->n; i++)
		if (strcmp(b[i].name, name) == 0)
			return &b[i];
	return NULL;
}

static bool hash_listed(const char *const *hashes, size_t n, const char *hash)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(hashes[i], hash) == 0)
			return true;
	return false;
}

/* The advertised hashes the mirror lacks (each once), and the mirror's heads (each once). */
static void wants_and_haves(arena *a, git_odb *odb, const dvcs_advertisement *adv,
                            const array *mine, array *wants, array *haves)
{
	for (size_t i = 0; i < adv->n; i++) {
		git_oid id;
		const char *hash = adv->branches[i].hash;
		if (git_oid_fromstr(&id, hash) == 0 && git_odb_exists(odb, &id) != 1 &&
		    !hash_listed(wants->items, wants->n, hash))
			*ARRAY_PUSH(a, wants, const char *) = hash;
	}
	const mirror_branch *b = mine->items;
	for (size_t i = 0; i < mine->n; i++) {
		char *hash = arena_alloc(a, GIT_OID_HEXSZ + 1);
		git_oid_tostr(hash, GIT_OID_HEXSZ + 1, &b[i].id);
		if (!hash_listed(haves->items, haves->n, hash))
			*ARRAY_PUSH(a, haves, const char *) = hash;
	}
}

/* Moves a branch to hash from the value it had as the fetch began (none: creates it). */
static int move_branch(git_repository *repo, const mirror_branch *old, const char *name,
                       const char *hash)
{
	git_oid id;
	git_reference *ref = NULL;
	if (git_oid_fromstr(&id, hash) < 0)
		return -1;
	if (old && git_oid_equal(&old->id, &id))
		return 0;
	int e = old ? git_reference_create_matching(&ref, repo, name, &id, 1, &old->id, NULL)
	            : git_reference_create(&ref, repo, name, &id, 0, NULL);
	git_reference_free(ref);
	return e;
}

/* Deletes a branch the host no longer has, if it still has its value of the fetch's start. */
static int drop_branch(git_repository *repo, const mirror_branch *old)
{
	git_reference *ref = NULL;
	int e = git_reference_lookup(&ref, repo, old->name);
	if (e == 0 &&
	    (!git_reference_target(ref) || !git_oid_equal(git_reference_target(ref), &old->id)))
		e = GIT_EMODIFIED;
	if (e == 0)
		e = git_reference_delete(ref); /* itself compares with the value looked up */
	git_reference_free(ref);
	return e;
}

static bool advertised_as(const dvcs_advertisement *adv, const char *name)
{
	for (size_t i = 0; i < adv->n; i++)
		if (strcmp(adv->branches[i].name, name) == 0)
			return true;
	return false;
}

static int update_branches(arena *a, git_repository *repo, const dvcs_advertisement *adv,
                           const array *mine, const char **why)
{
	for (size_t i = 0; i < adv->n; i++) {
		const dvcs_advertised *b = &adv->branches[i];
		if (move_branch(repo, branch_named(mine, b->name), b->name, b->hash) < 0) {
			*why = arena_printf(a, "%s moved meanwhile, or cannot be set", b->name);
			return FALLBACK;
		}
	}
	const mirror_branch *m = mine->items;
	for (size_t i = 0; i < mine->n; i++)
		if (!advertised_as(adv, m[i].name) && drop_branch(repo, &m[i]) < 0) {
			*why = arena_printf(a, "%s moved meanwhile, or cannot be deleted",
			                    m[i].name);
			return FALLBACK;
		}
	return 0;
}

/* Whether the odb has every hash of wants now. */
static bool has_all(git_odb *odb, const array *wants)
{
	const char *const *w = wants->items;
	for (size_t i = 0; i < wants->n; i++) {
		git_oid id;
		if (git_oid_fromstr(&id, w[i]) < 0 || git_odb_exists(odb, &id) != 1)
			return false;
	}
	return true;
}

/* The fetch's steps once the handles are ready; the debug log shows what each took (ms). */
static int fetch_steps(transfer *t, git_repository *repo, git_odb *odb, const char *url,
                       const char **why)
{
	dvcs_advertisement adv;
	array mine = ARRAY_INIT, wants = ARRAY_INIT, haves = ARRAY_INIT;
	int64_t mark[4] = { clock_mono_ns() };
	int rc = mirror_branches(t->a, repo, &mine, why);
	if (rc == 0)
		rc = advertised(t, url, &adv, why);
	if (rc != 0)
		return rc;
	mark[1] = clock_mono_ns();
	wants_and_haves(t->a, odb, &adv, &mine, &wants, &haves);
	if (wants.n > 0) {
		buf request = BUF_INIT;
		dvcs_upload_request(&request, &adv, wants.items, wants.n, haves.items, haves.n);
		rc = fetch_pack(t, url, odb, &request, why);
		buf_dispose(&request);
	}
	if (rc == 0 && !has_all(odb, &wants)) {
		*why = "the pack lacks a wanted commit";
		rc = FALLBACK;
	}
	mark[2] = clock_mono_ns();
	if (rc == 0)
		rc = update_branches(t->a, repo, &adv, &mine, why);
	mark[3] = clock_mono_ns();
	log_debug("dvcs fetch branches=%zu wants=%zu refs=%.2f pack=%.2f update=%.2f", adv.n,
	          wants.n, (double)(mark[1] - mark[0]) / 1e6, (double)(mark[2] - mark[1]) / 1e6,
	          (double)(mark[3] - mark[2]) / 1e6);
	return rc;
}

static bool is_http(const char *url)
{
	return (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0) &&
	       !strchr(url, '?') && !strchr(url, '#');
}

int dvcs_pack_fetch(arena *a, git_repository *repo, const char *url, const char *header,
                    int64_t deadline, const dvcs_fetch_watch *watch, dvcs_net_fetch_end *end,
                    const char **why)
{
	*why = NULL;
	if (!is_http(url)) {
		*why = "not an http(s) URL";
		return FALLBACK;
	}
	git_odb *odb = NULL;
	transfer t;
	int rc = transfer_init(&t, a, header, deadline, watch, end);
	if (rc == 0 && git_repository_odb(&odb, repo) < 0) {
		*why = "cannot open the mirror's objects";
		rc = FALLBACK;
	}
	if (rc == 0)
		rc = fetch_steps(&t, repo, odb, url, why);
	if (rc < 0 && !end->why && !end->late && !end->stop)
		end->why = arena_strdup(a, err_msg());
	git_odb_free(odb);
	transfer_dispose(&t);
	return rc;
}
