import {
  errorFromResponse,
  GeneratedImage,
  invalidRequest,
  LLMKitError,
  type HttpResponse,
  type ImageCall,
  type ImageJob,
  type JobStatus,
  type ProviderContext,
  type StartResult,
  joinUrlPath,
  parseResponse,
  definedFields,
} from '@llmkit/core'
import type * as z from 'zod'
import { codeForFailure, readRunwayError, runwayCreateSchema, runwayTaskSchema, type RunwayTask } from './runway-api'
import { type RunwayImageOptions } from './runway-options'

/** What the provider's settings resolve to for one request. */
export interface RunwayRequestConfig {
  /** Base URL without `/v1` (`https://api.dev.runwayml.com`). */
  readonly baseURL: string
  readonly headers: Record<string, string | undefined>
  readonly secrets: readonly string[]
}

/** Maps one call to the body of `POST /v1/text_to_image`. */
export function toRunwayBody(call: ImageCall): Record<string, unknown> {
  const options = call.options as RunwayImageOptions
  const body: Record<string, unknown> = {
    model: call.model.id,
    promptText: call.prompt,
    ratio: `${call.width}:${call.height}`,
    seed: call.seed,
    referenceImages: options.referenceImages,
  }
  if (options.publicFigureThreshold) body.contentModeration = { publicFigureThreshold: options.publicFigureThreshold }
  return definedFields(body)
}

function fail(response: HttpResponse, modelId: string, config: RunwayRequestConfig): LLMKitError {
  const { message, code } = readRunwayError(response.text())
  return errorFromResponse({ provider: 'runway', model: modelId, response, message, code, secrets: config.secrets })
}

function parse<T>(schema: z.ZodType<T>, response: HttpResponse, modelId: string): T {
  return parseResponse(schema, response, { provider: 'runway', model: modelId })
}

/** Starts a task. */
export async function startRunwayTask(
  call: ImageCall,
  context: ProviderContext,
  config: RunwayRequestConfig,
): Promise<StartResult> {
  if (call.model.id === 'gen4_image_turbo' && !(call.options as RunwayImageOptions).referenceImages?.length) {
    throw invalidRequest(
      'gen4_image_turbo needs 1-3 reference images: pass them as the runway option referenceImages, or use gen4_image',
      { provider: 'runway', model: call.model.id },
    )
  }
  const response = await context.http.send({
    method: 'POST',
    url: `${config.baseURL}/v1/text_to_image`,
    headers: config.headers,
    json: toRunwayBody(call),
    stage: 'submit',
    secrets: config.secrets,
  })
  if (!response.ok) throw fail(response, call.model.id, config)
  const { id } = parse(runwayCreateSchema, response, call.model.id)
  return { id }
}

/** Asks once where the task stands. */
export async function runwayTaskStatus(
  job: ImageJob,
  context: ProviderContext,
  config: RunwayRequestConfig,
): Promise<JobStatus> {
  const response = await context.http.send({
    url: joinUrlPath(config.baseURL, 'v1', 'tasks', job.id),
    headers: config.headers,
    stage: 'status',
    secrets: config.secrets,
  })
  if (!response.ok) throw fail(response, job.model, config)
  return toJobStatus(parse(runwayTaskSchema, response, job.model), job)
}

/** Cancels a running task (on a finished one the API deletes it instead). */
export async function cancelRunwayTask(
  job: ImageJob,
  context: ProviderContext,
  config: RunwayRequestConfig,
): Promise<void> {
  const response = await context.http.send({
    method: 'DELETE',
    url: joinUrlPath(config.baseURL, 'v1', 'tasks', job.id),
    headers: { ...config.headers, accept: '*/*' },
    stage: 'cancel',
    secrets: config.secrets,
  })
  if (!response.ok && response.status !== 404) throw fail(response, job.model, config)
}

/** A task as core's job status. */
export function toJobStatus(task: RunwayTask, job: ImageJob): JobStatus {
  switch (task.status) {
    case 'PENDING':
      return { state: 'pending', phase: 'queued' }
    case 'THROTTLED':
      return {
        state: 'pending',
        phase: 'queued',
        message: 'throttled: waiting for a free slot under your concurrency limit',
      }
    case 'RUNNING':
      // Documented as a number; 0..1 in practice, a percentage tolerated.
      return {
        state: 'pending',
        phase: 'running',
        progress: task.progress === undefined ? undefined : task.progress > 1 ? task.progress / 100 : task.progress,
      }
    case 'SUCCEEDED':
      return {
        state: 'completed',
        images: (task.output ?? []).map((url) =>
          GeneratedImage.from_url(url, { width: job.call.width, height: job.call.height }),
        ),
      }
    case 'FAILED': {
      const { code, isRetryable } = codeForFailure(task.failureCode)
      const reason = `${task.failure ?? 'no reason given'}${task.failureCode ? ` (${task.failureCode})` : ''}`
      return {
        state: 'failed',
        error: new LLMKitError({
          code,
          isRetryable,
          provider: 'runway',
          model: job.model,
          message: `runway: task ${task.id} failed: ${reason}${code === 'content_policy' ? ' — rephrase the prompt; retrying the same input will fail again' : ''}`,
        }),
      }
    }
    case 'CANCELLED':
      return {
        state: 'failed',
        error: new LLMKitError({
          code: 'aborted',
          isRetryable: false,
          provider: 'runway',
          model: job.model,
          message: `runway: task ${task.id} was cancelled or deleted upstream (from another client or the dashboard); start a new one if you still want the image`,
        }),
      }
    default:
      return { state: 'pending', phase: 'running', message: task.status }
  }
}
