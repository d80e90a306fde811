import express, { Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

/** The browsable API reference: Swagger UI, served from the installed package, reading our OpenAPI document. */
export function docsPage(openapiUrl: string): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Switchboard API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="./swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="./swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: ${JSON.stringify(openapiUrl)}, dom_id: '#reference', deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>`);
  });
  router.use(express.static(getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  return router;
}
