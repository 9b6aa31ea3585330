// Jalali picker on every [data-jdp] input (Persian pages only render that attribute).
// Listeners are delegated, so rows swapped in by htmx get it too.
//
// The vendored picker reads and writes the field with Latin digits only (1405/09/10): given
// the Persian ۱۴۰۵/۰۹/۱۰ the server renders, it drew no year and no days. So while the picker
// handles an event the field holds the Latin form it can read, and afterwards Persian digits
// again (the server reads both). The vendored file stays untouched.
//
// Keyboard: reaching the field with Tab does not open the calendar (typing the date is the
// keyboard way, and the calendar has no keyboard control); a click or tap opens it, and so do
// ArrowDown / Alt+ArrowDown, as on a native date box. Tab, Escape or a click elsewhere close it.
if (window.jalaliDatepicker) {
  jalaliDatepicker.startWatch({ persianDigits: true, autoReadOnlyInput: false, autoShow: false, zIndex: 2000 });

  const JDP_FIELD = "input[data-jdp]";
  const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
  const toLatinDigits = (text) => text
    .replace(/[۰-۹]/g, (digit) => String(PERSIAN_DIGITS.indexOf(digit)))
    .replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660));
  const toPersianDigits = (text) => text.replace(/[0-9]/g, (digit) => PERSIAN_DIGITS[digit]);
  // "۱۴۰۵/۹/۵" or "1405-09-05" -> "1405/09/05"; a Gregorian year (typed in English) is left
  // alone, so the picker opens on today.
  const forPicker = (text) => {
    const latin = toLatinDigits(text.trim());
    const match = latin.match(/^(\d{4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})$/);
    if (!match || Number(match[1]) >= 1700) return latin;
    return [match[1], match[2].padStart(2, "0"), match[3].padStart(2, "0")].join("/");
  };

  let pickerField = null; // the field the picker was last opened on
  let typed = null; // what that field held before forPicker rewrote it
  const latinise = () => {
    if (!pickerField || typed !== null) return;
    typed = pickerField.value;
    pickerField.value = forPicker(typed);
  };
  const restore = () => {
    if (!pickerField || typed === null) return;
    // Unchanged: give back exactly what was there; a picked day: show it in Persian digits.
    pickerField.value = pickerField.value === forPicker(typed) ? typed : toPersianDigits(pickerField.value);
    typed = null;
  };
  // The picker shows itself again 300 ms after show() (its opening animation), so a close
  // sooner (Tab, a quick pick, Escape) would leave it open over the page: close it once more
  // after that, unless it was opened again meanwhile.
  let openings = 0;
  const closePicker = ({ now = true } = {}) => {
    if (!openings) return;
    if (now) jalaliDatepicker.hide();
    const opening = openings;
    setTimeout(() => { if (openings === opening) jalaliDatepicker.hide(); }, 350);
  };
  const openPicker = (field) => {
    openings += 1;
    pickerField = field;
    latinise();
    jalaliDatepicker.show(field);
    restore();
  };
  const inPicker = (node) => node instanceof Element && node.closest("jdp-container") !== null;

  // Around every event inside the picker (a day, a month arrow, the year list, "today").
  for (const type of ["click", "change", "keyup"]) {
    document.addEventListener(type, (event) => { if (inPicker(event.target)) latinise(); }, true);
    document.addEventListener(type, (event) => { if (inPicker(event.target)) restore(); });
  }
  document.addEventListener("click", (event) => {
    const field = event.target.closest?.(JDP_FIELD);
    if (field) openPicker(field);
    else if (!inPicker(event.target)) closePicker({ now: false }); // the picker closed itself
  });
  document.addEventListener("jdp:change", () => closePicker({ now: false })); // a day was picked
  document.addEventListener("keydown", (event) => {
    const field = event.target.closest?.(JDP_FIELD);
    if (!field) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      openPicker(field);
    } else if (event.key === "Tab") {
      closePicker();
    }
  });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") closePicker({ now: false }); });
  // Focus moving to anything outside the picker (Tab, a click on another field) closes it.
  document.addEventListener("focusout", (event) => {
    if (event.target.matches?.(JDP_FIELD) && event.relatedTarget && !inPicker(event.relatedTarget)) {
      closePicker();
    }
  });
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

// An htmx answer that replaces the control the focus was on (a redeem button) would leave the
// focus on the page's top: the answer marks what a keyboard or screen-reader user should land on
// with data-focus-after-swap (tabindex="-1"), once.
document.addEventListener("htmx:afterSettle", (event) => {
  const target = event.detail.elt?.isConnected ? event.detail.elt : document;
  const landing = (target.querySelector ? target : document).querySelector("[data-focus-after-swap]")
    || document.querySelector("[data-focus-after-swap]");
  if (!landing) return;
  landing.removeAttribute("data-focus-after-swap");
  landing.focus({ preventScroll: true });
  landing.scrollIntoView({ block: "nearest" });
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

// A table wider than the screen scrolls sideways: keyboard users must be able to reach and scroll it.
document.querySelectorAll(".table-responsive").forEach((box) => {
  if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
});

// English date boxes ([data-gdp]): a text box holding 2024-05-04, as typed and as the server reads
// it, and a button beside it that opens the browser's own calendar (a hidden native date box):
// the page then shows one date format only, not the browser's 05/04/2024 beside Peygir's.
const CALENDAR_ICON = '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false"><path fill="currentColor" d="M4 0a.5.5 0 0 1 .5.5V1h7V.5a.5.5 0 0 1 1 0V1H14a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V3a2 2 0 0 1 2-2h1.5V.5A.5.5 0 0 1 4 0M1 5v9a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V5zm2 2h2v2H3zm4 0h2v2H7zm4 0h2v2h-2zM3 11h2v2H3zm4 0h2v2H7z"/></svg>';
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function addCalendarButton(box) {
  if (box.dataset.gdpReady) return;
  box.dataset.gdpReady = "1";
  const wrap = document.createElement("div");
  wrap.className = "date-box";
  box.replaceWith(wrap);
  const native = document.createElement("input");
  native.type = "date";
  native.tabIndex = -1;
  native.className = "date-box-native";
  native.setAttribute("aria-hidden", "true");
  native.dataset.testid = "native-calendar";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-secondary date-box-button";
  button.setAttribute("aria-label", box.dataset.gdp);
  button.title = box.dataset.gdp;
  button.innerHTML = CALENDAR_ICON;
  wrap.append(box, button, native);
  // An error under the box stays shown: Bootstrap shows it only as the box's next sibling.
  if (box.classList.contains("is-invalid")) {
    wrap.parentElement.querySelectorAll(".invalid-feedback").forEach((note) => note.classList.add("d-block"));
  }
  button.addEventListener("click", () => {
    native.value = ISO_DAY.test(box.value.trim()) ? box.value.trim() : "";
    if (native.showPicker) native.showPicker();
    else native.focus();
  });
  native.addEventListener("change", () => {
    if (!native.value) return;
    box.value = native.value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.dispatchEvent(new Event("change", { bubbles: true }));
    box.focus();
  });
}

const addCalendarButtons = (root) => root.querySelectorAll("input[data-gdp]").forEach(addCalendarButton);
addCalendarButtons(document);
document.addEventListener("htmx:afterSettle", (event) => addCalendarButtons(event.target));
