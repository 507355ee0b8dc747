// While a check of this article is due (the page only loads this script then), ask every few
// seconds whether it has run. When it stored a version, say so in the page's live region with a link
// that shows it; when it ran without one (no change, a re-read under new rules, a failure), say that
// quietly. Either ends the watch, as does a change of status; so do a hidden tab (until shown again)
// and a few minutes without a check. The page is never reloaded under the reader; without this
// script it is simply as it was served.
"use strict";

(function () {
  const banner = document.getElementById("refresh");
  if (!banner || !banner.dataset.state) return;
  const shown = banner.dataset; // what the page was served with: versions, checked, status
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
      const response = await fetch(shown.state, { cache: "no-store", redirect: "error" });
      if (!response.ok) throw new Error(`state ${response.status}`);
      state = await response.json();
    } catch (error) {
      done = true;
      return;
    }
    // A baseline re-reads the page with a new extractor or rules: a version row, not a new version.
    if (state.version_count > Number(shown.versions) && !state.latest_baseline) {
      announce(state.version_count);
    } else if ((state.last_checked_at || "") !== shown.checked) {
      banner.textContent = "Checked: no new version.";
    } else if (state.status === shown.status) {
      schedule(every);
      return;
    }
    done = true;
  }

  function announce(count) {
    const link = document.createElement("a");
    link.href = shown.page;
    link.textContent = "Show it";
    banner.replaceChildren(`Version ${count} is stored — `, link);
  }

  document.addEventListener("visibilitychange", () => schedule(document.hidden ? every : 0));
  schedule(every);
})();
