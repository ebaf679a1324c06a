// Live dashboard: the server says when the figures moved (server-sent events); the figures are then
// fetched again and swapped in place, without reloading the page.
(function () {
  var live = document.getElementById("live");
  if (!live || !window.EventSource) return;
  var version = live.dataset.version;
  var busy = false;
  function refresh() {
    if (busy) return;
    busy = true;
    var url = new URL(window.location.href);
    url.searchParams.set("partial", "1");
    fetch(url, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { live.innerHTML = html; live.classList.add("flash"); setTimeout(function () { live.classList.remove("flash"); }, 800); })
      .finally(function () { busy = false; });
  }
  function connect() {
    var source = new EventSource(live.dataset.events + "?since=" + encodeURIComponent(version));
    source.addEventListener("changed", function (e) {
      var next = JSON.parse(e.data).version;
      if (String(next) !== String(version)) { version = next; refresh(); }
    });
  }
  connect();
})();
