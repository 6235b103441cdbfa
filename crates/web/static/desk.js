// Kontakt desk: keyboard shortcuts. Everything also works without this
// file; it only saves keystrokes. Shortcuts are listed in the help dialog (?).
// One event stream per staff page (browsers allow few connections per
// server): queue changes ("changed") and the crisis banner ("crisis",
// the banner's HTML made and escaped by the server, or "none").
var kontaktEvents = (function () {
  "use strict";
  var banner = document.getElementById("crisis-banner");
  if (!banner || !window.EventSource) {
    return null;
  }
  var source = new EventSource(banner.getAttribute("data-live"));
  source.addEventListener("crisis", function (event) {
    banner.innerHTML = event.data === "none" ? "" : event.data;
  });
  // Closed when the page is left, so the connection is free at once for
  // the next page (a browser keeps few per server); a page brought back
  // from the back/forward cache is loaded afresh, with its stream.
  window.addEventListener("pagehide", function () { source.close(); });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  return source;
}());

(function () {
  "use strict";
  var shortcuts = {
    n: "/cases/new", // Alt+N: new registration (snabbregistrering)
    s: "/search",    // Alt+S: search
    h: "/"           // Alt+H: start page
  };
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var target = shortcuts[event.key.toLowerCase()];
    if (target) {
      event.preventDefault();
      window.location.assign(target);
    }
  });
}());

// Live queues on the start page: when the server says a case changed, the
// queues are fetched again (with the user's own access rules) and swapped in.
(function () {
  "use strict";
  var queues = document.getElementById("queues");
  if (!queues || !window.EventSource) {
    return;
  }
  var pending = null;
  function reload() {
    pending = null;
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("queues");
        if (fresh) { queues.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the next notice tries again */ });
  }
  function soon() {
    // Many changes in a burst make one reload.
    if (pending === null) { pending = window.setTimeout(reload, 300); }
  }
  var source = kontaktEvents || new EventSource(queues.getAttribute("data-live"));
  source.addEventListener("changed", soon);
  // On every (re)connection: whatever changed while not connected.
  source.addEventListener("open", soon);
}());

// The help dialog: "?" (outside text fields) or the help link opens it;
// Esc closes it (the browser's own dialog handling), and focus returns to
// where it was.
(function () {
  "use strict";
  var dialog = document.getElementById("help");
  var link = document.getElementById("help-link");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var before = null;
  function open(event) {
    if (dialog.open) { return; }
    if (event) { event.preventDefault(); }
    before = document.activeElement;
    dialog.showModal();
    document.getElementById("help-close").focus();
  }
  dialog.addEventListener("close", function () {
    if (before && before.focus) { before.focus(); }
  });
  if (link) { link.addEventListener("click", open); }
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" ||
      t.tagName === "SELECT" || t.isContentEditable);
    if (event.key === "?" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      open(event);
    }
  });
}());

// Quick registration: when the agent picks a case type, its guidance and
// form fields are fetched and shown below the description. Without this
// script the fields appear when the form comes back asking for them.
(function () {
  "use strict";
  var box = document.getElementById("type-fields");
  var input = document.getElementById("case_type");
  if (!box || !input) {
    return;
  }
  var shown = input.value.trim();
  function load() {
    var code = input.value.trim();
    if (code === shown) { return; }
    shown = code;
    fetch(box.getAttribute("data-fields") + "?case_type=" + encodeURIComponent(code),
      { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (shown === code) { box.innerHTML = html; } })
      .catch(function () { /* the server asks for missing fields on save */ });
  }
  input.addEventListener("change", load);
  input.addEventListener("input", function () {
    // A datalist pick fires "input" with the whole code at once.
    if (document.querySelector("#case-types option[value='" + CSS.escape(input.value.trim()) + "']")) { load(); }
  });
}());

// Quick registration: when the agent leaves the personnummer or phone field,
// earlier contacts of that resident are looked up and shown; a button fills
// in the name and phone as last recorded.
(function () {
  "use strict";
  var box = document.getElementById("person-lookup");
  if (!box) {
    return;
  }
  var last = "";
  function lookup(event) {
    var value = event.target.value.trim();
    if (value === last || value.length < 6) { return; }
    last = value;
    fetch(box.getAttribute("data-lookup") + "?person=" + encodeURIComponent(value),
      { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (last === value) { box.innerHTML = html; } })
      .catch(function () { /* the lookup is a help, never a step */ });
  }
  ["personnummer", "phone"].forEach(function (id) {
    var field = document.getElementById(id);
    if (field) { field.addEventListener("change", lookup); }
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest("button.use-person");
    if (!button) { return; }
    var name = document.getElementById("name");
    var phone = document.getElementById("phone");
    if (name && button.dataset.name) { name.value = button.dataset.name; }
    if (phone && button.dataset.phone) { phone.value = button.dataset.phone; }
  });
}());

// The phone: the agent's panel follows the queues live. A call ringing at
// this agent shows a link to who is calling (the screen pop); when the
// agent answers, quick registration opens with the call linked. A
// wallboard refreshes when a queue changes.
(function () {
  "use strict";
  var live = document.querySelector("[data-phone-events]");
  if (!live || !window.EventSource) {
    return;
  }
  var pending = null;
  function reload() {
    pending = null;
    fetch(window.location.pathname, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = live.id ? doc.getElementById(live.id) : doc.querySelector("." + live.className.split(" ")[0]);
        if (fresh) { live.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the next notice tries again */ });
  }
  function soon() {
    if (pending === null) { pending = window.setTimeout(reload, 300); }
  }
  var source = new EventSource(live.getAttribute("data-phone-events"));
  window.addEventListener("pagehide", function () { source.close(); });
  source.addEventListener("queues", soon);
  source.addEventListener("withdrawn", soon);
  source.addEventListener("offered", function (event) {
    var pop = document.getElementById("screen-pop");
    if (!pop) { return; }
    var link = document.createElement("a");
    link.className = "button";
    link.href = pop.getAttribute("data-pop") + encodeURIComponent(event.data);
    link.textContent = pop.getAttribute("data-ringing") || "Samtal";
    pop.innerHTML = "";
    pop.appendChild(link);
    link.focus();
  });
  source.addEventListener("connected", function (event) {
    window.location.assign("/cases/new?call=" + encodeURIComponent(event.data));
  });
}());

// The directory's type-ahead: as the operator types, the results (the
// same fragment the page shows) are fetched and swapped in, and the
// address keeps the query, so going back returns to it. Without this
// script the search works by pressing Enter.
(function () {
  var input = document.getElementById("directory-q");
  var box = document.getElementById("dir-results");
  if (!input || !box) { return; }
  var call = input.form.querySelector("input[name=call]");
  var timer = null;
  var asked = null;
  function load() {
    var q = input.value;
    var params = "?q=" + encodeURIComponent(q) + (call ? "&call=" + encodeURIComponent(call.value) : "");
    asked = q;
    fetch(input.getAttribute("data-results") + params, { credentials: "same-origin" })
      // A redirect is the login page (the session ended): Enter shows it.
      .then(function (r) { return r.ok && !r.redirected ? r.text() : null; })
      .then(function (html) {
        if (html !== null && asked === q) {
          box.innerHTML = html;
          window.history.replaceState(null, "", "/directory" + params);
        }
      })
      .catch(function () { /* Enter still searches */ });
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 60);
  });
})();
