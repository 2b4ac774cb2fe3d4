// track's issue links, link types and remote links as the npm `jira.js` clients call them: the
// 5.4 Version2Client (issueLinkTypes, issueLinks.linkIssues / getIssueLink / deleteIssueLink,
// issueRemoteLinks) and the 6.2 cloud client (answers checked against its schemas). Prints TAP.
//
// Environment: TRACK_URL, JIRA_EMAIL and JIRA_TOKEN (a site administrator's), JIRA_PROJECT (an
// existing project key, where the script makes its own issues).
import { assert, cloud, env, run, test, v2 } from './jira_lib.mjs';

const projectKey = env('JIRA_PROJECT');
const state = {};

const newIssue = async (summary) =>
	(await v2.issues.createIssue({ fields: { project: { key: projectKey }, summary } })).key;

test('v2 getIssueLinkTypes and getIssueLinkType', async () => {
	const { issueLinkTypes } = await v2.issueLinkTypes.getIssueLinkTypes();
	const blocks = issueLinkTypes.find((t) => t.name === 'Blocks');
	assert(blocks && blocks.inward === 'is blocked by' && blocks.outward === 'blocks',
		JSON.stringify(issueLinkTypes));
	const one = await v2.issueLinkTypes.getIssueLinkType({ issueLinkTypeId: blocks.id });
	assert(one.name === 'Blocks' && one.self.endsWith(`/issueLinkType/${blocks.id}`), JSON.stringify(one));
});

test('cloud getIssueLinkTypes (schema checked)', async () => {
	const { issueLinkTypes } = await cloud.issueLinkTypes.getIssueLinkTypes();
	assert(issueLinkTypes.map((t) => t.name).includes('Duplicate'), JSON.stringify(issueLinkTypes));
});

test('v2 createIssueLinkType, updateIssueLinkType, deleteIssueLinkType', async () => {
	const t = await v2.issueLinkTypes.createIssueLinkType({
		name: 'Causes', inward: 'is caused by', outward: 'causes',
	});
	assert(t.id && t.outward === 'causes', JSON.stringify(t));
	const u = await v2.issueLinkTypes.updateIssueLinkType({ issueLinkTypeId: t.id, outward: 'leads to' });
	assert(u.outward === 'leads to' && u.inward === 'is caused by', JSON.stringify(u));
	await v2.issueLinkTypes.deleteIssueLinkType({ issueLinkTypeId: t.id });
});

test('v2 issueLinks.linkIssues, then fields.issuelinks on both issues', async () => {
	state.a = await newIssue('Blocker');
	state.b = await newIssue('Blocked');
	await v2.issueLinks.linkIssues({
		type: { name: 'Blocks' },
		inwardIssue: { key: state.a },
		outwardIssue: { key: state.b },
		comment: { body: 'Linked by jira.js' },
	});
	const a = await v2.issues.getIssue({ issueIdOrKey: state.a, fields: ['issuelinks'] });
	const links = a.fields.issuelinks;
	assert(links.length === 1 && links[0].outwardIssue.key === state.b && links[0].type.name === 'Blocks',
		JSON.stringify(links));
	state.linkId = links[0].id;
	const b = await v2.issues.getIssue({ issueIdOrKey: state.b, fields: ['issuelinks', 'comment'] });
	assert(b.fields.issuelinks[0].inwardIssue.key === state.a, JSON.stringify(b.fields.issuelinks));
	assert(b.fields.comment.comments.some((c) => c.body === 'Linked by jira.js'), 'no comment on the outward issue');
});

test('v2 getIssueLink and cloud getIssueLink (schema checked)', async () => {
	const l = await v2.issueLinks.getIssueLink({ linkId: state.linkId });
	assert(l.inwardIssue.key === state.a && l.outwardIssue.key === state.b, JSON.stringify(l));
	const c = await cloud.issueLinks.getIssueLink({ linkId: state.linkId });
	assert(c.outwardIssue.fields.summary === 'Blocked', JSON.stringify(c));
});

test('cloud linkIssues (v3) and cloud getIssue with issuelinks (schema checked)', async () => {
	const other = await newIssue('Related');
	await cloud.issueLinks.linkIssues({
		type: { name: 'Relates' },
		inwardIssue: { key: state.a },
		outwardIssue: { key: other },
	});
	const a = await cloud.issues.getIssue({ issueIdOrKey: state.a, fields: ['issuelinks'] });
	assert(a.fields.issuelinks.length === 2, JSON.stringify(a.fields.issuelinks));
});

test('v2 deleteIssueLink', async () => {
	await v2.issueLinks.deleteIssueLink({ linkId: state.linkId });
	let status;
	try {
		await v2.issueLinks.getIssueLink({ linkId: state.linkId });
	} catch (err) {
		status = err.status ?? err.response?.status;
	}
	assert(status === 404, `getIssueLink after delete: ${status}`);
});

test('v2 issueRemoteLinks: create, update by globalId, get, list, delete', async () => {
	const created = await v2.issueRemoteLinks.createOrUpdateRemoteIssueLink({
		issueIdOrKey: state.a,
		globalId: 'jira.js=1',
		relationship: 'mentioned in',
		object: { url: 'https://example.com/1', title: 'One', icon: { url16x16: 'https://example.com/i.png' } },
	});
	assert(typeof created.id === 'number' && created.self, JSON.stringify(created));
	const again = await v2.issueRemoteLinks.createOrUpdateRemoteIssueLink({
		issueIdOrKey: state.a,
		globalId: 'jira.js=1',
		object: { url: 'https://example.com/1', title: 'One, updated' },
	});
	assert(again.id === created.id, 'a second POST with the globalId made another link');
	const one = await v2.issueRemoteLinks.getRemoteIssueLinkById({ issueIdOrKey: state.a, linkId: `${created.id}` });
	assert(one.object.title === 'One, updated' && one.globalId === 'jira.js=1', JSON.stringify(one));
	await v2.issueRemoteLinks.updateRemoteIssueLink({
		issueIdOrKey: state.a, linkId: `${created.id}`, object: { url: 'https://example.com/2', title: 'Two' },
	});
	const list = await v2.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: state.a });
	assert(list.length === 1 && list[0].object.url === 'https://example.com/2', JSON.stringify(list));
	await v2.issueRemoteLinks.deleteRemoteIssueLinkById({ issueIdOrKey: state.a, linkId: `${created.id}` });
	const none = await v2.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: state.a });
	assert(none.length === 0, JSON.stringify(none));
});

test('cloud issueRemoteLinks (schemas checked), delete by globalId', async () => {
	const created = await cloud.issueRemoteLinks.createOrUpdateRemoteIssueLink({
		issueIdOrKey: state.a,
		globalId: 'system=http://www.example.com/support&id=1',
		application: { type: 'com.example', name: 'Example' },
		object: { url: 'https://www.example.com/support/1', title: 'Ticket 1', summary: 'A ticket' },
	});
	const one = await cloud.issueRemoteLinks.getRemoteIssueLinkById({ issueIdOrKey: state.a, linkId: `${created.id}` });
	assert(one.application.name === 'Example' && one.object.summary === 'A ticket', JSON.stringify(one));
	const list = await cloud.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: state.a });
	assert(Array.isArray(list) && list.length === 1, JSON.stringify(list));
	await cloud.issueRemoteLinks.deleteRemoteIssueLinkByGlobalId({
		issueIdOrKey: state.a, globalId: 'system=http://www.example.com/support&id=1',
	});
	const none = await v2.issueRemoteLinks.getRemoteIssueLinks({ issueIdOrKey: state.a });
	assert(none.length === 0, JSON.stringify(none));
});

run();
