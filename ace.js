/*
 * JavaScript entry point for ace. The TypeScript loader is registered first so
 * the rest of the application can stay in TypeScript without a build step.
 */
import '@poppinss/ts-exec'

await import('./bin/console.js')
