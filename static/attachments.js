// The issue page's Attachments section: files dropped on it are sent like its upload form (the
// same action, the same CSRF token), then the page reloads to list them. Without this script the
// form works as it is. A file, not inline script, for the CSP.
'use strict';
(() => {
	const form = document.querySelector('form[data-drop-target]');
	if (!form || !window.FormData || !window.fetch) return;
	const section = document.getElementById(form.dataset.dropTarget);
	const status = form.querySelector('.attachment-status');
	const say = (text) => {
		status.hidden = false;
		status.textContent = text;
	};
	const send = (files) => {
		const data = new FormData();
		data.append('csrf', form.elements.csrf.value);
		for (const file of files) data.append('file', file, file.name);
		say(`Uploading ${files.length === 1 ? files[0].name : `${files.length} files`}…`);
		fetch(form.action, { method: 'POST', body: data, credentials: 'same-origin' })
			.then((res) => {
				if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
				window.location.assign(`${window.location.pathname}#attachments`);
				window.location.reload();
			})
			.catch((err) => say(`The upload failed: ${err.message}`));
	};
	const hasFiles = (event) => Array.from(event.dataTransfer.types).includes('Files');
	section.addEventListener('dragover', (event) => {
		if (!hasFiles(event)) return;
		event.preventDefault();
		event.dataTransfer.dropEffect = 'copy';
		section.classList.add('drop-active');
	});
	section.addEventListener('dragleave', (event) => {
		if (!section.contains(event.relatedTarget)) section.classList.remove('drop-active');
	});
	section.addEventListener('drop', (event) => {
		if (!hasFiles(event)) return;
		event.preventDefault();
		section.classList.remove('drop-active');
		if (event.dataTransfer.files.length) send(event.dataTransfer.files);
	});
})();
