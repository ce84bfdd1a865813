// Sign-in form: post the key as JSON, then open the inbox. Without script the form posts itself.
"use strict";
(function () {
  const form = document.getElementById("login");
  const input = document.getElementById("key");
  const error = document.getElementById("login-error");
  const button = document.getElementById("sign-in");
  input.focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    button.disabled = true;
    try {
      const r = await fetch("/login", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Triage-CSRF": "1" },
        body: JSON.stringify({ key: input.value }),
      });
      if (r.ok) {
        input.value = "";
        window.location.replace("/");
        return;
      }
      let message = "Sign-in failed (" + r.status + ").";
      try {
        const body = await r.json();
        if (typeof body.detail === "string") message = body.detail;
      } catch (_) { /* not JSON */ }
      error.textContent = message;
      error.hidden = false;
      input.select();
    } catch (_) {
      error.textContent = "The server cannot be reached.";
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
})();
