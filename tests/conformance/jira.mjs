// track's Jira API as the npm `jira.js` clients see it: the 5.4 Version2Client (projects, issues,
// edits, transitions, comments, work logs, users, the global lists, a 404) and the 6.2 cloud
// client, which checks every answer against its schemas (serverInfo, myself, get issue, add
// comment through v2 and read back in ADF through v3). Prints TAP.
//
// Environment: TRACK_URL (http://host:port), JIRA_EMAIL and JIRA_TOKEN (the email and an API
// token of a site administrator: the Version2Client creates a project), JIRA_PROJECT (a key free
// for that project).
import { assert, cloud, email, env, Failure, host, run, test, v2 } from './jira_lib.mjs';

const projectKey = env('JIRA_PROJECT');

const state = {};
const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/;

// ---- Version2Client (jira.js 5.4) ----

test('v2 serverInfo and myself', async () => {
	const info = await v2.serverInfo.getServerInfo();
	assert(Array.isArray(info.versionNumbers), 'versionNumbers is not a list');
	const me = await v2.myself.getCurrentUser();
	assert(me.emailAddress === email, `myself is ${me.emailAddress}`);
	state.accountId = me.accountId;
});

test('v2 createProject and getProject', async () => {
	const created = await v2.projects.createProject({
		key: projectKey,
		name: 'jira.js project',
		projectTypeKey: 'software',
		leadAccountId: state.accountId,
	});
	assert(created.key === projectKey && typeof created.id === 'number', JSON.stringify(created));
	const project = await v2.projects.getProject({ projectIdOrKey: projectKey, expand: 'issueTypes' });
	assert(project.key === projectKey, `key ${project.key}`);
	assert(project.issueTypes.some((t) => t.name === 'Bug'), 'no Bug issue type');
	assert(project.lead.accountId === state.accountId, 'the lead is not the creator');
});

test('v2 createIssue and getIssue', async () => {
	const created = await v2.issues.createIssue({
		fields: {
			project: { key: projectKey },
			issuetype: { name: 'Task' },
			summary: 'Made by jira.js',
			description: 'Plain *text*',
			labels: ['client'],
		},
	});
	assert(created.key === `${projectKey}-1`, `key ${created.key}`);
	assert(created.self.startsWith(host + '/rest/api/2/issue/'), `self ${created.self}`);
	state.key = created.key;
	const issue = await v2.issues.getIssue({
		issueIdOrKey: state.key,
		fields: ['summary', 'status'],
		expand: 'names',
	});
	assert(issue.fields.summary === 'Made by jira.js', `summary ${issue.fields.summary}`);
	assert(issue.fields.status.statusCategory.key === 'new', 'status category');
	assert(issue.fields.labels === undefined, 'fields= was not honoured');
});

test('v2 createIssues (bulk): the good ones created, the bad one reported by position', async () => {
	const result = await v2.issues.createIssues({
		issueUpdates: [
			{ fields: { project: { key: projectKey }, summary: 'Bulk one' } },
			{ fields: { project: { key: projectKey }, summary: '' } },
		],
	});
	assert(result.issues.length === 1 && result.issues[0].key.startsWith(`${projectKey}-`),
		JSON.stringify(result));
	assert(result.errors.length === 1 && result.errors[0].failedElementNumber === 1 &&
		result.errors[0].elementErrors.errors.summary, JSON.stringify(result.errors));
	await v2.issues.deleteIssue({ issueIdOrKey: result.issues[0].key });
});

test('v2 createIssue without a summary: 400 with errors.summary', async () => {
	try {
		await v2.issues.createIssue({ fields: { project: { key: projectKey }, summary: '' } });
	} catch (err) {
		assert(err.status === 400 || err.response?.status === 400, `status ${err.status}`);
		const body = err.response?.data ?? err.data;
		assert(body && body.errors && body.errors.summary, `body ${JSON.stringify(body)}`);
		return;
	}
	throw new Failure('no error was thrown');
});

test('v2 editIssue and assignIssue', async () => {
	await v2.issues.editIssue({
		issueIdOrKey: state.key,
		fields: { summary: 'Edited by jira.js' },
		update: { labels: [{ add: 'edited' }] },
		notifyUsers: false,
	});
	await v2.issues.assignIssue({ issueIdOrKey: state.key, accountId: state.accountId });
	const issue = await v2.issues.getIssue({ issueIdOrKey: state.key, expand: 'changelog' });
	assert(issue.fields.summary === 'Edited by jira.js', `summary ${issue.fields.summary}`);
	assert(issue.fields.labels.includes('edited'), `labels ${issue.fields.labels}`);
	assert(issue.fields.assignee.accountId === state.accountId, 'assignee');
	assert(issue.changelog.histories.length >= 2, 'changelog');
	assert(timestamp.test(issue.fields.updated), `updated ${issue.fields.updated}`);
});

test('v2 getTransitions and doTransition', async () => {
	const { transitions } = await v2.issues.getTransitions({ issueIdOrKey: state.key });
	const done = transitions.find((t) => t.name === 'Done');
	assert(done && done.to.name === 'Done', 'no Done transition');
	await v2.issues.doTransition({ issueIdOrKey: state.key, transition: { id: done.id } });
	const issue = await v2.issues.getIssue({ issueIdOrKey: state.key });
	assert(issue.fields.status.name === 'Done', `status ${issue.fields.status.name}`);
	assert(issue.fields.resolution && issue.fields.resolution.name === 'Done', 'resolution');
});

test('v2 comments: add, list, update, delete', async () => {
	const comment = await v2.issueComments.addComment({ issueIdOrKey: state.key, comment: 'hello' }); // sent as {body}
	assert(comment.body === 'hello' && comment.author.accountId === state.accountId, 'comment');
	const page = await v2.issueComments.getComments({ issueIdOrKey: state.key });
	assert(page.total === 1 && page.comments[0].id === comment.id, `total ${page.total}`);
	const updated = await v2.issueComments.updateComment({
		issueIdOrKey: state.key,
		id: comment.id,
		comment: 'hello again', // jira.js 5.4 sends parameters.comment as the body
	});
	assert(updated.body === 'hello again', `body ${updated.body}`);
	await v2.issueComments.deleteComment({ issueIdOrKey: state.key, id: comment.id });
	const after = await v2.issueComments.getComments({ issueIdOrKey: state.key });
	assert(after.total === 0, `total ${after.total}`);
});

test('v2 worklogs: add and list', async () => {
	const worklog = await v2.issueWorklogs.addWorklog({
		issueIdOrKey: state.key,
		timeSpentSeconds: 3600,
		comment: 'an hour',
	});
	assert(worklog.timeSpentSeconds === 3600 && worklog.timeSpent === '1h', JSON.stringify(worklog));
	const page = await v2.issueWorklogs.getIssueWorklog({ issueIdOrKey: state.key });
	assert(page.total === 1 && page.worklogs[0].comment === 'an hour', `total ${page.total}`);
	const issue = await v2.issues.getIssue({ issueIdOrKey: state.key, fields: ['timespent'] });
	assert(issue.fields.timespent === 3600, `timespent ${issue.fields.timespent}`);
});

test('v2 users: findUsers and findAssignableUsers', async () => {
	const users = await v2.userSearch.findUsers({ query: email.split('@')[0] });
	assert(users.some((u) => u.accountId === state.accountId), 'findUsers');
	const assignable = await v2.userSearch.findAssignableUsers({ issueKey: state.key });
	assert(assignable.some((u) => u.accountId === state.accountId), 'findAssignableUsers');
});

test('v2 the global lists', async () => {
	const types = await v2.issueTypes.getIssueAllTypes();
	assert(types.some((t) => t.name === 'Sub-task' && t.subtask === true), 'issue types');
	const statuses = await v2.workflowStatuses.getStatuses();
	assert(statuses.some((s) => s.name === 'In Progress'), 'statuses');
	const priorities = await v2.issuePriorities.getPriorities();
	assert(priorities.length === 5, `${priorities.length} priorities`);
	const fields = await v2.issueFields.getFields();
	assert(fields.some((f) => f.id === 'summary'), 'fields');
});

test('v2 a missing issue: 404 with Jira\'s message', async () => {
	try {
		await v2.issues.getIssue({ issueIdOrKey: `${projectKey}-999` });
	} catch (err) {
		const status = err.status ?? err.response?.status;
		const body = err.response?.data ?? err.data;
		assert(status === 404, `status ${status}`);
		assert(body.errorMessages[0] === 'Issue does not exist or you do not have permission to see it.',
			JSON.stringify(body));
		return;
	}
	throw new Failure('no error was thrown');
});

// ---- the cloud client (jira.js 6.2, schemas checked) ----

test('cloud serverInfo', async () => {
	const info = await cloud.serverInfo.getServerInfo();
	assert(Array.isArray(info.versionNumbers), 'versionNumbers');
});

test('cloud myself', async () => {
	const me = await cloud.myself.getCurrentUser();
	assert(me.accountId === state.accountId, `accountId ${me.accountId}`);
});

test('cloud getIssue (v3, repeated fields=)', async () => {
	const issue = await cloud.issues.getIssue({ issueIdOrKey: state.key, fields: ['summary', 'status'] });
	assert(issue.key === state.key && issue.fields.summary === 'Edited by jira.js', JSON.stringify(issue.fields));
});

test('cloud addComment (a string: v2 POST, then the v3 comment in ADF)', async () => {
	const comment = await cloud.issueComments.addComment({ issueIdOrKey: state.key, body: 'from the cloud client' });
	assert(comment.id, 'no id');
	const body = comment.body;
	const text = typeof body === 'string' ? body : body?.content?.[0]?.content?.[0]?.text;
	assert(text === 'from the cloud client', `body ${JSON.stringify(body)}`);
});

test('cloud a missing issue: NotFoundError', async () => {
	try {
		await cloud.issues.getIssue({ issueIdOrKey: `${projectKey}-999` });
	} catch (err) {
		assert(err.name === 'NotFoundError' || err.status === 404, `${err.name} ${err.status}`);
		return;
	}
	throw new Failure('no error was thrown');
});

await run();
