/* Feedback upload page: shows import progress while the file uploads (progressive enhancement).
 * Without this script the form posts normally and the answer is the result page. The page chooses the
 * import id, so it can poll GET /api/imports/:id while the same request is still streaming the file. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-import-progress]');
  var status = document.getElementById('import-progress');
  if (!form || !status || !window.fetch || !window.FormData || !window.crypto || !window.crypto.getRandomValues) return;

  function uuid() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = '';
    for (var i = 0; i < 16; i++) h += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  function show(text) {
    status.hidden = false;
    status.textContent = text;
  }

  form.addEventListener('submit', function (event) {
    if (!form.file || !form.file.files || form.file.files.length === 0) return;
    event.preventDefault();
    var id = uuid();
    var button = form.querySelector('button[type="submit"]');
    if (button) button.disabled = true;
    var finished = false;
    show('Uploading and importing…');

    function poll() {
      if (finished) return;
      fetch('/api/imports/' + id, { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (found) {
          if (found && !finished) {
            show('Importing: ' + found.rows + ' rows read, ' + found.accepted + ' accepted, ' + found.rejected + ' rejected so far…');
          }
        })
        .catch(function () {})
        .then(function () { if (!finished) window.setTimeout(poll, 1000); });
    }
    window.setTimeout(poll, 1000);

    fetch(form.getAttribute('action') + '&id=' + id, { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
      .then(function (res) {
        finished = true;
        if (res.redirected) {
          window.location.assign(res.url);
          return;
        }
        // Refused before or while importing: the import page explains why, if the import started.
        return fetch('/api/imports/' + id, { credentials: 'same-origin' }).then(function (check) {
          if (check.ok) window.location.assign('/dashboard/feedback/imports/' + id);
          else {
            show('The upload was refused (HTTP ' + res.status + '). Check the file and try again.');
            if (button) button.disabled = false;
          }
        });
      })
      .catch(function () {
        finished = true;
        show('The upload failed: the connection was lost. Try again.');
        if (button) button.disabled = false;
      });
  });
})();
