// Sign-up: suggest a workspace address from the organisation name until the person edits it
// (htmx then checks it, as it does when they type one). Without JavaScript they type it.
(function () {
  const name = document.getElementById("id_organisation_name");
  const slug = document.getElementById("id_slug");
  if (!name || !slug) return;
  let edited = slug.value !== "";
  slug.addEventListener("input", () => { edited = true; });
  name.addEventListener("input", () => {
    if (edited) return;
    slug.value = name.value.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "").slice(0, 40)
      .replace(/-+$/, "");
    slug.dispatchEvent(new Event("slug-suggested"));
  });
})();
