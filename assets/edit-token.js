/* `talk serve --edit`: the URL it prints carries a secret, #edit=TOKEN, good
   for one exchange. This file takes it before reveal.js reads the hash (so it
   loads in the head, without defer), hands it to assets/runner/editor.js through
   this tab's sessionStorage (another site never sees it), and removes it from
   the address bar. editor.js exchanges it for the session token it keeps (a
   reload keeps that) and does the editing. A classic script, not an ES
   module: a module would run after deck.js has started reveal.js. */
(() => {
  "use strict";
  const given = /^#edit=([A-Za-z0-9_-]+)$/.exec(location.hash);
  if (given) {
    sessionStorage.setItem("talk-edit-printed", given[1]); // the key editor.js reads
    history.replaceState(null, "", location.pathname + location.search);
  }
})();
