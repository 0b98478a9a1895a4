// "내 위치": asks the browser for the position (only when pressed) and searches nearest first.
// If the position is refused or unavailable, the typed area is the fallback.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("branch-search");
  const button = form && form.querySelector("[data-locate]");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  const error = form.querySelector("[data-locate-error]");
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
        form.querySelector("[name=near]").value = "";
        form.submit();
      },
      () => {
        button.disabled = false;
        if (error) error.hidden = false;
        form.querySelector("[name=near]").focus();
      },
      { timeout: 10000, maximumAge: 300000 }
    );
  });
});
