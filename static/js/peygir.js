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
