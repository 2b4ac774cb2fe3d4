// hub's webhooks and build statuses API as the npm `bitbucket` client (node-bitbucket 2.12.0)
// sees it: repositories.createWebhook / listWebhooks / getWebhook / updateWebhook /
// deleteWebhook, the workspace's hooks, hook_events, and commitstatuses.createBuildStatus /
// getBuildStatus / updateBuildStatus / list. Prints TAP.
//
// Environment: HUB_URL, HUB_USERNAME and HUB_PASSWORD (an administrator of HUB_REPO), HUB_WORKSPACE,
// HUB_REPO, HUB_COMMIT (a commit of it) and HOOK_URL (a URL the allow list accepts).
import { assert, env, rejects, runCases, test, userClient, uuidRe } from './lib.mjs';

const workspace = env('HUB_WORKSPACE');
const repo_slug = env('HUB_REPO');
const commit = env('HUB_COMMIT');
const hookUrl = env('HOOK_URL');
const bb = userClient();
const at = { workspace, repo_slug };
const state = {};

test('repositories.createWebhook (url in _body): 201, secret_set, no secret', async () => {
	const { status, data } = await bb.repositories.createWebhook({
		...at,
		_body: { description: 'npm', url: hookUrl, active: true, secret: 'npm-secret', events: ['repo:push'] },
	});
	assert(status === 201, `status ${status}`);
	assert(data.type === 'webhook_subscription' && uuidRe.test(data.uuid), `${data.type} ${data.uuid}`);
	assert(data.secret_set === true && !('secret' in data), 'secret_set without the secret');
	assert(data.url === hookUrl && data.events.join() === 'repo:push', 'url and events');
	state.uid = data.uuid;
});

test('repositories.listWebhooks and getWebhook', async () => {
	const { data } = await bb.repositories.listWebhooks(at);
	assert(data.values.some((h) => h.uuid === state.uid), 'listed');
	const { data: one } = await bb.repositories.getWebhook({ ...at, uid: state.uid });
	assert(one.description === 'npm' && one.subject_type === 'repository', `${one.description}`);
});

test('repositories.updateWebhook: events and active', async () => {
	const { data } = await bb.repositories.updateWebhook({
		...at, uid: state.uid, _body: { active: false, events: ['repo:push', 'repo:updated'] },
	});
	assert(data.active === false && data.events.length === 2 && data.secret_set === true, JSON.stringify(data.events));
});

test('repositories.createWebhook with a file: URL is a 400', async () => {
	await rejects(bb.repositories.createWebhook({ ...at, _body: { url: 'file:///etc/passwd', events: ['repo:push'] } }), 400);
});

test('repositories.deleteWebhook: 204, then getWebhook 404', async () => {
	const { status } = await bb.repositories.deleteWebhook({ ...at, uid: state.uid });
	assert(status === 204, `status ${status}`);
	await rejects(bb.repositories.getWebhook({ ...at, uid: state.uid }), 404);
});

test('workspaces.createWebhookForWorkspace, getWebhooksForWorkspace, deleteWebhookForWorkspace', async () => {
	const { status, data } = await bb.workspaces.createWebhookForWorkspace({
		workspace, _body: { url: hookUrl, events: ['repo:push'] },
	});
	assert(status === 201 && data.subject_type === 'workspace', `status ${status}`);
	const { data: list } = await bb.workspaces.getWebhooksForWorkspace({ workspace });
	assert(list.values.some((h) => h.uuid === data.uuid), 'listed');
	const gone = await bb.workspaces.deleteWebhookForWorkspace({ workspace, uid: data.uuid });
	assert(gone.status === 204, `status ${gone.status}`);
});

test('hook_events.getAllSubjectTypes and hook_events.list', async () => {
	const { data } = await bb.hook_events.getAllSubjectTypes({});
	assert(data.repository && data.workspace, 'both subject types');
	const { data: events } = await bb.hook_events.list({ subject_type: 'repository' });
	assert(events.values.some((e) => e.event === 'repo:push'), 'repo:push in the catalogue');
});

test('commitstatuses.createBuildStatus: 201, a build object', async () => {
	const { status, data } = await bb.commitstatuses.createBuildStatus({
		...at, commit, _body: { key: 'npm-build', state: 'INPROGRESS', name: 'npm', url: 'https://ci.example.com/npm' },
	});
	assert(status === 201 && data.type === 'build' && data.key === 'npm-build', `status ${status}`);
	assert(data.state === 'INPROGRESS' && data.links.commit.href.endsWith(commit), data.links.commit.href);
});

test('commitstatuses.updateBuildStatus and getBuildStatus', async () => {
	const { data } = await bb.commitstatuses.updateBuildStatus({
		...at, commit, key: 'npm-build', _body: { state: 'SUCCESSFUL', description: 'done' },
	});
	assert(data.state === 'SUCCESSFUL' && data.description === 'done', data.state);
	const { data: one } = await bb.commitstatuses.getBuildStatus({ ...at, commit, key: 'npm-build' });
	assert(one.state === 'SUCCESSFUL' && one.name === 'npm', one.state);
	await rejects(bb.commitstatuses.getBuildStatus({ ...at, commit, key: 'missing' }), 404);
});

test('commitstatuses.list: the commit statuses, paginated', async () => {
	const { data } = await bb.commitstatuses.list({ ...at, commit });
	assert(Array.isArray(data.values) && data.values.some((s) => s.key === 'npm-build'), 'listed');
});

await runCases();
