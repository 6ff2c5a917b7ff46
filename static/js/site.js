// Progressive enhancement for every page (loaded with defer; no inline scripts anywhere: the
// Content-Security-Policy forbids them). Without JavaScript every page still works.

// Copy buttons: <button type="button" data-copy-target="element-id">Copy</button>
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copyTarget);
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(() => {
    const label = button.textContent;
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});

// htmx requests carry the CSRF token from the page's <meta name="csrf-token">.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRFToken"] = token.content;
});

// Regions that scroll sideways (a wide table, a long line of code on a phone) take keyboard
// focus, so they can be scrolled without a mouse (WCAG 2.1.1; axe's scrollable-region-focusable).
const focusScrollable = (root) => {
  root.querySelectorAll(".table-wrap, pre").forEach((region) => {
    if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
      region.tabIndex = 0;
    }
  });
};
focusScrollable(document);
document.addEventListener("htmx:afterSwap", (event) => focusScrollable(event.target));
window.addEventListener("resize", () => focusScrollable(document));
