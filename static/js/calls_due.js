// The calls-due page after an action (htmx). The server marks a row that now belongs in another
// section with data-place="<section>" and data-place-before="<id of the row after it>" (empty:
// the end of the section); this puts it there. When that row is not on the page and the section
// still has "show more", the moved row lies beyond what is shown and "show more" brings it in
// its turn. Then focus goes to the acted-on row (or where it went), for keyboard users; the
// live region (#calls-status) says what happened.
function placeMovedRows() {
  let focus = document.querySelector("[data-focus-after-action]");
  for (const row of document.querySelectorAll("article[data-place]")) {
    const section = row.dataset.place;
    const list = document.getElementById(`list-${section}`);
    const before = row.dataset.placeBefore ? document.getElementById(row.dataset.placeBefore) : null;
    const more = document.querySelector(`#more-${section} button`);
    row.removeAttribute("data-place");
    row.removeAttribute("data-place-before");
    if (!list) continue;
    if (before && list.contains(before)) list.insertBefore(row, before);
    else if (more) {
      if (row === focus) focus = more;
      row.remove();
    } else list.append(row);
  }
  for (const section of document.querySelectorAll("section[data-testid^='section-']")) {
    const note = section.querySelector(".empty-note");
    if (note) note.hidden = Boolean(section.querySelector("article[data-followup], [id^='more-'] button"));
  }
  if (focus) {
    focus.removeAttribute("data-focus-after-action");
    // Once every part of the swap has settled: an English date box in error (the field that gets
    // focus) is then moved into its calendar-button wrapper, which would drop a focus given sooner.
    setTimeout(() => {
      focus.focus({ preventScroll: true });
      focus.scrollIntoView({ block: "center" }); // smooth where the reader allows motion (Bootstrap's root style)
    });
  }
}

// "Show more (showing 10 of 23)" follows the rows as they come and go: shown is what the list
// holds now, the total is the section's count the server just sent; the next page is asked for
// with the shown figure of the moment.
const numbers = new Intl.NumberFormat(document.documentElement.lang);

function shownIn(section) {
  const list = document.getElementById(`list-${section}`);
  return list ? list.querySelectorAll("article[data-followup]").length : 0;
}

function refreshShowMore() {
  for (const more of document.querySelectorAll("[id^='more-'] button")) {
    const section = more.parentElement.id.slice("more-".length);
    const count = document.getElementById(`count-${section}`);
    const shown = more.querySelector("[data-shown]");
    const total = more.querySelector("[data-total]");
    if (shown) shown.textContent = numbers.format(shownIn(section));
    if (total && count) total.textContent = numbers.format(Number(count.dataset.count));
  }
}

document.addEventListener("htmx:configRequest", (event) => {
  const more = event.detail.elt.closest("[id^='more-']");
  if (more && "shown" in event.detail.parameters) {
    event.detail.parameters.shown = shownIn(more.id.slice("more-".length));
  }
});

document.addEventListener("htmx:afterSettle", () => {
  placeMovedRows();
  refreshShowMore();
});

// A row's rarer parts (why this rank, the note and try-again fields, the other actions) load the first
// time the rep opens them: <details data-load="url"> asks for url once, with the page's day and rep
// (the hx-vals of #calls-due), into its <div>. One listener instead of htmx attributes on every row.
document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.dataset.load) return;
    const url = details.dataset.load;
    delete details.dataset.load;
    htmx.ajax("GET", url, { source: details, target: details.querySelector(":scope > div"), swap: "innerHTML" });
  },
  true,
);
