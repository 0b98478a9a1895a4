// CSV upload: the file goes up with a progress bar (a large list takes a while on a branch line),
// then "검사 중" while the server checks every row; the page the server answers with replaces this
// one (the saved segment's next step, or this form with the rejected rows). Without JavaScript the
// form posts as usual.
(() => {
  const form = document.getElementById("segment-upload");
  if (!form || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  const fill = bar.querySelector(".progress-bar");
  const status = document.getElementById("upload-status");
  const button = form.querySelector("button[type=submit]");

  function show(percent) {
    bar.classList.remove("d-none");
    bar.setAttribute("aria-valuenow", String(percent));
    fill.style.width = `${percent}%`;
    status.textContent = `${status.dataset.sending} ${percent}%`;
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("X-Upload-Progress", "1");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) show(Math.round((e.loaded / e.total) * 100));
    });
    xhr.upload.addEventListener("load", () => {
      show(100);
      status.textContent = status.dataset.checking;
    });
    xhr.addEventListener("load", () => {
      if ((xhr.getResponseHeader("Content-Type") || "").startsWith("application/json")) {
        window.location.assign(JSON.parse(xhr.responseText).redirect); // saved: on to the campaign
        return;
      }
      document.open();
      document.write(xhr.responseText);
      document.close();
    });
    xhr.addEventListener("error", () => {
      button.disabled = false;
      status.textContent = status.dataset.failed;
    });
    button.disabled = true;
    show(0);
    xhr.send(new FormData(form));
  });
})();
