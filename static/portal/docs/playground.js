/* The playground (templates/portal/docs/playground.html): Swagger UI from
 * drf-spectacular-sidecar, pre-authorised with the member's short-lived sandbox key, which the
 * page hands over in a json_script block (the Content-Security-Policy allows no inline script).
 *
 * The key also goes to sessionStorage["openchance:graphiql:key"], which GraphiQL at /v1/graphql
 * (same origin) reads to pre-fill its Authorization header. It is never persisted in
 * localStorage nor put in a URL.
 */
(function () {
  "use strict";
  var holder = document.getElementById("playground-config");
  var root = document.getElementById("swagger-ui");
  if (!holder || !root) return;
  var config = JSON.parse(holder.textContent);
  var graphiqlLink = document.getElementById("open-graphiql");

  function rememberForGraphiql() {
    try {
      window.sessionStorage.setItem("openchance:graphiql:key", config.key);
    } catch (error) {
      /* storage disabled: GraphiQL's headers editor still takes the key by hand */
    }
  }
  rememberForGraphiql();
  if (graphiqlLink) {
    graphiqlLink.addEventListener("click", rememberForGraphiql);
  }

  var ui = window.SwaggerUIBundle({
    url: config.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: false,
    displayOperationId: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
    onComplete: function () {
      ui.preauthorizeApiKey("bearerAuth", config.key);
      root.setAttribute("data-authorized", "true");
    },
  });
  window.openchancePlayground = ui;
})();
