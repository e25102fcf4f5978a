import { test } from '@japa/runner'

test.group('Swagger UI | /docs served without a CDN', () => {
  test('the page loads its assets from our own routes only', async ({ client, assert }) => {
    const response = await client.get('/docs')

    response.assertStatus(200)
    assert.match(String(response.header('content-type')), /^text\/html/)
    const html = response.text()
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1])
    assert.includeMembers(urls, [
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-initializer.js',
    ])
    for (const url of urls) assert.match(url, /^\/docs\/assets\/[\w.-]+$/)
    assert.notMatch(html, /<script>[^<]/, 'no inline script')
  })

  test('every asset the page names is served with its content type', async ({ client, assert }) => {
    const page = await client.get('/docs')
    const html = page.text()
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1])
    const types: Record<string, RegExp> = {
      css: /^text\/css/,
      js: /^(text|application)\/javascript/,
      png: /^image\/png/,
    }

    for (const url of urls) {
      const response = await client.get(url)
      response.assertStatus(200)
      const extension = url.split('.').pop()!
      assert.match(String(response.header('content-type')), types[extension], url)
    }
  })

  test('the bundle is the installed swagger-ui-dist file', async ({ client, assert }) => {
    const response = await client.get('/docs/assets/swagger-ui-bundle.js')

    response.assertStatus(200)
    assert.isAbove(Number(response.header('content-length')), 100_000)
  })

  test('the initializer points Swagger UI at /openapi.json', async ({ client, assert }) => {
    const response = await client.get('/docs/assets/swagger-initializer.js')

    response.assertStatus(200)
    assert.include(response.text(), 'SwaggerUIBundle(')
    assert.include(response.text(), '"url":"/openapi.json"')
    assert.notInclude(response.text(), 'petstore')
  })

  test('anything outside the allowlist is a 404: {$self}')
    .with([
      'index.html',
      'package.json',
      'swagger-ui-bundle.js.map',
      '..%2Fpackage.json',
      '..%2F..%2F..%2Fpackage.json',
      '%2Fetc%2Fpasswd',
      'SWAGGER-UI.CSS',
    ])
    .run(async ({ client }, file) => {
      const response = await client.get(`/docs/assets/${file}`)
      response.assertStatus(404)
    })
})
