/*
 * Ace entry point. Commands boot the application only when they ask for it
 * (options.startApp).
 */
// First: the tracing instrumentations patch modules as they are loaded (long-running commands only).
const tracing = await import('#infrastructure/tracing/sdk')
const traced = tracing.serviceOfCommand(process.argv[2])
if (traced) await tracing.startTracing(traced, new URL('../', import.meta.url))
await import('reflect-metadata')
const { Ignitor, prettyPrintError } = await import('@adonisjs/core')

const APP_ROOT = new URL('../', import.meta.url)
const IMPORTER = (filePath: string) => {
  if (filePath.startsWith('./') || filePath.startsWith('../')) {
    return import(new URL(filePath, APP_ROOT).href)
  }
  return import(filePath)
}

new Ignitor(APP_ROOT, { importer: IMPORTER })
  .tap((app) => {
    app.booting(async () => {
      await import('#start/env')
    })
    app.terminating(() => tracing.shutdownTracing())
    /*
     * Long-running commands (worker, relay) bound their own drain; once the
     * app has terminated, a socket left open (a provider call abandoned past
     * the grace) must not keep the process alive.
     */
    const terminate = async () => {
      await app.terminate()
      process.exit()
    }
    app.listen('SIGTERM', terminate)
    app.listen('SIGINT', terminate)
  })
  .ace()
  .handle(process.argv.splice(2))
  .catch((error) => {
    process.exitCode = 1
    prettyPrintError(error)
  })
