// track's DVCS accounts page: while a repository's sync is queued or runs, its status text and
// progress bar follow it (GET /secure/admin/dvcs/progress every 4 seconds, as Jira's page polls),
// and a repository the host listed since the page loaded reloads the page; the checkboxes of a
// form marked data-autosubmit save as soon as they change; the page after Add goes on to the
// host's consent page by itself. A file, not inline script, for the CSP.
'use strict';
(() => {
	// The way to the host's consent page: a link, followed at once. A form's redirect there would
	// break the Content Security Policy's form-action 'self'; a navigation by script does not.
	const onward = document.querySelector('a[data-dvcs-continue]');
	if (onward) {
		window.location.assign(onward.href);
		return;
	}

	const POLL_MS = 4000;
	const WATCH_POLLS = 30; // after a link or a refresh: two minutes for repositories to appear
	const section = document.querySelector('.dvcs-accounts');
	if (!section) return;
	let watch = section.dataset.dvcsWatch === 'true' ? WATCH_POLLS : 0;

	const busy = (state) => state === 'queued' || state === 'running';
	const rowOf = (id) => document.getElementById(`repo-${id}`);

	const show = (row, r) => {
		row.dataset.syncState = r.state;
		row.querySelector('.dvcs-sync-text').textContent = r.text;
		const bar = row.querySelector('.dvcs-progress');
		bar.hidden = !r.busy;
		if (r.running) bar.removeAttribute('value'); // running: moving, as no total is known
		else bar.value = 0;
		const error = row.querySelector('.dvcs-sync-error');
		error.textContent = r.error || '';
		error.hidden = !r.error;
		if (r.lastActivity) row.querySelector('.dvcs-activity').textContent = r.lastActivity;
	};

	const poll = async () => {
		let again = watch > 0;
		if (watch > 0) watch -= 1;
		try {
			const res = await fetch('/secure/admin/dvcs/progress', {
				credentials: 'same-origin', headers: { Accept: 'application/json' },
			});
			if (!res.ok) return;
			const data = await res.json();
			for (const r of data.repositories) {
				const row = rowOf(r.id);
				if (!row) {
					window.location.reload();
					return;
				}
				show(row, r);
				again = again || r.busy;
			}
		} catch {
			again = true; // the server restarting: try again later
		}
		if (again) setTimeout(poll, POLL_MS);
	};

	const anyBusy = [...document.querySelectorAll('tr[data-repo-id]')]
		.some((row) => busy(row.dataset.syncState));
	if (anyBusy || watch > 0) setTimeout(poll, POLL_MS);

	document.addEventListener('change', (event) => {
		const form = event.target.closest('form[data-autosubmit]');
		if (form && event.target.type === 'checkbox') form.requestSubmit();
	});
})();
