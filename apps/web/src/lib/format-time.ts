// Date and time wording for the request log and the usage charts. Day buckets start at UTC
// midnight (as the server buckets them), so they are named in UTC to avoid an off-by-one day.
import type { Bucket } from './periods'

const dateTime = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})
const date = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric' })
const hour = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hour12: false })
const hourLong = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })

/** A request's time, to the second. */
export const formatDateTime = (iso: string): string => dateTime.format(new Date(iso))

/** A key's creation or revocation day. */
export const formatDate = (iso: string): string => date.format(new Date(iso))

/** A bucket start on a chart axis: the hour, or the day. */
export const formatBucket = (start: number, bucket: Bucket): string =>
  (bucket === 'hour' ? hour : day).format(start)

/** A bucket start in a tooltip, with the day for hour buckets. */
export const formatBucketLong = (start: number, bucket: Bucket): string =>
  bucket === 'hour' ? hourLong.format(start) : day.format(start)
