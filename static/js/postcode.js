// Daum/Kakao postcode popup (loaded only when DAUM_POSTCODE_ENABLED is on): fills the plain fields.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-postcode]").forEach((box) => {
    const button = box.querySelector("[data-postcode-search]");
    if (!button || !window.daum || !window.daum.Postcode) return;
    button.addEventListener("click", () => {
      new window.daum.Postcode({
        oncomplete: (data) => {
          box.querySelector("input[name=postcode]").value = data.zonecode;
          box.querySelector("input[name=address]").value = data.roadAddress || data.jibunAddress;
          box.querySelector("input[name=address_detail]").focus();
        },
      }).open();
    });
  });
});
