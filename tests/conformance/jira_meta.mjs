// track's issue metadata and per-issue resources as the npm `jira.js` clients call them:
// createmeta (with projectKeys, issuetypeNames and the fields), createmeta/{project}/issuetypes
// [/{id}] and editmeta through the 5.4 Version2Client and the 6.2 cloud client (schemas checked);
// work logs by id; watchers and votes; status categories; assignable users of several projects.
// Prints TAP.
//
// Environment: TRACK_URL, JIRA_EMAIL and JIRA_TOKEN (a site administrator's), JIRA_PROJECT (an
// existing project key) and JIRA_ISSUE (an issue of it).
import { assert, cloud, env, run, test, v2 } from './jira_lib.mjs';

const projectKey = env('JIRA_PROJECT');
const issueKey = env('JIRA_ISSUE');
const state = {};

test('v2 getCreateIssueMeta with projectKeys, issuetypeNames and fields', async () => {
	const meta = await v2.issues.getCreateIssueMeta({
		projectKeys: [projectKey],
		issuetypeNames: ['Bug', 'Sub-task'],
		expand: 'projects.issuetypes.fields',
	});
	assert(meta.projects.length === 1 && meta.projects[0].key === projectKey,
		JSON.stringify(meta.projects.map((p) => p.key)));
	const types = meta.projects[0].issuetypes;
	assert(types.map((t) => t.name).join() === 'Bug,Sub-task', types.map((t) => t.name).join());
	const bug = types[0].fields;
	assert(bug.summary.required === true && bug.summary.schema.type === 'string', 'summary');
	assert(bug.issuetype.allowedValues[0].name === 'Bug', 'issuetype allowedValues');
	assert(bug.priority.allowedValues.some((p) => p.name === 'Highest'), 'priorities');
	assert(bug.parent === undefined, 'a Bug has no parent field');
	assert(types[1].fields.parent.required === true, 'a Sub-task needs its parent');
	state.bugId = types[0].id;
});

test('v2 getCreateIssueMeta without expand lists types without fields', async () => {
	const meta = await v2.issues.getCreateIssueMeta({ projectKeys: [projectKey] });
	const types = meta.projects[0].issuetypes;
	assert(types.length >= 5 && types.every((t) => t.fields === undefined), 'fields present');
});

test('cloud getCreateIssueMetaIssueTypes and getCreateIssueMetaIssueTypeId', async () => {
	const page = await cloud.issues.getCreateIssueMetaIssueTypes({
		projectIdOrKey: projectKey,
		maxResults: 2,
	});
	assert(page.issueTypes.length === 2 && page.total >= 5 && page.startAt === 0,
		JSON.stringify(page).slice(0, 200));
	const fields = await cloud.issues.getCreateIssueMetaIssueTypeId({
		projectIdOrKey: projectKey,
		issueTypeId: state.bugId,
	});
	const ids = fields.fields.map((f) => f.fieldId);
	assert(ids.includes('summary') && ids.includes('labels'), ids.join());
});

test('v2 getEditIssueMeta', async () => {
	const meta = await v2.issues.getEditIssueMeta({ issueIdOrKey: issueKey });
	assert(meta.fields.summary.operations.includes('set'), 'summary set');
	assert(meta.fields.labels.operations.join() === 'add,set,remove', 'labels operations');
	assert(meta.fields.project === undefined, 'project is not editable');
	assert(meta.fields.assignee.autoCompleteUrl.includes('user/assignable/search'), 'assignee');
});

test('cloud getEditIssueMeta (v3)', async () => {
	const meta = await cloud.issues.getEditIssueMeta({ issueIdOrKey: issueKey });
	assert(meta.fields.comment.operations.includes('add'), 'comment add');
});

test('v2 worklogs by id: get, update with adjustEstimate=new, delete with manual increaseBy', async () => {
	await v2.issues.editIssue({
		issueIdOrKey: issueKey,
		fields: { timetracking: { originalEstimate: '10h' } },
	});
	const added = await v2.issueWorklogs.addWorklog({ issueIdOrKey: issueKey, timeSpentSeconds: 3600 });
	const got = await v2.issueWorklogs.getWorklog({ issueIdOrKey: issueKey, id: added.id });
	assert(got.id === added.id && got.timeSpentSeconds === 3600, JSON.stringify(got));
	const updated = await v2.issueWorklogs.updateWorklog({
		issueIdOrKey: issueKey,
		id: added.id,
		timeSpent: '2h',
		adjustEstimate: 'new',
		newEstimate: '4h',
	});
	assert(updated.timeSpentSeconds === 7200, `timeSpentSeconds ${updated.timeSpentSeconds}`);
	let issue = await v2.issues.getIssue({ issueIdOrKey: issueKey, fields: ['timetracking'] });
	assert(issue.fields.timetracking.remainingEstimateSeconds === 4 * 3600, 'remaining after new');
	await v2.issueWorklogs.deleteWorklog({
		issueIdOrKey: issueKey,
		id: added.id,
		adjustEstimate: 'manual',
		increaseBy: '30m',
	});
	issue = await v2.issues.getIssue({ issueIdOrKey: issueKey, fields: ['timetracking'] });
	const t = issue.fields.timetracking;
	assert(t.remainingEstimateSeconds === 4 * 3600 + 1800 && (t.timeSpentSeconds ?? 0) === 0,
		JSON.stringify(t));
});

test('cloud getWorklog answers 404 for a deleted work log', async () => {
	const added = await cloud.issueWorklogs.addWorklog({ issueIdOrKey: issueKey, timeSpentSeconds: 60 });
	await cloud.issueWorklogs.deleteWorklog({ issueIdOrKey: issueKey, id: added.id });
	let status = 0;
	try {
		await cloud.issueWorklogs.getWorklog({ issueIdOrKey: issueKey, id: added.id });
	} catch (err) {
		status = err.status ?? err.response?.status ?? -1;
	}
	assert(status === 404, `status ${status}`);
});

test('v2 watchers: get, add (the accountId as axios sends it), remove', async () => {
	const me = await v2.myself.getCurrentUser();
	await v2.issueWatchers.removeWatcher({ issueIdOrKey: issueKey, accountId: me.accountId });
	let w = await v2.issueWatchers.getIssueWatchers({ issueIdOrKey: issueKey });
	assert(w.isWatching === false, JSON.stringify(w));
	await v2.issueWatchers.addWatcher({ issueIdOrKey: issueKey, accountId: me.accountId });
	w = await v2.issueWatchers.getIssueWatchers({ issueIdOrKey: issueKey });
	assert(w.isWatching === true && w.watchers.some((u) => u.accountId === me.accountId),
		JSON.stringify(w));
	assert(w.watchCount === w.watchers.length, 'watchCount');
});

test('cloud votes: add, get, remove', async () => {
	await cloud.issueVotes.addVote({ issueIdOrKey: issueKey });
	let votes = await cloud.issueVotes.getVotes({ issueIdOrKey: issueKey });
	assert(votes.votes === 1 && votes.hasVoted === true, JSON.stringify(votes));
	await cloud.issueVotes.removeVote({ issueIdOrKey: issueKey });
	votes = await cloud.issueVotes.getVotes({ issueIdOrKey: issueKey });
	assert(votes.votes === 0 && votes.hasVoted === false, JSON.stringify(votes));
});

test('v2 getStatusCategories and getStatusCategory', async () => {
	const all = await v2.workflowStatusCategories.getStatusCategories();
	assert(all.map((c) => c.key).join() === 'new,indeterminate,done', JSON.stringify(all));
	const done = await v2.workflowStatusCategories.getStatusCategory({ idOrKey: 'done' });
	assert(done.id === 3 && done.name === 'Done', JSON.stringify(done));
});

test('v2 findBulkAssignableUsers (user/assignable/multiProjectSearch)', async () => {
	const users = await v2.userSearch.findBulkAssignableUsers({ projectKeys: projectKey });
	assert(users.some((u) => u.emailAddress === 'alice@example.com'), JSON.stringify(users));
});

test('v2 getMyPermissions in the project', async () => {
	const mine = await v2.permissions.getMyPermissions({
		permissions: 'BROWSE_PROJECTS,ADMINISTER_PROJECTS',
		projectKey,
	});
	assert(mine.permissions.BROWSE_PROJECTS.havePermission === true, JSON.stringify(mine));
	assert(mine.permissions.ADMINISTER_PROJECTS.havePermission === true, 'a site administrator');
});

await run();
