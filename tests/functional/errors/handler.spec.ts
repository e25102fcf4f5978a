import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import { test } from '@japa/runner'
import vine, { errors as vineErrors } from '@vinejs/vine'
import testUtils from '@adonisjs/core/services/test_utils'
import HttpExceptionHandler from '#exceptions/handler'
import { assertErrorBody } from '#tests/support/error_shape'

/* A real HttpContext for a request to an /api/v1 URL, which the handler answers in JSON. */
async function apiContext(url = '/api/v1/accounts', method = 'POST') {
  const req = new IncomingMessage(new Socket())
  req.url = url
  req.method = method
  return testUtils.createHttpContext({ req, res: new ServerResponse(req) })
}

async function validationError(validate: () => Promise<unknown>) {
  const error = await validate().then(
    () => null,
    (caught: unknown) => caught
  )
  if (!(error instanceof vineErrors.E_VALIDATION_ERROR)) throw new Error('expected a VineJS error')
  return error
}

test.group('Error handler | conversion to the contract format', () => {
  test('a VineJS error becomes one E_VALIDATION_ERROR entry per field', async ({ assert }) => {
    const validator = vine.create({
      external_ref: vine.string().minLength(1),
      currency: vine.string().fixedLength(3),
      // Two rules fail for this field; VineJS reports the first one only.
      email: vine.string().minLength(10).email(),
      limit: vine.number().min(1),
    })
    const error = await validationError(() =>
      validator.validate({ external_ref: '', currency: 12, email: 'x', limit: 5 })
    )
    const ctx = await apiContext()

    await new HttpExceptionHandler().handle(error, ctx)

    assert.equal(ctx.response.getStatus(), 422)
    const entries = assertErrorBody(assert, ctx.response.getBody(), 'E_VALIDATION_ERROR')
    assert.deepEqual(
      entries.map((entry) => entry.field),
      ['external_ref', 'currency', 'email']
    )
    assert.deepEqual(
      entries,
      (error.messages as { field: string; rule: string; message: string }[]).map(
        ({ field, rule, message }) => ({ code: 'E_VALIDATION_ERROR', field, rule, message })
      )
    )
    assert.equal(entries.find((entry) => entry.field === 'email')?.rule, 'minLength')
    assert.equal(entries.find((entry) => entry.field === 'currency')?.rule, 'string')
  })

  test('nested fields keep their dotted path', async ({ assert }) => {
    const validator = vine.create({
      recipient: vine.object({ iban: vine.string().minLength(15) }),
    })
    const error = await validationError(() => validator.validate({ recipient: { iban: 'x' } }))
    const ctx = await apiContext()

    await new HttpExceptionHandler().handle(error, ctx)

    assert.equal(ctx.response.getStatus(), 422)
    const [entry] = assertErrorBody(assert, ctx.response.getBody(), 'E_VALIDATION_ERROR')
    assert.equal(entry.field, 'recipient.iban')
    assert.equal(entry.rule, 'minLength')
  })

  test('an unexpected error is a 500 that names the request id and hides the cause', async ({
    assert,
  }) => {
    const ctx = await apiContext('/api/v1/me', 'GET')
    const error = new Error('connection string postgres://secret@db leaked')

    await new HttpExceptionHandler().handle(error, ctx)

    assert.equal(ctx.response.getStatus(), 500)
    const [entry] = assertErrorBody(assert, ctx.response.getBody(), 'E_INTERNAL_ERROR')
    assert.include(entry.message, ctx.request.id()!)
    assert.notInclude(JSON.stringify(ctx.response.getBody()), 'secret')
  })
})
