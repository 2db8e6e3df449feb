// The dashboard's filters: htmx sends the form as the browser would, but the address it
// pushes leaves out the filters that are not set (?status=red rather than
// ?period=...&set=all&status=red&key_commitment=&directorate=&q=).
document.addEventListener("htmx:configRequest", (event) => {
  const form = event.target instanceof Element ? event.target.closest("[data-kb-drop-empty]") : null;
  if (!form) {
    return;
  }
  const parameters = event.detail.parameters;
  for (const name of Array.from(Object.keys(parameters))) {
    if (parameters[name] === "") {
      delete parameters[name];
    }
  }
});
