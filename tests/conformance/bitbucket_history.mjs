// hub's history API as the npm `bitbucket` client (node-bitbucket 2.12.0) sees it: branches and
// tags (names with '/'), commits with include / exclude arrays, at a revision, by POST
// (urlencoded), one commit, diffs with Bitbucket's reversed A..B and diffstats, paging by following
// next. Prints TAP.
//
// Environment: HUB_URL, HUB_USERNAME and HUB_PASSWORD (who may write HUB_REPO), HUB_WORKSPACE and
// HUB_REPO: a repository whose main has a first-parent history of at least 3 commits, with a
// branch feature/x forked from main~1 with one commit of its own that adds feature.txt, and a tag
// v1 at main~1 (tests/integration/hub_history.sh makes it).
import { assert, env, rejects, runCases, test, userClient } from './lib.mjs';

const workspace = env('HUB_WORKSPACE');
const repo_slug = env('HUB_REPO');
const bb = userClient();
const at = { workspace, repo_slug };

const text = (data) => (typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
const hashes = (page) => page.values.map((v) => v.hash);
const state = {};

// Every commit of a listing, following next.
const all = async (first) => {
	let page = first;
	const out = [...hashes(page)];
	for (let guard = 0; bb.hasNextPage(page) && guard < 1000; guard++) {
		page = (await bb.getNextPage(page)).data;
		out.push(...hashes(page));
	}
	return out;
};

const expectStatus = (status, fn) => rejects(fn(), status);

test('refs.getBranch main and feature/x (a name with /): branch objects with full targets', async () => {
	const { data: main } = await bb.refs.getBranch({ ...at, name: 'main' });
	assert(main.type === 'branch' && main.name === 'main', `main: ${main.type} ${main.name}`);
	assert(main.target.type === 'commit' && /^[0-9a-f]{40}$/.test(main.target.hash), 'main.target');
	assert(main.default_merge_strategy === 'merge_commit', 'default_merge_strategy');
	assert(Array.isArray(main.merge_strategies) && main.merge_strategies.includes('squash'), 'merge_strategies');
	state.main = main.target.hash;
	state.base = main.target.parents[0].hash;
	const { data: feature } = await bb.refs.getBranch({ ...at, name: 'feature/x' });
	assert(feature.name === 'feature/x', `name ${feature.name}`);
	assert(feature.target.parents[0].hash === state.base, 'feature/x forks from main~1');
	state.feature = feature.target.hash;
});

test('refs.listBranches with q: name ~ "feat"', async () => {
	const { data } = await bb.refs.listBranches({ ...at, q: 'name ~ "feat"' });
	const names = data.values.map((b) => b.name);
	assert(names.includes('feature/x') && !names.includes('main'), `names ${names}`);
});

test('refs.createBranch feature/conformance from a short hash, getBranch, deleteBranch', async () => {
	const short = state.base.slice(0, 10);
	const created = await bb.refs.createBranch({ ...at, _body: { name: 'feature/conformance', target: { hash: short } } });
	assert(created.status === 201, `status ${created.status}`);
	assert(created.data.name === 'feature/conformance' && created.data.target.hash === state.base, 'the new branch');
	const { data } = await bb.refs.getBranch({ ...at, name: 'feature/conformance' });
	assert(data.target.hash === state.base, `target ${data.target.hash}`);
	const deleted = await bb.refs.deleteBranch({ ...at, name: 'feature/conformance' });
	assert(deleted.status === 204, `delete: status ${deleted.status}`);
	await expectStatus(404, () => bb.refs.getBranch({ ...at, name: 'feature/conformance' }));
});

test('refs.createBranch: a taken name and a bad target are refused', async () => {
	await expectStatus(409, () => bb.refs.createBranch({ ...at, _body: { name: 'main', target: { hash: state.base } } }));
	await expectStatus(400, () => bb.refs.createBranch({ ...at, _body: { name: 'x', target: { hash: 'not-a-hash' } } }));
});

test('refs.deleteBranch main: 400', async () => {
	await expectStatus(400, () => bb.refs.deleteBranch({ ...at, name: 'main' }));
});

test('repositories.createTag with a message, refs.getTag, refs.deleteTag', async () => {
	const created = await bb.repositories.createTag({ ...at, _body: { name: 'conformance/v9', target: { hash: state.feature }, message: 'Nine' } });
	assert(created.status === 201, `status ${created.status}`);
	assert(created.data.type === 'tag' && created.data.message === 'Nine', `tag ${JSON.stringify(created.data.message)}`);
	const { data } = await bb.refs.getTag({ ...at, name: 'conformance/v9' });
	assert(data.target.hash === state.feature, 'the tag points at feature/x');
	const deleted = await bb.refs.deleteTag({ ...at, name: 'conformance/v9' });
	assert(deleted.status === 204, `delete: status ${deleted.status}`);
});

test('commits.list with include [main, feature/x] and exclude v1', async () => {
	const { data } = await bb.commits.list({ ...at, include: ['main', 'feature/x'], exclude: 'v1' });
	const got = hashes(data);
	assert(got.length === 2 && got.includes(state.main) && got.includes(state.feature), `hashes ${got}`);
	assert(data.values.every((c) => c.type === 'commit' && c.summary.type === 'rendered'), 'commit objects');
});

test('repositories.listCommitsAt feature/x, paged by following next', async () => {
	const { data } = await bb.repositories.listCommitsAt({ ...at, revision: 'feature/x', pagelen: 4 });
	assert(data.values.length === 4 && data.next, 'a first page of 4 with next');
	const got = await all(data);
	assert(got[0] === state.feature, 'feature/x first');
	assert(new Set(got).size === got.length, 'no commit twice');
	assert(got.includes(state.base) && !got.includes(state.main), 'main~1 but not main');
});

test('commits.listAlt: include and exclude in a urlencoded POST body', async () => {
	const { data } = await bb.commits.listAlt({ ...at, include: 'feature/x', exclude: 'main', pagelen: 5 });
	assert(hashes(data).join() === state.feature, `hashes ${hashes(data)}`);
});

test('commits.get by short hash', async () => {
	const { data } = await bb.commits.get({ ...at, commit: state.main.slice(0, 8) });
	assert(data.hash === state.main, `hash ${data.hash}`);
	assert(data.parents[0].hash === state.base, 'the parent');
	assert(data.author && typeof data.author.raw === 'string', 'author.raw');
	await expectStatus(404, () => bb.commits.get({ ...at, commit: 'deadbeef' }));
});

test('repositories.getDiff feature/x..main: feature/x is the new side', async () => {
	const { data } = await bb.repositories.getDiff({ ...at, spec: 'feature/x..main', context: 1, path: 'feature.txt' });
	const diff = text(data);
	assert(diff.includes('+++ b/feature.txt'), 'feature.txt is added');
	assert(!diff.includes('blob.bin'), 'path= keeps other files out');
	const reversed = text((await bb.repositories.getDiff({ ...at, spec: 'main..feature/x', topic: false, ignore_whitespace: true })).data);
	assert(reversed.includes('--- a/feature.txt'), 'the other way round, feature.txt is removed');
});

test('repositories.listDiffStats feature/x..main', async () => {
	const { data } = await bb.repositories.listDiffStats({ ...at, spec: 'feature/x..main' });
	const added = data.values.filter((d) => d.status === 'added').map((d) => d.new.path);
	assert(added.includes('feature.txt'), `added ${added}`);
	assert(data.values.every((d) => d.type === 'diffstat'), 'diffstat objects');
});

test('an unknown revision: 404 in Bitbucket\'s error shape', async () => {
	await expectStatus(404, () => bb.repositories.listCommitsAt({ ...at, revision: 'no-such-branch' }));
});

await runCases('bitbucket client');
