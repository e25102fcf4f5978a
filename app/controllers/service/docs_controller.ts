export default class DocsController {
  async openapi() {
    return { openapi: '3.1.0' }
  }
  async ui() {
    return 'docs'
  }
}
