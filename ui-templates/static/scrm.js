// scrm pages: forms marked data-api are sent with fetch() and the page's
// CSRF token (X-CSRF-Token), then the page reloads to show the change.
// Without JavaScript the same forms post their hidden csrf field.
// In the CRM's frame it also tells the CRM the page's height and relays the
// Create case / Create lead buttons (docs/ui.md, "Messages to the embedding
// CRM").
(function () {
  'use strict';
  function token() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  function say(text, failed) {
    var box = document.querySelector('[data-status]');
    if (!box) return;
    box.textContent = text;
    box.className = failed ? 'notice error' : 'notice';
  }
  function bodyOf(form) {
    var d = form.dataset;
    if (d.profileId) {
      return { profile_id: Number(d.profileId), crm_module: d.module, crm_id: d.crmId };
    }
    if (d.params !== undefined) {
      var name = form.querySelector('[name="name"]');
      return { name: name ? name.value : '', params: JSON.parse(d.params || '{}') };
    }
    return null;
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.dataset || !form.dataset.api) return;
    event.preventDefault();
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    var body = bodyOf(form);
    var options = {
      method: form.dataset.method || 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': token() }
    };
    if (body) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    fetch(form.dataset.api, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (json) {
        if (response.ok) {
          say(document.body.dataset.msgDone || 'Done.', false);
          window.location.reload();
          return;
        }
        var message = json && json.error ? json.error.message : String(response.status);
        say((document.body.dataset.msgFailed || 'Failed:') + ' ' + message, true);
        buttons.forEach(function (b) { b.disabled = false; });
      });
    }).catch(function (error) {
      say((document.body.dataset.msgFailed || 'Failed:') + ' ' + error, true);
      buttons.forEach(function (b) { b.disabled = false; });
    });
  });

  // Inside the CRM's frame: messages to the CRM (docs/ui.md, "Messages to
  // the embedding CRM"), only to the configured crm.origin (never "*"), and
  // nothing at all when it is unset or the page is not framed.
  var origin = document.body.dataset.crmOrigin || '';
  if (window.parent === window || origin === '') return;
  function tell(message) {
    message.scrm = 1;
    window.parent.postMessage(message, origin);
  }
  var lastHeight = -1;
  function size() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    tell({ type: 'size', height: height });
  }
  size();
  window.addEventListener('load', size);
  if (window.ResizeObserver) new ResizeObserver(size).observe(document.documentElement);
  // The server cuts texts already; this guards the limit the CRM relies on.
  function cut(text, max) { return Array.from(text || '').slice(0, max).join(''); }
  document.querySelectorAll('button[data-crm-action]').forEach(function (b) { b.hidden = false; });
  document.addEventListener('click', function (event) {
    var b = event.target.closest ? event.target.closest('button[data-crm-action]') : null;
    if (!b) return;
    var d = b.dataset;
    if (d.crmAction === 'create-case') {
      tell({
        type: 'create-case',
        record: d.recordModule ? { module: d.recordModule, id: d.recordId || '' } : null,
        post: { id: Number(d.postId), url: d.postUrl || '', text: cut(d.postText, 2000),
                author: d.postAuthor || '', published: d.postPublished || '' }
      });
    } else if (d.crmAction === 'create-lead') {
      tell({
        type: 'create-lead',
        profile: { id: d.profileId ? Number(d.profileId) : '', name: d.profileName || '',
                   handle: d.profileHandle || '', url: d.profileUrl || '',
                   network: d.profileNetwork || '', email: d.profileEmail || '' }
      });
    }
  });
})();
