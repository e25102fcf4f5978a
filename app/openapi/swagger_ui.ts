import { packageFiles } from '#infrastructure/assets/package_files'

/* Swagger UI served from the installed swagger-ui-dist package, so /docs works offline. */
export const ASSET_PATH = '/docs/assets'

/* Our own initializer replaces the package's, which points at the Petstore demo. */
export const INITIALIZER = 'swagger-initializer.js'

export const swaggerAssetPath = packageFiles('swagger-ui-dist/package.json', [
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
])

export function swaggerInitializer(documentUrl: string): string {
  const options = {
    url: documentUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // A bearer token typed into the page must not outlive it (localStorage would keep it).
    persistAuthorization: false,
    layout: 'BaseLayout',
  }
  return `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle(Object.assign(${JSON.stringify(options)}, {
    presets: [SwaggerUIBundle.presets.apis],
  }))
})
`
}

/* No inline script, so the page also works under a strict Content-Security-Policy. */
export function swaggerPage(title: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${title}</title>
    <link rel="stylesheet" href="${ASSET_PATH}/swagger-ui.css">
    <link rel="icon" type="image/png" href="${ASSET_PATH}/favicon-32x32.png" sizes="32x32">
    <link rel="icon" type="image/png" href="${ASSET_PATH}/favicon-16x16.png" sizes="16x16">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${ASSET_PATH}/swagger-ui-bundle.js"></script>
    <script src="${ASSET_PATH}/${INITIALIZER}"></script>
  </body>
</html>
`
}
