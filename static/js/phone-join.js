// The way into a workshop from the phone's one page. A new person fills in the
// join form, which is sent over the socket with a join key of its own (a retry
// finds the person the first try made); a phone that joined before comes back
// with the rejoin token it kept, even without its cookie. Once in, the page
// becomes the live view in place, at the live address.

import { byId, clearError, newClientKey, showError } from "./live.js";

/** Read a value from localStorage, or null when storage is refused. */
function kept(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** Whether this page can keep the rejoin token (a socket join sets no cookie). */
function canKeep() {
  try {
    window.localStorage.setItem("workshop:probe", "1");
    window.localStorage.removeItem("workshop:probe");
    return true;
  } catch {
    return false;
  }
}

function keep(key, value) {
  try {
    if (value) window.localStorage.setItem(key, value);
    else window.localStorage.removeItem(key);
  } catch {
    // Storage refused: then the form is posted instead (see canKeep), which sets the cookie.
  }
}

/**
 * The phone's entry: what to join with, and what to do with the answer.
 * `payload()` is null while the person has not sent the form yet; `send()`
 * joins now; `connected()` says whether the live connection is up.
 */
export function phoneEntry({ workshopId, body, connected, send }) {
  const section = byId("phone-join");
  const form = byId("join-form");
  const name = byId("name");
  const nameError = byId("name-error");
  const joinError = byId("join-error");
  const connecting = byId("phone-connecting");
  const tokenKey = `workshop:${workshopId}:rejoin`;
  let token = body.dataset.rejoinToken || kept(tokenKey) || "";
  // {name, anonymous, join_key, button, label} while the form's join is on its way.
  let pending = null;
  // The button pressed last (older browsers give no event.submitter).
  let pressed = null;

  function moveTo(url) {
    if (url && window.location.pathname !== url) window.history.replaceState(null, "", url);
  }

  function showForm() {
    body.dataset.view = "join";
    connecting.hidden = true;
    section.hidden = false;
    moveTo(body.dataset.joinUrl);
  }

  function settle() {
    if (!pending) return;
    pending.button.value = pending.label;
    form.removeAttribute("aria-busy");
    pending = null;
  }

  if (token) {
    keep(tokenKey, token);
    if (body.dataset.view === "join") {
      // Back on the join page without the cookie: rejoin as the same person.
      body.dataset.view = "connecting";
      section.hidden = true;
      connecting.hidden = false;
    }
  } else if (body.dataset.view !== "join") {
    showForm();
  }

  form.addEventListener("click", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.type === "submit") pressed = event.target;
  });

  form.addEventListener("submit", (event) => {
    if (pending) {
      event.preventDefault();
      pressed = null;
      return;
    }
    // Not connected (yet), or no place to keep the token: the form posts the ordinary way.
    if (!connected() || !canKeep()) return;
    event.preventDefault();
    const button = event.submitter || pressed || byId("submit");
    pressed = null;
    const anonymous = button.id === "anonymous";
    clearError(nameError);
    clearError(joinError);
    name.removeAttribute("aria-invalid");
    pending = { button, label: button.value, anonymous, name: anonymous ? null : name.value, join_key: newClientKey() };
    button.value = "Joining…";
    form.setAttribute("aria-busy", "true");
    send();
  });

  const entry = {
    /** What the socket joins with: the token, the form's details, or nothing yet. */
    payload() {
      if (token) return { workshop_id: workshopId, token };
      if (pending) {
        const { name: typed, anonymous, join_key } = pending;
        return { workshop_id: workshopId, code: body.dataset.joinCode, name: typed, anonymous, join_key };
      }
      return null;
    },
    /** The server took the join: keep the token, and say whether the form sent it. */
    accepted(ack) {
      const fromForm = pending !== null;
      settle();
      if (ack.rejoin_token) {
        token = ack.rejoin_token;
        keep(tokenKey, token);
      }
      section.hidden = true;
      moveTo(body.dataset.liveUrl);
      return fromForm;
    },
    /** The server refused: return true when the form takes it (the page stays usable). */
    refused(error) {
      if (pending) {
        const field = error.code === "invalid" || error.code === "too_long";
        const { button } = pending;
        settle();
        showError(field ? nameError : joinError, error.message);
        if (field) name.setAttribute("aria-invalid", "true");
        (field ? name : button).focus();
        return true;
      }
      if (error.code === "client_missing") {
        // The live connection did not load: the form still posts the ordinary way.
        return body.dataset.view === "join" && !token;
      }
      if (error.code === "not_found" && token) {
        // The kept token names nobody any more: join afresh.
        token = "";
        keep(tokenKey, null);
        showForm();
        return true;
      }
      return false;
    },
  };
  return entry;
}
