"use strict";
// Swagger UI for the Peygir API, served as a file of its own (the site's CSP runs no inline script).
// drf-spectacular's script, less its OAuth parts, and without the validator badge (an image from
// another site). The token typed under "Authorize" is sent with every "Try it out" request.

const swaggerSettings = {{ settings|safe }};

const requestInterceptor = (request) => {
  if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
    request.headers["{{ csrf_header_name }}"] = "{{ csrf_token }}";
  }
  return request;
};

window.ui = SwaggerUIBundle({
  url: "{{ schema_url|escapejs }}",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  requestInterceptor,
  ...swaggerSettings,
  validatorUrl: null,
});
