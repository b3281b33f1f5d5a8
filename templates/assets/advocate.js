// Improves the advocate's page when JavaScript runs: a live X counter while writing (counted by the
// server exactly as X counts) and a copy button. Everything works without it.
(function () {
  'use strict';

  var text = document.querySelector('[data-x-count]');
  var output = document.querySelector('[data-x-count-output]');
  if (text && output) {
    var xBox = document.getElementById('channel-x');
    var reward = document.getElementById('reward');
    var timer = null;
    var seq = 0;
    var update = function () {
      if (xBox && !xBox.checked) { output.textContent = ''; return; }
      var mine = ++seq;
      fetch('/x-length', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ text: text.value, disclosure: reward && reward.checked ? reward.getAttribute('data-disclosure') : undefined }),
      })
        .then(function (res) { return res.ok ? res.json() : null; })
        .then(function (count) {
          if (!count || mine !== seq) return;
          var over = count.weightedLength - count.max;
          output.textContent = over > 0
            ? 'For X: ' + count.weightedLength + ' of ' + count.max + ' characters with the link, ' + over + ' too many.'
            : 'For X: ' + count.weightedLength + ' of ' + count.max + ' characters with the link.';
          output.className = over > 0 ? 'error' : 'hint';
        })
        .catch(function () { /* the preview step counts again on the server */ });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(update, 250); };
    text.addEventListener('input', schedule);
    if (xBox) xBox.addEventListener('change', update);
    if (reward) reward.addEventListener('change', update);
    update();
  }

  var copyButton = document.querySelector('[data-copy]');
  if (copyButton && navigator.clipboard) {
    var source = document.getElementById(copyButton.getAttribute('data-copy'));
    var status = document.querySelector('[data-copy-status]');
    copyButton.hidden = false;
    copyButton.addEventListener('click', function () {
      navigator.clipboard.writeText(source.value).then(
        function () { if (status) status.textContent = 'Copied. Paste it wherever you like.'; },
        function () { source.select(); if (status) status.textContent = 'Select the text and copy it.'; },
      );
    });
  }
})();
