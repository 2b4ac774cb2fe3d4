// track's attachments as the npm `jira.js` clients call them: addAttachment through the 5.4
// Version2Client and the 6.2 cloud client (several files, schemas checked), getAttachment,
// getAttachmentMeta, getAttachmentContent, getAttachmentThumbnail and removeAttachment.
// Prints TAP.
//
// Environment: TRACK_URL, JIRA_EMAIL and JIRA_TOKEN (a user who may attach files and delete their
// own), JIRA_ISSUE (an issue they may browse).
import { assert, cloud, env, run, test, v2 } from './jira_lib.mjs';

const issueKey = env('JIRA_ISSUE');
const state = {};
const text = Buffer.from('attached by jira.js\n');
// A 1×1 PNG.
const png = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
	'base64');

test('v2 addAttachment (5.4)', async () => {
	const list = await v2.issueAttachments.addAttachment({
		issueIdOrKey: issueKey,
		attachment: { filename: 'notes.txt', file: text },
	});
	assert(Array.isArray(list) && list.length === 1, JSON.stringify(list).slice(0, 300));
	assert(list[0].filename === 'notes.txt' && list[0].size === text.length, JSON.stringify(list[0]));
	state.textId = list[0].id;
});

test('cloud addAttachment with two files (6.2, schema checked)', async () => {
	const list = await cloud.issueAttachments.addAttachment({
		issueIdOrKey: issueKey,
		attachments: [
			{ filename: 'dot.png', content: png },
			{ filename: 'more.txt', content: text },
		],
	});
	assert(list.map((a) => a.filename).join() === 'dot.png,more.txt', JSON.stringify(list));
	assert(list[0].mimeType === 'image/png' && typeof list[0].thumbnail === 'string', 'thumbnail');
	state.pngId = list[0].id;
	state.moreId = list[1].id;
});

test('cloud getAttachment', async () => {
	const a = await cloud.issueAttachments.getAttachment({ id: String(state.textId) });
	assert(a.id === Number(state.textId) && a.filename === 'notes.txt', JSON.stringify(a));
	assert(a.created instanceof Date && !Number.isNaN(a.created.getTime()), 'created');
});

test('v2 getAttachment', async () => {
	const a = await v2.issueAttachments.getAttachment({ id: state.pngId });
	assert(a.mimeType === 'image/png' && a.size === png.length, JSON.stringify(a));
});

test('cloud getAttachmentMeta', async () => {
	const meta = await cloud.issueAttachments.getAttachmentMeta();
	assert(meta.enabled === true && meta.uploadLimit > 0, JSON.stringify(meta));
});

test('cloud getAttachmentContent', async () => {
	const bytes = await cloud.issueAttachments.getAttachmentContent({ id: String(state.textId) });
	assert(Buffer.from(bytes).equals(text), `got ${Buffer.from(bytes).length} bytes`);
});

test('cloud getAttachmentThumbnail', async () => {
	const bytes = await cloud.issueAttachments.getAttachmentThumbnail({ id: String(state.pngId) });
	assert(Buffer.from(bytes).equals(png), `got ${Buffer.from(bytes).length} bytes`);
});

test('the issue lists them in fields.attachment', async () => {
	const issue = await v2.issues.getIssue({ issueIdOrKey: issueKey, fields: ['attachment'] });
	const names = issue.fields.attachment.map((a) => a.filename);
	assert(['notes.txt', 'dot.png', 'more.txt'].every((n) => names.includes(n)), names.join());
});

test('cloud removeAttachment and v2 removeAttachment', async () => {
	await cloud.issueAttachments.removeAttachment({ id: String(state.moreId) });
	await v2.issueAttachments.removeAttachment({ id: state.textId });
	let status;
	try {
		await cloud.issueAttachments.getAttachment({ id: String(state.moreId) });
	} catch (err) {
		status = err.status ?? err.response?.status;
	}
	assert(status === 404, `status ${status}`);
});

await run();
