/* `talk serve --edit`: the URL it prints carries a secret, #edit=TOKEN. This
   file takes it before reveal.js reads the hash (so it loads in the head,
   without defer), keeps it in this tab's sessionStorage (a reload keeps it,
   another site never sees it) and removes it from the address bar.
   assets/runner/editor.js does the editing. */
(() => {
  "use strict";
  const given = /^#edit=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (given) {
    sessionStorage.setItem("talk-edit-token", given[1]); // the key editor.js reads
    history.replaceState(null, "", location.pathname + location.search);
  }
})();
