// The diff page: the shown view named in the URL, the first change brought on screen, stepping
// through changes (buttons, j/k) and copying the page's link. The diff reads fine without it.
"use strict";

(function () {
  const permalink = document.querySelector(".permalink");
  // Changes in the hidden view or inside closed folds have no box: they are skipped.
  const changes = () => Array.from(document.querySelectorAll("[data-change]"))
    .filter((element) => element.getClientRects().length > 0);
  let current = -1;

  // With no view named, the page carries both and the screen's width shows one (diff.css). Name it
  // in the URL, so that the address and the copied link reproduce the page; the server remembers
  // only a reader's click on a view link, not this.
  function nameTheShownView() {
    const shown = Array.from(document.querySelectorAll(".by-width > [data-view]"))
      .find((element) => element.getClientRects().length > 0);
    if (!shown) return;
    const url = new URL(window.location.href);
    const view = shown.dataset.view;
    document.querySelectorAll(".views [data-view]").forEach((link) => {
      if (link.dataset.view === view) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    if (url.searchParams.get("view") === view) return;
    url.searchParams.set("view", view);
    window.history.replaceState(window.history.state, "", url);
    permalink.value = url.href;
  }

  // Unchanged paragraphs above the first change are folded; if it is still below the first screen,
  // bring it up, unless the reader came for a #fragment or the browser restores a scroll position.
  function showTheFirstChange() {
    const [navigation] = performance.getEntriesByType("navigation");
    if (window.location.hash || (navigation && navigation.type !== "navigate")) return;
    const first = changes()[0];
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  function step(direction) {
    const all = changes();
    if (all.length === 0) return;
    current = Math.min(Math.max(current + direction, 0), all.length - 1);
    document.querySelectorAll("[data-change].current").forEach((element) => element.classList.remove("current"));
    const target = all[current];
    target.classList.add("current");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  nameTheShownView();
  window.addEventListener("resize", nameTheShownView);  // a phone turned sideways may switch views
  showTheFirstChange();

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, select, textarea, [contenteditable]")) return;
    if (event.key === "j") step(1);
    if (event.key === "k") step(-1);
  });

  document.querySelectorAll("[data-step]").forEach((button) => {
    button.addEventListener("click", () => step(Number(button.dataset.step)));
  });

  const copy = document.querySelector("[data-copy-link]");
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      copy.textContent = "Link copied";
    } catch (error) {
      permalink.hidden = false;  // no clipboard access: show the link, selected, for the reader to copy
      permalink.select();
      copy.textContent = "Press Ctrl+C";
    }
  });
})();
