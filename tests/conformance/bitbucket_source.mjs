// hub's src API as the npm `bitbucket` client (node-bitbucket 2.12.0) sees it: readRoot (a
// redirect the client follows), read of files and directories (paths with '/' and Unicode, a
// branch with '/', format=meta, max_depth), paging by following next, createFileCommit
// (urlencoded form fields) and listHistory. Prints TAP.
//
// Environment: HUB_URL, HUB_USERNAME and HUB_PASSWORD (who may write to the repository),
// HUB_WORKSPACE and HUB_REPO (a repository whose main branch holds dir/sub/deep.txt and whose
// branch feature/x holds feature.txt).
import { assert, env, Failure, hubUrl, runCases, test, userClient } from './lib.mjs';

const workspace = env('HUB_WORKSPACE');
const repo_slug = env('HUB_REPO');
const bb = userClient();
const at = { workspace, repo_slug };

const text = (data) => (typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
const paths = (page) => page.values.map((v) => v.path);
const unicodePath = 'conformance/ünï 日本.txt';
const state = {};

const checkEntry = (v, what) => {
	assert(v.type === 'commit_file' || v.type === 'commit_directory', `${what}: type ${v.type}`);
	assert(typeof v.path === 'string' && v.path !== '', `${what}: path`);
	assert(v.commit && /^[0-9a-f]{40}$/.test(v.commit.hash), `${what}: commit.hash`);
	assert(v.links && v.links.self && v.links.self.href.startsWith(hubUrl + '/'),
		`${what}: links.self is not absolute`);
};

test('source.readRoot: follows the redirect to the main branch root listing', async () => {
	const { data, status } = await bb.source.readRoot({ ...at });
	assert(status === 200, `status ${status}`);
	assert(Array.isArray(data.values) && data.values.length > 0, 'no values');
	data.values.forEach((v, i) => checkEntry(v, `values[${i}]`));
	assert(paths(data).includes('dir'), `no dir in ${paths(data)}`);
	state.root = data;
});

test('source.read: a file under dir/sub, its path sent as one encoded segment', async () => {
	const { data, headers } = await bb.source.read({ ...at, commit: 'main', path: 'dir/sub/deep.txt' });
	assert(text(data) === 'deep\n', `content ${JSON.stringify(text(data))}`);
	assert(!/charset/.test(headers['content-type']), `content-type ${headers['content-type']}`);
});

test('source.read format=meta: a commit_file', async () => {
	const { data } = await bb.source.read({ ...at, commit: 'main', path: 'dir/sub/deep.txt', format: 'meta' });
	assert(data.type === 'commit_file' && data.path === 'dir/sub/deep.txt', JSON.stringify(data));
	assert(data.size === 5, `size ${data.size}`);
});

test('source.read: the root of branch feature/x with format=meta and max_depth', async () => {
	const { data } = await bb.source.read({ ...at, commit: 'feature/x', path: '', format: 'meta', max_depth: 2 });
	assert(data.type === 'commit_directory' && data.path === '', JSON.stringify(data));
	const listing = await bb.source.read({ ...at, commit: 'feature/x', path: '', max_depth: 3, pagelen: 100 });
	assert(paths(listing.data).includes('feature.txt'), `no feature.txt in ${paths(listing.data)}`);
	assert(paths(listing.data).includes('dir/sub/deep.txt'), 'max_depth=3 does not reach dir/sub/deep.txt');
});

test('paging: following next through the root listing gives every entry once', async () => {
	let page = (await bb.source.read({ ...at, commit: 'main', path: '', pagelen: 2 })).data;
	const seen = [...paths(page)];
	let pages = 1;
	while (bb.hasNextPage(page) && pages < 50) {
		page = (await bb.getNextPage(page)).data;
		seen.push(...paths(page));
		pages++;
	}
	assert(pages > 1, 'one page only');
	const all = (await bb.source.read({ ...at, commit: 'main', path: '', pagelen: 100 })).data;
	assert(JSON.stringify(seen) === JSON.stringify(paths(all)), `${seen} != ${paths(all)}`);
});

test('source.createFileCommit: a commit with Unicode paths on a new branch with "/"', async () => {
	const { status, headers } = await bb.source.createFileCommit({
		...at,
		message: 'conformance commit',
		branch: 'conformance/topic',
		author: 'Conformance Bot <bot@example.com>',
		[unicodePath]: 'héllo\n',
		'conformance/dir/a.txt': 'A\n',
	});
	assert(status === 201, `status ${status}`);
	assert(/\/commit\/[0-9a-f]{40}$/.test(headers.location), `location ${headers.location}`);
	state.commit = headers.location.split('/').pop();
});

test('source.read: the Unicode path on the new branch', async () => {
	const { data } = await bb.source.read({ ...at, commit: 'conformance/topic', path: unicodePath });
	assert(text(data) === 'héllo\n', `content ${JSON.stringify(text(data))}`);
	const meta = await bb.source.read({ ...at, commit: state.commit, path: unicodePath, format: 'meta' });
	assert(meta.data.path === unicodePath, `path ${meta.data.path}`);
	assert(meta.data.commit.hash === state.commit, `commit ${meta.data.commit.hash}`);
});

test('source.listHistory: the versions of a file, newest first, paged with next', async () => {
	await bb.source.createFileCommit({ ...at, message: 'second version', branch: 'conformance/topic', [unicodePath]: 'v2\n' });
	let page = (await bb.source.listHistory({ ...at, commit: 'conformance/topic', path: unicodePath, pagelen: 1 })).data;
	const hashes = page.values.map((v) => v.commit.hash);
	assert(page.values[0].type === 'commit_file', `type ${page.values[0].type}`);
	while (bb.hasNextPage(page)) {
		page = (await bb.getNextPage(page)).data;
		hashes.push(...page.values.map((v) => v.commit.hash));
	}
	assert(hashes.length === 2 && hashes[1] === state.commit, `hashes ${hashes}`);
});

test('source.read: a missing path is a 404 with Bitbucket\'s message', async () => {
	try {
		await bb.source.read({ ...at, commit: 'main', path: 'no/such/file.txt' });
		assert(false, 'no error');
	} catch (err) {
		if (err instanceof Failure) throw err;
		assert(err.status === 404, `status ${err.status}`);
		const message = err.error && err.error.error && err.error.error.message;
		assert(message === 'No such file or directory: no/such/file.txt', `message ${message}`);
	}
});

await runCases('bitbucket client');
