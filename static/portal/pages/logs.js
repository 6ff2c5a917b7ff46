// The request logs' filters and pages swap their panel with htmx (see logs.html). htmx leaves 4xx
// answers unswapped by default; the logs answer 400 with the form's errors, which must be shown,
// so panels marked data-swap-errors take them too. No inline script: the CSP forbids it.
document.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 && event.detail.target.closest("[data-swap-errors]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
