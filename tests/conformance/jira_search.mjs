// track's JQL search as the npm `jira.js` clients see it: the 5.4 Version2Client (search GET and
// POST with startAt/maxResults/total, search/jql GET and POST with token paging, a bad query as a
// 400 with Jira's positioned message) and the 6.2 cloud client, which checks answers against its
// schemas (search/jql through v3). Prints TAP.
//
// Environment: TRACK_URL, JIRA_EMAIL and JIRA_TOKEN (a user's email and password or API token),
// JIRA_PROJECT (a project holding exactly three issues, KEY-1..KEY-3, that the user may browse).
import { assert, cloud, env, Failure, run, test, v2 } from './jira_lib.mjs';

const project = env('JIRA_PROJECT');
const jql = `project = ${project} ORDER BY key ASC`;
const keys = (issues) => issues.map((i) => i.key).join(',');

test('v2 searchForIssuesUsingJql (GET search)', async () => {
	const page = await v2.issueSearch.searchForIssuesUsingJql({
		jql, startAt: 1, maxResults: 2, fields: ['summary', 'status'],
	});
	assert(page.total === 3 && page.startAt === 1 && page.maxResults === 2, JSON.stringify(page).slice(0, 200));
	assert(keys(page.issues) === `${project}-2,${project}-3`, keys(page.issues));
	assert(typeof page.issues[0].fields.summary === 'string' && page.issues[0].fields.status.name, 'fields');
});

test('v2 searchForIssuesUsingJqlPost (POST search)', async () => {
	const page = await v2.issueSearch.searchForIssuesUsingJqlPost({ jql, maxResults: 10, fields: ['summary'] });
	assert(page.total === 3 && keys(page.issues) === `${project}-1,${project}-2,${project}-3`, keys(page.issues));
	assert(Object.keys(page.issues[0].fields).join() === 'summary', Object.keys(page.issues[0].fields).join());
});

test('v2 searchForIssuesUsingJqlEnhancedSearch (GET search/jql, token paging)', async () => {
	const first = await v2.issueSearch.searchForIssuesUsingJqlEnhancedSearch({ jql, maxResults: 2, fields: ['summary'] });
	assert(first.isLast === false && typeof first.nextPageToken === 'string', JSON.stringify(first).slice(0, 200));
	const next = await v2.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
		jql, maxResults: 2, fields: ['summary'], nextPageToken: first.nextPageToken,
	});
	assert(next.isLast === true && keys(next.issues) === `${project}-3`, JSON.stringify(next).slice(0, 200));
});

test('v2 searchForIssuesUsingJqlEnhancedSearchPost (POST search/jql)', async () => {
	const page = await v2.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql, maxResults: 5 });
	assert(page.isLast === true && page.issues.length === 3 && page.issues.every((i) => /^\d+$/.test(i.id)),
		JSON.stringify(page).slice(0, 200));
});

test('v2 a bad query: 400 with the positioned message', async () => {
	try {
		await v2.issueSearch.searchForIssuesUsingJql({ jql: `project = ${project} AND (status = Done` });
	} catch (err) {
		const status = err.status ?? err.response?.status;
		const body = err.response?.data ?? err.data;
		assert(status === 400, `status ${status}`);
		assert(body.errorMessages[0] === "Error in the JQL Query: Expecting ')' before the end of the query.",
			JSON.stringify(body));
		return;
	}
	throw new Failure('no error was thrown');
});

test('cloud searchAndReconsileIssuesUsingJql (v3 search/jql, schema-checked)', async () => {
	const page = await cloud.issueSearch.searchAndReconsileIssuesUsingJql({ jql, maxResults: 2, fields: ['summary', 'description'] });
	assert(page.issues.length === 2 && page.isLast === false && page.nextPageToken, JSON.stringify(page).slice(0, 200));
	assert(page.issues[0].key === `${project}-1`, page.issues[0].key);
});

test('cloud searchAndReconsileIssuesUsingJqlPost', async () => {
	const page = await cloud.issueSearch.searchAndReconsileIssuesUsingJqlPost({ jql, maxResults: 10, fields: ['summary'] });
	assert(page.issues.length === 3 && page.isLast === true, JSON.stringify(page).slice(0, 200));
});

await run();
