// Stepping through changes (buttons, j/k) and copying the page's link. The diff reads fine without it.
"use strict";

(function () {
  const changes = () => Array.from(document.querySelectorAll("[data-change]"))
    .filter((element) => element.offsetParent !== null);  // skip changes inside closed folds
  let current = -1;

  function step(direction) {
    const all = changes();
    if (all.length === 0) return;
    current = Math.min(Math.max(current + direction, 0), all.length - 1);
    all.forEach((element) => element.classList.remove("current"));
    const target = all[current];
    target.classList.add("current");
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

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
  if (copy) {
    copy.addEventListener("click", async () => {
      const field = document.querySelector(".permalink");
      try {
        await navigator.clipboard.writeText(window.location.href);
        copy.textContent = "Link copied";
      } catch (error) {
        field.select();  // no clipboard access: leave the link selected for the reader to copy
        copy.textContent = "Press Ctrl+C";
      }
    });
  }
})();
