// hub's projects and repositories API (A.4, A.5) as the npm `bitbucket` client (node-bitbucket
// 2.12.0) sees it: creating, reading, updating and deleting projects and repositories, the
// repository object's shape (links.clone, mainbranch, project), lists with role, q, sort and
// paging by following `next`, the slug rule's 400 and a 404 as the client reports them. Prints TAP.
//
// Environment: HUB_URL (http://host:port), HUB_USERNAME and HUB_PASSWORD (an administrator of
// the team workspace HUB_WORKSPACE, which has no repositories or projects named below yet).
import { absolute, assert, client, env, hubUrl, rejects, runCases, test, userClient, uuidRe } from './lib.mjs';

const workspace = env('HUB_WORKSPACE');
const bb = userClient();
const anonymous = client();
const isoRe = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/;
const state = {};

const checkProject = (p, what) => {
	assert(p && p.type === 'project', `${what}: type ${p && p.type}`);
	assert(uuidRe.test(p.uuid), `${what}: uuid ${p.uuid}`);
	for (const f of ['key', 'name', 'description']) assert(typeof p[f] === 'string', `${what}: ${f}`);
	for (const f of ['is_private', 'has_publicly_visible_repos'])
		assert(typeof p[f] === 'boolean', `${what}: ${f} is not a boolean`);
	assert(isoRe.test(p.created_on) && isoRe.test(p.updated_on), `${what}: times`);
	assert(p.owner && uuidRe.test(p.owner.uuid), `${what}: owner`);
	for (const link of ['self', 'html', 'avatar', 'repositories'])
		absolute(p.links && p.links[link], `${what}: links.${link}`);
};

const checkRepository = (r, what) => {
	assert(r && r.type === 'repository', `${what}: type ${r && r.type}`);
	assert(uuidRe.test(r.uuid), `${what}: uuid ${r.uuid}`);
	assert(r.full_name === `${r.workspace.slug}/${r.slug}`, `${what}: full_name ${r.full_name}`);
	assert(r.scm === 'git', `${what}: scm ${r.scm}`);
	assert(Number.isInteger(r.size) && r.size > 0, `${what}: size ${r.size}`);
	for (const f of ['is_private', 'has_issues', 'has_wiki'])
		assert(typeof r[f] === 'boolean', `${what}: ${f} is not a boolean`);
	assert(['allow_forks', 'no_public_forks', 'no_forks'].includes(r.fork_policy), `${what}: fork_policy`);
	assert(isoRe.test(r.created_on) && isoRe.test(r.updated_on), `${what}: times`);
	assert(r.mainbranch && r.mainbranch.type === 'branch' && typeof r.mainbranch.name === 'string',
		`${what}: mainbranch ${JSON.stringify(r.mainbranch)}`);
	assert(r.owner && uuidRe.test(r.owner.uuid), `${what}: owner`);
	assert(r.workspace && r.workspace.type === 'workspace', `${what}: workspace`);
	assert(r.project && r.project.type === 'project' && typeof r.project.key === 'string', `${what}: project`);
	for (const link of ['self', 'html', 'avatar', 'commits', 'branches', 'tags'])
		absolute(r.links && r.links[link], `${what}: links.${link}`);
	const clone = r.links.clone;
	assert(Array.isArray(clone) && clone[0].name === 'https' &&
		clone[0].href === `${hubUrl}/${r.full_name}.git`, `${what}: links.clone ${JSON.stringify(clone)}`);
};

test('workspaces.createProject: 201 with the project object', async () => {
	const { status, data } = await bb.workspaces.createProject({
		workspace, _body: { name: 'Mars', key: 'MARS', description: 'red', is_private: true },
	});
	assert(status === 201, `status ${status}`);
	checkProject(data, 'MARS');
	assert(data.key === 'MARS' && data.name === 'Mars' && data.is_private === true, 'fields');
	state.mars = data;
});

test('workspaces.createProject with a lower-case key: 400', () =>
	rejects(bb.workspaces.createProject({ workspace, _body: { name: 'Low', key: 'low' } }), 400, 'Key'));

test('workspaces.createProject with a taken key: 409', () =>
	rejects(bb.workspaces.createProject({ workspace, _body: { name: 'Again', key: 'MARS' } }), 409));

test('workspaces.getProject by key and by {uuid}', async () => {
	const byKey = (await bb.workspaces.getProject({ workspace, project_key: 'MARS' })).data;
	checkProject(byKey, 'by key');
	const byUuid = (await bb.workspaces.getProject({ workspace, project_key: state.mars.uuid })).data;
	assert(byUuid.key === 'MARS', `by uuid: ${byUuid.key}`);
});

test('workspaces.createOrUpdateProject: 201 creating, then 200 updating', async () => {
	const created = await bb.workspaces.createOrUpdateProject({
		workspace, project_key: 'VENUS', _body: { name: 'Venus', is_private: false },
	});
	assert(created.status === 201, `create: status ${created.status}`);
	assert(created.data.key === 'VENUS' && created.data.is_private === false, 'created fields');
	const updated = await bb.workspaces.createOrUpdateProject({
		workspace, project_key: 'VENUS', _body: { description: 'hot' },
	});
	assert(updated.status === 200, `update: status ${updated.status}`);
	assert(updated.data.description === 'hot' && updated.data.name === 'Venus', 'partial update');
});

test('workspaces.getProjects with q and sort', async () => {
	const all = (await bb.workspaces.getProjects({ workspace, sort: '-key' })).data;
	const keys = all.values.map((p) => p.key);
	assert(keys.indexOf('VENUS') < keys.indexOf('MARS'), `sorted: ${keys}`);
	const some = (await bb.workspaces.getProjects({ workspace, q: 'key = "MARS"' })).data;
	assert(some.values.length === 1 && some.values[0].key === 'MARS', 'q');
});

test('repositories.create: 200 with the repository object, in the named project', async () => {
	const { status, data } = await bb.repositories.create({
		workspace, repo_slug: 'conformance-one',
		_body: { scm: 'git', is_private: true, project: { key: 'MARS' }, description: 'd' },
	});
	assert(status === 200, `status ${status}`);
	checkRepository(data, 'conformance-one');
	assert(data.slug === 'conformance-one' && data.is_private && data.description === 'd', 'fields');
	assert(data.project.key === 'MARS' && data.mainbranch.name === 'main', 'project and branch');
	state.one = data;
});

test('repositories.create with an invalid slug: 400 with Bitbucket\'s wording', () =>
	rejects(bb.repositories.create({ workspace, repo_slug: 'Bad-Slug', _body: { scm: 'git' } }), 400,
		'Invalid slug. Slugs must be lowercase, alphanumerical, and may also contain underscores, dashes, or dots.'));

test('repositories.create of a taken slug: 409', () =>
	rejects(bb.repositories.create({ workspace, repo_slug: 'conformance-one', _body: {} }), 409,
		'already exists'));

test('repositories.create with an unknown project: 404', () =>
	rejects(bb.repositories.create({ workspace, repo_slug: 'orphan', _body: { project: { key: 'NOPE' } } }), 404));

test('repositories.get by slug and by {uuid}', async () => {
	const bySlug = (await bb.repositories.get({ workspace, repo_slug: 'conformance-one' })).data;
	checkRepository(bySlug, 'by slug');
	const byUuid = (await bb.repositories.get({ workspace, repo_slug: state.one.uuid })).data;
	assert(byUuid.uuid === state.one.uuid, 'by uuid');
});

test('repositories.update renames (new slug), and the old slug still answers', async () => {
	const { status, data, headers } = await bb.repositories.update({
		workspace, repo_slug: 'conformance-one', _body: { name: 'Conformance Two', is_private: false },
	});
	assert(status === 200, `status ${status}`);
	assert(data.slug === 'conformance-two' && data.name === 'Conformance Two', `slug ${data.slug}`);
	assert(data.is_private === false, 'is_private');
	assert(headers.location && headers.location.endsWith(`/2.0/repositories/${workspace}/conformance-two`),
		`Location ${headers.location}`);
	const old = (await bb.repositories.get({ workspace, repo_slug: 'conformance-one' })).data;
	assert(old.slug === 'conformance-two', 'the old slug follows the rename');
});

test('repositories.update of an absent repository creates it: 201', async () => {
	const { status, data } = await bb.repositories.update({
		workspace, repo_slug: 'conformance-three', _body: { scm: 'git', is_private: true },
	});
	assert(status === 201, `status ${status}`);
	checkRepository(data, 'conformance-three');
});

test('repositories.list with pagelen 1, followed with getNextPage to the end', async () => {
	let page = (await bb.repositories.list({ workspace, pagelen: 1, sort: 'slug' })).data;
	const slugs = [];
	for (let guard = 0; guard < 20; guard++) {
		assert(page.pagelen === 1 && page.values.length <= 1, 'pagelen');
		for (const r of page.values) slugs.push(r.slug);
		if (!page.next) break;
		page = (await bb.getNextPage(page)).data;
	}
	assert(slugs.includes('conformance-two') && slugs.includes('conformance-three'), `slugs ${slugs}`);
	assert([...slugs].sort().join() === slugs.join(), `sorted: ${slugs}`);
});

test('repositories.list with q and role', async () => {
	const byName = (await bb.repositories.list({ workspace, q: 'name ~ "two"' })).data;
	assert(byName.values.length === 1 && byName.values[0].slug === 'conformance-two', 'q');
	const admin = (await bb.repositories.list({ workspace, role: 'admin' })).data;
	assert(admin.values.length >= 2, `role=admin: ${admin.values.length}`);
	const byProject = (await bb.repositories.list({ workspace, q: 'project.key = "MARS"' })).data;
	assert(byProject.values.every((r) => r.project.key === 'MARS'), 'q on project.key');
});

test('anonymous repositories.list and listGlobal see only public repositories', async () => {
	const mine = (await anonymous.repositories.list({ workspace })).data;
	assert(mine.values.every((r) => !r.is_private), 'a private repository is listed');
	assert(mine.values.some((r) => r.slug === 'conformance-two'), 'the public one is missing');
	const all = (await anonymous.repositories.listGlobal({})).data;
	assert(all.values.some((r) => r.slug === 'conformance-two'), 'listGlobal lacks the public one');
	assert(all.values.every((r) => !r.is_private), 'listGlobal shows a private one');
});

test('anonymous repositories.get of a private repository: 404, as for a missing one', () =>
	rejects(anonymous.repositories.get({ workspace, repo_slug: 'conformance-three' }), 404));

test('workspaces.deleteProject while repositories remain: 409', () =>
	rejects(bb.workspaces.deleteProject({ workspace, project_key: 'MARS' }), 409, 'still has'));

test('repositories.delete: 204, then get is 404', async () => {
	for (const repo_slug of ['conformance-two', 'conformance-three']) {
		const { status } = await bb.repositories.delete({ workspace, repo_slug });
		assert(status === 204, `status ${status}`);
	}
	await rejects(bb.repositories.get({ workspace, repo_slug: 'conformance-three' }), 404);
});

test('workspaces.deleteProject: 204, then getProject is 404', async () => {
	const { status } = await bb.workspaces.deleteProject({ workspace, project_key: 'VENUS' });
	assert(status === 204, `status ${status}`);
	await rejects(bb.workspaces.getProject({ workspace, project_key: 'VENUS' }), 404);
});

await runCases('bitbucket.js');
