// <textarea data-rich-editor data-upload-url="...">: the Summernote editor (Korean), with pictures
// uploaded to our own private store. Without JavaScript the textarea stays and takes plain HTML;
// the server cleans whatever arrives.
(function () {
  "use strict";
  if (!window.jQuery || !window.jQuery.fn.summernote) return;
  const $ = window.jQuery;

  function csrfToken(form) {
    const input = form && form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function showError(textarea, text) {
    let box = textarea.parentElement.querySelector(".oh-editor-error");
    if (!box) {
      box = document.createElement("div");
      box.className = "oh-editor-error invalid-feedback d-block";
      box.setAttribute("role", "alert");
      textarea.parentElement.appendChild(box);
    }
    box.textContent = text;
  }

  function upload(textarea, file) {
    const body = new FormData();
    body.append("file", file);
    return fetch(textarea.dataset.uploadUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(textarea.form) },
    }).then((response) =>
      response.json().then((data) => {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data.url;
      })
    );
  }

  // Summernote's auto-link module throws (Range.setEnd) when a space follows a bold/italic toggle;
  // links are made with the link button instead.
  function NoAutoLink() {}
  const modules = Object.assign({}, $.summernote.options.modules, { autoLink: NoAutoLink });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("textarea[data-rich-editor]").forEach((textarea) => {
      const images = !("noImages" in textarea.dataset);
      const insert = images ? ["link", "picture"] : ["link"];
      $(textarea).summernote({
        lang: document.documentElement.lang === "en" ? "en-US" : "ko-KR", // en-US is built in
        modules: modules,
        height: 240,
        disableDragAndDrop: !images,
        toolbar: [
          ["style", ["style"]],
          ["font", ["bold", "italic", "underline", "strikethrough", "clear"]],
          ["para", ["ul", "ol", "paragraph"]],
          ["insert", insert],
          ["history", ["undo", "redo"]],
        ],
        styleTags: ["p", "blockquote", "h3", "h4"],
        callbacks: {
          onImageUpload: function (files) {
            if (!images) return;
            Array.from(files).forEach((file) => {
              upload(textarea, file)
                .then((url) => {
                  showError(textarea, "");
                  $(textarea).summernote("insertImage", url, file.name);
                })
                .catch((error) => showError(textarea, error.message));
            });
          },
        },
      });
      const editor = $(textarea).next(".note-editor");
      editor.find(".note-image-input").removeAttr("name");
      // The editable area is what a screen reader fills in: give it the textarea's label.
      // Summernote puts aria-label on its resize bar, a plain div: that bar is decoration.
      const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
      const editable = editor.find(".note-editable");
      if (label) {
        label.id = label.id || `${textarea.id}-label`;
        editable.attr("aria-labelledby", label.id);
        label.addEventListener("click", () => editable.trigger("focus"));
      } else {
        editable.attr("aria-label", textarea.getAttribute("aria-label") || textarea.name);
      }
      editable.attr("aria-multiline", "true");
      editor.find(".note-resizebar").removeAttr("aria-label").attr("aria-hidden", "true");
      if (textarea.form) {
        textarea.form.addEventListener("submit", () => {
          textarea.value = $(textarea).summernote("isEmpty") ? "" : $(textarea).summernote("code");
        });
      }
    });
  });
})();
