// The tokens page: a button copies the new key (shown once) to the clipboard. Without the
// clipboard (an old browser, a page not served over HTTPS) the key is selected instead, for Ctrl+C.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const source = document.querySelector(button.dataset.copy);
  if (!source) return;
  const select = () => window.getSelection().selectAllChildren(source);
  const copied = () => { button.textContent = button.dataset.copied; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent.trim()).then(copied, select);
  } else {
    select();
  }
});
