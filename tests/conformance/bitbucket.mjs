// hub's API as the npm `bitbucket` client (node-bitbucket 2.12.0) sees it: users, workspaces,
// members and permissions, paging with getNextPage, and a 404 as the client reports it. Prints TAP.
//
// Environment: HUB_URL (http://host:port), HUB_USERNAME and HUB_PASSWORD (a member of the team
// workspace), HUB_WORKSPACE (that team's slug), HUB_WORKSPACES (optional: how many workspaces the
// user belongs to, all roles), HUB_HIDDEN_WORKSPACE (optional: a workspace the user is not in).
import { absolute, assert, env, Failure, runCases, test, userClient, uuidRe } from './lib.mjs';

const username = env('HUB_USERNAME');
const workspace = env('HUB_WORKSPACE');
const expectedWorkspaces = process.env.HUB_WORKSPACES ? Number(process.env.HUB_WORKSPACES) : null;
const hidden = env('HUB_HIDDEN_WORKSPACE', 'no-such-workspace');
const bb = userClient();
const state = {};

const checkUser = (u, what) => {
	assert(u && u.type === 'user', `${what}: type is ${u && u.type}, not user`);
	assert(uuidRe.test(u.uuid), `${what}: uuid ${u.uuid} is not braced`);
	assert(typeof u.account_id === 'string' && u.account_id, `${what}: no account_id`);
	absolute(u.links && u.links.self, `${what}: links.self`);
};

const checkWorkspace = (w, what) => {
	assert(w && w.type === 'workspace', `${what}: type is ${w && w.type}, not workspace`);
	assert(uuidRe.test(w.uuid), `${what}: uuid ${w.uuid} is not braced`);
	assert(typeof w.slug === 'string' && typeof w.name === 'string', `${what}: slug or name`);
	assert(typeof w.is_private === 'boolean', `${what}: is_private is not a boolean`);
	for (const link of ['self', 'html', 'avatar', 'members'])
		absolute(w.links && w.links[link], `${what}: links.${link}`);
};

const checkMembership = (m, what) => {
	assert(m && m.type === 'workspace_membership', `${what}: type is ${m && m.type}`);
	checkUser(m.user, `${what}.user`);
	checkWorkspace(m.workspace, `${what}.workspace`);
	absolute(m.links && m.links.self, `${what}: links.self`);
};

const checkPage = (data, what) => {
	assert(Array.isArray(data.values), `${what}: values is not an array`);
	assert(Number.isInteger(data.pagelen), `${what}: pagelen is not an integer`);
	if (data.next !== undefined) absolute({ href: data.next }, `${what}: next`);
};

test('user.get: the caller, type user, braced uuid, absolute links', async () => {
	const { data, status } = await bb.user.get({});
	assert(status === 200, `status ${status}`);
	checkUser(data, 'user');
	assert(data.username === username || data.nickname === username,
		`username ${data.username} is not ${username}`);
	state.me = data;
});

test('user.listEmails: a page of email objects with one primary', async () => {
	const { data } = await bb.user.listEmails({});
	checkPage(data, 'emails');
	assert(data.values.length >= 1, 'no email addresses');
	assert(data.values.every((e) => e.type === 'email' && typeof e.email === 'string'),
		'an item is not an email object');
	assert(data.values.filter((e) => e.is_primary).length === 1, 'not exactly one primary');
});

test('workspaces.getWorkspaces({pagelen: 1}) followed with getNextPage to the end', async () => {
	let page = (await bb.workspaces.getWorkspaces({ pagelen: 1 })).data;
	const slugs = [];
	for (let n = 0; ; n++) {
		assert(n < 100, 'more than 100 pages: next never ends');
		checkPage(page, `page ${n + 1}`);
		assert(page.pagelen === 1, `page ${n + 1}: pagelen ${page.pagelen}`);
		assert(page.values.length <= 1, `page ${n + 1}: ${page.values.length} values`);
		page.values.forEach((w, i) => checkWorkspace(w, `page ${n + 1} value ${i}`));
		slugs.push(...page.values.map((w) => w.slug));
		if (!bb.hasNextPage(page)) break;
		page = (await bb.getNextPage(page)).data;
	}
	assert(new Set(slugs).size === slugs.length, `a workspace came twice: ${slugs}`);
	assert(slugs.includes(username.toLowerCase()), `no personal workspace in ${slugs}`);
	assert(slugs.includes(workspace), `no ${workspace} in ${slugs}`);
	if (expectedWorkspaces !== null)
		assert(slugs.length === expectedWorkspaces,
			`${slugs.length} workspaces, expected ${expectedWorkspaces}`);
});

test('workspaces.getWorkspaces({role: "member"}) lists the team', async () => {
	const { data } = await bb.workspaces.getWorkspaces({ role: 'member', pagelen: 100 });
	checkPage(data, 'workspaces');
	assert(data.values.some((w) => w.slug === workspace), `no ${workspace}`);
});

test('workspaces.getWorkspace: by slug and by {uuid}', async () => {
	const { data } = await bb.workspaces.getWorkspace({ workspace });
	checkWorkspace(data, 'workspace');
	assert(data.slug === workspace, `slug ${data.slug}`);
	const again = (await bb.workspaces.getWorkspace({ workspace: data.uuid })).data;
	assert(again.uuid === data.uuid, `by uuid: ${again.uuid}`);
	state.ws = data;
});

test('workspaces.getMembersForWorkspace: memberships including the caller', async () => {
	const { data } = await bb.workspaces.getMembersForWorkspace({ workspace });
	checkPage(data, 'members');
	data.values.forEach((m, i) => checkMembership(m, `members[${i}]`));
	assert(data.values.some((m) => m.user.uuid === state.me.uuid), 'the caller is not listed');
	state.members = data.values;
});

test('workspaces.getMemberForWorkspace: by {uuid} and by account_id', async () => {
	const other = state.members.find((m) => m.user.uuid !== state.me.uuid) || state.members[0];
	const byUuid = (await bb.workspaces.getMemberForWorkspace({
		workspace, member: other.user.uuid })).data;
	checkMembership(byUuid, 'member');
	assert(byUuid.user.uuid === other.user.uuid, `uuid ${byUuid.user.uuid}`);
	const byId = (await bb.workspaces.getMemberForWorkspace({
		workspace, member: other.user.account_id })).data;
	assert(byId.user.uuid === other.user.uuid, `by account_id: ${byId.user.uuid}`);
});

test('workspaces.listPermissions (GET /workspaces/{workspace}/permissions)', async () => {
	const { data } = await bb.workspaces.listPermissions({ workspace });
	checkPage(data, 'permissions');
	const roles = ['owner', 'collaborator', 'member'];
	data.values.forEach((m, i) => {
		checkMembership(m, `permissions[${i}]`);
		assert(roles.includes(m.permission), `permissions[${i}]: permission ${m.permission}`);
	});
	assert(data.values.some((m) => m.user.uuid === state.me.uuid), 'the caller is not listed');
});

test('user.listPermissionsForWorkspaces: the caller in each workspace', async () => {
	const { data } = await bb.user.listPermissionsForWorkspaces({});
	checkPage(data, 'permissions');
	data.values.forEach((m, i) => checkMembership(m, `values[${i}]`));
	assert(data.values.some((m) => m.workspace.slug === workspace), `no ${workspace}`);
	assert(data.values.every((m) => m.user.uuid === state.me.uuid), 'someone else is listed');
});

test('a workspace the caller is not in: HTTPError 404 with Bitbucket error body', async () => {
	try {
		await bb.workspaces.getWorkspace({ workspace: hidden });
	} catch (err) {
		assert(err.status === 404, `status ${err.status}`);
		assert(err.error && err.error.type === 'error', `body ${JSON.stringify(err.error)}`);
		assert(typeof err.error.error.message === 'string' && err.error.error.message,
			'no error.message');
		return;
	}
	throw new Failure('no error was thrown');
});

test('a member that is not in the workspace: HTTPError 404', async () => {
	try {
		await bb.workspaces.getMemberForWorkspace({
			workspace, member: '{00000000-0000-4000-8000-000000000000}' });
	} catch (err) {
		assert(err.status === 404, `status ${err.status}`);
		assert(typeof err.error.error.message === 'string', 'no error.message');
		return;
	}
	throw new Failure('no error was thrown');
});

await runCases('bitbucket.js');
