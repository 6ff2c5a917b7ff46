/* GraphiQL for /v1/graphql, from vendored assets (no inline script: pages allow 'self' only).
 *
 * The API key goes in the headers editor as {"Authorization": "Bearer oc_test_…"}. A page of
 * the same origin (the developer portal) may pre-fill it by storing the key under
 * sessionStorage["openchance:graphiql:key"] before opening this page; keys never travel in URLs.
 */
(function () {
  "use strict";
  var root = document.getElementById("graphiql");
  var endpoint = root.getAttribute("data-endpoint") || "/v1/graphql";
  var key = null;
  try {
    key = window.sessionStorage.getItem("openchance:graphiql:key");
  } catch (error) {
    key = null; // storage disabled: the headers editor still works
  }
  var headers = key ? JSON.stringify({ Authorization: "Bearer " + key }, null, 2) : "";
  var fetcher = window.GraphiQL.createFetcher({ url: endpoint });
  root.textContent = "";
  window.ReactDOM.createRoot(root).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: headers || '{\n  "Authorization": "Bearer oc_test_…"\n}',
      shouldPersistHeaders: false,
      defaultQuery:
        "# OpenChance GraphQL API v1: put your key in Headers, then run.\n" +
        "{\n  me { tenant { id livemode } plan { code } }\n" +
        "  challenges(first: 5) {\n    totalCount\n" +
        "    edges { cursor node { id title status } }\n  }\n}\n",
    })
  );
})();
