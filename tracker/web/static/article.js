// While a check of this article is due (the page only loads this script then), ask every few
// seconds whether it stored a version; when it has, say so in the page's live region with a link
// that shows it. The page is never reloaded under the reader. Polling pauses while the tab is
// hidden and ends after a few minutes; without this script the page is simply as it was served.
"use strict";

(function () {
  const banner = document.getElementById("refresh");
  if (!banner || !banner.dataset.state) return;
  const known = Number(banner.dataset.versions);
  const every = 4000;
  const until = Date.now() + 5 * 60 * 1000;
  let timer = null;
  let done = false;

  function schedule(delay) {
    clearTimeout(timer);
    timer = null;
    if (done || document.hidden) return;
    if (Date.now() > until) { done = true; return; }
    timer = setTimeout(poll, delay);
  }

  async function poll() {
    let state;
    try {
      // A redirect is the sign-in page (the reader's session ended): nothing more to watch.
      const response = await fetch(banner.dataset.state, { cache: "no-store", redirect: "error" });
      if (!response.ok) throw new Error(`state ${response.status}`);
      state = await response.json();
    } catch (error) {
      done = true;
      return;
    }
    if (state.version_count > known) {
      done = true;
      announce(state.version_count);
    } else {
      schedule(every);
    }
  }

  function announce(count) {
    const link = document.createElement("a");
    link.href = banner.dataset.page;
    link.textContent = "Show it";
    banner.replaceChildren(`Version ${count} is stored — `, link);
  }

  document.addEventListener("visibilitychange", () => schedule(document.hidden ? every : 0));
  schedule(every);
})();
