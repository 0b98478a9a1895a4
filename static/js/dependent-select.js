// <select data-dependent-on="id_main_category">: show only the options whose data-main matches the
// chosen main category (중분류 under 대분류). Works without JavaScript too: the server validates.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("select[data-dependent-on]").forEach((child) => {
    const parent = document.getElementById(child.dataset.dependentOn);
    if (!parent) return;
    const sync = () => {
      const main = parent.value;
      child.querySelectorAll("option[data-main]").forEach((option) => {
        const visible = !main || option.dataset.main === main;
        option.hidden = !visible;
        option.disabled = !visible;
      });
      const chosen = child.selectedOptions[0];
      if (chosen && chosen.disabled) child.value = "";
    };
    parent.addEventListener("change", sync);
    sync();
  });
});
