// Jalali picker on every [data-jdp] input (Persian pages only render that attribute).
// It watches the document, so rows swapped in by htmx get it too.
if (window.jalaliDatepicker) {
  jalaliDatepicker.startWatch({ persianDigits: true, autoReadOnlyInput: false, zIndex: 2000 });
}

// <select data-reveal="#box" data-reveal-when="value">: show #box only for that choice
// (the "On…" date of try-again and snooze). Delegated, so it works on htmx-swapped rows.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-reveal]");
  if (!select) return;
  const box = document.querySelector(select.dataset.reveal);
  if (!box) return;
  const shown = select.value === select.dataset.revealWhen;
  box.classList.toggle("d-none", !shown);
  if (shown) box.querySelector("input")?.focus();
});

// A row can reach the page twice: a plan's next call added after an action, then the same
// call again in its ranked place when "show more" loads it. Keep the later copy only.
document.addEventListener("htmx:afterSettle", () => {
  const seen = new Set();
  const rows = Array.from(document.querySelectorAll("article[data-followup]")).reverse();
  for (const row of rows) {
    if (seen.has(row.id)) row.remove();
    else seen.add(row.id);
  }
});
