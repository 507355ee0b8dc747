// The articles list's selection: tick the whole page, count what is selected, and keep the action
// buttons off while nothing is. The form works without it (tick rows, or "select all N matching").
"use strict";

(function () {
  const form = document.getElementById("bulk");
  if (!form) return;
  const rows = () => Array.from(form.querySelectorAll("input[name=ids]"));
  const page = document.getElementById("pick-page");
  const everything = document.getElementById("everything");
  const picked = document.getElementById("picked");
  const buttons = Array.from(form.querySelectorAll("button[name=action]"));
  const total = everything.dataset.total;

  function update() {
    const ticked = rows().filter((box) => box.checked).length;
    const all = everything.checked;
    rows().forEach((box) => { box.disabled = all; });
    page.disabled = all;
    page.checked = all || (ticked > 0 && ticked === rows().length);
    page.indeterminate = !all && ticked > 0 && ticked < rows().length;
    picked.textContent = all ? `all ${total} selected` : ticked ? `${ticked} selected` : "";
    buttons.forEach((button) => { button.disabled = !all && ticked === 0; });
  }

  page.hidden = false;
  page.addEventListener("change", () => {
    rows().forEach((box) => { box.checked = page.checked; });
    update();
  });
  form.addEventListener("change", update);
  update();
})();
