// kpiboard's JavaScript: starts GOV.UK Frontend's components, and starts them again in the
// parts of a page that htmx replaces. Every page works without it: links and forms are plain
// HTML, and JavaScript only makes them nicer (menus on small screens, error summaries that take
// the focus, regions that update in place).
import { initAll } from "./govuk-frontend.min.js";

initAll();

// Content swapped in by htmx (htmx 2 fires htmx:load for each new element): start the GOV.UK
// components inside it. initAll skips elements whose component is already started.
document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element && event.target !== document.body) {
    initAll({ scope: event.target });
  }
});

// A region that has just been replaced tells assistive technology about it when it asks to:
// <div hx-... data-kb-focus-after-swap> moves the focus to its first heading (or itself).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail && event.detail.target;
  if (!(target instanceof Element) || !target.hasAttribute("data-kb-focus-after-swap")) {
    return;
  }
  const heading = target.querySelector("h1, h2, h3") || target;
  if (!heading.hasAttribute("tabindex")) {
    heading.setAttribute("tabindex", "-1");
  }
  heading.focus();
});
