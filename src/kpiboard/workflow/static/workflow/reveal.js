// Each figure's radios show the chosen option's inputs and hide the others (GOV.UK's own
// conditional reveal sets aria-expanded on the radios, which ARIA does not allow on a radio).
// Without JavaScript every input shows, and the chosen radio says which count.
document.querySelectorAll(".kb-reveal").forEach((group) => {
  const sync = () => group.querySelectorAll(".govuk-radios__input").forEach((radio) => {
    const panel = document.getElementById(radio.id.replace(/_\d+$/, "") + "-conditional-" + radio.value);
    if (panel) panel.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  });
  group.addEventListener("change", sync);
  sync();
});
