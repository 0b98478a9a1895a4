// "인증번호 받기": asks the server for a code without leaving the page and counts down its life.
// Without JavaScript the same button submits the form and the server sends the code.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-otp]").forEach((box) => {
    const button = box.querySelector("[data-otp-send]");
    const status = box.querySelector("[data-otp-status]");
    const phone = box.querySelector("input[name=phone]");
    const form = box.closest("form");
    let timer = null;

    const show = (text, tone) => {
      status.textContent = text;
      status.className = `form-text text-${tone}`;
    };
    const countdown = (seconds) => {
      clearInterval(timer);
      const end = Date.now() + seconds * 1000;
      const tick = () => {
        const left = Math.max(0, Math.round((end - Date.now()) / 1000));
        if (left === 0) {
          clearInterval(timer);
          show(box.dataset.otpExpired, "danger");
          return;
        }
        const clock = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
        show(`${box.dataset.otpSent} ${clock}`, "success");
      };
      tick();
      timer = setInterval(tick, 1000);
    };

    button.addEventListener("click", async (event) => {
      event.preventDefault();
      const body = new FormData();
      body.append("phone", phone.value);
      body.append("purpose", box.dataset.otpPurpose);
      body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      button.disabled = true;
      try {
        const response = await fetch(box.dataset.otpUrl, { method: "POST", body, credentials: "same-origin" });
        const data = await response.json();
        if (data.ok) {
          countdown(data.expires_in);
          const code = form.querySelector("input[name=code]");
          if (code) code.focus();
        } else {
          clearInterval(timer);
          show(data.error, "danger");
        }
      } catch (error) {
        show(box.dataset.otpFailed, "danger");
      } finally {
        button.disabled = false;
      }
    });
  });
});
