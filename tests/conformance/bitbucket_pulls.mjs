// hub's pull requests and branching model as the npm `bitbucket` client (node-bitbucket 2.12.0)
// sees them: create, get, list (state, q), update, commits, diff, diffstat, patch, activity,
// comments (create, get, update, delete, list), approvals and requests for changes, statuses,
// merge with a strategy, decline, a user's pull requests, and the branching model with its
// settings. Prints TAP.
//
// Environment: HUB_URL, HUB_USERNAME and HUB_PASSWORD (who administers HUB_REPO), REVIEWER and
// REVIEWER_PASSWORD (another user who may read it), HUB_WORKSPACE and HUB_REPO: a repository
// whose main branch has branches conf-merge and conf-decline with one commit each that main
// lacks (tests/integration/hub_pulls.sh makes them).
import { assert, client, env, rejects, runCases, test, userClient } from './lib.mjs';

const workspace = env('HUB_WORKSPACE');
const repo_slug = env('HUB_REPO');
const bb = userClient();
const reviewer = client({ username: env('REVIEWER'), password: env('REVIEWER_PASSWORD') });
const at = { workspace, repo_slug };
const state = {};
const text = (data) => (typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));

test('pullrequests.create: 201 with the A.10 object', async () => {
	const { status, data } = await bb.pullrequests.create({
		...at,
		_body: { title: 'Conformance', source: { branch: { name: 'conf-merge' } }, destination: { branch: { name: 'main' } }, close_source_branch: true },
	});
	assert(status === 201, `status ${status}`);
	assert(data.type === 'pullrequest' && data.state === 'OPEN', `${data.type} ${data.state}`);
	assert(data.source.branch.name === 'conf-merge' && /^[0-9a-f]{40}$/.test(data.source.commit.hash), 'source');
	assert(data.links.self.href.startsWith('http'), 'links.self');
	state.id = data.id;
});

test('pullrequests.create for the same pair again: 409', async () => {
	await rejects(bb.pullrequests.create({ ...at, _body: { title: 'Again', source: { branch: { name: 'conf-merge' } } } }), 409);
});

test('pullrequests.get and list with state and q', async () => {
	const { data } = await bb.pullrequests.get({ ...at, pull_request_id: state.id });
	assert(data.id === state.id && data.title === 'Conformance', `got ${data.id}`);
	const open = (await bb.pullrequests.list({ ...at, state: 'OPEN', q: 'source.branch.name = "conf-merge"' })).data;
	assert(open.values.length === 1 && open.values[0].id === state.id, `open ${open.values.length}`);
	const merged = (await bb.pullrequests.list({ ...at, state: 'MERGED', q: 'source.branch.name = "conf-merge"' })).data;
	assert(merged.values.length === 0, 'none merged yet');
});

test('pullrequests.update: title and description', async () => {
	const { data } = await bb.pullrequests.update({ ...at, pull_request_id: state.id, _body: { title: 'Conformance!', description: 'By the *client*' } });
	assert(data.title === 'Conformance!' && data.description === 'By the *client*', data.title);
});

test('pullrequests.listCommits, getDiff, getDiffStat, getPatch', async () => {
	const commits = (await bb.pullrequests.listCommits({ ...at, pull_request_id: state.id })).data;
	assert(commits.values.length === 1, `commits ${commits.values.length}`);
	const diff = text((await bb.pullrequests.getDiff({ ...at, pull_request_id: state.id })).data);
	assert(diff.includes('conf-merge.txt'), 'diff names the file');
	const stat = (await bb.pullrequests.getDiffStat({ ...at, pull_request_id: state.id })).data;
	assert(stat.values.length === 1 && stat.values[0].new.path === 'conf-merge.txt', 'diffstat');
	const patch = text((await bb.pullrequests.getPatch({ ...at, pull_request_id: state.id })).data);
	assert(patch.includes('conf-merge.txt'), 'patch');
});

test('createApproval by the reviewer, deleteApproval, addChangeRequest, deleteChangeRequest', async () => {
	const { data } = await reviewer.pullrequests.createApproval({ ...at, pull_request_id: state.id });
	assert(data.type === 'participant' && data.approved === true, 'approved');
	const removed = await reviewer.pullrequests.deleteApproval({ ...at, pull_request_id: state.id });
	assert(removed.status === 204, `status ${removed.status}`);
	const change = await reviewer.pullrequests.addChangeRequest({ ...at, pull_request_id: state.id });
	assert(change.data.state === 'changes_requested', `state ${change.data.state}`);
	const undone = await reviewer.pullrequests.deleteChangeRequest({ ...at, pull_request_id: state.id });
	assert(undone.status === 204, `status ${undone.status}`);
	await reviewer.pullrequests.createApproval({ ...at, pull_request_id: state.id });
	await rejects(bb.pullrequests.createApproval({ ...at, pull_request_id: state.id }), 400);
});

test('comments: create (general, inline), get, update, delete, list', async () => {
	const general = (await reviewer.pullrequests.createComment({ ...at, pull_request_id: state.id, _body: { content: { raw: 'Nice' } } })).data;
	assert(general.type === 'pullrequest_comment' && general.content.raw === 'Nice', 'general');
	const inline = (await reviewer.pullrequests.createComment({
		...at, pull_request_id: state.id, _body: { content: { raw: 'Here' }, inline: { path: 'conf-merge.txt', to: 1 } },
	})).data;
	assert(inline.inline.path === 'conf-merge.txt' && inline.inline.to === 1, 'inline');
	const got = (await bb.pullrequests.getComment({ ...at, pull_request_id: state.id, comment_id: general.id })).data;
	assert(got.id === general.id, 'getComment');
	const updated = (await reviewer.pullrequests.updateComment({ ...at, pull_request_id: state.id, comment_id: general.id, _body: { content: { raw: 'Nicer' } } })).data;
	assert(updated.content.raw === 'Nicer', 'updateComment');
	const deleted = await reviewer.pullrequests.deleteComment({ ...at, pull_request_id: state.id, comment_id: inline.id });
	assert(deleted.status === 204, `deleteComment ${deleted.status}`);
	const list = (await bb.pullrequests.listComments({ ...at, pull_request_id: state.id })).data;
	assert(list.values.length === 2 && list.values.some((c) => c.deleted), `listComments ${list.values.length}`);
});

test('listActivities has the approval and the comments; listStatuses is a page', async () => {
	const { data } = await bb.pullrequests.listActivities({ ...at, pull_request_id: state.id });
	assert(data.values.some((v) => v.approval) && data.values.some((v) => v.comment), 'activity');
	const statuses = (await bb.pullrequests.listStatuses({ ...at, pull_request_id: state.id })).data;
	assert(Array.isArray(statuses.values), 'statuses.values');
});

test('pullrequests.merge with squash: MERGED with the merge commit', async () => {
	const { data } = await bb.pullrequests.merge({
		...at, pull_request_id: state.id, _body: { type: 'pullrequest_merge_parameters', merge_strategy: 'squash', message: 'Squashed by the client', close_source_branch: true },
	});
	assert(data.state === 'MERGED' && /^[0-9a-f]{40}$/.test(data.merge_commit.hash), data.state);
	await rejects(bb.pullrequests.merge({ ...at, pull_request_id: state.id }), 400);
});

test('pullrequests.decline', async () => {
	const created = (await bb.pullrequests.create({ ...at, _body: { title: 'To decline', source: { branch: { name: 'conf-decline' } } } })).data;
	const { data } = await bb.pullrequests.decline({ ...at, pull_request_id: created.id });
	assert(data.state === 'DECLINED', data.state);
});

test('pullrequests.listPullrequestsForUser', async () => {
	const { data } = await bb.pullrequests.listPullrequestsForUser({ selected_user: env('HUB_USERNAME'), state: 'MERGED' });
	assert(data.values.some((p) => p.id === state.id), 'the merged one is listed');
});

test('repositories.getBranchingModel, getBranchingModelSettings, updateBranchingModelSettings', async () => {
	const model = (await bb.repositories.getBranchingModel(at)).data;
	assert(model.type === 'branching_model' && model.branch_types.length >= 1, model.type);
	const settings = (await bb.repositories.getBranchingModelSettings(at)).data;
	assert(settings.type === 'branching_model_settings', settings.type);
	const updated = (await bb.repositories.updateBranchingModelSettings({
		...at, _body: { branch_types: [{ kind: 'release', prefix: 'rel/', enabled: true }] },
	})).data;
	assert(updated.branch_types.find((t) => t.kind === 'release').prefix === 'rel/', 'release prefix');
	await rejects(reviewer.repositories.getBranchingModelSettings(at), 403);
});

await runCases('bitbucket pull requests');
