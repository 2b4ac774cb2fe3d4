// Attachments on track's issue page in headless Chromium (lib.mjs): an HTML file and an SVG file
// that carry script are uploaded with the page's form, then each one's content URL (and the SVG's
// thumbnail URL) is opened, and nothing of the script runs: the content downloads (Content-
// Disposition: attachment) and, made to show in the tab anyway, runs under the sandbox CSP, so
// that neither a global, nor the title, nor a request to the server comes of it. Then a file
// dropped on the Attachments section (static/attachments.js) is uploaded and listed.
//
// Environment: TRACK_URL (a fresh track), TRACK_USERNAME and TRACK_PASSWORD (a user who may
// attach files to ISSUE_KEY), and lib.mjs's.
import {
	allow, assert, env, expectHeading, go, main, screenshot, state, step,
} from './lib.mjs';

const trackUrl = env('TRACK_URL').replace(/\/$/, '');
const user = { username: env('TRACK_USERNAME'), password: env('TRACK_PASSWORD') };
const issueKey = env('ISSUE_KEY');

// What the hostile files would do if their script ran: a global, the title, and requests to a
// path of the server, which the context watches.
const payload = (tag) =>
	`window.weftPwned = '${tag}'; document.title = 'PWNED ${tag}';` +
	` fetch('/pwned/${tag}/fetch').catch(() => {}); new Image().src = '/pwned/${tag}/img';`;
const htmlFile = {
	name: 'page.html',
	mimeType: 'text/html',
	buffer: Buffer.from('<!doctype html><html><head><title>harmless page</title></head>' +
		`<body><p>hello</p><script>${payload('html')}</script>` +
		`<img src="x" onerror="${payload('html-onerror').replace(/'/g, '&#39;')}"></body></html>`),
};
const svgFile = {
	name: 'pic.svg',
	mimeType: 'image/svg+xml',
	buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"' +
		` onload="${payload('svg-onload').replace(/'/g, '&#39;')}">` +
		`<script>${payload('svg')}</script><rect width="10" height="10"/></svg>`),
};

// Every request any page of the context makes to /pwned/…: none may happen.
const pwnedRequests = [];

const issuePath = `/browse/${issueKey}`;
const attachmentLink = (page, name) =>
	page.locator('#attachments .attachment-list a', { hasText: name });

step('signing in and opening the issue page', async () => {
	const { page, context } = state;
	context.on('request', (req) => {
		if (new URL(req.url()).pathname.startsWith('/pwned/')) pwnedRequests.push(req.url());
	});
	await page.goto(`${trackUrl}/login?next=${encodeURIComponent(issuePath)}`);
	await page.getByLabel('Username or email').fill(user.username);
	await page.getByLabel('Password').fill(user.password);
	await go(page, issuePath, () => page.getByRole('button', { name: 'Sign in' }).click());
	await page.locator('#attachments').waitFor();
});

step('uploading an HTML and an SVG file with script through the form', async () => {
	const { page } = state;
	await page.getByLabel(/^Attach files/).setInputFiles([htmlFile, svgFile]);
	await go(page, issuePath, () =>
		page.locator('#attachments').getByRole('button', { name: 'Upload' }).click());
	await attachmentLink(page, 'page.html').waitFor();
	await attachmentLink(page, 'pic.svg').waitFor();
	const thumbs = await page.locator('#attachments img.attachment-thumb').count();
	assert(thumbs === 0, `the page shows ${thumbs} thumbnail image(s) for HTML and SVG files`);
	await screenshot(page, 'attachments-uploaded');
});

// The href of a listed attachment, absolute.
const contentUrl = async (name) =>
	new URL(await attachmentLink(state.page, name).getAttribute('href'), trackUrl).href;

// Opens url in a new tab of the context: the navigation must end in a download, not a page.
const opensAsDownload = async (url, name) => {
	const tab = await state.context.newPage();
	try {
		const download = tab.waitForEvent('download');
		await tab.goto(url).catch(() => {}); // a download aborts the navigation
		const d = await download;
		assert(d.suggestedFilename() === name,
			`the download is named "${d.suggestedFilename()}", not "${name}"`);
		await d.cancel().catch(() => {});
	} finally {
		await tab.close();
	}
};

// Shows url in a new tab as the browser would if it ignored Content-Disposition (the answer as
// is, that header removed): the sandbox CSP alone must keep its script from running.
const showsWithoutScript = async (url, tag) => {
	const tab = await state.context.newPage();
	const blocked = [];
	tab.on('console', (msg) => blocked.push(msg.text()));
	try {
		await tab.route(url, async (route) => {
			const res = await route.fetch();
			const headers = { ...res.headers() };
			assert(/(^|;)\s*sandbox(;|$)/.test(headers['content-security-policy'] || ''),
				`${url}: CSP "${headers['content-security-policy']}" has no sandbox`);
			delete headers['content-disposition'];
			await route.fulfill({ response: res, headers });
		});
		const res = await tab.goto(url);
		assert(res && res.status() === 200, `${url} answered ${res && res.status()}`);
		await tab.waitForTimeout(500); // time for an onload, a fetch, an image
		const seen = await tab.evaluate(() => ({
			pwned: window.weftPwned === undefined ? null : String(window.weftPwned),
			title: document.title,
		}));
		assert(seen.pwned === null, `the ${tag} file's script ran: window.weftPwned = ${seen.pwned}`);
		assert(!/PWNED/.test(seen.title), `the ${tag} file's script set the title "${seen.title}"`);
		const shown = await tab.evaluate(() => document.documentElement.outerHTML.length);
		assert(shown > 0, `the ${tag} file was not shown`);
	} finally {
		await tab.close();
	}
	return blocked;
};

step('the HTML file\'s content URL downloads, and shown anyway its script does not run', async () => {
	const url = await contentUrl('page.html');
	const res = await state.page.request.get(url);
	assert(res.status() === 200, `GET ${url} answered ${res.status()}`);
	const h = res.headers();
	assert(/^attachment;/.test(h['content-disposition'] || ''),
		`Content-Disposition "${h['content-disposition']}" is not attachment`);
	assert(/(^|;)\s*sandbox(;|$)/.test(h['content-security-policy'] || ''),
		`Content-Security-Policy "${h['content-security-policy']}" has no sandbox`);
	assert(h['x-content-type-options'] === 'nosniff', 'no X-Content-Type-Options: nosniff');
	assert((await res.text()).includes('weftPwned'), 'the content is not the file uploaded');
	await opensAsDownload(url, 'page.html');
	const consoleLines = await showsWithoutScript(url, 'html');
	assert(consoleLines.some((l) => /sandbox|allow-scripts/i.test(l)),
		`Chromium did not report the script blocked by the sandbox: ${JSON.stringify(consoleLines)}`);
});

step('the SVG file\'s content URL downloads, and shown anyway its script does not run', async () => {
	const url = await contentUrl('pic.svg');
	const res = await state.page.request.get(url);
	const h = res.headers();
	assert(res.status() === 200 && /^attachment;/.test(h['content-disposition'] || ''),
		`GET ${url}: ${res.status()}, Content-Disposition "${h['content-disposition']}"`);
	assert(/(^|;)\s*sandbox(;|$)/.test(h['content-security-policy'] || ''),
		`Content-Security-Policy "${h['content-security-policy']}" has no sandbox`);
	await opensAsDownload(url, 'pic.svg');
	await showsWithoutScript(url, 'svg');
});

step('the SVG file has no thumbnail: its thumbnail URL is 404 and runs nothing', async () => {
	const content = new URL(await contentUrl('pic.svg'));
	const thumb = `${trackUrl}${content.pathname.replace('/secure/attachment/', '/secure/thumbnail/')}`;
	const tab = await state.context.newPage();
	try {
		allow([{ kind: 'http', test: (text, url) => url === thumb }]);
		const res = await tab.goto(thumb);
		assert(res && res.status() === 404, `GET ${thumb} answered ${res && res.status()}`);
		await tab.waitForTimeout(300);
		const pwned = await tab.evaluate(() => window.weftPwned === undefined ? null : window.weftPwned);
		assert(pwned === null, `a script ran on the thumbnail URL: ${pwned}`);
	} finally {
		allow([]);
		await tab.close();
	}
});

step('no request of the hostile files\' scripts reached the server', async () => {
	assert(pwnedRequests.length === 0, `requests made by the scripts: ${pwnedRequests.join(', ')}`);
	const { page } = state;
	const title = await page.title();
	assert(!/PWNED/.test(title), `the issue page's title became "${title}"`);
});

step('a file dropped on the Attachments section is uploaded and listed', async () => {
	const { page } = state;
	await page.goto(`${trackUrl}${issuePath}`);
	await expectHeading(page, /./);
	const dataTransfer = await page.evaluateHandle(() => {
		const dt = new DataTransfer();
		dt.items.add(new File(['dropped bytes\n'], 'dropped.txt', { type: 'text/plain' }));
		return dt;
	});
	const section = page.locator('#attachments');
	await section.dispatchEvent('dragenter', { dataTransfer });
	await section.dispatchEvent('dragover', { dataTransfer });
	const reloaded = page.waitForEvent('load');
	await section.dispatchEvent('drop', { dataTransfer });
	await reloaded;
	await attachmentLink(page, 'dropped.txt').waitFor();
	const res = await page.request.get(await contentUrl('dropped.txt'));
	assert(res.status() === 200, `the dropped file's content answered ${res.status()}`);
	assert((await res.text()) === 'dropped bytes\n', 'the dropped file\'s content differs');
	const names = await page.locator('#attachments .attachment-list a').allTextContents();
	assert(JSON.stringify(names) === JSON.stringify(['page.html', 'pic.svg', 'dropped.txt']),
		`the list is ${JSON.stringify(names)}`);
	await screenshot(page, 'attachments-dropped');
});

main();
