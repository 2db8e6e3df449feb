// GOV.UK Frontend's body classes, set before the page is drawn (a file of its own, loaded at
// the top of <body>: the Content-Security-Policy allows no inline script).
document.body.className += " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
