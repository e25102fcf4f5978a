import { test } from '@japa/runner'
import edge from 'edge.js'

test.group('Dashboard error pages', () => {
  test('an unknown page gets the friendly 404 page without a session', async ({ client }) => {
    const response = await client.get('/no-such-page').header('accept', 'text/html')
    response.assertStatus(404)
    response.assertTextIncludes('Page not found')
    response.assertTextIncludes('href="/css/app.css"')
  })

  test('the 500 page renders without session or auth and shows the request id', async ({
    assert,
  }) => {
    const html = await edge.render('pages/errors/server_error', { requestId: 'req-1234' })
    assert.include(html, 'Something went wrong')
    assert.include(html, '<code data-testid="request-id">req-1234</code>')
    assert.notInclude(html, 'Sign out')
  })

  test('the stylesheet and script are served by the application', async ({ client }) => {
    const css = await client.get('/css/app.css')
    css.assertStatus(200)
    css.assertHeader('content-type', 'text/css; charset=utf-8')
    const js = await client.get('/js/app.js')
    js.assertStatus(200)
    js.assertTextIncludes('data-confirm')
  })
})
