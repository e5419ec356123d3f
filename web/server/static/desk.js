// Live task list of the desk: reload the list when the server says the
// open tasks changed (a new task, or one taken by a colleague). Without
// JavaScript the page works the same, refreshed by hand.
(function () {
  'use strict';
  var list = document.getElementById('tasks');
  if (!list || !window.WebSocket) return;
  var live = document.getElementById('live');
  var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
  var retry = 1000;
  function refresh() {
    fetch(location.pathname + location.search, { credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('tasks');
        if (fresh) {
          list.replaceChildren.apply(list, Array.prototype.slice.call(fresh.childNodes));
          list.setAttribute('data-refreshed', String(Date.now()));
          if (live) live.textContent = 'Elenco aggiornato.';
        }
      });
  }
  function connect() {
    var ws = new WebSocket(proto + location.host + '/ws');
    ws.onopen = function () { retry = 1000; document.body.setAttribute('data-live', 'on'); };
    ws.onmessage = function () { refresh(); };
    ws.onclose = function () {
      document.body.setAttribute('data-live', 'off');
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    };
  }
  connect();
})();
