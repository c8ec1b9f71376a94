// On the join page: a phone that joined this workshop before (its token is in
// localStorage) goes straight back in as the same person, even without its cookie.

const workshopId = document.body.dataset.workshopId;
const form = document.getElementById("rejoin-form");
let token = null;
try {
  token = window.localStorage.getItem(`workshop:${workshopId}:rejoin`);
} catch {
  token = null;
}
const field = form ? form.querySelector('input[name="rejoin-token"]') : null;
if (token && field && !sessionStorage.getItem(`rejoin-tried:${workshopId}`)) {
  // Tried once per tab: a token the server no longer accepts leaves the form to the person.
  sessionStorage.setItem(`rejoin-tried:${workshopId}`, "1");
  field.value = token;
  form.submit();
}
