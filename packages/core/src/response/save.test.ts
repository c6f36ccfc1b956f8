import { execFileSync } from 'node:child_process'
import { lstatSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { failure } from '../test-support'
import { GeneratedImage } from './generated-image'

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC'
const image = GeneratedImage.from_b64(PNG_B64)

let folder: string
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'llmkit-save-'))
})
afterAll(() => rm(folder, { recursive: true, force: true }))

const leftovers = async () => (await readdir(folder)).filter((name) => name.endsWith('.tmp'))

describe('save() writes only regular files', () => {
  it.each(['/dev/null', '/dev/full', '/dev/zero'])(
    'refuses to replace the device %s (even as root)',
    async (device) => {
      const error = await failure(image.save(device))
      expect(error.code).toBe('invalid_request')
      expect(error.message).toBe(
        `Refused to write ${device}: it is a device, and llmkit only writes regular files; choose another path`,
      )
      expect(lstatSync(device).isCharacterDevice()).toBe(true)
    },
  )

  it.each([
    ['a symlink to a device', '/dev/null'],
    ['a symlink to standard output', '/proc/self/fd/1'],
    ['a symlink to a regular file', '/etc/hostname'],
  ])('refuses %s without following it', async (_label, target) => {
    const link = join(folder, `link-${Math.random().toString(36).slice(2)}.png`)
    await symlink(target, link)
    const error = await failure(image.save(link))
    expect(error.message).toContain('it is a symbolic link')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(await leftovers()).toEqual([])
  })

  it('refuses a FIFO at once (never opens it, so nothing hangs)', async () => {
    const fifo = join(folder, 'pipe.png')
    execFileSync('mkfifo', [fifo])
    const error = await failure(image.save(fifo))
    expect(error.message).toContain('it is a FIFO')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it('refuses a socket and a directory', async () => {
    const path = join(folder, 'socket.png')
    const server = createServer()
    await new Promise<void>((resolve) => server.listen(path, resolve))
    try {
      expect((await failure(image.save(path))).message).toContain('it is a socket')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    const directory = join(folder, 'a-folder.png')
    await mkdir(directory)
    expect((await failure(image.save(directory))).message).toContain('it is a directory')
    expect(lstatSync(directory).isDirectory()).toBe(true)
  })

  it('replaces a regular file whole and leaves no temporary file', async () => {
    const path = join(folder, 'replace.png')
    await writeFile(path, 'old')
    await image.save(path)
    expect((await readFile(path)).toString('base64')).toBe(PNG_B64)
    expect(await leftovers()).toEqual([])
  })
})

describe('save() folders and failures', () => {
  it('does not create a missing folder unless asked', async () => {
    const path = join(folder, 'missing', 'deeper', 'cat.png')
    const error = await failure(image.save(path))
    expect([error.code, error.message]).toEqual([
      'invalid_request',
      `Could not save the image to ${path}: its folder does not exist; create it first or pass { mkdir: true } (ENOENT)`,
    ])
    await expect(readdir(join(folder, 'missing'))).rejects.toThrow()
    await image.save(path, { mkdir: true })
    expect((await readFile(path)).toString('base64')).toBe(PNG_B64)
  })

  it('a path through a file is a typed error', async () => {
    const file = join(folder, 'plain-file')
    await writeFile(file, 'x')
    const error = await failure(image.save(join(file, 'cat.png')))
    expect(error.message).toContain('a part of the path is not a folder')
  })

  // Root ignores permission bits, so a chmod'ed folder would not fail here; sysfs refuses even root.
  it.runIf(process.platform === 'linux')(
    'a folder nobody may write in (/sys, even as root) is a typed error',
    async () => {
      const error = await failure(image.save('/sys/llmkit-test.png'))
      expect(error.code).toBe('invalid_request')
      expect(error.message).toMatch(
        /^Could not save the image to \/sys\/llmkit-test\.png: (no permission|the file system is read-only|the system does not permit)/,
      )
    },
  )

  it('a non-string path is invalid_request, not a TypeError', async () => {
    expect((await failure(image.save(undefined as unknown as string))).code).toBe('invalid_request')
  })
})
