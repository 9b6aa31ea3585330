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

// The Content-Security-Policy forbids inline handlers (onsubmit=, onchange=); these attributes
// replace them. <form data-confirm="question">: ask before it is sent (a delete). Captured
// first, so nothing else (htmx) sends the form when the answer is no.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);

// <select data-autosubmit>: choosing an option sends its form (a list's status filter).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit();
});

// The survey answer page (<form data-score-confirm>). One tap from the email: the score in the
// link is only provisional until this page confirms it (data-auto-confirm). Mail scanners fetch
// links but do not run this, so they never answer. A score tapped here is saved at once too.
const answerForm = document.querySelector("form[data-score-confirm]");
if (answerForm) {
  const confirmScore = () => {
    const chosen = answerForm.querySelector("input[name=score]:checked");
    if (!chosen) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", answerForm.querySelector("[name=csrfmiddlewaretoken]").value);
    body.append("score", chosen.value);
    fetch(window.location.pathname, { method: "POST", body, headers: { "X-Peygir-Auto": "1" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => { if (data && data.ok) document.getElementById("saved-note").classList.remove("d-none"); });
  };
  if ("autoConfirm" in answerForm.dataset) confirmScore();
  answerForm.querySelectorAll("input[name=score]").forEach((input) => input.addEventListener("change", confirmScore));
}
