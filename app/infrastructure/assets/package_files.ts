import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/*
 * Serves a few files of an installed package (so pages need no CDN and
 * nothing is copied into git): `module` is resolved like an import, and only
 * the listed names can be fetched; a requested name is looked up, never
 * joined into a path as given. Returns the lookup: name → absolute path.
 */
export function packageFiles(module: string, files: string[]) {
  const directory = dirname(fileURLToPath(import.meta.resolve(module)))
  const paths = new Map(files.map((file) => [file, join(directory, file)]))
  return (file: string): string | null => paths.get(file) ?? null
}
