// Kontakt desk: keyboard shortcuts. Everything also works without this
// file; it only saves keystrokes. Shortcuts are listed on the start page.
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
