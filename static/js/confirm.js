// Forms that undo something hard to take back ask first: a form with `data-confirm`
// is sent only once the person agrees to its question. The Content-Security-Policy
// allows no inline script, so the question lives in the markup and is asked from here.
// Without this script the form is sent as it is, like any other.

for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
