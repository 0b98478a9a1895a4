// A signed-in customer is signed out after some idle minutes (settings.CUSTOMER_SESSION_IDLE_MINUTES);
// a minute before, this modal dialog says so and its "연장" button touches the session.
(() => {
  const dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") return;
  const idle = Number(dialog.dataset.idleSeconds) * 1000;
  const warning = Number(dialog.dataset.warningSeconds) * 1000;
  const form = dialog.querySelector("form");
  const remaining = dialog.querySelector("[data-remaining]");
  let deadline = Date.now() + idle;

  const expire = () => window.location.reload(); // the server signs the session out and says why

  const extend = async () => {
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return expire();
      const data = await response.json();
      deadline = Date.now() + data.remaining * 1000;
      dialog.close();
    } catch (error) {
      expire();
    }
  };

  const check = () => {
    const left = deadline - Date.now();
    if (left <= 0) {
      window.clearInterval(timer);
      expire();
    } else if (left <= warning) {
      remaining.textContent = String(Math.ceil(left / 1000));
      if (!dialog.open) dialog.showModal();
    }
  };
  const timer = window.setInterval(check, 500);

  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("data-extend")) {
      event.preventDefault();
      extend();
    }
  });
  // Escape means the customer is here: the same as 연장.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    extend();
  });
})();
